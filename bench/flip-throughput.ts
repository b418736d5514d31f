/**
 * Flip-graph walk speed (one core): steady-state flips/s on <3,3,3> and <4,4,4> over Z2, ZT and Z3,
 * and the time from the naive algorithm to <3,3,3>:23 (Z2, ZT) and <4,4,4>:49 (Z2) over a few seeds.
 *
 *   node --import tsx bench/flip-throughput.ts [--seeds 5] [--first-seed 1] [--limit-s 120]
 *     [--skip-throughput] [--skip-444-rank]
 *
 * Not a test: timings depend on the machine and on what else runs on it.
 */
import { naiveRingTerms, stateFromTerms, type FlipRing } from '../src/search/flip/rings.ts';
import { FlipWalker, flipSearch } from '../src/search/flip/walk.ts';
import type { Format } from '../src/search/flip/state.ts';
import { verifyScheme } from '../src/verify/index.ts';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const seeds = opt('--seeds', 5);
const limitS = opt('--limit-s', 120);
const firstSeed = opt('--first-seed', 1);

/** Flips/s after a warm-up that takes the walk from the naive scheme onto its plateau. */
function throughput(format: Format, warmFlips: number, seconds: number, ring: FlipRing = 'Z2'): { rate: number; rank: number } {
  // No restarts: they would mix the fast flips of the naive scheme into the steady state.
  const w = new FlipWalker(stateFromTerms(ring, format, naiveRingTerms(ring, format)), 12345, { targetRank: 0, restartFlips: 0 });
  w.run(warmFlips);
  const f0 = w.flips, t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) w.run(200_000);
  return { rate: ((w.flips - f0) / (performance.now() - t0)) * 1000, rank: w.rank };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timeToRank(format: Format, target: number, ring: FlipRing = 'Z2'): void {
  const times: number[] = [];
  for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
    const r = flipSearch({ ring, format, targetRank: target, seed, timeLimitMs: limitS * 1000 });
    const rep = r.scheme && verifyScheme(r.scheme);
    const ok = rep !== null && rep.kind === 'exact' && rep.exact;
    times.push(r.scheme ? r.ms : Infinity);
    console.log(`  seed ${seed}: best ${r.bestRank} after ${(r.ms / 1000).toFixed(3)} s, ${(r.flips / 1e6).toFixed(2)} M flips${r.scheme ? (ok ? ', verified' : ', VERIFY FAILED') : ' (limit)'}`);
  }
  const med = median(times);
  console.log(`<${format}> over ${ring} naive → ${target}: median ${Number.isFinite(med) ? (med / 1000).toFixed(3) + ' s' : `> ${limitS} s`} over ${seeds} seeds`);
}

if (!args.includes('--skip-throughput')) {
  // Z2 first, in a process that has not run the signed states yet, as before they existed.
  for (const ring of ['Z2', 'ZT', 'Z3'] as FlipRing[]) {
    for (const [format, warm] of [[[3, 3, 3], 2_000_000], [[4, 4, 4], 2_000_000]] as [Format, number][]) {
      const { rate, rank } = throughput(format, warm, 3, ring);
      console.log(`<${format}> over ${ring} steady state: ${(rate / 1e6).toFixed(2)} M flips/s (rank ${rank})`);
    }
  }
}
timeToRank([3, 3, 3], 23);
timeToRank([3, 3, 3], 23, 'ZT');
if (!args.includes('--skip-444-rank')) timeToRank([4, 4, 4], 49);
