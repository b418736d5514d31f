import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { hasShared, SCHEMES } from '../helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-convert-'));
const exactJson = (file: string) => {
  const s = parseSchemeJson(readFileSync(file, 'utf8'), file);
  const r = verifyScheme(s);
  return r.kind === 'exact' && r.exact ? s : null;
};

describe.skipIf(!hasShared)('stlkit convert', () => {
  it('converts each original format to scheme JSON that verifies', async () => {
    const inputs: [string, string[]][] = [
      ['flips/solutions/444-49-mod0.exp', []],
      ['flips/solutions/223-11-mod0.m', []],
      ['perminov/fmm-tensor-mpl/3x3x3_tensor.mpl', []],
      ['perminov/original/ZT/4x4x4_m49_ZT.json', []],
      ['fast-matmul/algorithms/smirnov336-40-960', []],
      ['dps/plinopt-data/4x4x4_48_rational_L.sms', []],
      ['alphatensor/factorizations_r.npz', ['--format', '3,4,5']],
      ['symmetric-flips/schemes/555m93.txt', []],
    ];
    for (const [rel, extra] of inputs) {
      const out = join(dir, rel.replace(/\W/g, '_') + '.json');
      const r = await runCli(['convert', join(SCHEMES, rel), '-o', out, ...extra]);
      expect(r.code, `${rel}: ${r.err}`).toBe(0);
      expect(exactJson(out), rel).not.toBeNull();
    }
  });

  it('round-trips JSON → exp → JSON and writes md/tex', async () => {
    const src = join(SCHEMES, 'alphatensor/json-r/3x4x5_r47_Z.json');
    const exp = join(dir, 'x-mod0.exp'), back = join(dir, 'x.json');
    expect((await runCli(['convert', src, '-o', exp])).code).toBe(0);
    expect((await runCli(['convert', exp, '--format', '3,4,5', '-o', back])).code).toBe(0);
    const a = exactJson(src)!, b = exactJson(back)!;
    const rows = (s: typeof a) => JSON.stringify([s.U, s.V, s.W].map((M) => M.map((r) => r.map((x) => s.field.toJSON(x)))));
    expect(rows(b)).toBe(rows(a));
    const md = await runCli(['convert', src, '-o', '-', '--to', 'md']);
    expect(md.out).toMatch(/^C11 = /m);
    const tex = join(dir, 'x.tex');
    expect((await runCli(['convert', src, '-o', tex])).code).toBe(0);
    expect(readFileSync(tex, 'utf8')).toMatch(/align\*/);
  });

  it('refuses to write a scheme that does not verify (exit 1), unless --no-verify', async () => {
    const doc = JSON.parse(readFileSync(join(SCHEMES, 'alphatensor/json-r/2x2x2_r7_Z.json'), 'utf8'));
    doc.U[0][0] += 1;
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(doc));
    const out = join(dir, 'bad-out.json');
    const r = await runCli(['convert', bad, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/not exact over Z/);
    expect(existsSync(out)).toBe(false);
    expect((await runCli(['convert', bad, '-o', out, '--no-verify'])).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('exits 2 for an unknown output extension or source format', async () => {
    const src = join(SCHEMES, 'alphatensor/json-r/2x2x2_r7_Z.json');
    const r = await runCli(['convert', src, '-o', join(dir, 'x.weird')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/x\.weird: cannot tell the output format/);
    const s = await runCli(['convert', src, '--from', 'nope', '-o', join(dir, 'y.json')]);
    expect(s.code).toBe(2);
    expect(s.err).toMatch(/unknown source format "nope"/);
  });
});
