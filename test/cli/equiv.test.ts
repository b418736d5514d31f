import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Q } from '../../src/field/index.ts';
import { schemeToJson } from '../../src/formats/json.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeField } from '../../src/scheme/index.ts';
import { Rng } from '../../src/util/rng.ts';
import { act, randomElement, sameTerms, type SymElement } from '../../src/symmetry/index.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';
import { runSymCli } from '../symmetry/run-cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-equiv-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const SEED = 99;

describe('stlkit equiv', () => {
  const lad = builtinScheme('laderman');
  const hidden = randomElement(lad, new Rng(SEED));
  const a = write('laderman.json', schemeToJson(lad));
  const b = write('hidden.json', schemeToJson(act(lad, hidden)));

  it('exits 0 and prints a checked transformation for a hidden random change of basis', async () => {
    const r = await runSymCli(['equiv', a, b]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^EQUIVALENT {2}.*laderman\.json {2}.*hidden\.json {2}<3,3,3>:23 over Q/);
    expect(r.out).toMatch(/σ = \w+\n {2}P = \[.*\]\n {2}Q = \[.*\]\n {2}R = \[.*\]/);
    expect(r.out).toMatch(/products A→B: 1→\d+/);
  });

  it('--json gives P, Q, R, σ that really map A onto B', async () => {
    const r = await runSymCli(['equiv', a, b, '--json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.equivalent).toBe(true);
    const m = (M: unknown[][]) => M.map((row) => row.map((x) => Q.parse(x)));
    const g: SymElement<unknown> = { P: m(j.transform.P), Q: m(j.transform.Q), R: m(j.transform.R), perm: j.transform.perm };
    expect(sameTerms(act(lad, g), act(lad, hidden))).toBe(true);
    expect(j.productMap).toHaveLength(23);
  });

  it.skipIf(!hasShared)('compares over Z2 with --field (Strassen over Z vs AlphaTensor <2,2,2>:7 over Z2)', async () => {
    const s = write('strassen.json', schemeToJson(builtinScheme('strassen')));
    const r = await runSymCli(['equiv', s, join(SCHEMES, 'alphatensor/json-f2/2x2x2_r7_Z2.json'), '--field', 'Z2']);
    expect(r.code).toBe(0);
    const z = write('strassen-z2.json', schemeToJson(changeField(builtinScheme('strassen'), 'Z2')));
    const r2 = await runSymCli(['equiv', s, z]);
    expect(r2.code).toBe(1);
    expect(r2.out).toMatch(/fields differ \(Q vs Z2\)/);
  });

  it.skipIf(!hasShared)('exits 1 with the invariant that differs for non-equivalent <3,3,3>:23 schemes', async () => {
    const r = await runSymCli(['equiv', join(SCHEMES, 'alphatensor/json-r/3x3x3_r23_Z.json'), join(SCHEMES, 'fast-matmul/json/grey333-23-143.json')]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^NOT EQUIVALENT/);
    expect(r.out).toMatch(/factor-rank triples differ/);
    const j = JSON.parse((await runSymCli(['equiv', join(SCHEMES, 'alphatensor/json-r/3x3x3_r23_Z.json'), join(SCHEMES, 'fast-matmul/json/grey333-23-143.json'), '--json'])).out);
    expect(j.equivalent).toBe(false);
    expect(j.method).toBe('invariants');
  });

  it('exits 2 on bad input, in one line', async () => {
    const missing = await runSymCli(['equiv', a, join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.json: no such file/);
    const fl = write('float.json', schemeToJson(changeField(builtinScheme('strassen'), 'R')));
    const r = await runSymCli(['equiv', fl, fl]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/not exact/);
    expect(r.err).not.toMatch(/\n\s+at /);
  });
});
