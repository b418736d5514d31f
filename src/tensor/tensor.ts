import { Fraction, type Field } from '../field/index.ts';

/** One nonzero T[i,j,k] = v, exact. */
export interface TensorEntry {
  readonly i: number;
  readonly j: number;
  readonly k: number;
  readonly v: Fraction;
}

/**
 * A sparse 3-tensor with exact rational entries: the bilinear map
 * f(x, y)_k = Σ T[i,j,k] x_i y_j with x ∈ F^a, y ∈ F^b, f ∈ F^c.
 * Invariant (kept by makeTensor): entries sorted by (i, j, k), unique, nonzero.
 */
export interface Tensor {
  readonly dims: readonly [number, number, number];
  readonly entries: readonly TensorEntry[];
  /** Human-readable name, e.g. "<2,2,2>". */
  readonly name: string;
}

export class TensorError extends Error {
  override name = 'TensorError';
}

/** Build a tensor from possibly repeated, possibly zero entries: repeats are summed, zeros dropped. */
export function makeTensor(
  dims: readonly [number, number, number],
  raw: Iterable<{ i: number; j: number; k: number; v: Fraction | number | bigint }>,
  name = 'T',
): Tensor {
  const [a, b, c] = dims;
  for (const d of dims) if (!Number.isInteger(d) || d < 1) throw new TensorError(`tensor dimensions must be positive integers, got [${dims.join(', ')}]`);
  const acc = new Map<number, Fraction>();
  for (const e of raw) {
    if (!(e.i >= 0 && e.i < a && e.j >= 0 && e.j < b && e.k >= 0 && e.k < c) || !Number.isInteger(e.i + e.j + e.k)) {
      throw new TensorError(`entry (${e.i}, ${e.j}, ${e.k}) is outside a ${a}×${b}×${c} tensor`);
    }
    const key = (e.i * b + e.j) * c + e.k;
    const v = e.v instanceof Fraction ? e.v : new Fraction(typeof e.v === 'bigint' ? e.v : BigInt(e.v));
    const prev = acc.get(key);
    acc.set(key, prev ? prev.add(v) : v);
  }
  const keys = [...acc.keys()].sort((x, y) => x - y);
  const entries: TensorEntry[] = [];
  for (const key of keys) {
    const v = acc.get(key)!;
    if (v.n === 0n) continue;
    entries.push({ i: Math.floor(key / (b * c)), j: Math.floor(key / c) % b, k: key % c, v });
  }
  return { dims: [a, b, c], entries, name };
}

export function flatIndex(T: Pick<Tensor, 'dims'>, i: number, j: number, k: number): number {
  return (i * T.dims[1] + j) * T.dims[2] + k;
}

/** ‖T‖_F² exactly. */
export function frobeniusSq(T: Tensor): Fraction {
  let s = new Fraction(0);
  for (const e of T.entries) s = s.add(e.v.mul(e.v));
  return s;
}

export function tensorsEqual(S: Tensor, T: Tensor): boolean {
  if (S.dims.some((d, x) => d !== T.dims[x]) || S.entries.length !== T.entries.length) return false;
  return S.entries.every((e, x) => {
    const f = T.entries[x];
    return e.i === f.i && e.j === f.j && e.k === f.k && e.v.equals(f.v);
  });
}

/** The entries mapped into a field (throws if a denominator is not invertible there). */
export function entriesIn<E>(T: Tensor, F: Field<E>): { key: number; v: E }[] {
  return T.entries.map((e) => ({ key: flatIndex(T, e.i, e.j, e.k), v: F.fromRational(e.v.s * e.v.n, e.v.d) }));
}

/** Evaluate the bilinear map on concrete vectors over a field. */
export function applyTensor<E>(T: Tensor, F: Field<E>, x: readonly E[], y: readonly E[]): E[] {
  const [a, b, c] = T.dims;
  if (x.length !== a || y.length !== b) throw new TensorError(`inputs of length ${x.length}, ${y.length} do not fit ${a}×${b}×${c}`);
  const out = new Array<E>(c).fill(F.zero);
  for (const e of T.entries) {
    const v = F.fromRational(e.v.s * e.v.n, e.v.d);
    out[e.k] = F.add(out[e.k], F.mul(v, F.mul(x[e.i], y[e.j])));
  }
  return out;
}
