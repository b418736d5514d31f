import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatTargetNamed, TARGET_NAMES } from '../../src/codegen/index.ts';
import { flipwalkToScheme, readFlipwalk } from '../../src/formats/flipwalk.ts';
import { naiveTerms, type Format } from '../../src/search/flip/state.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { runCli } from '../helpers/cli.ts';
import { ROOT } from '../helpers/shared.ts';
import { ModelWalker } from './flipwalk-model.ts';
import { scratch } from './helpers.ts';

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' }).status === 0;
const hasGpp = has('g++', ['--version']);
const hasNvcc = has('nvcc', ['--version']);
if (!hasGpp) console.log('flipwalk host tests skipped: g++ is not on the PATH');
if (!hasNvcc) console.log('flipwalk sm_90a compile test skipped: nvcc is not on the PATH');

const WALK = { plateau: 50_000, maxUp: 4, plusFlips: 0 };
const dir = scratch('flipwalk');

/** Generate the program for a format into dir/NAME/ through the CLI; returns the .cu path. */
async function generateInto(name: string, format: string, extra: string[] = []): Promise<string> {
  const out = join(dir, name);
  const r = await runCli(['codegen', 'flipwalk', '--format', format, '--field', 'Z2', '-o', out, ...extra]);
  expect(r.code, r.err).toBe(0);
  return join(out, `flipwalk_${format.replace(/,/g, '')}.cu`);
}

function buildHost(cu: string): string {
  const exe = cu.replace(/\.cu$/, '_host');
  const r = spawnSync('g++', ['-O2', '-std=c++17', '-Wall', '-Werror', '-x', 'c++', '-o', exe, cu], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return exe;
}

function runHost(exe: string, out: string, args: string[]): { summary: Record<string, unknown>; stderr: string } {
  spawnSync('mkdir', ['-p', out]);
  const r = spawnSync(exe, ['--mode', 'host', '--out', out, '--quiet', ...args], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status, r.stderr).toBe(0);
  return { summary: JSON.parse(r.stdout), stderr: r.stderr };
}

/** Every scheme of an output file, verified exactly over Z2; returns their ranks. */
function verifiedRanks(file: string): number[] {
  const f = readFlipwalk(readFileSync(file), file);
  return f.schemes.map((s) => {
    const r = verifyScheme(flipwalkToScheme(f.format, s, file));
    expect(r.kind === 'exact' && r.exact, `${file} scheme ${s.index}`).toBe(true);
    return s.terms.length;
  });
}

describe('codegen flipwalk', () => {
  it('is a format target of the registry and of the CLI', () => {
    expect(TARGET_NAMES).toContain('flipwalk');
    const files = formatTargetNamed('flipwalk')!.generate({ format: [4, 4, 4], field: 'Z2', walk: WALK });
    expect(files.map((f) => f.path)).toEqual(['flipwalk_444.cu', 'README.md']);
    const cu = String(files[0].contents);
    // Widths and the rank bound are compile-time constants; the walk is host-and-device code.
    expect(cu).toMatch(/#define FW_N 4\n#define FW_M 4\n#define FW_P 4\n#define FW_CAP 68\n#define FW_WORD64 0\n/);
    expect(cu).toContain('#define FW_HD __host__ __device__ __forceinline__');
    expect(cu).toContain('struct WarpStore');
    expect(String(formatTargetNamed('flipwalk')!.generate({ format: [6, 6, 6], field: 'Z2', rankBound: 200, walk: WALK })[0].contents)).toContain('#define FW_WORD64 1');
  });

  it('the programs committed for the GPU harness are what the generator writes now', () => {
    // bench/gpu/prepare-flipwalk.ts writes them; a stale copy would time an older walk.
    const names = readdirSync(join(ROOT, 'bench/gpu/generated/flipwalk'));
    expect(names).toEqual(expect.arrayContaining(['333', '444', '555', '345']));
    for (const name of names) {
      const format = name.split('').map(Number) as [number, number, number];
      const files = formatTargetNamed('flipwalk')!.generate({ format, field: 'Z2', walk: WALK });
      expect(readFileSync(join(ROOT, 'bench/gpu/generated/flipwalk', name, `flipwalk_${name}.cu`), 'utf8'), `${name}: re-run npx tsx bench/gpu/prepare-flipwalk.ts`).toBe(files[0].contents);
    }
  });

  it('refuses other fields, a missing format and scheme options, in one line', async () => {
    const out = join(dir, 'refused');
    for (const [args, msg] of [
      [['--format', '3,3,3', '--field', 'ZT'], /walks over Z2 only, not ZT \(ternary coefficients are not implemented\)/],
      [['--field', 'Z2'], /codegen flipwalk needs --format n,m,p/],
      [['--format', '9,9,9'], /needs factors of 81 bits; at most 64 fit/],
    ] as [string[], RegExp][]) {
      const r = await runCli(['codegen', 'flipwalk', ...args, '-o', out]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
    const r = await runCli(['codegen', 'cuda', '--format', '3,3,3', '-o', out]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/codegen cuda needs --scheme FILE and --tile t/);
  });

  it('writes start schemes beside the program, reduced mod 2, and refuses another format', async () => {
    const cu = await generateInto('start', '2,2,2', ['--start', 'src/library/published/alphatensor/2x2x2_r7_Z.json']);
    const start = readFlipwalk(readFileSync(join(cu, '..', 'start.txt')), 'start.txt');
    expect(start.schemes.map((s) => s.terms.length)).toEqual([7]);
    const r = await runCli(['codegen', 'flipwalk', '--format', '3,3,3', '--start', 'src/library/published/alphatensor/2x2x2_r7_Z.json', '-o', join(dir, 'x')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/holds a <2,2,2> scheme, not <3,3,3>/);
  });
});

describe.skipIf(!hasGpp)('flipwalk: the same walk built for the host', () => {
  let exe222 = '', exe333 = '';
  beforeAll(async () => {
    exe222 = buildHost(await generateInto('h222', '2,2,2'));
    exe333 = buildHost(await generateInto('h333', '3,3,3'));
  }, 120_000);

  it('walks the naive <2,2,2> to rank 7; every scheme written verifies exactly', () => {
    const out = join(dir, 'run222');
    const { summary } = runHost(exe222, out, ['--walkers', '2', '--seed', '1', '--target', '7', '--time-limit', '30']);
    expect(summary).toMatchObject({ kernel: 'flipwalk-host', format: '2,2,2', field: 'Z2', best_rank: 7, reached_target: true });
    expect(verifiedRanks(join(out, 'pool.txt'))).toEqual([7]);
    expect(verifiedRanks(join(out, 'records.txt'))).toContain(7);
  });

  it('walks the naive <3,3,3> to rank 23; same seed, same files', () => {
    const runs = ['run333a', 'run333b'].map((name) => {
      const out = join(dir, name);
      const { summary } = runHost(exe333, out, ['--walkers', '4', '--seed', '7', '--target', '23', '--time-limit', '30', '--final']);
      expect(summary).toMatchObject({ best_rank: 23, reached_target: true });
      return out;
    });
    const records = verifiedRanks(join(runs[0], 'records.txt'));
    expect(records.at(-1)).toBe(23);
    expect([...records].sort((a, b) => b - a)).toEqual(records);
    expect(verifiedRanks(join(runs[0], 'pool.txt')).every((r) => r === 23)).toBe(true);
    for (const f of ['records.txt', 'pool.txt', 'final.txt']) expect(readFileSync(join(runs[1], f), 'utf8')).toBe(readFileSync(join(runs[0], f), 'utf8'));
  });

  it('makes the moves of the TypeScript model of one walker, flip for flip', () => {
    // A short plateau and frequent restarts, so that plus transitions, lazy flips, returns and
    // restarts all happen within the run.
    const out = join(dir, 'model');
    const params = { target: 0, plateau: 150, maxUp: 2, plusFlips: 2, restartFlips: 6000, cap: 31 };
    const { stderr } = runHost(exe333, out, ['--walkers', '1', '--seed', '5', '--max-flips', '40000', '--plateau', '150', '--max-up', '2', '--plus-flips', '2', '--restart-flips', '6000', '--trace', '100000', '--final']);
    const seed = (Math.imul(5, 1000003) + 1) >>> 0; // walker 0's seed
    const model = new ModelWalker(naiveTerms([3, 3, 3] as Format), seed, params, 100_000);
    model.run(40_000);
    const trace = stderr.trim().split('\n');
    expect(trace.length).toBeGreaterThan(40_000);
    for (const kind of ['plus', 'return', 'restart']) expect(trace.some((l) => l.startsWith(kind)), kind).toBe(true);
    const firstDiff = trace.findIndex((l, i) => l !== model.trace[i]);
    expect(firstDiff, `first difference at move ${firstDiff}: ${trace[firstDiff]} vs ${model.trace[firstDiff]}`).toBe(-1);
    expect(model.trace.length).toBe(trace.length);
    const fin = readFlipwalk(readFileSync(join(out, 'final.txt')), 'final.txt').schemes[0];
    expect(fin.terms.map((t) => t.map(Number))).toEqual(model.terms());
    const c = model.c;
    expect(fin.info).toMatchObject({ flips: c.flips, best: c.bestRank, home: c.homeRank, reductions: c.reductions, plus: c.plusTransitions, returns: c.returns, restarts: c.restarts });
    expect([fin.info.rng0, fin.info.rng1, fin.info.rng2, fin.info.rng3]).toEqual(model.rng.state());
  });

  it('walks the same in the warp layout, its 32 lanes emulated on the host (--mode warp-emu)', () => {
    const args = ['--walkers', '3', '--seed', '9', '--max-flips', '20000', '--plateau', '200', '--plus-flips', '1', '--restart-flips', '8000', '--final'];
    const outs = ['host', 'warp-emu'].map((mode) => {
      const out = join(dir, `layout-${mode}`);
      spawnSync('mkdir', ['-p', out]);
      const r = spawnSync(exe333, [...args, '--mode', mode, '--out', out, '--quiet'], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      return out;
    });
    for (const f of ['final.txt', 'pool.txt', 'records.txt']) expect(readFileSync(join(outs[1], f), 'utf8'), f).toBe(readFileSync(join(outs[0], f), 'utf8'));
  });

  it('reads start schemes; a damaged start file is one line naming it', () => {
    const out = join(dir, 'fromstart');
    const start = join(dir, 'start', 'start.txt');
    const bad = spawnSync(exe333, ['--mode', 'host', '--start', start, '--out', out], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toBe(`flipwalk: ${start}: holds <2,2,2>; this program was generated for <3,3,3>`);
    const { summary } = runHost(exe222, out, ['--start', start, '--walkers', '1', '--max-flips', '2000']);
    expect(summary).toMatchObject({ best_rank: 7 });
  });
});

describe.skipIf(!hasNvcc)('flipwalk: the CUDA build', () => {
  it('compiles for sm_90a without local memory (registers, ptxas -v)', async () => {
    const cu = await generateInto('nvcc333', '3,3,3');
    const r = spawnSync('nvcc', ['-O3', '-std=c++17', '-arch=sm_90a', '-Xptxas', '-v', '-c', cu, '-o', `${cu}.o`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    for (const kernel of ['walk_threads', 'walk_warps']) {
      const report = r.stderr.split(/Compiling entry function/).find((x) => x.includes(kernel)) ?? '';
      expect(report, kernel).toMatch(/0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads/);
    }
  }, 240_000);
});
