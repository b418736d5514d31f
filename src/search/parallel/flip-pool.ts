import type { Scheme } from '../../scheme/index.ts';
import type { Checkpoint } from '../checkpoint.ts';
import { naiveRingTerms, restoreState, stateFromTerms, type FlipRing } from '../flip/rings.ts';
import type { FlipSnapshot, WalkOptions } from '../flip/walk.ts';
import type { PopulationOptions, PopulationSnapshot } from '../flip/population.ts';
import type { FlipCandidate, FlipWorkerData } from './flip-worker.ts';
import type { PopulationWorkerData } from './population-worker.ts';
import { bestOf, runPool, totalFlips } from './pool.ts';

export interface FlipPoolOptions {
  format: [number, number, number];
  /** The ring of the walks (default Z2); candidates are schemes over ringField(ring). */
  ring?: FlipRing;
  targetRank: number;
  seed: number;
  workers: number;
  timeLimitMs: number;
  /** Terms [a, b, c] in the ring's keys to start from; the naive algorithm when absent. */
  start?: number[][];
  walk?: Partial<Omit<WalkOptions, 'targetRank'>>;
  /** Per-rank pools with walkers restarted from them (population.ts) instead of plain walkers. */
  population?: Partial<Omit<PopulationOptions, 'targetRank' | 'walk'>>;
  /**
   * Decide whether a candidate of rank ≤ target is the result (e.g. it lifts to Z): return the scheme
   * to output, or null to keep walking. Absent: every candidate is accepted (Z2 search).
   */
  accept?: (s: Scheme<unknown>) => Scheme<unknown> | null;
  /** Keep walking below the target rank while candidates are refused (Z search). */
  continueAtTarget?: boolean;
  checkpoint?: { path: string; everyMs: number; params: Record<string, unknown> };
  resume?: Checkpoint<FlipSnapshot | PopulationSnapshot>;
  onProgress?: (p: { rank: number; bestRank: number; flips: number; elapsedMs: number; rate: number; note?: string }) => void;
  chunk?: number;
}

export interface FlipPoolResult {
  scheme: Scheme<unknown> | null;
  bestRank: number;
  best: Scheme<unknown>;
  flips: number;
  elapsedMs: number;
  seeds: number[];
  candidates: number;
  rejected: number;
}

/**
 * A pool of flip-graph walkers on worker threads. Each has its own seed; the first accepted
 * candidate wins. Checkpoints gather every walker's complete state, so a resumed search continues
 * each walk where the checkpoint left it. With several workers the winner depends on timing; with
 * one worker the run is reproducible flip for flip.
 */
export async function flipPool(o: FlipPoolOptions): Promise<FlipPoolResult> {
  const ring = o.ring ?? 'Z2';
  const walkTarget = o.continueAtTarget ? Math.max(1, o.targetRank - 1) : o.targetRank;
  let best: { rank: number; terms: number[][] } | null = null;
  let result: Scheme<unknown> | null = null, candidates = 0, rejected = 0;
  const run = await runPool<FlipSnapshot | PopulationSnapshot, FlipCandidate>({
    worker: o.population ? new URL('./population-worker.ts', import.meta.url) : new URL('./flip-worker.ts', import.meta.url),
    data: (seed, snapshot) => {
      const base = { format: o.format, ring, seed, start: o.start, walk: { ...o.walk, targetRank: walkTarget }, reportRank: o.targetRank, chunk: o.chunk ?? 50_000 };
      const data = o.population
        ? { ...base, snapshot: snapshot as PopulationSnapshot | undefined, population: o.population } satisfies PopulationWorkerData
        : { ...base, snapshot: snapshot as FlipSnapshot | undefined } satisfies FlipWorkerData;
      return data as unknown as Record<string, unknown>;
    },
    seed: o.seed, workers: o.workers, timeLimitMs: o.timeLimitMs, resume: o.resume,
    checkpoint: o.checkpoint && { ...o.checkpoint, engine: o.population ? 'flip-population' : 'flip' },
    onCandidate: (m) => {
      candidates++;
      if (!best || m.rank < best.rank) best = { rank: m.rank, terms: m.terms };
      const s = stateFromTerms(ring, o.format, m.terms).toScheme();
      result = o.accept ? o.accept(s) : s;
      if (!result) rejected++;
      return result !== null;
    },
    note: () => (rejected ? `${rejected} candidates did not lift` : undefined),
    onProgress: o.onProgress,
  });
  // The lowest-rank scheme any walker has seen, for reporting when the target was not reached.
  const bestSnap = bestOf(run.finalSnaps);
  const bestScheme = bestSnap ? restoreState(bestSnap.best).toScheme() : stateFromTerms(ring, o.format, (best as { terms: number[][] } | null)?.terms ?? naiveRingTerms(ring, o.format)).toScheme();
  return {
    scheme: result, bestRank: bestSnap?.counters.bestRank ?? Math.min(...run.stats.map((s) => s.bestRank)), best: bestScheme,
    flips: totalFlips(run), elapsedMs: run.elapsedMs, seeds: run.seeds, candidates, rejected,
  };
}
