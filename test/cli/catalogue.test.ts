import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { schemeFilesUnder } from '../../src/formats/catalogue.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-catalogue-'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  return p;
};
const strassen = {
  format: [2, 2, 2], rank: 7, field: 'Z',
  U: [[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]],
  V: [[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]],
  W: [[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]],
};
// The same scheme in the flip-graph .exp trace form, written by hand.
const strassenExp = [
  '(a11+a22)*(b11+b22)*(c11+c22)',
  '(a21+a22)*(b11)*(c12-c22)',
  '(a11)*(b12-b22)*(c21+c22)',
  '(a22)*(-b11+b21)*(c11+c12)',
  '(a11+a12)*(b22)*(-c11+c21)',
  '(-a11+a21)*(b11+b12)*(c22)',
  '(a12-a22)*(b21+b22)*(c11)',
].join('\n');
const classical = {
  format: [1, 1, 2], rank: 2, field: 'Q',
  U: [[1], [1]], V: [[1, 0], [0, 1]], W: [[1, 0], [0, 1]],
};

const good = join(dir, 'good');
const ok = write('good/a/strassen.json', JSON.stringify(strassen));
const okExp = write('good/b/strassen-222.exp', strassenExp);
const okQ = write('good/b/classical.json', JSON.stringify(classical));
write('good/README.md', '# not a scheme\n');
write('good/LICENSE', 'MIT\n');
const bestKnown = write('best.json', JSON.stringify({ ranks: { '2x2x2': { Q: 7, Z: 7, ZT: 7 }, '1x1x2': { Q: 2, Z: 2, ZT: 2 } } }));

const mixed = join(dir, 'mixed');
const bad = structuredClone(strassen);
bad.V[3][2] = 2;
const mixedOk = write('mixed/ok.json', JSON.stringify(strassen));
const corrupt = write('mixed/corrupt.json', JSON.stringify(bad));
const truncated = write('mixed/truncated.json', JSON.stringify(strassen).slice(0, 40));

describe('stlkit catalogue', () => {
  it('walks folders, skips README and LICENSE as not scheme files, and exits 0 when every scheme is exact', async () => {
    const r = await runCli(['catalogue', good, '--best-known', bestKnown, '--jobs', '1']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^5 files, 3 schemes \(3 exact, 0 not\), 0 unreadable, 0 refused, 2 not scheme files, in [\d.]+ s \(1 job\)$/m);
    expect(r.out).toMatch(/^format +rank +field +exact +additions +read as +file$/m);
    expect(r.out).toMatch(new RegExp(`^2x2x2 +7 +Z +exact +18 +json +${ok.replace(/[.\\]/g, '\\$&')}$`, 'm'));
    expect(r.out).toMatch(/^not scheme files, skipped \(2\):\n {2}.*LICENSE: not a scheme file: documentation or licence/m);
    expect(r.out).toMatch(/^1x1x2 +Q +2 +2 +0 +/m);
  });

  it('gives the exact JSON: rows, unreadable files with their reason, best ranks beside the best known', async () => {
    // Two worker threads: the rows still come in the order of the walk.
    const r = await runCli(['catalogue', good, mixed, '--best-known', bestKnown, '--json', '--jobs', '2']);
    expect(r.code).toBe(1);
    const row = (file: string, verdict: string, detected = 'json (extension .json)') => ({ file, format: '2x2x2', rank: 7, field: 'Z', verdict, additions: 18, detected });
    expect(JSON.parse(r.out)).toEqual({
      bestKnown,
      rows: [
        row(ok, 'exact'),
        { file: okQ, format: '1x1x2', rank: 2, field: 'Q', verdict: 'exact', additions: 0, detected: 'json (extension .json)' },
        row(okExp, 'exact', 'exp (extension .exp)'),
        row(corrupt, 'not exact'),
        row(mixedOk, 'exact'),
      ],
      unreadable: [{ file: truncated, reason: expect.stringMatching(new RegExp(`^${truncated.replace(/[.\\]/g, '\\$&')}: invalid JSON`)) }],
      unsupported: [],
      skipped: [
        { file: join(good, 'LICENSE'), reason: expect.stringMatching(/not a scheme file/) },
        { file: join(good, 'README.md'), reason: expect.stringMatching(/not a scheme file/) },
      ],
      best: [
        { format: '1x1x2', field: 'Q', rank: 2, file: okQ, bestKnown: 2 },
        { format: '2x2x2', field: 'Z', rank: 7, file: ok, bestKnown: 7 },
      ],
    });
  });

  it('exits 1 for a scheme that is not exact, lists the unreadable file with its reason and goes on', async () => {
    const out = join(dir, 'table.txt');
    const r = await runCli(['catalogue', mixed, '--best-known', bestKnown, '-o', out]);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^3 files, 2 schemes \(1 exact, 1 not\), 1 unreadable, 0 refused, 0 not scheme files/);
    expect(text).toMatch(/^2x2x2 +7 +Z +not exact +18 +.*corrupt\.json$/m);
    expect(text).toMatch(/^unreadable \(1\):\n {2}.*truncated\.json: invalid JSON/m);
  });

  it('a --best-known file that is not there is a bad argument', async () => {
    const r = await runCli(['catalogue', good, '--best-known', join(dir, 'absent.json')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/absent\.json: no such file/);
  });

  it('exits 2 for a folder that is not there or a malformed best-known table, with one line', async () => {
    const r = await runCli(['catalogue', join(dir, 'nowhere')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nowhere: no such file or folder/);
    const r2 = await runCli(['catalogue', good, '--best-known', write('bk.json', '{"ranks": []}')]);
    expect(r2.code).toBe(2);
    expect(r2.err).toMatch(/bk\.json: expected \{"ranks"/);
    expect((await runCli(['catalogue'])).code).toBe(2);
  });
});

describe('stlkit catalogue on text forms', () => {
  const forms = join(dir, 'forms');
  // Strassen in Perminov's .txt (w over Cᵀ), as products and decoders, and in Yacas.
  const flat = (M: number[][]) => M.flat().join(' ');
  const perminov = write('forms/2x2x2_m7_ZT.txt', `2 2 2 7\n${flat(strassen.U)}\n${flat(strassen.V)}\n${flat(strassen.W.map((r) => [r[0], r[2], r[1], r[3]]))}\n`);
  const bini = write('forms/strassen-bini.txt', 'm1 = (a11 + a22)*(b11 + b22)\nm2 = (a21 + a22)*b11\nm3 = a11*(b12 - b22)\nm4 = a22*(b21 - b11)\nm5 = (a11 + a12)*b22\nm6 = (a21 - a11)*(b11 + b12)\nm7 = (a12 - a22)*(b21 + b22)\nc11 = m1 + m4 - m5 + m7\nc12 = m3 + m5\nc21 = m2 + m4\nc22 = m1 - m2 + m3 + m6\n');
  const yacas = write('forms/strassen.ys', 'M1 := (A11 + A22)*(B11 + B22); M2 := (A21 + A22)*B11; M3 := A11*(B12 - B22); M4 := A22*(B21 - B11);\nM5 := (A11 + A12)*B22; M6 := (A21 - A11)*(B11 + B12); M7 := (A12 - A22)*(B21 + B22);\nC11 := M1 + M4 - M5 + M7; C12 := M3 + M5; C21 := M2 + M4; C22 := M1 - M2 + M3 + M6;\n');
  // Strassen without signs is a scheme mod 2 only; this file has no marker of it.
  const unsigned = write('forms/unsigned.exp', strassenExp.replace(/-/g, '+').replace(/\(\+/g, '('));
  const edges = write('forms/edges.txt', 'aa.exp bb.exp\n');

  it('reads each with its importer, says which, and sets apart the not-a-scheme text and the mod-2 file', async () => {
    const r = await runCli(['catalogue', forms, '--json', '--jobs', '2', '--best-known', bestKnown]);
    expect(r.code).toBe(1);
    const cat = JSON.parse(r.out);
    const by = (f: string) => cat.rows.find((x: { file: string }) => x.file === f);
    expect(by(perminov)).toMatchObject({ verdict: 'exact', field: 'Z', detected: expect.stringMatching(/^perminov-txt \(extension \.txt: .*header '2 2 2 7' = n m p R\)$/) });
    expect(by(bini)).toMatchObject({ verdict: 'exact', detected: expect.stringMatching(/^bini \(extension \.txt: tried bini; bini read it: product line/) });
    expect(by(yacas)).toMatchObject({ verdict: 'exact', detected: 'yacas (extension .ys)' });
    expect(by(unsigned)).toMatchObject({ verdict: 'not exact', field: 'Z', note: 'not exact over Z; exact over Z2 — pass --field Z2' });
    expect(cat.skipped).toEqual([{ file: edges, reason: expect.stringMatching(/not a scheme file: its text matches none of the formats/) }]);
    expect(cat.unreadable).toEqual([]);
    const text = await runCli(['catalogue', forms, '--jobs', '1', '--best-known', bestKnown]);
    expect(text.out).toMatch(/^2x2x2 +7 +Z +not exact\* +\d+ +exp +.*unsigned\.exp$/m);
    expect(text.out).toMatch(/^\* 1 not exact over Z but exact over Z2, and the file has no Z2 marker: pass --field Z2$/m);
  });
});

describe('schemeFilesUnder', () => {
  it('keeps one file of each PLinOpt group, plain and factored apart', () => {
    const d = join(dir, 'plinopt');
    for (const n of ['x_L.sms', 'x_R.sms', 'x_P.sms', 'x_L.slp', 'x_R.slp', 'x_P.slp', 'x_L_A.sms', 'x_L_C.sms', 'x_R_A.sms', 'y-ALT_L.sms', 'y-CoB_L.sms', 'y_L.sms']) write(`plinopt/${n}`, '');
    expect(schemeFilesUnder([d]).map((f) => f.slice(d.length + 1))).toEqual(['x_L.slp', 'x_L.sms', 'x_L_A.sms', 'y-ALT_L.sms', 'y_L.sms']);
  });
});
