import type { Command } from 'commander';
import { Queue } from 'bullmq';
import { schemeName } from '../scheme/index.ts';
import { naiveTerms } from '../search/flip/state.ts';
import { coordinate, QueueSearchError } from '../search/queue/coordinator.ts';
import { connectRedis } from '../search/queue/connect.ts';
import { resolveRedisUrl } from '../search/queue/redis-url.ts';
import { queueStatus, statusNote } from '../search/queue/status.ts';
import { SearchStore } from '../search/queue/store.ts';
import { Progress } from '../search/progress.ts';
import { writeVerified } from '../search/pipeline.ts';
import { print, printErr, printJson } from './output.ts';
import type { Status } from './status.ts';
import { DEFAULT_QUEUE_NAME, guardQueue, parseQueueName } from './worker.ts';

/** What `stlkit search flip --queue` reads of its options. */
export interface QueueFlipOptions {
  format: [number, number, number];
  field: string;
  targetRank: number;
  seed: number;
  timeLimit: number;
  queue: string | boolean;
  queueName: string;
  jobFlips: number;
  /** true (resume from Redis) or a checkpoint file, which a queue search does not read. */
  resume?: string | boolean;
  plateau?: number;
  output?: string;
  workers?: number;
  checkpoint?: string;
  symmetry: string;
}

/**
 * `stlkit search flip --queue URL`: the coordinator. Walks run on `stlkit worker` processes
 * anywhere; this process plans jobs, verifies every result exactly and writes the output.
 */
export async function queueFlip(o: QueueFlipOptions, start: number[][] | undefined, status: Status): Promise<void> {
  if (o.field !== 'Z2') return status.badInput(`--queue searches over Z2 only, not ${o.field}`);
  if (o.symmetry !== 'none') return status.badInput('--queue does not support --symmetry');
  if (o.workers) return status.badInput('--queue: the walks run on `stlkit worker` processes; --workers does not apply');
  if (o.checkpoint || typeof o.resume === 'string') return status.badInput('--queue keeps the search in Redis: use --resume without a file, not --checkpoint');
  const [n, m, p] = o.format;
  const initial = start ?? naiveTerms(o.format);
  if (initial.length > n * m * p) return status.badInput(`--queue: the start scheme has ${initial.length} terms, more than the naive ${n * m * p}`);
  await guardQueue(status, async () => {
    const target = resolveRedisUrl(o.queue);
    // Fail fast and in one line (wrong password, server down) before saying what will run.
    await (await connectRedis(target)).quit();
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    printErr(`search flip <${n},${m},${p}> over Z2 on queue "${o.queueName}" at ${target.redacted}: target rank ${o.targetRank}, seed ${o.seed}, ${o.jobFlips} flips per job, limit ${o.timeLimit} s${o.resume ? ', resuming' : ''}`);
    const progress = new Progress(`flip <${n},${m},${p}> queue`);
    let r;
    try {
      progress.start(o.timeLimit * 1000);
      r = await coordinate({
        target, queueName: o.queueName, format: o.format, targetRank: o.targetRank, seed: o.seed, timeLimitMs: o.timeLimit * 1000,
        start: initial, walk: o.plateau ? { plateau: o.plateau } : undefined, jobFlips: o.jobFlips, resume: Boolean(o.resume), signal: ac.signal,
        log: (line) => printErr(line),
        onStatus: (s) => progress.update({
          rank: s.bestRank ?? 0, bestRank: s.bestRank ?? 0, targetRank: o.targetRank, rate: s.flipsPerS, rateUnit: 'flips/s',
          elapsedMs: s.elapsedS * 1000, limitMs: o.timeLimit * 1000, note: statusNote(s),
        }),
      });
    } catch (err) {
      if (err instanceof QueueSearchError) return status.badInput(err.message);
      throw err;
    } finally {
      progress.stop();
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
    const secs = (r.elapsedMs / 1000).toFixed(1);
    printErr(`search ${r.search}: ${r.jobs} job(s), ${r.flips} flips in ${secs} s; best rank ${r.bestRank}; ${r.rejected} report(s) rejected, ${r.failed} job(s) failed`);
    if (!r.scheme) {
      const why = r.interrupted ? 'interrupted' : `no scheme of rank ≤ ${o.targetRank} within ${o.timeLimit} s`;
      printErr(`${why} (best rank ${r.bestRank}); the search stays in Redis: continue it with the same command and --resume`);
      status.fail();
      return;
    }
    print(`found ${schemeName(r.scheme)} over Z2 in ${secs} s`);
    if (!o.output) return;
    const s = { ...r.scheme, meta: { ...r.scheme.meta, source: `stlkit search flip --format ${n},${m},${p} --field Z2 --target-rank ${o.targetRank} --seed ${o.seed} --queue (search ${r.search})` } };
    const equations = writeVerified(s, o.output);
    if (equations === null) {
      printErr('internal check failed: the result does not verify over Z2; nothing written');
      status.fail();
      return;
    }
    print(`wrote ${o.output}: ${schemeName(s)} over Z2, verified exactly (${equations} Brent equations)`);
  });
}

export function queueCommand(program: Command, status: Status): void {
  const queue = program.command('queue').description('inspect or clear a search on a Redis job queue (stlkit search flip --queue)');
  const common = (c: Command) => c
    .option('--queue [url]', 'redis://[:password@]host:port[/db] or rediss:// (TLS); default $STLKIT_REDIS_URL')
    .option('--queue-name <name>', 'the BullMQ queue', parseQueueName, DEFAULT_QUEUE_NAME);
  common(queue.command('status').description('the search\'s state as JSON: workers alive, jobs/s, flips/s summed, best rank and when found, rejected reports'))
    .option('--rejects', 'also list the last rejected reports (worker, job, reason)')
    .action(async (o: { queue?: string | boolean; queueName: string; rejects?: boolean }) => {
      await guardQueue(status, async () => {
        const target = resolveRedisUrl(o.queue);
        const redis = await connectRedis(target);
        const q = new Queue(o.queueName, { connection: redis });
        try {
          const store = new SearchStore(redis, o.queueName);
          const s = await queueStatus(store, q, target.redacted);
          printJson(o.rejects ? { ...s, rejects: await store.rejects() } : s);
        } finally {
          await q.close();
          await redis.quit();
        }
      });
    });
  common(queue.command('clear').description('remove the search and every job on the queue (a running coordinator must be stopped first)'))
    .action(async (o: { queue?: string | boolean; queueName: string }) => {
      await guardQueue(status, async () => {
        const target = resolveRedisUrl(o.queue);
        const redis = await connectRedis(target);
        const q = new Queue(o.queueName, { connection: redis });
        try {
          const store = new SearchStore(redis, o.queueName);
          if ((await store.leaseTtlMs()) > 0) return status.badInput(`${target.redacted}: a coordinator is running the search on queue "${o.queueName}"; stop it first`);
          await q.obliterate({ force: true });
          await store.clear();
          print(`cleared queue "${o.queueName}" at ${target.redacted}`);
        } finally {
          await q.close();
          await redis.quit();
        }
      });
    });
}
