import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { connectRedis, QueueConnectError } from '../search/queue/connect.ts';
import { RedisUrlError, resolveRedisUrl } from '../search/queue/redis-url.ts';
import { serveWalkJobsOn } from '../search/queue/threads.ts';
import { defaultWorkerId, DEFAULT_STALL_MS } from '../search/queue/worker.ts';
import { parsePositiveInt } from './args.ts';
import { printErr } from './output.ts';
import type { Status } from './status.ts';

export const DEFAULT_QUEUE_NAME = 'stlkit-flip';

export function parseQueueName(s: string): string {
  if (!/^[\w-]{1,64}$/.test(s)) throw new InvalidArgumentError(`expected letters, digits, _ and - (at most 64), got "${s}"`);
  return s;
}

function parseWorkerName(s: string): string {
  if (!/^[\w.-]{1,80}$/.test(s)) throw new InvalidArgumentError(`expected letters, digits and ._- (at most 80), got "${s}"`);
  return s;
}

/** Run `f`, turning a bad URL or a refused connection into one line and exit 2. */
export async function guardQueue<T>(status: Status, f: () => Promise<T>): Promise<T | undefined> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof RedisUrlError || err instanceof QueueConnectError) {
      status.badInput((err as Error).message);
      return undefined;
    }
    throw err;
  }
}

export function workerCommand(program: Command, status: Status): void {
  program
    .command('worker')
    .description('take flip-graph walk jobs from a Redis queue (stlkit search flip --queue), walk, report; runs until interrupted')
    .option('--queue [url]', 'redis://[:password@]host:port[/db] or rediss:// (TLS); default $STLKIT_REDIS_URL')
    .option('--queue-name <name>', 'the BullMQ queue (as given to the coordinator)', parseQueueName, DEFAULT_QUEUE_NAME)
    .option('--concurrency <k>', 'walk k jobs at once, one worker thread each', parsePositiveInt, 1)
    .option('--name <id>', 'this worker\'s name in reports and status (default host-pid)', parseWorkerName)
    .option('--stall-ms <ms>', 'job lock and stalled-check interval: a killed worker\'s job is retried after about this long', parsePositiveInt, DEFAULT_STALL_MS)
    .action(async (o: { queue?: string | boolean; queueName: string; concurrency: number; name?: string; stallMs: number }) => {
      await guardQueue(status, async () => {
        const target = resolveRedisUrl(o.queue);
        // Fail fast and in one line (wrong password, server down) before starting threads.
        await (await connectRedis(target)).quit();
        const base = o.name ?? defaultWorkerId();
        const ids = o.concurrency === 1 ? [base] : Array.from({ length: o.concurrency }, (_, k) => `${base}-${k}`);
        const ac = new AbortController();
        const stop = () => ac.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        printErr(`worker ${ids.join(', ')}: taking jobs from queue "${o.queueName}" at ${target.redacted}`);
        const s = await serveWalkJobsOn(ids, { target, queueName: o.queueName, stallMs: o.stallMs, log: (line) => printErr(line), signal: ac.signal });
        printErr(`worker stopped: ${s.jobs} job(s), ${s.flips} flips${s.malformed ? `, ${s.malformed} malformed job(s) refused` : ''}`);
      });
    });
}
