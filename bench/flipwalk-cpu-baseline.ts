/**
 * The CPU side of the flipwalk GPU benchmark (bench/gpu/flipwalk_bench.py): stlkit's flip-graph walk
 * (FlipWalker, one thread, this process) in steady state on <3,3,3>, <4,4,4> and <5,5,5> over Z2, the
 * `cpu_core_flips_per_s` the GPU records are divided by; and, for comparison, the generated flipwalk
 * program built for the host (g++ -O2, `--mode host`, one walker, whole run from the naive scheme).
 *
 *   node --import tsx bench/flipwalk-cpu-baseline.ts [--seconds 5] [-o bench/results/flipwalk/DATE-cpu-baseline.json]
 *
 * Not a test: the numbers depend on the machine and on what else runs on it (the load average is
 * recorded beside them).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRankBound, formatTargetNamed } from '../src/codegen/index.ts';
import { FlipState, type Format } from '../src/search/flip/state.ts';
import { DEFAULT_WALK, FlipWalker } from '../src/search/flip/walk.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const seconds = Number(opt('--seconds', '5'));
const date = new Date().toISOString();
// A folder of its own: bench/report.ts reads the STL kernel records of bench/results/*.json.
const out = opt('-o', `bench/results/flipwalk/${date.slice(0, 10)}-cpu-baseline.json`);
const FORMATS: Format[] = [[3, 3, 3], [4, 4, 4], [5, 5, 5]];

/** Flips/s of one FlipWalker after 2 M warm-up flips from the naive scheme (no restarts), as bench/flip-throughput.ts. */
function stlkitRate(format: Format): { rate: number; rank: number } {
  const w = new FlipWalker(FlipState.naive(format), 12345, { targetRank: 0, restartFlips: 0 });
  w.run(2_000_000);
  const f0 = w.flips, t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) w.run(200_000);
  return { rate: ((w.flips - f0) / (performance.now() - t0)) * 1000, rank: w.rank };
}

/** Flips/s of the generated program's host build, one walker, over a whole run from the naive scheme. */
function hostRate(format: Format, dir: string): number | null {
  const name = `flipwalk_${format.join('')}`;
  const files = formatTargetNamed('flipwalk')!.generate({ format, field: 'Z2', rankBound: defaultRankBound(format, DEFAULT_WALK.maxUp), walk: DEFAULT_WALK });
  writeFileSync(join(dir, `${name}.cu`), files[0].contents);
  const exe = join(dir, name);
  if (spawnSync('g++', ['-O2', '-std=c++17', '-x', 'c++', '-o', exe, join(dir, `${name}.cu`)]).status !== 0) return null;
  const run = join(dir, `${name}-run`);
  mkdirSync(run, { recursive: true });
  const r = spawnSync(exe, ['--mode', 'host', '--walkers', '1', '--restart-flips', '0', '--time-limit', String(seconds + 2), '--out', run, '--quiet'], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout).flips_per_s : null;
}

const dir = mkdtempSync(join(tmpdir(), 'flipwalk-baseline-'));
const load = loadavg()[0];
const rows = FORMATS.map((format) => {
  const s = stlkitRate(format);
  const host = hostRate(format, dir);
  console.log(`<${format}>: stlkit walk ${(s.rate / 1e6).toFixed(2)} M flips/s (rank ${s.rank}); generated program on the host ${host === null ? 'not built' : `${(host / 1e6).toFixed(2)} M flips/s`}`);
  return { format: format.join(','), cpu_core_flips_per_s: Math.round(s.rate), plateau_rank: s.rank, host_build_flips_per_s: host === null ? null : Math.round(host) };
});
const device = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores, one used; load average ${load.toFixed(2)} at the start)`;
const command = `node --import tsx bench/flipwalk-cpu-baseline.ts --seconds ${seconds}`;
const note = 'stlkit walk: FlipWalker after 2 M warm-up flips from the naive scheme, restarts off, steady state on the plateau. host build: the generated flipwalk program (g++ -O2, --mode host, one walker, restarts off), whole run from the naive scheme.';
// One record per format, in the record-list form of bench/results (read by flipwalk_bench.py).
const records = rows.map((r) => ({ kernel: 'stlkit-flip-walk-cpu', field: 'Z2', walkers: 1, flips_per_s: r.cpu_core_flips_per_s, ...r, device, command, date, note }));
writeFileSync(out, JSON.stringify(records, null, 1) + '\n');
console.log(`wrote ${out}`);
