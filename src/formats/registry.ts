/**
 * The format registry: the source formats schemes are read from (by extension or --from) and the
 * target formats they are written to (by extension or --to).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { Scheme } from '../scheme/index.ts';
import { InputError } from './errors.ts';
import type { ImportOptions, Importer } from './importer.ts';
import { parseSchemeJson, schemeToJson } from './json.ts';
import { readAlphaTensorNpz } from './npz/alphatensor.ts';
import { importPerminov } from './perminov.ts';
import { importFastMatmul } from './fastmatmul.ts';
import { importPlinopt } from './plinopt.ts';
import { readExp, writeExp } from './exp.ts';
import { toLatex, toMarkdown } from './algorithm.ts';
import { readMaple } from './maple.ts';
import { readMpl } from './mpl.ts';

/** A named source format: how to recognise it and how to read it. */
interface SourceFormat {
  name: string;
  description: string;
  extensions: string[];
  read: (data: Uint8Array, file: string, opts: ImportOptions) => { label: string; scheme: Scheme<unknown> }[];
}

const one = (imp: Importer): SourceFormat['read'] => (data, file, opts) => [{ label: '', scheme: imp(data, file, opts) }];

const readJson: Importer = (data, file) => parseSchemeJson(new TextDecoder().decode(data), file);

/** An .npz holds one scheme per format: all of them, or the one --format names. */
const readNpz: SourceFormat['read'] = (data, file, opts) => {
  const all = readAlphaTensorNpz(data, file, opts);
  if (!opts.format) return [...all].map(([label, scheme]) => ({ label, scheme }));
  const key = opts.format.join(',');
  const s = all.get(key);
  if (!s) throw new InputError(file, '--format', `no member ${key}; the archive holds ${[...all.keys()].join(' ')}`);
  return [{ label: key, scheme: s }];
};

const SOURCES: SourceFormat[] = [
  { name: 'json', description: 'stlkit scheme JSON (also AlphaEvolve and the converted shared data)', extensions: ['.json'], read: one(readJson) },
  { name: 'alphatensor', description: 'AlphaTensor factorizations_{r,f2}.npz (every member, or the one --format names)', extensions: ['.npz'], read: readNpz },
  { name: 'exp', description: 'flip-graph .exp (trace form a_ij b_jk c_ki) and symmetric-flips .txt; "mod2" in the name means Z2', extensions: ['.exp', '.txt'], read: one(readExp) },
  { name: 'maple', description: 'flip-graph Maple .m lists {{A}, {B}, {Cᵀ}} per product', extensions: ['.m'], read: one(readMaple) },
  { name: 'mpl', description: 'fmm catalogue Maple TriadSet (.tensor.mpl)', extensions: ['.mpl'], read: one(readMpl) },
  { name: 'perminov', description: 'Perminov JSON {n, m, z2, u, v, w} (w over Cᵀ), and its addition-reduced form', extensions: [], read: one(importPerminov) },
  { name: 'fast-matmul', description: 'Benson–Ballard coefficient files: U # V # W, columns = products', extensions: [''], read: one(importFastMatmul) },
  { name: 'plinopt', description: 'PLinOpt .sms matrices or .slp programs <base>_L, _R, _P (give any one of them; factored -ALT/-CoB and _X_A/_X_C variants are multiplied out)', extensions: ['.sms', '.slp'], read: one(importPlinopt) },
];

export const SOURCE_NAMES = () => SOURCES.map((s) => s.name);
export const describeSources = () => SOURCES.map((s) => `${s.name.padEnd(12)} ${s.description}`).join('\n');

/** Pick a source format from --from, else from the extension and, for .json, the keys present. */
function detect(file: string, data: Uint8Array, from?: string): SourceFormat {
  if (from) {
    const s = SOURCES.find((x) => x.name === from);
    if (!s) throw new InputError(file, '--from', `unknown source format "${from}"; expected one of ${SOURCE_NAMES().join(', ')}`);
    return s;
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    const head = new TextDecoder().decode(data.subarray(0, 4096));
    const perminov = SOURCES.find((x) => x.name === 'perminov');
    if (perminov && /"n"\s*:/.test(head) && /"z2"\s*:/.test(head)) return perminov;
    return SOURCES[0];
  }
  const byExt = SOURCES.find((x) => x.extensions.includes(ext));
  if (byExt) return byExt;
  const fallback = SOURCES.find((x) => x.extensions.includes(''));
  if (fallback && ext === '') return fallback;
  throw new InputError(file, '', `cannot tell the format from the extension "${ext}"; pass --from (${SOURCE_NAMES().join(', ')})`);
}

export interface LoadOptions extends ImportOptions {
  from?: string;
}

/** Read every scheme in a file: an .npz holds many, labelled by member; other formats one, labelled "". */
export function loadSchemes(file: string, opts: LoadOptions = {}): { label: string; scheme: Scheme<unknown> }[] {
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? (err as Error).message})`);
  }
  const ext = extname(file).toLowerCase();
  if (opts.from || !GENERIC_EXTENSIONS.has(ext)) return detect(file, data, opts.from).read(data, file, opts);
  return readByCandidates(file, data, ext, opts);
}

/** Extensions that say nothing about the format: every source that claims one is tried in turn. */
const GENERIC_EXTENSIONS = new Set(['.txt', '']);

/**
 * Read a file whose extension does not name its format with each source that claims the extension,
 * in the order of SOURCES; the first that reads it wins. When none does, one line names every
 * candidate tried and why it refused, so a format no importer knows is not reported as a stray
 * character of the first one.
 */
function readByCandidates(file: string, data: Uint8Array, ext: string, opts: LoadOptions) {
  const candidates = SOURCES.filter((x) => x.extensions.includes(ext));
  if (candidates.length === 0) return detect(file, data).read(data, file, opts);
  const refusals: string[] = [];
  for (const c of candidates) {
    try {
      return c.read(data, file, opts);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // A source that recognised the file and refused it on purpose (border rank, √3, …) has the last word.
      if (candidates.length === 1 && !looksUnrecognised(err)) throw err;
      refusals.push(`${c.name} (${err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message})`);
    }
  }
  const what = ext ? `the extension ${ext}` : 'a file without an extension';
  throw new InputError(file, '', `no importer recognises it; tried the ones for ${what}: ${refusals.join('; ')}; pass --from (${SOURCE_NAMES().join(', ')})`);
}

/** A refusal about the file's syntax (a stray character, a missing block), not about its content. */
function looksUnrecognised(err: InputError): boolean {
  return !/not supported|cannot be imported|no exact representation/.test(err.problem);
}

/** Read a file that must hold exactly one scheme. */
export function loadScheme(file: string, opts: LoadOptions = {}): Scheme<unknown> {
  const all = loadSchemes(file, opts);
  if (all.length !== 1) throw new InputError(file, '', `holds ${all.length} schemes; pick one with --format n,m,p`);
  return all[0].scheme;
}

/** A target format: its name (also the file extension it is chosen by) and how a scheme is written. */
interface Exporter {
  name: string;
  /** Further extensions that choose it, without the dot. */
  aliases: string[];
  write: (s: Scheme<unknown>) => string;
}

const EXPORTERS: Exporter[] = [
  { name: 'json', aliases: [], write: schemeToJson },
  { name: 'exp', aliases: [], write: writeExp },
  { name: 'md', aliases: ['markdown'], write: toMarkdown },
  { name: 'tex', aliases: [], write: toLatex },
];

export const EXPORTER_NAMES = () => EXPORTERS.map((x) => x.name);

/** The exporter named by --to, else the one the output file's extension names. */
export function exporterFor(out: string, to?: string): string {
  if (to) return to;
  const ext = out.split('.').pop()?.toLowerCase() ?? '';
  const e = EXPORTERS.find((x) => x.name === ext || x.aliases.includes(ext));
  if (e) return e.name;
  throw new InputError(out, '', `cannot tell the output format from the extension; pass --to (${EXPORTER_NAMES().join(', ')})`);
}

/** The scheme written in the named target format (one of EXPORTER_NAMES). */
export function exportScheme(s: Scheme<unknown>, to: string): string {
  const e = EXPORTERS.find((x) => x.name === to);
  if (!e) throw new Error(`unknown output format "${to}"; expected one of ${EXPORTER_NAMES().join(', ')}`);
  return e.write(s);
}
