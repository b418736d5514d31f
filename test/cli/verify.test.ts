import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.ts';
import { hasShared, schemeFiles } from '../helpers/shared.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-verify-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const strassen = {
  format: [2, 2, 2], rank: 7, field: 'Z',
  U: [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]],
  V: [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]],
  W: [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
};

describe('stlkit verify', () => {
  it('exits 0 with a summary line for an exact scheme', async () => {
    const r = await runCli(['verify', write('ok.json', JSON.stringify(strassen))]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^ok {2}.*ok\.json {2}<2,2,2>:7 {2}field Z {2}rank 7 {2}EXACT over Z \(64 equations\)/);
  });

  it('exits 1 and lists failing equations when one coefficient is changed', async () => {
    const bad = structuredClone(strassen);
    bad.V[3][2] = 2;
    const r = await runCli(['verify', write('bad.json', JSON.stringify(bad))]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/FAIL {2}.*bad\.json.*NOT EXACT over Z: 2 of 64 equations fail, isotropic error 1\/4/);
    expect(r.out).toMatch(/a22·b21→c11 \[3,2,0\]: expected 0, got 1/);
  });

  it('exits 1 with failing equations on a non-exact PLinOpt triple (read row-major, never refused)', async () => {
    // L (7×4 on vec A), R (7×4 on vec B), P (4×7 giving vec C), row-major, one coefficient of W changed.
    const sms = (M: number[][]) => `${M.length} ${M[0].length} M\n${M.flatMap((r, i) => r.flatMap((x, j) => (x ? [`${i + 1} ${j + 1} ${x}`] : []))).join('\n')}\n0 0 0\n`;
    const W = structuredClone(strassen.W);
    W[4][1] = 0;
    write('2x2x2_7_bad_R.sms', sms(strassen.V));
    write('2x2x2_7_bad_P.sms', sms(W[0].map((_, c) => W.map((r) => r[c]))));
    const r = await runCli(['verify', write('2x2x2_7_bad_L.sms', sms(strassen.U))]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/NOT EXACT over Z: 2 of 64 equations fail/);
  });

  it('exits 2 on malformed input, naming the file, without a stack trace', async () => {
    const cases: [string, string, RegExp][] = [
      ['trunc.json', JSON.stringify(strassen).slice(0, 40), /trunc\.json: invalid JSON/],
      ['rows.json', JSON.stringify({ ...strassen, rank: 6 }), /rows\.json: "U": has 7 rows but "rank" is 6/],
      ['missing.json', JSON.stringify({ ...strassen, U: undefined }), /missing\.json: "U": missing/],
      ['zero.json', JSON.stringify({ ...strassen, field: 'Q', U: [['1/0', 0, 0, 1], ...strassen.U.slice(1)] }), /zero\.json: U\[0\]\[0\]: "1\/0" has denominator zero/],
    ];
    for (const [name, text, pattern] of cases) {
      const r = await runCli(['verify', write(name, text)]);
      expect(r.code, name).toBe(2);
      expect(r.err).toMatch(pattern);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.out).toBe('');
    }
    const missing = await runCli(['verify', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/nope\.json: no such file/);
  });

  it('gives 2 over 1 when files mix bad input and inexact schemes, and reports every file', async () => {
    const bad = structuredClone(strassen);
    bad.W[0][0] = 0;
    const r = await runCli(['verify', write('a.json', JSON.stringify(strassen)), write('b.json', JSON.stringify(bad)), write('c.json', '{')]);
    expect(r.code).toBe(2);
    expect(r.out.split('\n').filter(Boolean).filter((l) => /^(ok|FAIL)/.test(l)).length).toBe(2);
  });

  it('checks over another field with --field and prints JSON with --json', async () => {
    const r = await runCli(['verify', '--field', 'Z3', '--json', write('ok3.json', JSON.stringify(strassen))]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc[0]).toMatchObject({ rank: 7, field: 'Z3', ok: true, report: { kind: 'exact', exact: true } });
  });

  it('refuses unknown options and fields as usage errors (exit 2)', async () => {
    expect((await runCli(['verify', '--field', 'F4', 'x.json'])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
    expect((await runCli(['verify', '--help'])).code).toBe(0);
  });

  it.skipIf(!hasShared)('the real binary verifies every converted JSON scheme in the shared data', () => {
    const files = schemeFiles('', (n) => n.endsWith('.json')).filter((f) => /\/json[^/]*\/[^/]+$|alphaevolve\/[^/]+$/.test(f));
    const r = spawnCli(['verify', ...files]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').length).toBe(files.length);
    expect(r.out.trim().split('\n').filter((line) => !line.startsWith('ok  '))).toEqual([]);
  });
});

describe('stlkit verify on bilinear maps other than matrix multiplication', () => {
  it('verifies Karatsuba for polynomial multiplication and the 3-product DFT-free cyclic convolution of length 2', async () => {
    const karatsuba = {
      tensor: { kind: 'polymul', degrees: [1, 1] }, rank: 3, field: 'Z',
      U: [[1, 0], [0, 1], [1, 1]], V: [[1, 0], [0, 1], [1, 1]], W: [[1, -1, 0], [0, -1, 1], [0, 1, 0]],
    };
    const r = await runCli(['verify', write('karatsuba.json', JSON.stringify(karatsuba))]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/polymul\(1,1\):3 .*EXACT/);
    // z0 = x0y0 + x1y1, z1 = x0y1 + x1y0 over Q: ((x0+x1)(y0+y1) ± (x0−x1)(y0−y1))/2, rank 2.
    const conv2 = {
      tensor: { kind: 'cyclic-convolution', length: 2 }, rank: 2, field: 'Q',
      U: [[1, 1], [1, -1]], V: [[1, 1], [1, -1]], W: [['1/2', '1/2'], ['1/2', '-1/2']],
    };
    expect((await runCli(['verify', write('conv2.json', JSON.stringify(conv2))])).code).toBe(0);
    // The same is the Fourier transform of the group algebra of Z2.
    const z2 = { ...conv2, tensor: { kind: 'group-algebra', group: 'Z2' } };
    expect((await runCli(['verify', write('z2.json', JSON.stringify(z2))])).code).toBe(0);
    // Over Z2 the 1/2 does not exist: bad input, not a silent pass.
    const bad = { ...conv2, field: 'Z2' };
    const e = await runCli(['verify', write('conv2-z2.json', JSON.stringify(bad))]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/W\[0\]\[0\]: denominator 2 is not invertible in Z2/);
  });
});
