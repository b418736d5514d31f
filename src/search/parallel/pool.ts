import type { Worker } from 'node:worker_threads';
import { saveCheckpoint, type Checkpoint } from '../checkpoint.ts';
import type { WalkCounters } from '../flip/descent.ts';
import { spawnTsWorker, workerSeed } from './spawn.ts';

/**
 * The plumbing every pool of walkers on worker threads shares (flip-pool.ts, cyclic-pool.ts): one
 * derived seed per worker, progress every 200 ms, the time limit counted across resumes, periodic
 * checkpoints that gather every walker's complete state, a last checkpoint when the time runs out,
 * and the final snapshots for reporting. What a candidate means is the caller's: onCandidate
 * returns true when it ends the search.
 *
 * Workers speak one protocol: they post progress, candidates and (when asked with
 * { type: 'snapshot' }) their snapshot, or an error; see flip-worker.ts.
 */
export type FromPoolWorker<Snap, Cand> =
  | { type: 'progress'; rank: number; bestRank: number; flips: number }
  | ({ type: 'candidate' } & Cand)
  | { type: 'snapshot'; snapshot: Snap }
  | { type: 'error'; message: string };

export type ToPoolWorker = { type: 'snapshot' } | { type: 'stop' };

export interface PoolProgress {
  rank: number;
  bestRank: number;
  flips: number;
  elapsedMs: number;
  rate: number;
  note?: string;
}

export interface PoolOptions<Snap, Cand> {
  /** The worker module and what it is started with (seed, and the snapshot of a resumed walk). */
  worker: URL;
  data: (seed: number, snapshot: Snap | undefined) => Record<string, unknown>;
  seed: number;
  workers: number;
  timeLimitMs: number;
  resume?: Checkpoint<Snap>;
  checkpoint?: { path: string; everyMs: number; params: Record<string, unknown>; engine: string };
  /** A worker's candidate; true ends the search. A throw ends it with that error. */
  onCandidate: (c: Cand, worker: number) => boolean;
  /** A line for the progress display (e.g. how many candidates were refused). */
  note?: () => string | undefined;
  onProgress?: (p: PoolProgress) => void;
}

export interface PoolRun<Snap> {
  seeds: number[];
  /** Every walker's last snapshot (empty if they did not answer within 5 s). */
  finalSnaps: Snap[];
  /** The workers' last progress reports. */
  stats: { rank: number; bestRank: number; flips: number }[];
  elapsedMs: number;
}

export async function runPool<Snap extends { counters: WalkCounters }, Cand>(o: PoolOptions<Snap, Cand>): Promise<PoolRun<Snap>> {
  const n = o.resume ? o.resume.workers.length : Math.max(1, o.workers);
  const seeds = Array.from({ length: n }, (_, i) => workerSeed(o.seed, i));
  const prior = o.resume?.elapsedMs ?? 0;
  const priorFlips = o.resume?.workers.reduce((a, w) => a + w.counters.flips, 0) ?? 0;
  const t0 = performance.now() - prior;
  const elapsed = () => performance.now() - t0;
  const stats = seeds.map(() => ({ rank: Infinity, bestRank: Infinity, flips: 0 }));
  const workers: Worker[] = seeds.map((seed, i) => spawnTsWorker(o.worker, o.data(seed, o.resume?.workers[i])));
  const snapshots = new Map<number, (s: Snap) => void>();
  let failure: Error | null = null, ended = false;

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
      w.on('message', (m: FromPoolWorker<Snap, Cand>) => {
        if (m.type === 'error') { failure = new Error(`worker ${i}: ${m.message}`); finish(); return; }
        if (m.type === 'snapshot') { snapshots.get(i)?.(m.snapshot); snapshots.delete(i); return; }
        if (m.type === 'progress') { stats[i] = { rank: m.rank, bestRank: m.bestRank, flips: m.flips }; return; }
        if (m.type === 'candidate' && !ended) {
          try {
            ended = o.onCandidate(m, i);
          } catch (err) {
            failure = err as Error;
          }
          if (ended || failure) finish();
        }
      });
    });
    const clock = setInterval(() => {
      const flips = stats.reduce((a, s) => a + s.flips, 0);
      o.onProgress?.({
        rank: Math.min(...stats.map((s) => s.rank)), bestRank: Math.min(...stats.map((s) => s.bestRank)), flips, elapsedMs: elapsed(),
        rate: (flips - priorFlips) / Math.max(1e-3, (elapsed() - prior) / 1000), note: o.note?.(),
      });
      if (elapsed() >= o.timeLimitMs) finish();
    }, 200);
    const saver = o.checkpoint ? setInterval(() => void checkpoint(), o.checkpoint.everyMs) : null;
  });

  async function gather(): Promise<Snap[]> {
    return Promise.all(workers.map((w, i) => new Promise<Snap>((res) => {
      snapshots.set(i, res);
      w.postMessage({ type: 'snapshot' } satisfies ToPoolWorker);
    })));
  }
  async function checkpoint(): Promise<void> {
    if (!o.checkpoint) return;
    const snaps = await gather();
    saveCheckpoint(o.checkpoint.path, { engine: o.checkpoint.engine, params: o.checkpoint.params, elapsedMs: elapsed(), workers: snaps });
  }

  // A last checkpoint when the time ran out, so the search can be resumed with more time.
  if (!ended && !failure && o.checkpoint) await checkpoint();
  const finalSnaps = failure ? [] : await Promise.race([gather(), new Promise<Snap[]>((r) => setTimeout(() => r([]), 5000).unref())]);
  await Promise.all(workers.map((w) => w.terminate()));
  if (failure) throw failure;
  return { seeds, finalSnaps, stats, elapsedMs: elapsed() };
}

/** The snapshot of the walker with the lowest best rank, if any. */
export function bestOf<Snap extends { counters: WalkCounters }>(snaps: readonly Snap[]): Snap | undefined {
  let best: Snap | undefined;
  for (const s of snaps) if (!best || s.counters.bestRank < best.counters.bestRank) best = s;
  return best;
}

/** Flips over all walkers: from the final snapshots when there are any, else the last reports. */
export function totalFlips<Snap extends { counters: WalkCounters }>(run: PoolRun<Snap>): number {
  return run.finalSnaps.length ? run.finalSnaps.reduce((a, s) => a + s.counters.flips, 0) : run.stats.reduce((a, s) => a + s.flips, 0);
}
