/**
 * The coordinator of a flip-graph search on a BullMQ queue: it keeps the search in Redis (store.ts),
 * keeps the queue stocked with walk jobs, and takes the results back, trusting none of them: a
 * report becomes part of the search only after parseReport and exact verification of its scheme.
 *
 * Seed plan: job i walks with seed workerSeed(seed, i). Even jobs start a fresh descent from the
 * initial scheme (what the worker-thread search's walkers do); odd jobs continue from a scheme of
 * the pool's lowest rank, chosen with that seed. Results are taken from BullMQ's completed set and
 * removed only after they are counted, and each job id is counted once, so a coordinator killed at
 * any point and resumed neither loses nor double-counts a result.
 */
import { randomBytes } from 'node:crypto';
import { Queue, type Job } from 'bullmq';
import { makeScheme, type Scheme } from '../../scheme/index.ts';
import { Rng } from '../../util/rng.ts';
import { verifyScheme } from '../../verify/index.ts';
import { DEFAULT_WALK } from '../flip/walk.ts';
import type { Format } from '../flip/state.ts';
import { workerSeed } from '../parallel/spawn.ts';
import { connectRedis } from './connect.ts';
import { claimedWorker, JobError, parseJob, parseReport, type WalkJob } from './jobs.ts';
import type { RedisTarget } from './redis-url.ts';
import { queueStatus, type QueueStatus } from './status.ts';
import { SearchStore, type SearchParams } from './store.ts';

/** Bad input for a queue search (nothing to resume, a different search there); one line, exit 2. */
export class QueueSearchError extends Error {
  override name = 'QueueSearchError';
}

export interface CoordinatorOptions {
  target: RedisTarget;
  queueName: string;
  format: Format;
  targetRank: number;
  seed: number;
  timeLimitMs: number;
  /** The initial scheme's Z2 terms; the naive algorithm's when absent. */
  start: number[][];
  walk?: Partial<Omit<SearchParams['walk'], never>>;
  jobFlips: number;
  /** Continue the search stored under this queue instead of starting one. */
  resume: boolean;
  /** Rejections, failures and other events, one line each. */
  log: (line: string) => void;
  onStatus?: (s: QueueStatus) => void;
  /** Each verified report with BullMQ's timestamps of its job (for measuring the queue's overhead). */
  onReport?: (r: JobTiming) => void;
  /** Aborting stops the search, leaving it in Redis to be resumed. */
  signal?: AbortSignal;
  /** Poll interval for results (ms). */
  tickMs?: number;
}

export interface CoordinatorResult {
  scheme: Scheme<number> | null;
  bestRank: number;
  best: Scheme<number>;
  elapsedMs: number;
  flips: number;
  jobs: number;
  rejected: number;
  failed: number;
  search: string;
  resumed: boolean;
  /** The search was stopped by the signal, not by the target or the time limit. */
  interrupted: boolean;
}

/** When and where a job ran: BullMQ's timestamps (ms since the epoch) and the worker's walking time. */
export interface JobTiming {
  job: string;
  worker: string;
  flips: number;
  walkMs: number;
  addedAt: number;
  processedAt?: number;
  finishedAt?: number;
  /** The coordinator's time to take the result in: parse, exact verification, Redis updates. */
  ingestMs: number;
}

const LEASE_MS = 5000;

/** The Z2 scheme of [a, b, c] keys, built directly from the bits (no walk state involved). */
export function termsToScheme([n, m, p]: Format, terms: readonly (readonly number[])[]): Scheme<number> {
  const row = (key: number, len: number) => Array.from({ length: len }, (_, b) => Math.floor(key / 2 ** b) % 2);
  return makeScheme({
    fieldTag: 'Z2', target: { kind: 'matmul', format: [n, m, p] },
    U: terms.map((t) => row(t[0], n * m)), V: terms.map((t) => row(t[1], m * p)), W: terms.map((t) => row(t[2], n * p)),
    meta: { source: 'flip-graph walk over Z2 on a job queue' },
  });
}

/** Why a scheme is refused, or null when it verifies exactly. */
function refusal(format: Format, terms: readonly (readonly number[])[]): string | null {
  const r = verifyScheme(termsToScheme(format, terms));
  if (r.kind === 'exact' && r.exact) return null;
  return r.kind === 'exact' ? `the scheme of rank ${terms.length} does not verify: ${r.failing} of ${r.equations} Brent equations fail` : 'not an exact scheme';
}

function describe(p: SearchParams): string {
  return `<${p.format.join(',')}> over ${p.field}, target rank ${p.targetRank}, seed ${p.seed}`;
}

/** Open (or resume) the search and hold the lease; returns its parameters. */
async function openSearch(o: CoordinatorOptions, store: SearchStore, queue: Queue, owner: string): Promise<{ params: SearchParams; resumed: boolean }> {
  // A coordinator killed a moment ago still holds the lease until it expires; wait that out once.
  if (!(await store.lease(owner, LEASE_MS))) {
    const ttl = Math.max(0, await store.leaseTtlMs());
    await new Promise((r) => setTimeout(r, ttl + 100));
    if (!(await store.lease(owner, LEASE_MS))) throw new QueueSearchError(`${o.target.redacted}: another coordinator is running the search on queue "${o.queueName}"`);
  }
  const existing = await store.params();
  const finished = existing && (await store.counters()).done === 'found';
  if (o.resume) {
    if (!existing) throw new QueueSearchError(`${o.target.redacted}: no search on queue "${o.queueName}" to resume`);
    const asked = { format: o.format, targetRank: o.targetRank, seed: o.seed };
    for (const [k, v] of Object.entries(asked)) {
      if (JSON.stringify(existing[k as keyof SearchParams]) !== JSON.stringify(v)) {
        throw new QueueSearchError(`${o.target.redacted}: the search on queue "${o.queueName}" has ${k} = ${JSON.stringify(existing[k as keyof SearchParams])}, but this one has ${k} = ${JSON.stringify(v)}`);
      }
    }
    return { params: existing, resumed: true };
  }
  if (existing && !finished) {
    throw new QueueSearchError(`${o.target.redacted}: queue "${o.queueName}" holds an unfinished search (${describe(existing)}); continue it with --resume, or remove it with stlkit queue clear`);
  }
  // A finished search (or none): start afresh, with no jobs of the old one left on the queue.
  await queue.obliterate({ force: true });
  await store.clear();
  await store.lease(owner, LEASE_MS);
  const params: SearchParams = {
    search: `s${Date.now().toString(36)}${randomBytes(3).toString('hex')}`,
    format: o.format, field: 'Z2', targetRank: o.targetRank, seed: o.seed, start: o.start,
    walk: { plateau: o.walk?.plateau ?? DEFAULT_WALK.plateau, maxUp: o.walk?.maxUp ?? DEFAULT_WALK.maxUp, plusFlips: o.walk?.plusFlips ?? DEFAULT_WALK.plusFlips },
    jobFlips: o.jobFlips, createdAt: new Date().toISOString(),
  };
  await store.create(params);
  return { params, resumed: false };
}

/** Job `index` of the seed plan, validated like any job a worker receives. */
async function planJob(store: SearchStore, p: SearchParams, index: number): Promise<WalkJob> {
  const seed = workerSeed(p.seed, index);
  let terms = p.start;
  if (index % 2 === 1) {
    const level = await store.bestLevel();
    if (level && level.rank < p.start.length) terms = level.schemes[new Rng(seed).int(level.schemes.length)];
  }
  return parseJob({
    v: 1, search: p.search, index, format: p.format, terms, flips: p.jobFlips, seed,
    // Restarts as the worker-thread walk does them: 20 000 flips per term of the start.
    walk: { ...p.walk, targetRank: p.targetRank, restartFlips: 20_000 * terms.length },
  });
}

export async function coordinate(o: CoordinatorOptions): Promise<CoordinatorResult> {
  const redis = await connectRedis(o.target);
  const store = new SearchStore(redis, o.queueName);
  const queue = new Queue(o.queueName, { connection: redis });
  const owner = `${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const { params: p, resumed } = await openSearch(o, store, queue, owner);
    const prior = (await store.counters()).elapsedMs;
    const t0 = performance.now() - prior;
    const elapsed = () => performance.now() - t0;
    let found: Scheme<number> | null = null, interrupted = false, lastStatus = 0;

    if ((await store.counters()).done === 'found') found = termsToScheme(p.format, (await store.best()) ?? p.start);

    const takeIn = async (job: Job) => {
      const id = String(job.id), t = performance.now();
      if (job.data?.search !== p.search || (await store.wasIngested(id))) return;
      let walk: WalkJob;
      try {
        walk = parseJob(job.data);
      } catch (err) {
        // Not a job this coordinator planned (someone else put it on the queue); it counts as failed.
        o.log(`job ${id}: not a job of this search, ignored (${(err as Error).message})`);
        await store.failed(id);
        return;
      }
      let reason: string | null, worker = claimedWorker(job.returnvalue);
      try {
        const r = parseReport(job.returnvalue, walk);
        worker = r.worker;
        reason = refusal(p.format, r.terms);
        if (reason === null) {
          const better = await store.accept(id, r, elapsed());
          o.onReport?.({ job: id, worker, flips: r.flips, walkMs: r.ms, addedAt: job.timestamp, processedAt: job.processedOn, finishedAt: job.finishedOn, ingestMs: performance.now() - t });
          if (better) o.log(`rank ${r.rank} at ${(elapsed() / 1000).toFixed(1)} s (job ${id}, worker ${worker}), verified exactly`);
          if (r.rank <= p.targetRank) found = termsToScheme(p.format, r.terms);
          return;
        }
      } catch (err) {
        if (!(err instanceof JobError)) throw err;
        reason = `malformed report: ${err.message}`;
      }
      o.log(`rejected job ${id} from worker ${worker}: ${reason}`);
      await store.reject(id, { job: id, worker, reason, atMs: Math.round(elapsed()) });
    };

    const takeFailed = async (job: Job) => {
      const id = String(job.id);
      if (job.data?.search === p.search && !(await store.wasIngested(id))) {
        o.log(`job ${id} failed${job.processedBy ? ` on worker ${job.processedBy}` : ''}: ${String(job.failedReason).split('\n')[0]}`);
        await store.failed(id);
      }
    };

    const tick = async () => {
      if (!(await store.lease(owner, LEASE_MS))) throw new QueueSearchError(`${o.target.redacted}: lost the coordinator lease of queue "${o.queueName}" to another coordinator`);
      for (const job of await queue.getJobs(['completed'], 0, 99, true)) {
        if (!found) await takeIn(job);
        await job.remove().catch(() => undefined);
      }
      for (const job of await queue.getJobs(['failed'], 0, 99, true)) {
        await takeFailed(job);
        await job.remove().catch(() => undefined);
      }
      await store.setElapsed(elapsed());
      if (found) return;
      // Enough queued work for every alive worker to have one job waiting behind the one in hand.
      const [waiting, workers] = await Promise.all([queue.getWaitingCount(), store.workers()]);
      for (let n = waiting, want = Math.max(4, 2 * workers.length); n < want; n++) {
        const job = await planJob(store, p, await store.nextIndex());
        await queue.add('walk', job, { jobId: `${p.search}-${job.index}`, removeOnComplete: false, removeOnFail: false });
      }
    };

    const statusNow = () => queueStatus(store, queue, o.target.redacted, elapsed());
    while (!found) {
      if (o.signal?.aborted) {
        interrupted = true;
        break;
      }
      if (elapsed() >= o.timeLimitMs) break;
      await tick();
      if (o.onStatus && performance.now() - lastStatus >= 1000) {
        lastStatus = performance.now();
        o.onStatus(await statusNow());
      }
      if (!found) await new Promise((r) => setTimeout(r, o.tickMs ?? 200));
    }
    if (found) await store.finish();
    await store.setElapsed(elapsed());
    // Waiting jobs are dropped: an interrupted or timed-out search plans new ones when resumed,
    // and a finished one needs none. Jobs in hand finish (workers stop them within a second once
    // the search is found) and are taken in by a resumed coordinator.
    await queue.drain();
    if (o.onStatus) o.onStatus(await statusNow());
    const c = await store.counters();
    const best = termsToScheme(p.format, (await store.best()) ?? p.start);
    return {
      scheme: found, bestRank: c.bestRank, best, elapsedMs: elapsed(), flips: c.flips, jobs: c.jobs, rejected: c.rejected, failed: c.failed,
      search: p.search, resumed, interrupted,
    };
  } finally {
    await store.release(owner).catch(() => undefined);
    await queue.close().catch(() => undefined);
    await redis.quit().catch(() => undefined);
  }
}
