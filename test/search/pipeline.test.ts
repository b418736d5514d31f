import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { checkCertificate } from '../../src/proofs/certificate.ts';
import { makeScheme, schemeName } from '../../src/scheme/index.ts';
import { flipAndLift, flipLiftCertify, writeVerified } from '../../src/search/pipeline.ts';
import { mutableFactors } from '../helpers/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-pipeline-'));

describe('flip → lift → certify', () => {
  it('flipAndLift: over Z2 the first candidate, with lifting a scheme over Z', async () => {
    const z2 = await flipAndLift({ format: [2, 2, 2], targetRank: 7, seed: 1, workers: 1, timeLimitMs: 20_000, lift: false });
    expect(z2.scheme && [schemeName(z2.scheme), z2.scheme.fieldTag, z2.lifts]).toEqual(['<2,2,2>:7', 'Z2', 0]);
    const z = await flipAndLift({ format: [2, 2, 2], targetRank: 7, seed: 1, workers: 1, timeLimitMs: 20_000, lift: true });
    expect(z.scheme && [schemeName(z.scheme), z.scheme.fieldTag]).toEqual(['<2,2,2>:7', 'Z']);
    expect(z.lifts).toBe(z.candidates);
    expect(z.lifts - z.rejected).toBe(1);
  });

  it('flipLiftCertify records the source and writes a certificate that re-checks', async () => {
    const proofs = join(dir, 'proofs');
    const r = await flipLiftCertify({
      format: [2, 2, 2], targetRank: 7, seed: 2, workers: 1, timeLimitMs: 20_000, lift: true,
      proofs, source: (search) => `test, seeds ${search.seeds.join(' ')}`,
    });
    expect(r.scheme?.meta.source).toBe(`test, seeds ${r.search.seeds.join(' ')}`);
    if (!r.certified || 'error' in r.certified) throw new Error('not certified');
    expect(readdirSync(proofs)).toEqual([r.certified.file.slice(proofs.length + 1)]);
    const doc = JSON.parse(readFileSync(r.certified.file, 'utf8'));
    expect(doc.claim).toEqual({ kind: 'exact', target: '<2,2,2>', rank: 7, field: 'Z' });
    expect(checkCertificate(doc, r.certified.file).ok).toBe(true);
  });

  it('reports nothing found when the time runs out', async () => {
    const r = await flipLiftCertify({ format: [2, 2, 2], targetRank: 6, seed: 1, workers: 1, timeLimitMs: 300, lift: true, proofs: join(dir, 'none'), source: () => '' });
    expect(Object.keys(r)).toEqual(['search']);
    expect(r.search).toMatchObject({ scheme: null, bestRank: 7 });
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('writeVerified writes only a scheme that verifies exactly', () => {
    const ok = join(dir, 'ok.json');
    expect(writeVerified(builtinScheme('strassen'), ok)).toBe(64);
    expect(schemeName(loadScheme(ok))).toBe('<2,2,2>:7');
    const s = builtinScheme('strassen');
    const f = mutableFactors(s);
    f.W[0] = f.W[0].map(() => s.field.zero);
    const bad = join(dir, 'bad.json');
    expect(writeVerified(makeScheme({ fieldTag: 'Z', target: s.target, ...f }), bad)).toBeNull();
    expect(existsSync(bad)).toBe(false);
  });
});
