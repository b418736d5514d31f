import { fieldOf, type Field, type FieldTag, type Fraction, type Gaussian } from '../field/index.ts';
import { describeTarget, targetDims, type TargetSpec } from '../tensor/index.ts';

/** Free-form provenance carried through conversions (source, name, notes, extra JSON fields). */
export interface SchemeMeta {
  source?: string;
  name?: string;
  [key: string]: unknown;
}

/**
 * A rank-r bilinear scheme (U, V, W) for a target tensor over a field:
 *   f(x, y) = Σ_l W[l] · (U[l]·x)(V[l]·y),   i.e. T = Σ_l U[l] ⊗ V[l] ⊗ W[l].
 * Rows are products (one row of each factor = one multiplication), as in scheme JSON; W[l][γ] is
 * the coefficient of product l in output γ. For <n,m,p>: U[l][i*m+j] ↔ A[i][j],
 * V[l][j*p+k] ↔ B[j][k], W[l][i*p+k] ↔ C[i][k].
 */
export interface Scheme<E = unknown> {
  readonly field: Field<E>;
  /** "Z" marks integer coefficients (arithmetic in Q); otherwise the field's own name. */
  readonly fieldTag: FieldTag;
  readonly target: TargetSpec;
  readonly U: readonly (readonly E[])[];
  readonly V: readonly (readonly E[])[];
  readonly W: readonly (readonly E[])[];
  readonly meta: SchemeMeta;
}

export class SchemeError extends Error {
  override name = 'SchemeError';
}

/*
 * The coefficient type of a scheme, for code written for one representation: the integer fast
 * paths over Q (and Z), the Gaussian verifier over C, float residuals over R, bit packing over Z2.
 */
export const isRationalScheme = (s: Scheme<unknown>): s is Scheme<Fraction> => s.field.name === 'Q';
export const isGaussianScheme = (s: Scheme<unknown>): s is Scheme<Gaussian> => s.field.name === 'C';
export const isFloatScheme = (s: Scheme<unknown>): s is Scheme<number> => s.field.name === 'R';
export const isZ2Scheme = (s: Scheme<unknown>): s is Scheme<number> => s.field.name === 'Z2';

export function rank(s: Scheme<unknown>): number {
  return s.U.length;
}

/** Check the shape invariants once, at construction; everything downstream relies on them. */
export function makeScheme<E>(args: {
  fieldTag: FieldTag;
  target: TargetSpec;
  U: E[][];
  V: E[][];
  W: E[][];
  meta?: SchemeMeta;
  field?: Field<E>;
}): Scheme<E> {
  const field = args.field ?? (fieldOf(args.fieldTag) as Field<E>);
  const [a, b, c] = targetDims(args.target);
  const r = args.U.length;
  const check = (name: string, M: E[][], len: number) => {
    if (M.length !== r) throw new SchemeError(`${name} has ${M.length} rows but U has ${r} (one row per product)`);
    M.forEach((row, l) => {
      if (row.length !== len) throw new SchemeError(`${name}[${l}] has ${row.length} entries, expected ${len} for ${describeTarget(args.target)}`);
    });
  };
  check('U', args.U, a);
  check('V', args.V, b);
  check('W', args.W, c);
  if (args.fieldTag === 'Z') {
    for (const [name, M] of [['U', args.U], ['V', args.V], ['W', args.W]] as const) {
      M.forEach((row, l) => row.forEach((x, t) => {
        if (field.toRational(x)[1] !== 1n) throw new SchemeError(`${name}[${l}][${t}] = ${field.toString(x)} is not an integer, but the field is "Z"`);
      }));
    }
  }
  return { field, fieldTag: args.fieldTag, target: args.target, U: args.U, V: args.V, W: args.W, meta: args.meta ?? {} };
}

/** <n,m,p> of a matrix-multiplication scheme, or an error naming what it is instead. */
export function formatOf(s: Scheme<unknown>): [number, number, number] {
  if (s.target.kind !== 'matmul') throw new SchemeError(`this operation needs a matrix-multiplication scheme, not ${describeTarget(s.target)}`);
  if (s.target.transposedC) throw new SchemeError('this operation expects C as written, not Cᵀ');
  return s.target.format;
}

export function schemeName(s: Scheme<unknown>): string {
  return `${describeTarget(s.target)}:${rank(s)}`;
}

/** Rebuild a scheme with new factors, keeping field, target and metadata unless overridden. */
export function withFactors<E>(s: Scheme<E>, U: E[][], V: E[][], W: E[][], over: { target?: TargetSpec; meta?: SchemeMeta } = {}): Scheme<E> {
  // A "Z" scheme stays "Z" only while its coefficients stay integral (a basis change may leave Z).
  const integral = (M: E[][]) => M.every((row) => row.every((x) => s.field.toRational(x)[1] === 1n));
  const fieldTag = s.fieldTag === 'Z' && !(integral(U) && integral(V) && integral(W)) ? 'Q' : s.fieldTag;
  return makeScheme({ field: s.field, fieldTag, target: over.target ?? s.target, U, V, W, meta: over.meta ?? s.meta });
}
