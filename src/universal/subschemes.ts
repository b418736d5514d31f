import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fraction } from '../field/index.ts';
import { parseSchemeJson } from '../formats/json.ts';
import { builtinScheme } from '../library/builtin.ts';
import { formatOf, kron, toFormat, type Scheme } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';

/**
 * Exact <a,b,c> schemes (a, b, c ≤ t) that can cover a sub-box of the tile: the built-in ones,
 * the published ones in shared/data/schemes (when that folder is there: $STLKIT_SHARED or
 * ../shared beside the repository), and Kronecker products of two of them. Only the least rank
 * per format is kept; formats are stored sorted and permuted on demand (the six permutations of
 * a matmul scheme are schemes for the permuted formats, see scheme/permute.ts).
 */
export interface SubScheme {
  /** Sorted a ≤ b ≤ c. */
  format: [number, number, number];
  rank: number;
  name: string;
  build: () => Scheme<Fraction>;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_SHARED = process.env.STLKIT_SHARED ?? resolve(ROOT, '../shared');

/** Folders of shared/data/schemes with exact converted JSON (Z2 and C files are skipped by name). */
const SHARED_DIRS = ['alphatensor/json-r', 'flips/json', 'kauers-structured/json', 'dps/json', 'perminov/json', 'symmetric-flips/json'];

const key = (f: readonly number[]) => [...f].sort((x, y) => x - y).join(',');
const sorted = (f: readonly number[]) => [...f].sort((x, y) => x - y) as [number, number, number];

function once<T>(f: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= f());
}

function verified(s: Scheme<unknown>, what: string): Scheme<Fraction> {
  const rep = verifyScheme(s, { maxFailures: 0 });
  if (rep.kind !== 'exact' || !rep.exact || (s.fieldTag !== 'Z' && s.fieldTag !== 'Q')) throw new Error(`${what} is not an exact rational scheme`);
  return s as Scheme<Fraction>;
}

/** Candidate files: "AxBxC_…" with all dims ≤ t, exact rational field judged from the name. */
function sharedFiles(shared: string, t: number): { file: string; dims: number[] }[] {
  const out: { file: string; dims: number[] }[] = [];
  for (const dir of SHARED_DIRS) {
    const base = join(shared, 'data/schemes', dir);
    if (!existsSync(base)) continue;
    for (const name of readdirSync(base).sort()) {
      const m = /^(\d+)x(\d+)x(\d+)_/.exec(name);
      if (!m || !name.endsWith('.json') || /_Z2|_C\b|_C\.json/.test(name)) continue;
      const dims = [Number(m[1]), Number(m[2]), Number(m[3])];
      if (dims.every((d) => d <= t) && dims.some((d) => d > 1)) out.push({ file: join(base, name), dims });
    }
  }
  return out;
}

const cache = new Map<string, Map<string, SubScheme>>();

export function subSchemes(t: number, opts: { shared?: string | null } = {}): Map<string, SubScheme> {
  const shared = opts.shared === undefined ? DEFAULT_SHARED : opts.shared;
  const ck = `${t}|${shared}`;
  const hit = cache.get(ck);
  if (hit) return hit;
  const lib = new Map<string, SubScheme>();
  const offer = (s: SubScheme) => {
    const k = key(s.format);
    const [a, b, c] = s.format;
    if (s.rank >= a * b * c || s.format.some((d) => d > t)) return;
    const old = lib.get(k);
    if (!old || s.rank < old.rank) lib.set(k, s);
  };
  const builtin = (name: string) => {
    const s = builtinScheme(name) as Scheme<Fraction>;
    return { format: sorted(formatOf(s)), rank: s.U.length, name, build: () => s };
  };
  for (const name of ['strassen', 'strassen-join-2x2x3', 'laderman', 'strassen2']) offer(builtin(name));
  if (shared) {
    for (const { file, dims } of sharedFiles(shared, t)) {
      const text = readFileSync(file, 'utf8');
      const head = /"rank"\s*:\s*(\d+)[\s\S]*?"field"\s*:\s*"(\w+)"/.exec(text);
      if (!head || (head[2] !== 'Z' && head[2] !== 'Q')) continue;
      const rank = Number(head[1]);
      const old = lib.get(key(dims));
      if (old && old.rank <= rank) continue;
      const rel = file.slice(file.indexOf('data/schemes/') + 'data/schemes/'.length);
      offer({ format: sorted(dims), rank, name: rel, build: once(() => verified(parseSchemeJson(text, file), rel)) });
    }
  }
  // Kronecker products: <a1a2, b1b2, c1c2> of rank r1·r2 where that beats every direct scheme.
  const base = [...lib.values()];
  for (const x of base) for (const y of base) for (const perm of PERMS) {
    const yf = perm.map((i) => y.format[i]);
    const dims = [x.format[0] * yf[0], x.format[1] * yf[1], x.format[2] * yf[2]];
    if (dims.some((d) => d > t)) continue;
    const rank = x.rank * y.rank;
    const old = lib.get(key(dims));
    if (old && old.rank <= rank) continue;
    offer({ format: sorted(dims), rank, name: `${x.name} ⊗ ${y.name}`, build: once(() => verified(kron(x.build(), toFormat(y.build(), yf as [number, number, number])), 'kron')) });
  }
  cache.set(ck, lib);
  return lib;
}

const PERMS = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/** The sub-scheme for format (a, b, c) in that order, or undefined. */
export function subSchemeFor(lib: Map<string, SubScheme>, format: readonly [number, number, number]): SubScheme | undefined {
  return lib.get(key(format));
}

/** Its scheme permuted to the requested format. */
export function buildFor(sub: SubScheme, format: readonly [number, number, number]): Scheme<Fraction> {
  return toFormat(sub.build(), format);
}

/**
 * Every exact scheme for the whole tile <t,t,t> that is at hand (distinct published schemes give
 * distinct truncations): built-ins, the shared files, and the library's best (possibly a product).
 */
export function fullTileSchemes(t: number, opts: { shared?: string | null } = {}): { name: string; rank: number; build: () => Scheme<Fraction> }[] {
  const shared = opts.shared === undefined ? DEFAULT_SHARED : opts.shared;
  const out: { name: string; rank: number; build: () => Scheme<Fraction> }[] = [];
  const names: Record<number, string[]> = { 2: ['strassen', 'winograd'], 3: ['laderman'], 4: ['strassen2'] };
  for (const name of names[t] ?? []) {
    const s = builtinScheme(name) as Scheme<Fraction>;
    out.push({ name: name === 'strassen2' ? 'strassen⊗strassen' : name, rank: s.U.length, build: () => s });
  }
  if (shared) {
    for (const { file, dims } of sharedFiles(shared, t)) {
      if (dims.some((d) => d !== t)) continue;
      const text = readFileSync(file, 'utf8');
      const head = /"rank"\s*:\s*(\d+)[\s\S]*?"field"\s*:\s*"(\w+)"/.exec(text);
      if (!head || (head[2] !== 'Z' && head[2] !== 'Q')) continue;
      const rel = file.slice(file.indexOf('data/schemes/') + 'data/schemes/'.length);
      out.push({ name: rel, rank: Number(head[1]), build: once(() => verified(parseSchemeJson(text, file), rel)) });
    }
  }
  const best = subSchemes(t, opts).get(key([t, t, t]));
  if (best && !out.some((x) => x.name === best.name)) out.push({ name: best.name, rank: best.rank, build: best.build });
  return out;
}
