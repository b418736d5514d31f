import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rank, schemeName, type Scheme } from '../scheme/index.ts';
import { describeTarget } from '../tensor/index.ts';
import { verifyScheme } from '../verify/index.ts';
import { InputError } from '../formats/errors.ts';
import { schemeFromObject, schemeToJson } from '../formats/json.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { VERSION } from '../util/version.ts';

export const CERTIFICATE_VERSION = 1;

/**
 * What a certificate asserts about its scheme. Exact: the Brent equations hold over the field.
 * Approximate (rational schemes only): the isotropic error ‖T − T̂‖²/‖T‖² equals the given rational.
 */
export type Claim =
  | { kind: 'exact'; target: string; rank: number; field: string }
  | { kind: 'isotropic-error'; target: string; rank: number; field: string; error: string };

export interface Certificate {
  stlkit_certificate: number;
  claim: Claim;
  /** sha256 of the scheme's canonical JSON text (schemeToJson). */
  sha256: string;
  checked: { equations: number; method: string; tool: string; version: string; date: string };
  scheme: unknown;
}

export function schemeHash(s: Scheme<unknown>): string {
  return createHash('sha256').update(schemeToJson(s)).digest('hex');
}

/** Verify and, when the claim holds, return the certificate; otherwise a reason. */
export function certify(s: Scheme<unknown>, version: string, opts: { approximate?: boolean } = {}): Certificate | { error: string } {
  const r = verifyScheme(s);
  const base = { target: describeTarget(s.target), rank: rank(s), field: s.fieldTag };
  let claim: Claim;
  if (r.kind === 'float') return { error: 'a float (R) scheme cannot be certified: nothing about it is exact' };
  if (r.exact) claim = { kind: 'exact', ...base };
  else if (opts.approximate && r.isotropicError) claim = { kind: 'isotropic-error', ...base, error: r.isotropicError };
  else return { error: `${schemeName(s)} is not exact over ${r.field} (${r.failing} of ${r.equations} equations fail)${r.isotropicError ? `; pass --approximate to certify its isotropic error ${r.isotropicError}` : ''}` };
  return {
    stlkit_certificate: CERTIFICATE_VERSION,
    claim,
    sha256: schemeHash(s),
    checked: { equations: r.equations, method: r.method, tool: 'stlkit', version, date: new Date().toISOString() },
    scheme: JSON.parse(schemeToJson(s)),
  };
}

/** A file name that says what is proven and cannot collide: <target>-r<rank>-<field>-<hash>.json. */
export function certificateFileName(c: Certificate): string {
  const t = c.claim.target.replace(/[<>]/g, '').replace(/[^\w.-]+/g, 'x');
  return `${t}-r${c.claim.rank}-${c.claim.field}${c.claim.kind === 'exact' ? '' : '-approx'}-${c.sha256.slice(0, 10)}.json`;
}

/**
 * Certify and, when the claim holds, write the certificate into `dir` (created when missing) under
 * its certificateFileName, atomically. Returns the certificate and its path, or why there is none.
 */
export function certifyTo(dir: string, s: Scheme<unknown>, opts: { approximate?: boolean; version?: string } = {}): { certificate: Certificate; file: string } | { error: string } {
  const c = certify(s, opts.version ?? VERSION, opts);
  if ('error' in c) return c;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, certificateFileName(c));
  writeFileAtomic(file, JSON.stringify(c, null, 1) + '\n');
  return { certificate: c, file };
}

export interface CheckResult {
  file: string;
  ok: boolean;
  claim?: Claim;
  problem?: string;
}

/** Re-check a certificate from scratch: parse the scheme, recompute the hash, re-verify, compare the claim. */
export function checkCertificate(doc: unknown, file: string): CheckResult {
  if (!doc || typeof doc !== 'object') throw new InputError(file, '', 'expected a certificate object');
  const c = doc as Partial<Certificate>;
  if (c.stlkit_certificate !== CERTIFICATE_VERSION) throw new InputError(file, '"stlkit_certificate"', `expected version ${CERTIFICATE_VERSION}, got ${JSON.stringify(c.stlkit_certificate)}`);
  if (!c.claim || typeof c.claim !== 'object') throw new InputError(file, '"claim"', 'missing');
  if (typeof c.sha256 !== 'string') throw new InputError(file, '"sha256"', 'missing');
  const s = schemeFromObject(c.scheme, `${file} (scheme)`);
  const claim = c.claim;
  const fail = (problem: string): CheckResult => ({ file, ok: false, claim, problem });
  if (schemeHash(s) !== c.sha256) return fail('the scheme does not match its sha256 (edited after certification?)');
  const target = describeTarget(s.target);
  if (claim.target !== target || claim.rank !== rank(s) || claim.field !== s.fieldTag) {
    return fail(`the claim (${claim.target}:${claim.rank} over ${claim.field}) does not describe the scheme (${target}:${rank(s)} over ${s.fieldTag})`);
  }
  const r = verifyScheme(s);
  if (r.kind !== 'exact') return fail('float schemes cannot be certified');
  if (claim.kind === 'exact') return r.exact ? { file, ok: true, claim } : fail(`not exact: ${r.failing} of ${r.equations} equations fail`);
  if (claim.kind === 'isotropic-error') {
    return !r.exact && r.isotropicError === claim.error ? { file, ok: true, claim } : fail(`isotropic error is ${r.exact ? '0' : r.isotropicError}, the claim says ${claim.error}`);
  }
  return fail(`unknown claim kind ${JSON.stringify((claim as { kind?: unknown }).kind)}`);
}
