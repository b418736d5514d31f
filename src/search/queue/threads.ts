/**
 * `stlkit worker --concurrency K`: K queue workers in one process, each on its own worker thread
 * with its own Redis connection, because a walk is CPU-bound and would hold one event loop (and
 * its BullMQ lock renewals) for all K.
 */
import { spawnTsWorker } from '../parallel/spawn.ts';
import { serveWalkJobs, type WorkerOptions, type WorkerSummary } from './worker.ts';

export type ThreadData = Omit<WorkerOptions, 'log' | 'signal'>;
export type FromThread =
  | { type: 'log'; line: string }
  | { type: 'done'; summary: WorkerSummary }
  | { type: 'error'; name: string; message: string };

/** Serve jobs on `ids.length` threads (one id each), or on this thread when there is one id. */
export async function serveWalkJobsOn(ids: string[], o: Omit<WorkerOptions, 'id'>): Promise<WorkerSummary> {
  if (ids.length === 1) return serveWalkJobs({ ...o, id: ids[0] });
  const results = await Promise.all(ids.map((id) => new Promise<WorkerSummary>((resolve, reject) => {
    const data: ThreadData = { target: o.target, queueName: o.queueName, stallMs: o.stallMs, id };
    const t = spawnTsWorker(new URL('./worker-thread.ts', import.meta.url), data as unknown as Record<string, unknown>);
    const stop = () => t.postMessage('stop');
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener('abort', stop, { once: true });
    t.on('message', (m: FromThread) => {
      if (m.type === 'log') o.log(m.line);
      else if (m.type === 'done') void t.terminate().then(() => resolve(m.summary));
      else void t.terminate().then(() => reject(Object.assign(new Error(m.message), { name: m.name })));
    });
    t.on('error', reject);
  })));
  return results.reduce((a, r) => ({ jobs: a.jobs + r.jobs, malformed: a.malformed + r.malformed, flips: a.flips + r.flips }), { jobs: 0, malformed: 0, flips: 0 });
}
