import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { runSymCli } from '../symmetry/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-symmetry-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

describe('stlkit symmetry', () => {
  const strassen = write('strassen.json', schemeToJson(builtinScheme('strassen')));
  const laderman = write('laderman.json', schemeToJson(builtinScheme('laderman')));

  it("reports Strassen's group: order 36 over Q with the transposition, 18 cyclic only", async () => {
    const r = await runSymCli(['symmetry', strassen]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/symmetry group of order 36 over Q, with the cyclic and transposition symmetries/);
    expect(r.out).toMatch(/element orders: 1×order 1, 15×order 2, 8×order 3, 12×order 6/);
    expect(r.out).toMatch(/product orbits \(sizes 6\+1\)/);
    expect(r.out).toMatch(/g1 \(order \d\):\n {4}σ = /);
    const c = await runSymCli(['symmetry', strassen, '--perms', 'cyclic', '--json']);
    const j = JSON.parse(c.out);
    expect(j.order).toBe(18);
    expect(j.method).toBe('search');
    expect(j.complete).toBe(true);
  });

  it("Laderman mod 2 by the exhaustive Z2 scan: S4, with the canonical form key", async () => {
    const r = await runSymCli(['symmetry', laderman, '--field', 'Z2', '--canonical']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/order 24 over Z2.*exhaustive scan/);
    expect(r.out).toMatch(/Z2 canonical form \(exact\): z2:<3,3,3>:/);
    const j = JSON.parse((await runSymCli(['symmetry', laderman, '--json', '--elements'])).out);
    expect(j.order).toBe(24);
    expect(j.elements).toHaveLength(24);
  });

  it('exits 2 on bad input', async () => {
    const r = await runSymCli(['symmetry', join(dir, 'missing.json')]);
    expect(r.code).toBe(2);
    const bad = await runSymCli(['symmetry', strassen, '--method', 'z2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Z2/);
  });
});
