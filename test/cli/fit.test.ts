import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schemeToJson } from '../../src/formats/json.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { empiricalError } from '../../src/stl/error.ts';
import { tileRowsOf } from '../../src/stl/fit.ts';
import { gaussianMatrix, transpose, type Matrix } from '../../src/stl/matrix.ts';
import { encodersFromScheme } from '../../src/stl/operator.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';
import { floatBytes, npyBytes } from '../stl/npy.ts';

const runFit = (args: string[]) => runCli(['fit', ...args]);

const dir = mkdtempSync(join(tmpdir(), 'stlkit-fit-'));
const put = (name: string, data: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const npy = (name: string, A: Matrix) => put(name, npyBytes('<f8', [A.rows, A.cols], false, floatBytes(Array.from(A.data), 8)));
const start = join(ROOT, 'search/universal-results/t2/r005.json');
const X = gaussianMatrix(40, 12, 1), W = gaussianMatrix(12, 10, 2);
const xFile = npy('x.npy', X), wFile = npy('w.npy', W), wtFile = npy('wt.npy', transpose(W));

describe('stlkit fit', () => {
  it('fits, prints errors before and after, and writes a float scheme that records the fit', async () => {
    const out = join(dir, 'fitted.json');
    const r = await runFit(['--scheme', start, '--data', xFile, wFile, '--holdout', '0.25', '--sweeps', '8', '--seed', '3', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/start {5}.*r005\.json {2}<2,2,2>:5 {2}field R {2}t 2 {2}r 5/);
    expect(r.out).toMatch(/rows {6}fit on 30, 10 held out \(5 of 20 tile rows, random, seed 3\)/);
    expect(r.out).toMatch(/^before +0\.25\d* +0\.\d+ +0\.\d+$/m);
    expect(r.out).toMatch(/^after +\d\.\d+ +\d\.\d+ +\d\.\d+$/m);
    expect(existsSync(out)).toBe(true);
    const s = loadScheme(out);
    expect(s.fieldTag).toBe('R');
    expect(s.U).toHaveLength(5);
    const fit = s.meta.fit as { data: { X: string; W: string }; errors: { before: { train: number }; after: { train: number; heldOut: number } }; command: string; holdout: { seed: number } };
    expect(fit.data).toMatchObject({ X: xFile, W: wFile });
    expect(fit.command).toBe(`stlkit fit --scheme ${start} --data ${xFile} ${wFile} --holdout 0.25 --split random --sweeps 8 --lambda 0 --seed 3 -o ${out}`);
    expect(fit.errors.after.train).toBeLessThanOrEqual(fit.errors.before.train);
    expect(s.meta.fit).toMatchObject({ holdout: { fraction: 0.25, split: 'random', seed: 3, trainRows: 30, heldOutRows: 10 }, options: { sweeps: 8, lambda: 0, fixedW: false } });
    // The recorded errors belong to the written scheme: on all rows its error is a weighted mean of
    // the train and held-out errors, so it lies between them.
    const all = empiricalError(X, W, encodersFromScheme(s));
    expect(all).toBeGreaterThanOrEqual(Math.min(fit.errors.after.train, fit.errors.after.heldOut) - 1e-12);
    expect(all).toBeLessThanOrEqual(Math.max(fit.errors.after.train, fit.errors.after.heldOut) + 1e-12);
  });

  it('--json: fixed E_W and an nn.Linear-style weight', async () => {
    const r = await runFit(['--scheme', start, '--data', xFile, wtFile, '--transpose-w', '--fixed-w', '--sweeps', '3', '--json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc).toMatchObject({ t: 2, r: 5, options: { fixedW: true, sweeps: 3 }, data: { shapeW: [12, 10], transposeW: true } });
    expect(doc.errors.before.heldOut).toBeNull();
    expect(doc.errors.after.train).toBeLessThanOrEqual(doc.errors.before.train);
    const enc = encodersFromScheme(loadScheme(start));
    expect(doc.errors.before.train).toBeCloseTo(empiricalError(tileRowsOf(X, 2, Array.from({ length: 20 }, (_, i) => i)), W, enc), 12);
  });

  it('bad input: exit 2 with one line naming the file and what was expected', async () => {
    const missing = join(dir, 'nope.npy');
    const a = await runFit(['--scheme', start, '--data', missing, wFile]);
    expect(a.code).toBe(2);
    expect(a.err.trim()).toBe(`error: ${missing}: no such file`);
    expect(a.out).toBe('');

    const three = put('three.npy', npyBytes('<f8', [2, 2, 2], false, floatBytes(Array(8).fill(1), 8)));
    const b = await runFit(['--scheme', start, '--data', xFile, three]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(new RegExp(`^error: ${three}: npy: expected a 2-D array, got shape \\(2, 2, 2\\)\\n$`));

    const c = await runFit(['--scheme', start, '--data', xFile, xFile]);
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/X \(.*x\.npy\) is 40×12 and W \(.*x\.npy\) is 40×12; the inner sizes differ/);

    const d = await runFit(['--scheme', put('bad.json', '{"format":[2,2,2],"rank":1'), '--data', xFile, wFile]);
    expect(d.code).toBe(2);
    expect(d.err).toMatch(/bad\.json: invalid JSON/);

    const e = await runFit(['--scheme', start, '--data', xFile]);
    expect(e.code).toBe(2);
    expect(e.err).toMatch(/--data needs two files/);

    const f = await runFit(['--scheme', start, '--data', xFile, wFile, '--holdout', '1']);
    expect(f.code).toBe(2);
    expect(f.err).toMatch(/expected a fraction of the rows in \[0, 1\)/);

    const rect = put('rect.json', schemeToJson(builtinScheme('strassen-join-2x2x3')));
    const h = await runFit(['--scheme', rect, '--data', xFile, wFile]);
    expect(h.code).toBe(2);
    expect(h.err).toMatch(/rect\.json: expected a scheme for <t,t,t>, got <2,2,3>/);

    const out = join(dir, 'no-such-dir', 'f.json');
    const g = await runFit(['--scheme', start, '--data', xFile, wFile, '--sweeps', '1', '-o', out]);
    expect(g.code).toBe(2);
    expect(g.err).toMatch(/no-such-dir\/f\.json: cannot write the fitted scheme there \(ENOENT\)/);
  });
});
