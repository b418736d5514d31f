/**
 * A queue worker: takes walk jobs from the BullMQ queue, walks the flip graph (FlipWalker, the
 * same walk as the worker-thread search), and returns what it found as the job's result. It writes
 * no files and keeps no state that matters: a worker killed mid-job has its job retried by BullMQ's
 * stalled-job check (the lock it held expires after `stallMs`).
 */
import { hostname } from 'node:os';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { FlipState } from '../flip/state.ts';
import { FlipWalker } from '../flip/walk.ts';
import { connectRedis } from './connect.ts';
import { JOB_VERSION, JobError, parseJob, type WalkJob, type WalkReportData } from './jobs.ts';
import type { RedisTarget } from './redis-url.ts';
import { SearchStore } from './store.ts';

/** Default BullMQ lock and stalled-check interval: a killed worker's job is retried after about this long. */
export const DEFAULT_STALL_MS = 30_000;
/** Flips between looks at the event loop: short enough for lock renewals, long enough to keep the loop hot. */
const CHUNK = 50_000;

/**
 * Walk one job. Yields to the event loop between chunks so BullMQ can renew the job's lock and
 * the heartbeat can run; `stop` ends the walk early (search ended, worker stopping).
 */
export async function walkJob(job: WalkJob, worker: string, opts: { stop?: () => boolean; onFlips?: (flips: number) => void } = {}): Promise<WalkReportData> {
  const t0 = performance.now();
  const w = new FlipWalker(FlipState.fromTerms(job.format, job.terms), job.seed, job.walk);
  let stopped = false, reported = 0;
  while (!w.done && w.flips < job.flips) {
    if (opts.stop?.()) {
      stopped = true;
      break;
    }
    w.run(Math.min(CHUNK, job.flips - w.flips));
    opts.onFlips?.(w.flips - reported);
    reported = w.flips;
    await yieldToLoop();
  }
  return {
    v: JOB_VERSION, search: job.search, index: job.index, worker,
    rank: w.bestRank, terms: w.bestTerms, flips: w.flips, ms: Math.round(performance.now() - t0), stopped,
  };
}

export interface WorkerOptions {
  target: RedisTarget;
  queueName: string;
  /** This worker's name in reports, logs and `stlkit queue status`. */
  id: string;
  stallMs?: number;
  log: (line: string) => void;
  /** Aborting stops taking jobs; the job in hand ends early and is reported. */
  signal?: AbortSignal;
}

export interface WorkerSummary {
  jobs: number;
  malformed: number;
  flips: number;
}

/** A name for this worker when none is given: host and process id (and thread, when several). */
export function defaultWorkerId(thread?: number): string {
  const host = hostname().replace(/[^\w.-]/g, '_').slice(0, 60);
  return `${host}-${process.pid}${thread === undefined ? '' : `-${thread}`}`;
}

/** Serve walk jobs until the signal aborts. Connects first, so a bad URL or password fails at once. */
export async function serveWalkJobs(o: WorkerOptions): Promise<WorkerSummary> {
  const redis = await connectRedis(o.target);
  const store = new SearchStore(redis, o.queueName);
  const stallMs = o.stallMs ?? DEFAULT_STALL_MS;
  const summary: WorkerSummary = { jobs: 0, malformed: 0, flips: 0 };
  let stopping = false, ended = false, windowFlips = 0, lastBeat = performance.now(), rate = 0;

  // The search's end state, looked up at most once a second (not per chunk: that would be a
  // Redis round trip per 50 000 flips on every worker).
  let state = { search: null as string | null, done: false }, stateAt = 0;
  const refreshState = async () => {
    state = await store.searchState();
    stateAt = performance.now();
  };

  const beat = async () => {
    const now = performance.now();
    rate = windowFlips / Math.max(1e-3, (now - lastBeat) / 1000);
    windowFlips = 0;
    lastBeat = now;
    await store.beat({ id: o.id, host: hostname(), pid: process.pid, flipsPerS: Math.round(rate), jobs: summary.jobs, malformed: summary.malformed }, Math.max(3 * 2000, 2 * stallMs));
    if (now - stateAt > 1000) await refreshState();
  };
  const beater = setInterval(() => void beat().catch(() => { /* Redis away: the next beat retries */ }), 2000);

  const processor = async (job: Job): Promise<WalkReportData> => {
    let walk: WalkJob;
    try {
      walk = parseJob(job.data);
    } catch (err) {
      if (!(err instanceof JobError)) throw err;
      summary.malformed++;
      o.log(`job ${job.id}: malformed, not run: ${err.message}`);
      // Unrecoverable: retrying a malformed payload cannot help.
      throw new UnrecoverableError(`malformed job: ${err.message}`);
    }
    await refreshState();
    const over = () => state.search !== walk.search || state.done;
    const report = await walkJob(walk, o.id, {
      stop: () => {
        if (performance.now() - stateAt > 1000) void refreshState().catch(() => undefined);
        return stopping || over();
      },
      onFlips: (n) => { windowFlips += n; summary.flips += n; },
    });
    summary.jobs++;
    return report;
  };

  const worker = new Worker(o.queueName, processor, {
    connection: redis, name: o.id, concurrency: 1, autorun: false,
    lockDuration: stallMs, stalledInterval: stallMs,
    // A job whose worker died is retried; one that kills three workers in a row is failed.
    maxStalledCount: 3,
  });
  worker.on('error', (err) => o.log(`worker error: ${err.message.split('\n')[0]}`));
  await beat();
  const done = new Promise<void>((resolve) => {
    const stop = () => {
      if (ended) return;
      ended = stopping = true;
      resolve();
    };
    if (o.signal?.aborted) stop();
    o.signal?.addEventListener('abort', stop, { once: true });
  });
  const running = worker.run();
  await done;
  clearInterval(beater);
  await worker.close();
  await running.catch(() => undefined);
  await store.dropBeat(o.id).catch(() => undefined);
  await redis.quit().catch(() => undefined);
  return summary;
}
