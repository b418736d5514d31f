import type { Scheme } from '../../scheme/index.ts';
import type { Checkpoint } from '../checkpoint.ts';
import { verifiedCyclicScheme, type CyclicSnapshot, type CyclicWalkOptions } from '../flip/cyclic.ts';
import { CyclicState } from '../flip/cyclic-state.ts';
import type { CyclicCandidate, CyclicWorkerData } from './cyclic-worker.ts';
import { bestOf, runPool, totalFlips } from './pool.ts';

export interface CyclicPoolOptions {
  n: number;
  targetRank: number;
  seed: number;
  workers: number;
  timeLimitMs: number;
  walk?: Partial<Omit<CyclicWalkOptions, 'targetRank'>>;
  checkpoint?: { path: string; everyMs: number; params: Record<string, unknown> };
  resume?: Checkpoint<CyclicSnapshot>;
  onProgress?: (p: { rank: number; bestRank: number; flips: number; elapsedMs: number; rate: number }) => void;
  chunk?: number;
}

export interface CyclicPoolResult {
  /** A verified invariant scheme of rank ≤ target, or null. */
  scheme: Scheme<number> | null;
  /** Its orbits and fixed terms (of the best state seen when the target was not reached). */
  best: CyclicState;
  bestRank: number;
  flips: number;
  elapsedMs: number;
  seeds: number[];
}

/**
 * Cyclic flip-graph walkers on worker threads, one seed each (workerSeed, as flipPool); the first
 * to reach the target wins. Checkpoints hold every walker's complete state, as for flipPool.
 */
export async function cyclicPool(o: CyclicPoolOptions): Promise<CyclicPoolResult> {
  let result: { scheme: Scheme<number>; state: CyclicState } | null = null;
  const run = await runPool<CyclicSnapshot, CyclicCandidate>({
    worker: new URL('./cyclic-worker.ts', import.meta.url),
    data: (seed, snapshot) => ({ n: o.n, seed, snapshot, walk: { ...o.walk, targetRank: o.targetRank }, chunk: o.chunk ?? 20_000 } satisfies CyclicWorkerData) as unknown as Record<string, unknown>,
    seed: o.seed, workers: o.workers, timeLimitMs: o.timeLimitMs, resume: o.resume,
    checkpoint: o.checkpoint && { ...o.checkpoint, engine: 'flip-cyclic' },
    // Verified here once more (a throw ends the search with that error): the walk works on orbits.
    onCandidate: (m) => {
      const state = CyclicState.fromParts(o.n, m.reps, m.fixed, { reduce: false });
      result = { scheme: verifiedCyclicScheme(state), state };
      return true;
    },
    onProgress: o.onProgress,
  });
  const bestSnap = bestOf(run.finalSnaps);
  const done = result as { scheme: Scheme<number>; state: CyclicState } | null;
  const best = done?.state ?? (bestSnap ? CyclicState.restore(bestSnap.best) : CyclicState.naive(o.n));
  return { scheme: done?.scheme ?? null, best, bestRank: best.rank, flips: totalFlips(run), elapsedMs: run.elapsedMs, seeds: run.seeds };
}
