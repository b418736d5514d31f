import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { table } from '../../src/cli/output.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { schemeHash } from '../../src/proofs/certificate.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';

describe('stlkit certify / proofs check', () => {
  it('certifies, re-checks, and fails a tampered certificate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stlkit-proofs-'));
    const lib = join(dir, 'strassen2.json');
    expect((await runCli(['library', 'export', 'strassen2', '-o', lib])).code).toBe(0);
    const certs = join(dir, 'proofs');
    const c = await runCli(['certify', lib, '-o', certs]);
    expect(c.code).toBe(0);
    expect(c.err).toBe('');
    // The name says what is proven and ends in the first 10 hex digits of the scheme's sha256.
    const certFile = `4x4x4-r49-Z-${schemeHash(loadScheme(lib)).slice(0, 10)}.json`;
    expect(readdirSync(certs)).toEqual([certFile]);
    expect(c.out).toBe(`certified ${lib}: <4,4,4>:49 over Z, exact → ${join(certs, certFile)}\n`);
    const ok = await runCli(['proofs', 'check', certs]);
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`${table(['certificate', 'claim', 'result'], [[join(certs, certFile), '<4,4,4>:49 Z exact', 'ok']])}\n\n1 of 1 certificates re-verified.\n`);
    const doc = JSON.parse(readFileSync(join(certs, certFile), 'utf8'));
    doc.scheme.W[0][0] = 0;
    writeFileSync(join(certs, certFile), JSON.stringify(doc));
    const bad = await runCli(['proofs', 'check', certs]);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/FAILED: the scheme does not match its sha256/);
    // A file that is not a certificate is bad input.
    writeFileSync(join(certs, 'junk.json'), '{"U": []}');
    expect((await runCli(['proofs', 'check', certs])).code).toBe(2);
  });

  it('re-verifies the certificates committed in proofs/', async () => {
    const r = await runCli(['proofs', 'check', join(ROOT, 'proofs')]);
    expect(r.code).toBe(0);
  });
});
