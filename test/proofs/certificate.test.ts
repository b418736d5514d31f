import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinScheme } from '../../src/library/builtin.ts';
import { certificateFileName, certify, certifyTo, checkCertificate, type Certificate } from '../../src/proofs/certificate.ts';
import { VERSION } from '../../src/util/version.ts';
import { InputError } from '../../src/formats/errors.ts';
import { withFactors, type Scheme } from '../../src/scheme/index.ts';
import type { Fraction } from '../../src/field/index.ts';

const cert = (s: Scheme<unknown>, approximate = false) => {
  const c = certify(s, 'test', { approximate });
  if ('error' in c) throw new Error(c.error);
  return c;
};
const broken = () => {
  const s = builtinScheme('strassen') as Scheme<Fraction>;
  const U = s.U.map((r) => [...r]);
  U[0][0] = U[0][0].add(1);
  return withFactors(s, U, s.V.map((r) => [...r]), s.W.map((r) => [...r]));
};

describe('certificates', () => {
  it('certifies an exact scheme and re-checks it from scratch', () => {
    const c = cert(builtinScheme('laderman'));
    expect(c.claim).toEqual({ kind: 'exact', target: '<3,3,3>', rank: 23, field: 'Z' });
    expect(certificateFileName(c)).toMatch(/^3x3x3-r23-Z-[0-9a-f]{10}\.json$/);
    const again = JSON.parse(JSON.stringify(c));
    expect(checkCertificate(again, 'c.json')).toMatchObject({ ok: true });
  });

  it('detects a scheme edited after certification, a wrong claim and a forged hash', () => {
    const c: Certificate = JSON.parse(JSON.stringify(cert(builtinScheme('strassen'))));
    const edited = structuredClone(c) as Certificate & { scheme: { U: number[][] } };
    edited.scheme.U[0][0] = 2;
    expect(checkCertificate(edited, 'e.json')).toMatchObject({ ok: false, problem: /sha256/ });
    const claim = structuredClone(c);
    claim.claim.rank = 6;
    expect(checkCertificate(claim, 'r.json')).toMatchObject({ ok: false, problem: /does not describe/ });
    // A broken scheme with a matching hash still fails: the check re-verifies, it does not trust the hash.
    const forged = structuredClone(cert(broken(), true)) as Certificate;
    forged.claim = { ...forged.claim, kind: 'exact' } as Certificate['claim'];
    expect(checkCertificate(forged, 'f.json')).toMatchObject({ ok: false, problem: /not exact/ });
  });

  it('refuses inexact schemes unless asked to certify their exact isotropic error', () => {
    expect(certify(broken(), 'test')).toMatchObject({ error: /not exact/ });
    const c = cert(broken(), true);
    expect(c.claim).toMatchObject({ kind: 'isotropic-error', error: expect.stringMatching(/^\d+\/\d+$/) });
    expect(checkCertificate(JSON.parse(JSON.stringify(c)), 'a.json').ok).toBe(true);
  });

  it('certifyTo writes the certificate under its name into a new directory, or nothing with the reason', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stlkit-cert-')), 'proofs');
    const r = certifyTo(dir, builtinScheme('strassen'));
    if ('error' in r) throw new Error(r.error);
    expect(r.file).toBe(join(dir, certificateFileName(r.certificate)));
    expect(r.certificate.checked.version).toBe(VERSION);
    expect(readFileSync(r.file, 'utf8')).toBe(JSON.stringify(r.certificate, null, 1) + '\n');
    expect(certifyTo(dir, broken())).toMatchObject({ error: /not exact/ });
    expect(readdirSync(dir)).toEqual([certificateFileName(r.certificate)]);
  });

  it('reports malformed certificates as input errors', () => {
    expect(() => checkCertificate({ stlkit_certificate: 9 }, 'x.json')).toThrow(InputError);
    expect(() => checkCertificate({ stlkit_certificate: 1, claim: {}, sha256: 'x', scheme: { rank: 1 } }, 'x.json')).toThrow(/x\.json \(scheme\)/);
  });
});
