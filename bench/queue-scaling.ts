/**
 * Flip-graph throughput on the Redis job queue against the worker-thread search, in the same run:
 * for 1, 2 and 4 walkers, flips/s of `stlkit worker` processes fed by the coordinator and flips/s
 * of flipPool's worker threads, plus the queue's overhead per job (worker time not spent walking:
 * fetching, locking, building the walk, completing; from BullMQ's job timestamps) and the Redis
 * commands per job (INFO stats, everything included: heartbeats, polling, verification bookkeeping).
 *
 *   node --import tsx bench/queue-scaling.ts [--seconds 20] [--repeats 3] [--job-flips 2000000]
 *     [--walkers 1,2,4] [--format 4,4,4] [--queue redis://…] [--out FILE]
 *
 * Without --queue it starts its own redis-server (loopback, free port, password, temp dir). Results
 * go to bench/results/queue/DATE-cpu-queue-scaling.json (a folder of their own: bench/report.ts
 * reads the GPU records in bench/results/). Not a test: numbers depend on the machine and its load.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from '../src/cli/output.ts';
import { naiveTerms, type Format } from '../src/search/flip/state.ts';
import { flipPool } from '../src/search/parallel/flip-pool.ts';
import { connectRedis } from '../src/search/queue/connect.ts';
import { coordinate, type JobTiming } from '../src/search/queue/coordinator.ts';
import { parseRedisUrl } from '../src/search/queue/redis-url.ts';
import { SearchStore } from '../src/search/queue/store.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';
import { startRedis } from '../test/helpers/redis.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const arg = (name: string, dflt: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : dflt;
};
const seconds = Number(arg('--seconds', '20'));
const repeats = Number(arg('--repeats', '3'));
const jobFlips = Number(arg('--job-flips', '2000000'));
const walkers = arg('--walkers', '1,2,4').split(',').map(Number);
const format = arg('--format', '4,4,4').split(',').map(Number) as Format;
const date = new Date().toISOString();
const out = resolve(arg('--out', join(ROOT, 'bench/results/queue', `${date.slice(0, 10)}-cpu-queue-scaling.json`)));

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Steady-state flips/s of n worker threads: from the first progress report with flips to the last. */
/** CPU seconds (user + system) this process has used, all its threads included. */
const ownCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** CPU seconds a child process has used so far (/proc/PID/stat utime + stime; Linux). */
function childCpuS(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/**
 * Steady-state flips/s of n worker threads, from the first progress report with flips to the last,
 * and flips per CPU second over the same span (this process's CPU time: the walkers' threads and
 * the pool's main thread), which the load of other users on the machine does not change.
 */
async function threads(n: number, seed: number): Promise<{ flipsPerS: number; flipsPerCpuS: number }> {
  const samples: { flips: number; ms: number; cpu: number }[] = [];
  // Target rank 1 is out of reach: every walker runs the whole time.
  await flipPool({ format, targetRank: 1, seed, workers: n, timeLimitMs: seconds * 1000, onProgress: (p) => samples.push({ flips: p.flips, ms: p.elapsedMs, cpu: ownCpuS() }) });
  const live = samples.filter((s) => s.flips > 0);
  const a = live[0], b = live[live.length - 1];
  if (!a || !b || b.ms <= a.ms) return { flipsPerS: NaN, flipsPerCpuS: NaN };
  return { flipsPerS: ((b.flips - a.flips) / (b.ms - a.ms)) * 1000, flipsPerCpuS: (b.flips - a.flips) / (b.cpu - a.cpu) };
}

function startWorker(url: string, queueName: string, name: string): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin/stlkit.js'), 'worker', '--queue', url, '--queue-name', queueName, '--name', name], { cwd: ROOT, stdio: 'ignore' });
}

interface QueueRun {
  flipsPerS: number;
  /** Flips per CPU second of the worker processes while the coordinator ran (startup excluded). */
  flipsPerCpuS: number;
  /** Flips per second of walking inside jobs (Σ flips / Σ walk time): the work itself, without the queue. */
  walkingFlipsPerS: number;
  jobs: number;
  overheadMs: number[];
  walkMs: number[];
  /** The coordinator's time per result: parse, exact verification, Redis updates. */
  ingestMs: number[];
  commandsPerJob: number;
  /** commandsPerJob less the coordinator's polling (measured with no workers): the cost of a job itself. */
  netCommandsPerJob: number;
}

const commandsProcessed = async (redis: Awaited<ReturnType<typeof connectRedis>>) => Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);

/**
 * Redis commands per second of a coordinator with no workers: its polling (results, failures,
 * queue length, heartbeats, lease) and its status line, the fixed cost of a running search.
 */
async function idleCommandsPerS(url: string): Promise<number> {
  const target = parseRedisUrl(url);
  const redis = await connectRedis(target);
  const c0 = await commandsProcessed(redis), t0 = performance.now();
  await coordinate({
    target, queueName: 'bench-idle', format, targetRank: 1, seed: 1, timeLimitMs: 10_000, start: naiveTerms(format), jobFlips, resume: false,
    log: () => undefined, onStatus: () => undefined,
  });
  const rate = ((await commandsProcessed(redis)) - c0) / ((performance.now() - t0) / 1000);
  await redis.quit();
  return rate;
}

/** n worker processes on the queue for `seconds` of coordinator time. */
async function queue(url: string, n: number, seed: number, tag: string, idlePerS: number): Promise<QueueRun> {
  const target = parseRedisUrl(url);
  const redis = await connectRedis(target);
  const queueName = `bench-${tag}`;
  const store = new SearchStore(redis, queueName);
  const procs = Array.from({ length: n }, (_, i) => startWorker(url, queueName, `bench-${tag}-${i}`));
  const t0 = Date.now();
  while ((await store.workers()).length < n) {
    if (Date.now() - t0 > 60_000) throw new Error('workers did not start within 60 s');
    await new Promise((r) => setTimeout(r, 100));
  }
  const commands = () => commandsProcessed(redis);
  const c0 = await commands(), tc = performance.now();
  const cpu0 = procs.reduce((a, p) => a + childCpuS(p.pid!), 0);
  const reports: JobTiming[] = [];
  const r = await coordinate({
    target, queueName, format, targetRank: 1, seed, timeLimitMs: seconds * 1000, start: naiveTerms(format), jobFlips, resume: false,
    log: () => undefined, onReport: (j) => reports.push(j), onStatus: () => undefined,
  });
  const c1 = await commands(), coordS = (performance.now() - tc) / 1000;
  const cpu1 = procs.reduce((a, p) => a + childCpuS(p.pid!), 0);
  for (const p of procs) p.kill('SIGINT');
  await Promise.all(procs.map((p) => new Promise((res) => (p.exitCode !== null ? res(null) : p.once('exit', res)))));
  await redis.quit();
  const start = Math.min(...reports.map((j) => j.processedAt ?? Infinity)), end = Math.max(...reports.map((j) => j.finishedAt ?? -Infinity));
  const overheadMs: number[] = [];
  // Per worker, job by job: the time inside a job not spent walking, plus the gap to its next job.
  const byWorker = new Map<string, JobTiming[]>();
  for (const j of reports) if (j.processedAt && j.finishedAt) byWorker.set(j.worker, [...(byWorker.get(j.worker) ?? []), j]);
  for (const js of byWorker.values()) {
    js.sort((x, y) => x.processedAt! - y.processedAt!);
    for (let i = 0; i + 1 < js.length; i++) overheadMs.push(js[i].finishedAt! - js[i].processedAt! - js[i].walkMs + (js[i + 1].processedAt! - js[i].finishedAt!));
  }
  return {
    flipsPerS: (reports.reduce((a, j) => a + j.flips, 0) / Math.max(1, end - start)) * 1000,
    flipsPerCpuS: reports.reduce((a, j) => a + j.flips, 0) / (cpu1 - cpu0),
    walkingFlipsPerS: (reports.reduce((a, j) => a + j.flips, 0) / Math.max(1, reports.reduce((a, j) => a + j.walkMs, 0))) * 1000 * n,
    jobs: r.jobs, overheadMs, walkMs: reports.map((j) => j.walkMs), ingestMs: reports.map((j) => j.ingestMs), commandsPerJob: (c1 - c0) / Math.max(1, r.jobs),
    netCommandsPerJob: (c1 - c0 - idlePerS * coordS) / Math.max(1, r.jobs),
  };
}

async function main(): Promise<void> {
  const own = argv.includes('--queue') ? null : await startRedis();
  const url = own?.url ?? arg('--queue', '');
  const load = loadavg();
  console.log(`<${format}> over Z2, ${seconds} s per run, ${repeats} repeat(s), ${jobFlips} flips per job; ${cpus().length} cores (${cpus()[0]?.model}), load average ${load.map((x) => x.toFixed(2)).join(' ')}`);
  const runs: { walkers: number; repeat: number; threadFlipsPerS: number; threadFlipsPerCpuS: number; queue: QueueRun }[] = [];
  let idlePerS = NaN;
  try {
    idlePerS = await idleCommandsPerS(url);
    console.log(`  a coordinator with no workers: ${idlePerS.toFixed(0)} Redis commands/s (polling every 200 ms, status every second)`);
    for (let rep = 0; rep < repeats; rep++) {
      for (const n of walkers) {
        const seed = 1000 + rep;
        const t = await threads(n, seed);
        const q = await queue(url, n, seed, `${n}-${rep}`, idlePerS);
        runs.push({ walkers: n, repeat: rep, threadFlipsPerS: t.flipsPerS, threadFlipsPerCpuS: t.flipsPerCpuS, queue: q });
        console.log(`  repeat ${rep + 1}, ${n} walker(s): threads ${(t.flipsPerS / 1e6).toFixed(2)} M flips/s (${(t.flipsPerCpuS / 1e6).toFixed(2)} M per CPU s), queue ${(q.flipsPerS / 1e6).toFixed(2)} M flips/s (${(q.flipsPerCpuS / 1e6).toFixed(2)} M per CPU s; ${q.jobs} jobs, overhead ${median(q.overheadMs).toFixed(1)} ms/job, coordinator ${median(q.ingestMs).toFixed(2)} ms/job, ${q.commandsPerJob.toFixed(1)} Redis commands/job, ${q.netCommandsPerJob.toFixed(1)} without polling)`);
      }
    }
  } finally {
    await own?.stop();
  }
  const summary = walkers.map((n) => {
    const rs = runs.filter((r) => r.walkers === n);
    const t = median(rs.map((r) => r.threadFlipsPerS)), q = median(rs.map((r) => r.queue.flipsPerS));
    return {
      walkers: n, threadFlipsPerS: Math.round(t), queueFlipsPerS: Math.round(q), queueOverThreads: Math.round((q / t) * 1000) / 1000,
      threadFlipsPerCpuS: Math.round(median(rs.map((r) => r.threadFlipsPerCpuS))), queueFlipsPerCpuS: Math.round(median(rs.map((r) => r.queue.flipsPerCpuS))),
      queueWalkingFlipsPerS: Math.round(median(rs.map((r) => r.queue.walkingFlipsPerS))),
      overheadMsPerJob: Math.round(median(rs.flatMap((r) => r.queue.overheadMs)) * 10) / 10,
      walkMsPerJob: Math.round(median(rs.flatMap((r) => r.queue.walkMs))),
      coordinatorMsPerJob: Math.round(median(rs.flatMap((r) => r.queue.ingestMs)) * 100) / 100,
      redisCommandsPerJob: Math.round(median(rs.map((r) => r.queue.commandsPerJob)) * 10) / 10,
      redisCommandsPerJobWithoutPolling: Math.round(median(rs.map((r) => r.queue.netCommandsPerJob)) * 10) / 10,
      jobs: rs.reduce((a, r) => a + r.queue.jobs, 0),
    };
  });
  console.log('\nmedians over repeats (flips/s steady state; overhead = worker time per job not spent walking)');
  console.log(table(['walkers', 'threads flips/s', 'queue flips/s', 'queue/threads', 'threads flips/CPU s', 'queue flips/CPU s', 'queue walking flips/s', 'overhead ms/job', 'walk ms/job', 'coordinator ms/job', 'Redis cmds/job', 'without polling', 'jobs'],
    summary.map((s) => [s.walkers, s.threadFlipsPerS, s.queueFlipsPerS, s.queueOverThreads, s.threadFlipsPerCpuS, s.queueFlipsPerCpuS, s.queueWalkingFlipsPerS, s.overheadMsPerJob, s.walkMsPerJob, s.coordinatorMsPerJob, s.redisCommandsPerJob, s.redisCommandsPerJobWithoutPolling, s.jobs])));
  console.log('queue walking flips/s: Σ flips / Σ walking time × walkers, the walks alone (fresh descents each job) without the queue\'s gaps');
  const note = `${cpus().length} cores shared with other users (load average ${load.map((x) => x.toFixed(2)).join(' ')} at the start): with more walkers than cores, both searches share the same cores, so flips/s cannot grow past 2 walkers here; the coordinator and Redis run on the same cores too.`;
  console.log(`\n${note}`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileAtomic(out, JSON.stringify({
    command: `node --import tsx bench/queue-scaling.ts ${argv.join(' ')}`.trim(), date,
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', loadAverageAtStart: load, node: process.version, platform: process.platform },
    note, params: { format, seconds, repeats, jobFlips, walkers }, idleCoordinatorCommandsPerS: Math.round(idlePerS), summary, runs,
  }, null, 2) + '\n');
  console.log(`wrote ${out}`);
}

await main();
