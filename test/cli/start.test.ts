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
    expect(library.map((x: { name: string; result: string }) => [x.name, x.result])).toEqual(BUILTIN.map((b) => [b.name, 'exact']));
  });

  it('runs the pipeline as the real binary: library, search <3,3,3> to 23, lift, verify, certify', () => {
    const proofs = mkdtempSync(join(tmpdir(), 'stlkit-main-'));
    const r = spawnCli(['main', '--proofs', proofs]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/strassen2 +<4,4,4>:49 +Z .* exact/);
    expect(r.out).toContain(`${BUILTIN.length} of ${BUILTIN.length} schemes exact.`);
    expect(r.out).toMatch(/naive <3,3,3>:27 → rank 23 over Z2/);
    const [cert, ...others] = readdirSync(proofs);
    expect(others).toEqual([]);
    expect(cert).toMatch(/^3x3x3-r23-(Z|Q)-[0-9a-f]{10}\.json$/);
    const doc = JSON.parse(readFileSync(join(proofs, cert), 'utf8'));
    expect(r.out).toContain(`certify  ${join(proofs, cert)} (sha256 ${doc.sha256.slice(0, 16)}…)\n`);
    const check = checkCertificate(doc, cert);
    expect(check.ok).toBe(true);
  }, 150_000);
});
