import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fnv1a32, readFlipwalk, schemeToFlipwalkTerms, writeFlipwalk, type Term } from '../../src/formats/flipwalk.ts';
import { loadScheme } from '../../src/formats/registry.ts';
import { builtinScheme, naive as naiveScheme } from '../../src/library/builtin.ts';
import { runCli } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-import-gpu-'));
const strassen = schemeToFlipwalkTerms(builtinScheme('strassen'));
const naive = schemeToFlipwalkTerms(naiveScheme(2, 2, 2));

/** A run folder as the flipwalk program leaves it. */
function run(name: string, records: Term[][], pool: Term[][], summary?: string): string {
  const out = join(dir, name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'records.txt'), writeFlipwalk([2, 2, 2], records.map((terms, i) => ({ terms, info: { walker: i, flips: 100 * i } }))));
  writeFileSync(join(out, 'pool.txt'), writeFlipwalk([2, 2, 2], pool.map((terms) => ({ terms, info: { walker: 0 } }))));
  if (summary !== undefined) writeFileSync(join(out, 'summary.json'), summary);
  return out;
}

describe('the stlkit-flipwalk format', () => {
  it('round-trips, with the checksum the program writes', () => {
    const text = writeFlipwalk([2, 2, 2], [{ terms: strassen, info: { walker: 3, flips: 12 } }]);
    // FNV-1a of "a" is e40c292c (the published test vector).
    expect(fnv1a32(new TextEncoder().encode('a')).toString(16)).toBe('e40c292c');
    const f = readFlipwalk(new TextEncoder().encode(text), 'x.txt');
    expect(f.format).toEqual([2, 2, 2]);
    expect(f.schemes[0].terms).toEqual(strassen);
    expect(f.schemes[0].info).toEqual({ walker: 3, flips: 12 });
  });

  it('refuses a cut, altered or malformed file in one line naming it', () => {
    const text = writeFlipwalk([2, 2, 2], [{ terms: strassen }]);
    const enc = (s: string) => new TextEncoder().encode(s);
    const lines = text.split('\n');
    const cases: [string, RegExp][] = [
      [text.slice(0, 60), /^f\.txt: line \d+: truncated \(no newline\)$/],
      [lines.slice(0, 6).join('\n') + '\n', /^f\.txt: truncated after line 6 \(no end line\)$/],
      [text.replace('scheme 0 rank 7', 'scheme 0 rank 8'), /^f\.txt: line \d+: expected three hexadecimal factors a b c$/],
      [text.replace(lines[4], '1 2 zz'), /^f\.txt: line 5: expected three hexadecimal factors a b c$/],
      [text.replace(lines[4], '10 1 1'), /^f\.txt: line 5: factor 10 has bits beyond the 4 of <2,2,2>$/],
      ['hello\n', /^f\.txt: line 1: expected 'stlkit-flipwalk 1' \(not a flipwalk file\)$/],
    ];
    const altered = lines.map((l, i) => (i === 4 ? l.replace(/^(\w)/, (c) => (c === '1' ? '2' : '1')) : l)).join('\n');
    cases.push([altered, /^f\.txt: checksum mismatch \(the file was altered or cut\)$/]);
    for (const [bad, msg] of cases) expect(() => readFlipwalk(enc(bad), 'f.txt')).toThrow(msg);
  });
});

describe('stlkit search import-gpu', () => {
  it('verifies every scheme of a run, reports the best, lifts, writes and certifies it', async () => {
    const out = run('good', [naive, strassen], [strassen], JSON.stringify({ command: './flipwalk --mode warp --target 7 --seed 3' }));
    const best = join(dir, 'best.json'), proofs = join(dir, 'proofs');
    const r = await runCli(['search', 'import-gpu', out, '--field', 'Z', '-o', best, '--certify', proofs]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`${join(out, 'records.txt')}: 2 scheme(s), all exact over Z2, ranks 7, 8`);
    expect(r.out).toContain('best rank 7: 1 distinct scheme(s) over Z2');
    expect(r.out).toContain('lifted to Z: <2,2,2>:7');
    const s = loadScheme(best);
    expect(s.fieldTag).toBe('Z');
    expect(String(s.meta.source)).toContain('flipwalk: ./flipwalk --mode warp --target 7 --seed 3');
    expect(readdirSync(proofs)).toHaveLength(1);
    const check = await runCli(['proofs', 'check', proofs]);
    expect(check.code, check.err).toBe(0);
  });

  it('--field ZT keeps a lift with coefficients in {-1,0,1}', async () => {
    const out = run('zt', [strassen], [strassen]);
    const best = join(dir, 'best-zt.json');
    const r = await runCli(['search', 'import-gpu', out, '--field', 'ZT', '-o', best]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('lifted to Z with coefficients in {-1,0,1}: <2,2,2>:7');
    const s = loadScheme(best);
    expect(s.fieldTag).toBe('Z');
    for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) expect(['-1', '0', '1']).toContain(s.field.toString(x));
  });

  it('keeps the run\'s summary (command without its folders, seed, wall time, GPU, start) as the search record', async () => {
    const summary = { command: '/tmp/build/flipwalk_222_nvcc_ab --mode warp --out /root/out/runs/r --seed 4 --start /repo/bench/start-7.txt', seed: 4, wall_s: 12.5, device: 'NVIDIA H200' };
    const out = run('record', [strassen], [strassen], JSON.stringify(summary));
    const best = join(dir, 'best-record.json');
    const r = await runCli(['search', 'import-gpu', out, '--field', 'ZT', '-o', best]);
    expect(r.code, r.err).toBe(0);
    expect(loadScheme(best).meta.search).toEqual({
      command: 'flipwalk_222_nvcc_ab --mode warp --out r --seed 4 --start start-7.txt', seed: 4, wallSeconds: 12.5, machine: 'NVIDIA H200', start: 'start-7.txt',
    });
  });

  it('refuses a damaged file (exit 2, one line) and a scheme that does not verify (exit 1)', async () => {
    const out = run('damaged', [naive], [strassen]);
    const rec = join(out, 'records.txt');
    writeFileSync(rec, readFileSync(rec, 'utf8').slice(0, -20));
    let r = await runCli(['search', 'import-gpu', rec]);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toMatch(new RegExp(`^error: ${rec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
    expect(r.err.trim().split('\n')).toHaveLength(1);
    // A well-formed file whose scheme is wrong: one term dropped.
    const wrong = run('wrong', [strassen.slice(1)], [strassen]);
    r = await runCli(['search', 'import-gpu', wrong]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/records\.txt: scheme 0 \(walker 0\) does not verify over Z2 \(\d+ of 64 Brent equations fail\); file refused/);
    r = await runCli(['search', 'import-gpu', join(dir, 'nothing-here')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/nothing-here: no such file or folder/);
  });
});
