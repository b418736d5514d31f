import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { BUILTIN } from '../../src/library/builtin.ts';
import { checkCertificate } from '../../src/proofs/certificate.ts';

describe('stlkit main (npm start)', () => {
  it('verifies the built-in library and prints one row per scheme', async () => {
    const r = await runCli(['main', '--skip-search', '--json']);
    expect(r.code).toBe(0);
    const { library } = JSON.parse(r.out);
    expect(library.length).toBe(BUILTIN.length);
    expect(library.every((x: { result: string }) => x.result === 'exact')).toBe(true);
  });

  it('runs the pipeline as the real binary: library, search <3,3,3> to 23, lift, verify, certify', () => {
    const proofs = mkdtempSync(join(tmpdir(), 'stlkit-main-'));
    const r = spawnCli(['main', '--proofs', proofs]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/strassen2 +<4,4,4>:49 +Z .* exact/);
    expect(r.out).toContain(`${BUILTIN.length} of ${BUILTIN.length} schemes exact.`);
    expect(r.out).toMatch(/naive <3,3,3>:27 → rank 23 over Z2/);
    const [cert] = readdirSync(proofs);
    expect(cert).toMatch(/^3x3x3-r23-(Z|Q)-/);
    const check = checkCertificate(JSON.parse(readFileSync(join(proofs, cert), 'utf8')), cert);
    expect(check.ok).toBe(true);
  }, 150_000);
});
