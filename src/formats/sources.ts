/**
 * The source formats schemes are read from, and which one reads a given file: by --from, else by
 * the file's name and, where the name does not tell, by its content. Everything here works on
 * bytes already read, so the same detection serves the command line (registry.ts reads the file)
 * and a browser page (a dropped or pasted file).
 */
import type { Scheme } from '../scheme/index.ts';
import { extname } from '../util/path.ts';
import { InputError, NotSchemeError, UnsupportedError } from './errors.ts';
import { fieldMark } from './fieldmark.ts';
import type { ImportOptions, Importer } from './importer.ts';
import { parseSchemeJson, schemeFromObject } from './json.ts';
import { readAlphaTensorNpz } from './npz/alphatensor.ts';
import { importPerminov } from './perminov.ts';
import { importFastMatmul } from './fastmatmul.ts';
import { importPlinopt } from './plinopt.ts';
import { readExp } from './exp.ts';
import { readMaple } from './maple.ts';
import { readMpl } from './mpl.ts';
import { readPerminovTxt, sniffPerminovTxt } from './perminov-txt.ts';
import { readBini, sniffBini } from './bini.ts';
import { readYacas, sniffYacas } from './yacas.ts';

/** A named source format: how to recognise it and how to read it. */
interface SourceFormat {
  name: string;
  description: string;
  extensions: string[];
  read: (data: Uint8Array, file: string, opts: ImportOptions) => { label: string; scheme: Scheme<unknown> }[];
  /**
   * For extensions several formats share (.txt): why the start of a text looks like this format,
   * or null. Candidates whose sniff matches are tried first, and the reason is what --explain says.
   */
  sniff?: (head: string) => string | null;
}

const one = (imp: Importer): SourceFormat['read'] => (data, file, opts) => [{ label: '', scheme: imp(data, file, opts) }];

const readJson: Importer = (data, file) => parseSchemeJson(new TextDecoder().decode(data), file);

/**
 * A certificate of proofs/ (`stlkit certify`) holds its scheme as stlkit JSON under "scheme": read
 * so that a certified scheme can start a search or be converted. Like any file, what is read is
 * verified by whoever relies on it (`stlkit proofs check` checks the certificate itself).
 */
const readCertificate: Importer = (data, file) => {
  let doc: { scheme?: unknown };
  try {
    doc = JSON.parse(new TextDecoder().decode(data));
  } catch (err) {
    throw new InputError(file, '', `not a certificate: invalid JSON (${(err as Error).message})`);
  }
  if (!doc || !doc.scheme || typeof doc.scheme !== 'object') throw new InputError(file, 'scheme', 'a certificate without its scheme object');
  return schemeFromObject(doc.scheme, file);
};

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
  { name: 'certificate', description: 'an stlkit certificate (proofs/*.json): its scheme', extensions: [], read: one(readCertificate) },
  { name: 'alphatensor', description: 'AlphaTensor factorizations_{r,f2}.npz (every member, or the one --format names)', extensions: ['.npz'], read: readNpz },
  { name: 'exp', description: 'flip-graph .exp (trace form a_ij b_jk c_ki) and symmetric-flips .txt; Z2 where marked ("mod2" in the name, a flip-graph folder, "# field: Z2")', extensions: ['.exp', '.txt'], read: one(readExp) },
  { name: 'maple', description: 'flip-graph Maple .m lists {{A}, {B}, {Cᵀ}} per product', extensions: ['.m'], read: one(readMaple) },
  { name: 'mpl', description: 'fmm catalogue Maple TriadSet (.tensor.mpl)', extensions: ['.mpl'], read: one(readMpl) },
  { name: 'perminov', description: 'Perminov JSON {n, m, z2, u, v, w} (w over Cᵀ), and its addition-reduced form', extensions: [], read: one(importPerminov) },
  { name: 'fast-matmul', description: 'Benson–Ballard coefficient files: U # V # W, columns = products', extensions: [''], read: one(importFastMatmul) },
  { name: 'plinopt', description: 'PLinOpt .sms matrices or .slp programs <base>_L, _R, _P (give any one of them; factored -ALT/-CoB and _X_A/_X_C variants are multiplied out)', extensions: ['.sms', '.slp'], read: one(importPlinopt) },
  { name: 'perminov-txt', description: 'Perminov dense .txt: "n m p R", then u, v, w (w over Cᵀ) as integers or numerator denominator pairs; "_Z2" in the name means Z2', extensions: ['.txt'], read: one(readPerminovTxt), sniff: sniffPerminovTxt },
  // Before bini: a text of `name := …;` statements is Yacas even where bini would read it too.
  { name: 'yacas', description: 'products and decoders as Yacas statements: M1 := (A11+A22)*(B11+B22); C11 := M1 + M4 - M5 + M7;', extensions: ['.ys', '.txt'], read: one(readYacas), sniff: sniffYacas },
  { name: 'bini', description: 'products and decoders, as in papers: m1 = (a11+a22)*(b11+b22) ... c11 = m1 + m4 - m5 + m7', extensions: ['.txt'], read: one(readBini), sniff: sniffBini },
];

/** A trace-form product line of the flip-graph .exp: entries of a, b and c, and no assignment. */
function sniffExp(head: string): string | null {
  const entry = (l: string) => new RegExp(`(^|[^A-Za-z0-9_])${l}_?\\d`);
  const line = head.split('\n').map((l) => l.replace(/(#|\/\/).*$/, '').trim()).find((l) => l !== '' && !l.includes('=') && ['a', 'b', 'c'].every((x) => entry(x).test(l)));
  return line ? `trace-form product line '${line.length > 40 ? line.slice(0, 37) + '...' : line}'` : null;
}
SOURCES.find((x) => x.name === 'exp')!.sniff = sniffExp;

export const SOURCE_NAMES = () => SOURCES.map((s) => s.name);
export const describeSources = () => SOURCES.map((s) => `${s.name.padEnd(12)} ${s.description}`).join('\n');

/** A source format and why it was chosen. */
interface Choice {
  source: SourceFormat;
  why: string;
}

/** Pick a source format from --from, else from the extension and, for .json, the keys present. */
function detect(file: string, data: Uint8Array, from?: string): Choice {
  if (from) {
    const s = SOURCES.find((x) => x.name === from);
    if (!s) throw new InputError(file, '--from', `unknown source format "${from}"; expected one of ${SOURCE_NAMES().join(', ')}`);
    return { source: s, why: `--from ${from}` };
  }
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return detectJson(file, data);
  const byExt = SOURCES.find((x) => x.extensions.includes(ext));
  if (byExt) return { source: byExt, why: ext ? `extension ${ext}` : 'no extension' };
  throw new InputError(file, '', `cannot tell the format from the extension "${ext}"; pass --from (${SOURCE_NAMES().join(', ')})`);
}

/**
 * A .json file is Perminov's when it has "n" and "z2", stlkit's scheme JSON otherwise; one whose
 * top level has none of the factor keys (U, V, W or u, v, w) is no scheme at all: a table of ranks
 * or a JSON schema. Invalid JSON is left to the importer, which says where it breaks.
 */
function detectJson(file: string, data: Uint8Array): Choice {
  const text = new TextDecoder().decode(data);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { source: SOURCES[0], why: 'extension .json' };
  }
  if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
    const keys = Object.keys(doc);
    if (keys.includes('stlkit_certificate') && keys.includes('scheme')) return { source: SOURCES.find((x) => x.name === 'certificate')!, why: 'extension .json with keys "stlkit_certificate" and "scheme"' };
    if (!['U', 'V', 'W', 'u', 'v', 'w'].some((k) => keys.includes(k))) {
      const shown = keys.slice(0, 5).map((k) => `"${k}"`).join(', ') + (keys.length > 5 ? ', …' : '');
      throw new NotSchemeError(file, '', `not a scheme file: a JSON object without U, V, W (scheme JSON) or u, v, w (Perminov JSON); its keys are ${shown || 'none'}`);
    }
    if (keys.includes('n') && keys.includes('z2')) return { source: SOURCES.find((x) => x.name === 'perminov')!, why: 'extension .json with keys "n" and "z2"' };
  }
  return { source: SOURCES[0], why: 'extension .json' };
}

export interface ReadOptions extends ImportOptions {
  from?: string;
  /** Told, once the file is read, which format read it and why (one line, for --explain). */
  explain?: (line: string) => void;
}

/** One scheme read from a file: its member label ("" but in an .npz) and the source that read it. */
export interface ReadScheme {
  label: string;
  scheme: Scheme<unknown>;
  source: string;
}

const readWith = (c: SourceFormat, data: Uint8Array, file: string, opts: ImportOptions): ReadScheme[] =>
  c.read(data, file, opts).map((x) => ({ ...x, source: c.name }));

/** Every scheme in a file's bytes: an .npz holds many, labelled by member; other formats one, labelled "". */
export function readSchemes(data: Uint8Array, file: string, opts: ReadOptions = {}): ReadScheme[] {
  const ext = extname(file).toLowerCase();
  if (opts.from || !GENERIC_EXTENSIONS.has(ext)) {
    const { source, why } = detect(file, data, opts.from);
    const out = readWith(source, data, file, opts);
    opts.explain?.(`format: ${source.name} (${why})${fieldWhy(file, data, out, opts)}`);
    return out;
  }
  const claiming = SOURCES.filter((x) => x.extensions.includes(ext));
  const what = ext ? `extension ${ext}` : 'no extension';
  const tried = `tried the ones for the ${ext ? `extension ${ext}` : 'files without an extension'}`;
  return readByCandidates(file, data, claiming, { what, tried, hint: `pass --from (${SOURCE_NAMES().join(', ')})` }, opts);
}

/**
 * Text that came without a name saying its format (pasted into a page): every text format is a
 * candidate, those whose sniff recognises it first. `name` stands for the file in messages and may
 * carry hints ("mod2"); a name with a telling extension is read as that file would be. AlphaTensor
 * archives are binary and PLinOpt triples span three named files, so neither is tried.
 */
export function readPasted(text: string, name = 'pasted', opts: ReadOptions = {}): ReadScheme[] {
  const data = new TextEncoder().encode(text);
  if (opts.from || !GENERIC_EXTENSIONS.has(extname(name).toLowerCase())) return readSchemes(data, name, opts);
  const texts = SOURCES.filter((x) => x.name !== 'alphatensor' && x.name !== 'plinopt');
  return readByCandidates(name, data, texts, { what: 'pasted text', tried: 'tried every text format', hint: 'name it with its extension or pick the format' }, opts);
}

/** Extensions that say nothing about the format: every source that claims one is tried in turn. */
const GENERIC_EXTENSIONS = new Set(['.txt', '']);

/**
 * Read a file whose extension does not name its format with each source that claims the extension:
 * those whose sniff recognises the start of the text first, then the others, in the order of
 * SOURCES; the first that reads it wins. A deliberate refusal (border rank, √3) has the last word.
 * When none reads it, one line names every candidate tried and why it refused, so a format no
 * importer knows is not reported as a stray character of the first one; when none even recognised
 * the text, the file is no scheme file (an edge list, notes).
 */
function readByCandidates(file: string, data: Uint8Array, claiming: SourceFormat[], say: { what: string; tried: string; hint: string }, opts: ReadOptions): ReadScheme[] {
  const { what } = say;
  const head = new TextDecoder().decode(data.subarray(0, 8192));
  const sniffed = claiming.map((c) => ({ c, why: c.sniff?.(head) ?? null }));
  const order = [...sniffed.filter((x) => x.why), ...sniffed.filter((x) => !x.why)];
  const refusals: string[] = [];
  const tried: string[] = [];
  for (const { c, why } of order) {
    tried.push(c.name);
    try {
      const out = readWith(c, data, file, opts);
      opts.explain?.(`format: ${c.name} (${what}: tried ${tried.join(', ')}; ${c.name} read it${why ? `: ${why}` : ''})${fieldWhy(file, data, out, opts)}`);
      return out;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      // A deliberate refusal, or the only candidate's own message, says more than a list.
      if (err instanceof UnsupportedError || claiming.length === 1) throw err;
      refusals.push(`${c.name} (${err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message})`);
    }
  }
  const list = `${say.tried}: ${refusals.join('; ')}; ${say.hint}`;
  if (order.some((x) => x.why)) throw new InputError(file, '', `no importer recognises it; ${list}`);
  const first = head.split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
  throw new NotSchemeError(file, '', `not a scheme file: its text matches none of the formats for ${what} (first line '${first.length > 40 ? first.slice(0, 37) + '...' : first}'); ${list}`);
}

/** For --explain: the marker a text format took its field from (fieldmark.ts), when it did. */
function fieldWhy(file: string, data: Uint8Array, out: { scheme: Scheme<unknown> }[], opts: ReadOptions): string {
  if (opts.field || out.length !== 1 || !TEXT_FIELD_MARKS.has(extname(file).toLowerCase())) return '';
  const mark = fieldMark(file, new TextDecoder().decode(data.subarray(0, 2048)));
  return mark && mark.field === out[0].scheme.fieldTag ? `; field ${mark.field} by its ${mark.why}` : '';
}

/** Extensions of the text formats that follow the Z2 convention of fieldmark.ts. */
const TEXT_FIELD_MARKS = new Set(['.exp', '.m', '.mpl', '.txt', '.ys']);
