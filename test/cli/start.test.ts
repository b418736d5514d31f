import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { BUILTIN } from '../../src/library/builtin.ts';
import { checkCertificate } from '../../src/proofs/certificate.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { kappa } from '../../src/stl/lowprec.ts';

describe('stlkit main (npm start)', () => {
  it('verifies the built-in library and prints one row per scheme', async () => {
    const r = await runCli(['main', '--skip-search', '--json']);
    expect(r.code).toBe(0);
    const { library } = JSON.parse(r.out);
    expect(library.map((x: { name: string; result: string }) => [x.name, x.result])).toEqual(BUILTIN.map((b) => [b.name, 'exact']));
  });

  it('runs the pipeline as the real binary: library, search <3,3,3> to 23, lift, verify, certify; universal t = 4, export, kernels', () => {
    const proofs = mkdtempSync(join(tmpdir(), 'stlkit-main-'));
    const out = mkdtempSync(join(tmpdir(), 'stlkit-main-out-'));
    const r = spawnCli(['main', '--proofs', proofs, '--out', out, '--universal-seconds', '4']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/strassen2 +<4,4,4>:49 +Z .* exact/);
    expect(r.out).toContain(`${BUILTIN.length} of ${BUILTIN.length} schemes exact.`);
    expect(r.out).toMatch(/naive <3,3,3>:27 → rank 23 over Z2/);
    const [cert, ...others] = readdirSync(proofs);
    expect(others).toEqual([]);
    expect(cert).toMatch(/^3x3x3-r23-(Z|Q)-[0-9a-f]{10}\.json$/);
    const doc = JSON.parse(readFileSync(join(proofs, cert), 'utf8'));
    expect(r.out).toContain(`certify  sha256 ${doc.sha256.slice(0, 16)}…\n`);
    expect(r.out).toMatch(new RegExp(`certify +${join(proofs, cert)}\n`));
    const check = checkCertificate(doc, cert);
    expect(check.ok).toBe(true);
    // The STL half: a universal scheme within the default conditioning bound (κ ≤ 6.93 ⇔ 2 % bf16 unfused) ...
    expect(r.out).toMatch(/universal +<4,4,4>:24 over [QZR], isotropic error [\d./]+ .*, κ \d\.\d+, simulated bf16 error \d\.\d\d % unfused/);
    const s = loadScheme(join(out, 'universal-t4-r24.json'));
    expect(kappa(s)).toBeLessThanOrEqual(6.93);
    expect(s.meta.bf16Unfused).toBeLessThanOrEqual(0.02);
    // ... exported and turned into kernels, each file where the closing table says.
    for (const f of ['stl_pt/__init__.py', 'stl_pt/stl_encoders.safetensors', 'stl_t4_r24.py', 'stl_t4_r24.cu']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(r.out).toMatch(new RegExp(`export pytorch +${join(out, 'stl_pt')}\n`));
    const hasNvcc = spawnSync('nvcc', ['--version']).status === 0;
    expect(r.out).toMatch(hasNvcc ? /nvcc +compiled for sm_90a/ : /nvcc +not on the PATH/);
    if (hasNvcc) expect(existsSync(join(out, 'stl_t4_r24.cu.o'))).toBe(true);
  }, 240_000);
});
