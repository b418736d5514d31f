import type { Fraction } from '../field/index.ts';
import { publishedIndex, publishedScheme } from '../library/published.ts';
import { builtinScheme } from '../library/builtin.ts';
import { formatOf, kron, toFormat, type Scheme } from '../scheme/index.ts';
import { verifyScheme } from '../verify/index.ts';

/**
 * Exact <a,b,c> schemes (a, b, c ≤ t) that can cover a sub-box of the tile: the built-in ones,
 * the published ones packaged in src/library/published (those marked for these start families),
 * and Kronecker products of two of them. Only the least rank per format is kept; formats are
 * stored sorted and permuted on demand (the six permutations of a matmul scheme are schemes for
 * the permuted formats, see scheme/permute.ts).
 */
export interface SubScheme {
  /** Sorted a ≤ b ≤ c. */
  format: [number, number, number];
  rank: number;
  name: string;
  build: () => Scheme<Fraction>;
}

export interface SubSchemeOptions {
  /** Use the packaged published schemes (default true); false: the built-in ones only. */
  published?: boolean;
}

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

/**
 * The packaged published schemes for a tile of size t, in the order the start families meet them
 * (ties in rank go to the earlier): exact over Z or Q, every dimension ≤ t.
 */
function publishedFor(t: number): { name: string; dims: number[]; rank: number }[] {
  return publishedIndex().schemes
    .filter((e) => e.universal !== undefined && (e.field === 'Z' || e.field === 'Q') && e.format.every((d) => d <= t) && e.format.some((d) => d > 1))
    .sort((x, y) => x.universal! - y.universal!)
    .map((e) => ({ name: e.name, dims: [...e.format], rank: e.rank }));
}

const build = (name: string) => once(() => verified(publishedScheme(name), name));

const cache = new Map<string, Map<string, SubScheme>>();

export function subSchemes(t: number, opts: SubSchemeOptions = {}): Map<string, SubScheme> {
  const published = opts.published ?? true;
  const ck = `${t}|${published}`;
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
  if (published) {
    for (const { name, dims, rank } of publishedFor(t)) {
      const old = lib.get(key(dims));
      if (old && old.rank <= rank) continue;
      offer({ format: sorted(dims), rank, name, build: build(name) });
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
 * distinct truncations): built-ins, the packaged published ones, and the library's best (possibly a product).
 */
export function fullTileSchemes(t: number, opts: SubSchemeOptions = {}): { name: string; rank: number; build: () => Scheme<Fraction> }[] {
  const out: { name: string; rank: number; build: () => Scheme<Fraction> }[] = [];
  const names: Record<number, string[]> = { 2: ['strassen', 'winograd'], 3: ['laderman'], 4: ['strassen2'] };
  for (const name of names[t] ?? []) {
    const s = builtinScheme(name) as Scheme<Fraction>;
    out.push({ name: name === 'strassen2' ? 'strassen⊗strassen' : name, rank: s.U.length, build: () => s });
  }
  if (opts.published ?? true) {
    for (const { name, dims, rank } of publishedFor(t)) if (dims.every((d) => d === t)) out.push({ name, rank, build: build(name) });
  }
  const best = subSchemes(t, opts).get(key([t, t, t]));
  if (best && !out.some((x) => x.name === best.name)) out.push({ name: best.name, rank: best.rank, build: best.build });
  return out;
}
