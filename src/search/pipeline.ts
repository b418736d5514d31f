/**
 * The flip → lift → certify pipeline shared by `stlkit main`, `stlkit search flip` and the recipes
 * search/flip.ts and search/sota.ts: flip-graph walks over Z2 whose candidates are, when asked,
 * Hensel-lifted to Z, or over ZT (exact over Z as they stand) and Z3; the result is verified exactly
 * once more before it is written, as a scheme file or as a certificate.
 */
import { schemeToJson } from '../formats/json.ts';
import { certifyTo, type Certificate } from '../proofs/certificate.ts';
import type { Scheme } from '../scheme/index.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { verifyScheme } from '../verify/index.ts';
import { liftScheme } from './lift.ts';
import { flipPool, type FlipPoolOptions, type FlipPoolResult } from './parallel/flip-pool.ts';

export interface FlipLiftOptions extends Omit<FlipPoolOptions, 'accept' | 'continueAtTarget'> {
  /**
   * false: the first candidate of rank ≤ target is the result (a scheme over Z2). true: only a
   * candidate that lifts to integers is, so the walks go on below the target while candidates fail.
   */
  lift: boolean;
  /** With lift: accept only lifts with coefficients in {-1, 0, 1} (ZT schemes from Z2 walks). */
  ternary?: boolean;
}

export interface FlipLiftResult extends FlipPoolResult {
  /** Candidates handed to the lifter. */
  lifts: number;
}

/** Flip-graph search over Z2, lifting each candidate to Z when `lift` is set (lifter seeded by `seed`). */
export async function flipAndLift(o: FlipLiftOptions): Promise<FlipLiftResult> {
  const { lift, ternary, ...pool } = o;
  let lifts = 0;
  const result = await flipPool({
    ...pool,
    continueAtTarget: lift,
    accept: lift ? (s) => {
      if (s.fieldTag !== 'Z2') throw new Error(`lifting is from Z2 only, not ${s.fieldTag}`);
      lifts++;
      return liftScheme(s as Scheme<number>, { seed: o.seed, ternary }).scheme;
    } : (s) => {
      // ZT and Z3 walks produce exact schemes as they stand; checked here before anything keeps them.
      if (s.fieldTag !== 'Z2') assertExact(s);
      return s;
    },
  });
  return { ...result, lifts };
}

export interface FlipCertifyOptions extends FlipLiftOptions {
  /** Directory the certificate is written to. */
  proofs: string;
  /** The found scheme's meta.source, which may name what the search reports (e.g. the worker seeds). */
  source: (search: FlipLiftResult) => string;
}

export interface FlipCertifyResult {
  search: FlipLiftResult;
  /** The found scheme with its source recorded; absent when no scheme was found in time. */
  scheme?: Scheme<unknown>;
  /** Its certificate and the file it is in, or why it could not be certified. */
  certified?: { certificate: Certificate; file: string } | { error: string };
}

/** flipAndLift, then certify the result and write its certificate into `proofs`. */
export async function flipLiftCertify(o: FlipCertifyOptions): Promise<FlipCertifyResult> {
  const { proofs, source, ...search } = o;
  const found = await flipAndLift(search);
  if (!found.scheme) return { search: found };
  const scheme = { ...found.scheme, meta: { ...found.scheme.meta, source: source(found) } };
  return { search: found, scheme, certified: certifyTo(proofs, scheme) };
}

/** Throws unless the scheme verifies exactly over its field (a walk that broke its invariant). */
export function assertExact(s: Scheme<unknown>): void {
  const r = verifyScheme(s);
  if (r.kind !== 'exact' || !r.exact) throw new Error(`internal check failed: a ${s.fieldTag} walk produced a scheme that does not verify over ${s.fieldTag}`);
}

/**
 * Verify once more, exactly, and only then write the scheme JSON, so that a result file is always a
 * verified scheme. Returns the number of Brent equations checked, or null when it does not verify
 * (nothing is written then).
 */
export function writeVerified(s: Scheme<unknown>, file: string): number | null {
  const r = verifyScheme(s);
  if (r.kind !== 'exact' || !r.exact) return null;
  writeFileAtomic(file, schemeToJson(s));
  return r.equations;
}
