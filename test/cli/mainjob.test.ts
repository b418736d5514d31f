import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { BUILTIN } from '../../src/library/builtin.ts';

describe('stlkit main (npm start)', () => {
  it('verifies the built-in library and prints one row per scheme', async () => {
    const r = await runCli(['main', '--json']);
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.out);
    expect(rows.length).toBe(BUILTIN.length);
    expect(rows.every((x: { result: string }) => x.result === 'exact')).toBe(true);
  });
  it('runs as the real binary with no arguments beyond the verb', () => {
    const r = spawnCli(['main']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/strassen2 +<4,4,4>:49 +Z .* exact/);
    expect(r.out).toContain(`${BUILTIN.length} of ${BUILTIN.length} schemes exact.`);
  });
});
