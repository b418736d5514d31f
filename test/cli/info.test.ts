import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';

describe.skipIf(!hasShared)('stlkit info', () => {
  it('reports format, rank, field and counts', async () => {
    const r = await runCli(['info', join(SCHEMES, 'fast-matmul/json/strassen.json')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scheme +<2,2,2>:7/);
    expect(r.out).toMatch(/additions +18 \(U 5, V 5, W 8\)/);
  });
  it('prints JSON with --json', async () => {
    const r = await runCli(['info', '--json', join(SCHEMES, 'dps/json/4x4x4_48_rational.json')]);
    expect(JSON.parse(r.out)).toMatchObject({ rank: 48, field: 'Q', format: [4, 4, 4], additions: { total: 960 } });
  });
  it('exits 2 on a missing file', async () => {
    const r = await runCli(['info', 'does-not-exist.json']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/does-not-exist\.json: no such file/);
  });
});
