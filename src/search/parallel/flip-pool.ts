import type { Worker } from 'node:worker_threads';
import type { Scheme } from '../../scheme/index.ts';
import { FlipState } from '../flip/state.ts';
import type { FlipSnapshot, WalkOptions } from '../flip/walk.ts';
import { saveCheckpoint, type Checkpoint } from '../checkpoint.ts';
import type { FlipWorkerData, FromWorker, ToWorker } from './flip-worker.ts';
import { spawnTsWorker, workerSeed } from './spawn.ts';

export interface FlipPoolOptions {
  format: [number, number, number];
  targetRank: number;
  seed: number;
  workers: number;
  timeLimitMs: number;
  /** Z2 terms [a, b, c] to start from; the naive algorithm when absent. */
  start?: number[][];
  walk?: Partial<Omit<WalkOptions, 'targetRank'>>;
  /**
   * Decide whether a candidate of rank ≤ target is the result (e.g. it lifts to Z): return the scheme
   * to output, or null to keep walking. Absent: every candidate is accepted (Z2 search).
   */
  accept?: (s: Scheme<number>) => Scheme<unknown> | null;
  /** Keep walking below the target rank while candidates are refused (Z search). */
  continueAtTarget?: boolean;
  checkpoint?: { path: string; everyMs: number; params: Record<string, unknown> };
  resume?: Checkpoint<FlipSnapshot>;
  onProgress?: (p: { rank: number; bestRank: number; flips: number; elapsedMs: number; rate: number; note?: string }) => void;
  chunk?: number;
}

export interface FlipPoolResult {
  scheme: Scheme<unknown> | null;
  bestRank: number;
  best: Scheme<number>;
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
  const n = o.resume ? o.resume.workers.length : Math.max(1, o.workers);
  const seeds = Array.from({ length: n }, (_, i) => workerSeed(o.seed, i));
  const prior = o.resume?.elapsedMs ?? 0;
  const priorFlips = o.resume?.workers.reduce((a, w) => a + w.counters.flips, 0) ?? 0;
  const t0 = performance.now() - prior;
  const elapsed = () => performance.now() - t0;
  const walkTarget = o.continueAtTarget ? Math.max(1, o.targetRank - 1) : o.targetRank;
  const stats = seeds.map(() => ({ rank: Infinity, bestRank: Infinity, flips: 0 }));
  let best: { rank: number; terms: number[][] } | null = null;
  let result: Scheme<unknown> | null = null, candidates = 0, rejected = 0;

  const workers: Worker[] = seeds.map((seed, i) => {
    const data: FlipWorkerData = {
      format: o.format, seed, snapshot: o.resume?.workers[i], start: o.start,
      walk: { ...o.walk, targetRank: walkTarget }, reportRank: o.targetRank, chunk: o.chunk ?? 50_000,
    };
    return spawnTsWorker(new URL('./flip-worker.ts', import.meta.url), data as unknown as Record<string, unknown>);
  });
  const snapshots = new Map<number, (s: FlipSnapshot) => void>();
  let failure: Error | null = null;

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
      w.on('message', (m: FromWorker) => {
        if (m.type === 'error') { failure = new Error(`worker ${i}: ${m.message}`); finish(); return; }
        if (m.type === 'snapshot') { snapshots.get(i)?.(m.snapshot); snapshots.delete(i); return; }
        if (m.type === 'progress') { stats[i] = { rank: m.rank, bestRank: m.bestRank, flips: m.flips }; return; }
        if (m.type === 'candidate' && !result) {
          candidates++;
          if (!best || m.rank < best.rank) best = { rank: m.rank, terms: m.terms };
          const s = FlipState.fromTerms(o.format, m.terms).toScheme();
          const accepted = o.accept ? o.accept(s) : s;
          if (accepted) { result = accepted; finish(); } else rejected++;
        }
      });
    });
    const clock = setInterval(() => {
      const flips = stats.reduce((a, s) => a + s.flips, 0);
      const bestRank = Math.min(...stats.map((s) => s.bestRank));
      o.onProgress?.({ rank: Math.min(...stats.map((s) => s.rank)), bestRank, flips, elapsedMs: elapsed(), rate: (flips - priorFlips) / Math.max(1e-3, (elapsed() - prior) / 1000), note: rejected ? `${rejected} candidates did not lift` : undefined });
      if (elapsed() >= o.timeLimitMs) finish();
    }, 200);
    const saver = o.checkpoint ? setInterval(() => void checkpoint(), o.checkpoint.everyMs) : null;
  });

  async function gather(): Promise<FlipSnapshot[]> {
    return Promise.all(workers.map((w, i) => new Promise<FlipSnapshot>((res) => {
      snapshots.set(i, res);
      w.postMessage({ type: 'snapshot' } satisfies ToWorker);
    })));
  }
  async function checkpoint(): Promise<void> {
    if (!o.checkpoint) return;
    const snaps = await gather();
    saveCheckpoint(o.checkpoint.path, { engine: 'flip', params: o.checkpoint.params, elapsedMs: elapsed(), workers: snaps });
  }

  // A last checkpoint when the time ran out, so the search can be resumed with more time.
  if (!result && !failure && o.checkpoint) await checkpoint();
  const finalSnaps = failure ? [] : await Promise.race([gather(), new Promise<FlipSnapshot[]>((r) => setTimeout(() => r([]), 5000).unref())]);
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure) throw failure;
  // The lowest-rank scheme any walker has seen, for reporting when the target was not reached.
  let bestSnap: FlipSnapshot | undefined;
  for (const s of finalSnaps) if (!bestSnap || s.counters.bestRank < bestSnap.counters.bestRank) bestSnap = s;
  const bestScheme = bestSnap ? FlipState.restore(bestSnap.best).toScheme() : FlipState.fromTerms(o.format, (best as { terms: number[][] } | null)?.terms ?? FlipState.naive(o.format).terms()).toScheme();
  return {
    scheme: result, bestRank: bestSnap?.counters.bestRank ?? Math.min(...stats.map((s) => s.bestRank)), best: bestScheme,
    flips: finalSnaps.length ? finalSnaps.reduce((a, s) => a + s.counters.flips, 0) : stats.reduce((a, s) => a + s.flips, 0),
    elapsedMs: elapsed(), seeds, candidates, rejected,
  };
}
