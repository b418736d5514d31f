/**
 * The format registry: schemes read from files on disk (the source formats and their detection
 * are in sources.ts) and the target formats they are written to (by extension or --to).
 */
import { readFileSync } from 'node:fs';
import type { Scheme } from '../scheme/index.ts';
import { InputError } from './errors.ts';
import { schemeToJson } from './json.ts';
import { writeExp } from './exp.ts';
import { toLatex, toMarkdown } from './algorithm.ts';
import { readSchemes, type ReadOptions, type ReadScheme } from './sources.ts';

export { describeSources, SOURCE_NAMES } from './sources.ts';

export type LoadOptions = ReadOptions;

/** Read every scheme in a file: an .npz holds many, labelled by member; other formats one, labelled "". */
export function loadSchemes(file: string, opts: LoadOptions = {}): ReadScheme[] {
  let data: Uint8Array;
  try {
    data = readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(file, '', code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? (err as Error).message})`);
  }
  // PLinOpt's _L, _R and _P files are siblings on disk.
  return readSchemes(data, file, { readFile: (path) => readFileSync(path), ...opts });
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
