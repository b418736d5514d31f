/**
 * Reading back the output of the flipwalk program (`stlkit codegen flipwalk`): its records and
 * pool files are parsed (a cut or altered file fails its checksum), every scheme is verified
 * exactly over Z2, and the best ones can be Hensel-lifted to Z, as the CPU searches' candidates are.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { InputError } from '../formats/errors.ts';
import { flipwalkToScheme, readFlipwalk } from '../formats/flipwalk.ts';
import type { Scheme } from '../scheme/index.ts';
import type { SearchRecord } from './search-record.ts';
import { verifyScheme } from '../verify/index.ts';
import { liftScheme } from './lift.ts';

/** The files a run writes that hold schemes, in the order they are read. */
export const FLIPWALK_OUTPUTS = ['records.txt', 'pool.txt'] as const;

export interface ImportedScheme {
  file: string;
  index: number;
  walker?: number;
  rank: number;
  scheme: Scheme<number>;
}

export interface ImportedFile {
  file: string;
  format: [number, number, number];
  schemes: ImportedScheme[];
  /** The first scheme that failed exact verification (then `schemes` is empty: the file is refused). */
  failed?: { index: number; walker?: number; failing: number; equations: number };
}

/**
 * A run's folder → its scheme files (at least one), and the command of its summary.json if any, with
 * the search record (seed, wall time, GPU, start) kept with its schemes as meta.search.
 */
export function flipwalkFiles(path: string): { files: string[]; command?: string; search?: SearchRecord } {
  if (!existsSync(path)) throw new InputError(path, '', 'no such file or folder');
  if (!statSync(path).isDirectory()) return { files: [path] };
  const files = FLIPWALK_OUTPUTS.map((f) => join(path, f)).filter((f) => existsSync(f));
  if (files.length === 0) throw new InputError(path, '', `holds none of ${FLIPWALK_OUTPUTS.join(', ')} (not the --out folder of a flipwalk run)`);
  const summary = join(path, 'summary.json');
  if (!existsSync(summary)) return { files };
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(summary, 'utf8'));
  } catch (err) {
    throw new InputError(summary, '', `invalid JSON (${(err as Error).message})`);
  }
  const d = doc as { command?: unknown; seed?: unknown; wall_s?: unknown; device?: unknown };
  if (typeof d.command !== 'string') return { files };
  const command = readableCommand(d.command);
  const words = command.split(' ');
  const at = words.indexOf('--start');
  const search = typeof d.seed === 'number' && typeof d.wall_s === 'number' && typeof d.device === 'string'
    ? { command, seed: d.seed, wallSeconds: d.wall_s, machine: d.device, start: at >= 0 ? words[at + 1] : 'naive' }
    : undefined;
  return { files, command, search };
}

/**
 * The run's command with each absolute path cut to its last part (the build folder and the device
 * machine's output folder mean nothing where the run is read back): `flipwalk_445_nvcc_… --start
 * start-own-65.txt`.
 */
function readableCommand(command: string): string {
  return command.split(' ').map((w) => (w.startsWith('/') ? basename(w) : w)).join(' ');
}

/** Parse one output file (InputError when malformed) and verify each scheme exactly over Z2. */
export function importFlipwalkFile(file: string, source: string, search?: SearchRecord): ImportedFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new InputError(file, '', `cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const parsed = readFlipwalk(bytes, file);
  const schemes: ImportedScheme[] = [];
  for (const s of parsed.schemes) {
    const named = flipwalkToScheme(parsed.format, s, `${source}; ${file} scheme ${s.index}`);
    const scheme = search ? { ...named, meta: { ...named.meta, search } } : named;
    const r = verifyScheme(scheme);
    if (r.kind !== 'exact' || !r.exact) {
      const failing = r.kind === 'exact' ? r.failing : NaN;
      return { file, format: parsed.format, schemes: [], failed: { index: s.index, walker: s.info.walker, failing, equations: r.kind === 'exact' ? r.equations : NaN } };
    }
    schemes.push({ file, index: s.index, walker: s.info.walker, rank: s.terms.length, scheme });
  }
  return { file, format: parsed.format, schemes };
}

/** Distinct schemes (same terms in any order) of the lowest rank among `all`. */
export function bestDistinct(all: readonly ImportedScheme[]): ImportedScheme[] {
  const rank = Math.min(...all.map((s) => s.rank));
  const seen = new Set<string>();
  return all.filter((s) => {
    if (s.rank !== rank) return false;
    const key = s.scheme.U.map((u, l) => `${u.join('')}|${s.scheme.V[l].join('')}|${s.scheme.W[l].join('')}`).sort().join(';');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The first of `candidates` that lifts to Z (verified over Q by liftScheme), with its index; with
 * `ternary`, the first whose lift has every coefficient in {-1, 0, 1}.
 */
export function liftFirst(candidates: readonly ImportedScheme[], seed: number, ternary = false): { from: ImportedScheme; scheme: Scheme<unknown> } | null {
  for (const c of candidates) {
    const r = liftScheme(c.scheme, { seed, ternary });
    if (r.scheme) return { from: c, scheme: { ...r.scheme, meta: { ...r.scheme.meta, source: `${c.scheme.meta.source}, lifted to Z${ternary ? ' (coefficients in {-1,0,1})' : ''}` } } };
  }
  return null;
}
