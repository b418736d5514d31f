import type { Tensor, TargetSpec } from '../tensor/index.ts';
import { equationLabel } from './labels.ts';

/** One Brent equation that does not hold: Σ_l U[l][α]V[l][β]W[l][γ] ≠ T[α,β,γ]. */
export interface Failure {
  index: [number, number, number];
  label: string;
  expected: string;
  actual: string;
}

export interface ExactReport {
  kind: 'exact';
  field: string;
  exact: boolean;
  /** Number of Brent equations, a·b·c. */
  equations: number;
  failing: number;
  failures: Failure[];
  /** Which arithmetic decided: all are exact. */
  method: 'integer-float64' | 'bigint' | 'bits' | 'field';
  /** For Q/Z/C schemes that fail: ‖T − T̂‖_F² / ‖T‖_F² exactly, as "p/q". */
  isotropicError?: string;
}

export interface FloatReport {
  kind: 'float';
  field: 'R';
  equations: number;
  relFrobenius: number;
  maxAbs: number;
  /** Entries of the residual tensor above 1e-12 in magnitude. */
  residualEntries: number;
  residualSq: number;
}

export type VerifyReport = ExactReport | FloatReport;

export interface VerifyOptions {
  /** How many failing equations to list. */
  maxFailures?: number;
}

/** Count the failing equations among `keys` (flat indices, ascending) and describe the first `max`. */
export function collectFailures(target: TargetSpec, T: Tensor, max: number, keys: Iterable<number>, residual: (key: number) => [string, string] | null) {
  const [, b, c] = T.dims;
  const failures: Failure[] = [];
  let failing = 0;
  for (const key of keys) {
    const r = residual(key);
    if (!r) continue;
    failing++;
    if (failures.length < max) {
      const [al, be, ga] = [Math.floor(key / (b * c)), Math.floor(key / c) % b, key % c];
      failures.push({ index: [al, be, ga], label: equationLabel(target, al, be, ga), expected: r[0], actual: r[1] });
    }
  }
  return { failing, failures };
}
