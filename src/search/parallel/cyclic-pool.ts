import type { Worker } from 'node:worker_threads';
import type { Scheme } from '../../scheme/index.ts';
import { saveCheckpoint, type Checkpoint } from '../checkpoint.ts';
import { verifiedCyclicScheme, type CyclicSnapshot, type CyclicWalkOptions } from '../flip/cyclic.ts';
import { CyclicState } from '../flip/cyclic-state.ts';
import type { CyclicWorkerData, FromCyclicWorker, ToCyclicWorker } from './cyclic-worker.ts';
import { spawnTsWorker, workerSeed } from './spawn.ts';

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
  const count = o.resume ? o.resume.workers.length : Math.max(1, o.workers);
  const seeds = Array.from({ length: count }, (_, i) => workerSeed(o.seed, i));
  const prior = o.resume?.elapsedMs ?? 0;
  const priorFlips = o.resume?.workers.reduce((a, w) => a + w.counters.flips, 0) ?? 0;
  const t0 = performance.now() - prior;
  const elapsed = () => performance.now() - t0;
  const stats = seeds.map(() => ({ rank: Infinity, bestRank: Infinity, flips: 0 }));
  let result: { scheme: Scheme<number>; state: CyclicState } | null = null;
  let failure: Error | null = null;

  const workers: Worker[] = seeds.map((seed, i) => {
    const data: CyclicWorkerData = { n: o.n, seed, snapshot: o.resume?.workers[i], walk: { ...o.walk, targetRank: o.targetRank }, chunk: o.chunk ?? 20_000 };
    return spawnTsWorker(new URL('./cyclic-worker.ts', import.meta.url), data as unknown as Record<string, unknown>);
  });
  const snapshots = new Map<number, (s: CyclicSnapshot) => void>();

  await new Promise<void>((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearInterval(clock);
      if (saver) clearInterval(saver);
      resolve();
    };
    workers.forEach((w, i) => {
      w.on('error', (err) => { failure = err; finish(); });
      w.on('message', (m: FromCyclicWorker) => {
        if (m.type === 'error') { failure = new Error(`worker ${i}: ${m.message}`); finish(); return; }
        if (m.type === 'snapshot') { snapshots.get(i)?.(m.snapshot); snapshots.delete(i); return; }
        if (m.type === 'progress') { stats[i] = { rank: m.rank, bestRank: m.bestRank, flips: m.flips }; return; }
        if (m.type === 'candidate' && !result) {
          const state = CyclicState.fromParts(o.n, m.reps, m.fixed, { reduce: false });
          try {
            result = { scheme: verifiedCyclicScheme(state), state };
          } catch (err) {
            failure = err as Error;
          }
          finish();
        }
      });
    });
    const clock = setInterval(() => {
      const flips = stats.reduce((a, s) => a + s.flips, 0);
      o.onProgress?.({ rank: Math.min(...stats.map((s) => s.rank)), bestRank: Math.min(...stats.map((s) => s.bestRank)), flips, elapsedMs: elapsed(), rate: (flips - priorFlips) / Math.max(1e-3, (elapsed() - prior) / 1000) });
      if (elapsed() >= o.timeLimitMs) finish();
    }, 200);
    const saver = o.checkpoint ? setInterval(() => void checkpoint(), o.checkpoint.everyMs) : null;
  });

  async function gather(): Promise<CyclicSnapshot[]> {
    return Promise.all(workers.map((w, i) => new Promise<CyclicSnapshot>((res) => {
      snapshots.set(i, res);
      w.postMessage({ type: 'snapshot' } satisfies ToCyclicWorker);
    })));
  }
  async function checkpoint(): Promise<void> {
    if (!o.checkpoint) return;
    const snaps = await gather();
    saveCheckpoint(o.checkpoint.path, { engine: 'flip-cyclic', params: o.checkpoint.params, elapsedMs: elapsed(), workers: snaps });
  }

  if (!result && !failure && o.checkpoint) await checkpoint();
  const finalSnaps = failure ? [] : await Promise.race([gather(), new Promise<CyclicSnapshot[]>((r) => setTimeout(() => r([]), 5000).unref())]);
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure) throw failure;
  let bestSnap: CyclicSnapshot | undefined;
  for (const s of finalSnaps) if (!bestSnap || s.counters.bestRank < bestSnap.counters.bestRank) bestSnap = s;
  const done = result as { scheme: Scheme<number>; state: CyclicState } | null;
  const best = done?.state ?? (bestSnap ? CyclicState.restore(bestSnap.best) : CyclicState.naive(o.n));
  return {
    scheme: done?.scheme ?? null, best, bestRank: best.rank,
    flips: finalSnaps.length ? finalSnaps.reduce((a, s) => a + s.counters.flips, 0) : stats.reduce((a, s) => a + s.flips, 0),
    elapsedMs: elapsed(), seeds,
  };
}
