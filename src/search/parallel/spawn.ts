import { Worker } from 'node:worker_threads';

/** Start a worker thread running a TypeScript module (through boot.mjs, which loads tsx). */
export function spawnTsWorker(entry: URL, data: Record<string, unknown>): Worker {
  return new Worker(new URL('../boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}

/** Per-worker seeds derived from the user's seed, printed so any worker's walk can be replayed. */
export function workerSeed(seed: number, index: number): number {
  return (Math.imul(seed >>> 0, 1000003) + index * 7919 + 1) >>> 0;
}
