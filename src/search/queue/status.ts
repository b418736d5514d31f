/**
 * What a queue search is doing, read from Redis alone: the coordinator's live line and
 * `stlkit queue status` print the same object.
 */
import type { Queue } from 'bullmq';
import type { SearchStore } from './store.ts';

export interface QueueStatus {
  queue: string;
  queueName: string;
  search: { id: string; format: string; field: 'Z2'; targetRank: number; seed: number; jobFlips: number; createdAt: string } | null;
  /** 'found': a scheme of the target rank verified; 'running': a coordinator holds the lease; 'stopped': neither. */
  state: 'none' | 'running' | 'stopped' | 'found';
  elapsedS: number;
  bestRank: number | null;
  /** Search time at which the best rank was first reached. */
  bestFoundAtS: number | null;
  jobs: { issued: number; done: number; waiting: number; active: number; failed: number; rejected: number };
  /** Jobs taken in per second of search time. */
  jobsPerS: number;
  /** The alive workers' flip rates, summed. */
  flipsPerS: number;
  flips: number;
  workersAlive: number;
  workers: { id: string; host: string; flipsPerS: number; jobs: number; malformed: number }[];
}

/** Read the status. `elapsedMs` overrides the stored search time (a running coordinator's clock). */
export async function queueStatus(store: SearchStore, queue: Queue, redacted: string, elapsedMs?: number): Promise<QueueStatus> {
  const [params, c, workers, counts, lease] = await Promise.all([
    store.params(), store.counters(), store.workers(), queue.getJobCounts('waiting', 'active', 'prioritized', 'delayed'), store.leaseTtlMs(),
  ]);
  const elapsed = (elapsedMs ?? c.elapsedMs) / 1000;
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;
  return {
    queue: redacted,
    queueName: store.queueName,
    search: params && {
      id: params.search, format: params.format.join(','), field: params.field, targetRank: params.targetRank, seed: params.seed, jobFlips: params.jobFlips, createdAt: params.createdAt,
    },
    state: !params ? 'none' : c.done === 'found' ? 'found' : lease > 0 ? 'running' : 'stopped',
    elapsedS: round(elapsed),
    bestRank: params ? c.bestRank : null,
    bestFoundAtS: params ? round(c.bestAtMs / 1000) : null,
    jobs: {
      issued: c.next, done: c.jobs, waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0) + (counts.delayed ?? 0), active: counts.active ?? 0,
      failed: c.failed, rejected: c.rejected,
    },
    jobsPerS: round(c.jobs / Math.max(1e-3, elapsed), 2),
    flipsPerS: workers.reduce((a, w) => a + w.flipsPerS, 0),
    flips: c.flips,
    workersAlive: workers.length,
    workers: workers.map((w) => ({ id: w.id, host: w.host, flipsPerS: w.flipsPerS, jobs: w.jobs, malformed: w.malformed })),
  };
}

/** The live line's note: workers alive, jobs/s, when the best was found, what was refused. */
export function statusNote(s: QueueStatus): string {
  const parts = [`${s.workersAlive} worker(s) alive`, `${s.jobsPerS} jobs/s`, `${s.jobs.done} jobs done`];
  if (s.bestFoundAtS !== null) parts.push(`best found at ${s.bestFoundAtS} s`);
  if (s.jobs.rejected) parts.push(`${s.jobs.rejected} rejected`);
  if (s.jobs.failed) parts.push(`${s.jobs.failed} failed`);
  return parts.join(', ');
}
