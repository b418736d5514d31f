/**
 * The queue search with real processes on a real redis-server (no mock): coordinator and workers
 * are `stlkit` child processes, killed with SIGKILL where the test says so. Stall intervals are
 * short (--stall-ms) so a killed worker's job comes back within seconds.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchemeJson } from '../../src/formats/json.ts';
import { naiveTerms } from '../../src/search/flip/state.ts';
import { connectRedis } from '../../src/search/queue/connect.ts';
import { parseJob, type WalkReportData } from '../../src/search/queue/jobs.ts';
import { parseRedisUrl } from '../../src/search/queue/redis-url.ts';
import { SearchStore } from '../../src/search/queue/store.ts';
import { verifyScheme } from '../../src/verify/index.ts';
import { interrupt, startCli, waitFor, type CliProcess } from '../helpers/processes.ts';
import { redisMissing, startRedis, type TestRedis } from '../helpers/redis.ts';

const dir = mkdtempSync(join(tmpdir(), 'stlkit-queue-'));
let redis: TestRedis, client: Redis;
const started: CliProcess[] = [];

function cli(args: string[]): CliProcess {
  const p = startCli(args);
  started.push(p);
  return p;
}
const worker = (name: string, queueName: string) => cli(['worker', '--queue', redis.url, '--queue-name', queueName, '--name', name, '--stall-ms', '2000']);
const search = (queueName: string, extra: string[]) => cli(['search', 'flip', '--format', '3,3,3', '--field', 'Z2', '--seed', '1', '--queue', redis.url, '--queue-name', queueName, ...extra]);
const store = (queueName: string) => new SearchStore(client, queueName);

function verifiesFile(file: string): boolean {
  const r = verifyScheme(parseSchemeJson(readFileSync(file, 'utf8'), file));
  return r.kind === 'exact' && r.exact;
}

describe.skipIf(redisMissing !== null)('flip search on a Redis queue (processes)', () => {
  beforeAll(async () => {
    redis = await startRedis();
    client = await connectRedis(parseRedisUrl(redis.url));
  }, 30_000);

  afterAll(async () => {
    for (const p of started) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exit));
    await client?.quit();
    await redis?.stop();
  }, 30_000);

  it('a coordinator and 3 worker processes reach <3,3,3>:23 over Z2 and the output verifies', async () => {
    const ws = ['e2e-1', 'e2e-2', 'e2e-3'].map((n) => worker(n, 'e2e'));
    await waitFor('3 workers alive', async () => (await store('e2e').workers()).length === 3);
    const out = join(dir, 'e2e.json');
    const c = search('e2e', ['--target-rank', '23', '--time-limit', '50', '--job-flips', '100000', '-o', out]);
    expect(await c.exit, c.err()).toBe(0);
    expect(c.out()).toMatch(/found <3,3,3>:23 over Z2/);
    expect(c.out()).toMatch(/verified exactly \(729 Brent equations\)/);
    expect(verifiesFile(out)).toBe(true);
    // The password never appears.
    for (const p of [c, ...ws]) expect(p.err() + p.out()).not.toContain(redis.password);
    for (const w of ws) expect(await interrupt(w)).toBe(0);
    expect(ws.map((w) => w.err()).join('')).toMatch(/worker stopped: \d+ job\(s\)/);
  }, 60_000);

  it('kill -9 of a worker mid-job loses no job: its job is retried by another worker and counted', async () => {
    const q = new Queue('kill', { connection: client });
    // Rank 22 is out of reach: the search runs until interrupted.
    const c = search('kill', ['--target-rank', '22', '--time-limit', '120', '--job-flips', '400000']);
    const a = worker('victim', 'kill');
    let victimJob = '';
    await waitFor('a job in the hands of the victim', async () => {
      const active = await q.getActive();
      victimJob = String(active.find((j) => j.processedBy === 'victim')?.id ?? '');
      return victimJob !== '';
    });
    a.child.kill('SIGKILL');
    expect(await a.exit).toBe(null);
    // Killed mid-job: the job is still marked active, with nobody left to finish it.
    expect(await q.getJobState(victimJob)).toBe('active');
    const b = worker('rescuer', 'kill');
    await waitFor(`job ${victimJob} counted`, () => store('kill').wasIngested(victimJob), 45_000);
    const counters = await store('kill').counters();
    expect(counters.failed).toBe(0);
    expect(counters.rejected).toBe(0);
    expect(await interrupt(c)).toBe(1);
    expect(c.err()).toMatch(/interrupted .*--resume/);
    await interrupt(b);
    await q.close();
  }, 60_000);

  it('a coordinator killed with SIGKILL and restarted with --resume takes in what the workers did meanwhile and finishes', async () => {
    const q = new Queue('resume', { connection: client });
    const out = join(dir, 'resumed.json');
    const args = ['--target-rank', '23', '--time-limit', '50', '--job-flips', '150000', '-o', out];
    // No workers yet: the coordinator plans its jobs and is killed.
    const first = search('resume', args);
    await waitFor('jobs on the queue', async () => (await q.getWaitingCount()) >= 4);
    first.child.kill('SIGKILL');
    await first.exit;
    // Workers do the queued jobs with no coordinator running.
    const w = worker('solo', 'resume');
    await waitFor('a job done while the coordinator is down', async () => (await q.getCompletedCount()) >= 1);
    const again = search('resume', args);
    expect(await again.exit).toBe(2);
    expect(again.err()).toMatch(/holds an unfinished search .*--resume/);
    expect(again.err().trim().split('\n')).toHaveLength(2);
    const resumed = search('resume', [...args, '--resume']);
    expect(await resumed.exit, resumed.err()).toBe(0);
    expect(resumed.err()).toMatch(/resuming/);
    expect(verifiesFile(out)).toBe(true);
    expect((await store('resume').counters()).done).toBe('found');
    await interrupt(w);
    await q.close();
  }, 60_000);

  it('a worker that reports a corrupted scheme is rejected, counted and logged with its id', async () => {
    const c = search('evil', ['--target-rank', '22', '--time-limit', '60', '--job-flips', '100000']);
    await waitFor('the search in Redis', async () => (await store('evil').params()) !== null);
    // A worker of our own making: the first report drops a term (rank 26, claims a better rank than
    // any so far), the second is not even a report of that job.
    let n = 0;
    const evil = new Worker('evil', async (job: Job): Promise<WalkReportData | object> => {
      const j = parseJob(job.data);
      if (n++ === 0) return { v: 1, search: j.search, index: j.index, worker: 'evil-worker', rank: j.terms.length - 1, terms: j.terms.slice(1), flips: 10, ms: 1, stopped: false };
      return { v: 1, search: j.search, index: j.index + 1000, worker: 'evil-worker', rank: 1, terms: [[1, 1, 1]], flips: 10, ms: 1, stopped: false };
    }, { connection: client.duplicate(), name: 'evil-worker' });
    await waitFor('two rejections', async () => (await store('evil').counters()).rejected >= 2);
    await evil.close();
    const rejects = await store('evil').rejects();
    expect(rejects.length).toBe((await store('evil').counters()).rejected);
    expect(new Set(rejects.map((r) => r.worker))).toEqual(new Set(['evil-worker']));
    expect(rejects.map((r) => r.reason).join('\n')).toMatch(/rank 26 does not verify: \d+ of 729 Brent equations fail/);
    expect(rejects.map((r) => r.reason).join('\n')).toMatch(/malformed report: report.index is \d+, but the job is \d+/);
    // Nothing of it entered the search.
    expect((await store('evil').counters()).bestRank).toBe(27);
    expect(await interrupt(c)).toBe(1);
    expect(c.err()).toMatch(/rejected job \S+ from worker evil-worker: the scheme of rank 26 does not verify/);
    const status = startCli(['queue', 'status', '--queue', redis.url, '--queue-name', 'evil', '--rejects']);
    expect(await status.exit).toBe(0);
    const s = JSON.parse(status.out());
    expect(s.jobs.rejected).toBe(rejects.length);
    expect(s.rejects[0].worker).toBe('evil-worker');
    expect(s.queue).toBe(`redis://:***@127.0.0.1:${redis.port}`);
  }, 60_000);

  it('a malformed job payload is refused with a clear error and the worker goes on with the next job', async () => {
    const q = new Queue('bad', { connection: client });
    await store('bad').create({
      search: 'tbad', format: [3, 3, 3], field: 'Z2', targetRank: 0, seed: 1, start: [[1, 1, 1]], walk: { plateau: 50_000, maxUp: 4, plusFlips: 0 }, jobFlips: 1, createdAt: '',
    });
    const w = worker('sturdy', 'bad');
    const good = { v: 1, search: 'tbad', index: 1, format: [3, 3, 3], terms: [[1, 1, 1], [2, 2, 2]], flips: 50_000, seed: 3, walk: { targetRank: 0, plateau: 50_000, maxUp: 4, plusFlips: 0, restartFlips: 0 } };
    const bad1 = await q.add('walk', { ...good, terms: 'all of them' });
    const bad2 = await q.add('walk', { ...good, format: [3, 3, 3], terms: [[1, 2 ** 40, 1]] });
    const bad3 = await q.add('walk', { junk: 'x'.repeat(300_000) });
    const ok = await q.add('walk', good);
    await waitFor('the good job done', async () => (await q.getJobState(ok.id!)) === 'completed');
    for (const j of [bad1, bad2, bad3]) expect(await q.getJobState(j.id!)).toBe('failed');
    const reasons = await Promise.all([bad1, bad2, bad3].map(async (j) => (await q.getJob(j.id!))!.failedReason));
    expect(reasons[0]).toMatch(/^malformed job: job.terms must be an array of 1..27 terms, got "all of them"/);
    expect(reasons[1]).toMatch(/^malformed job: job.terms\[0\]\[1\] must be an integer in 1..2\^9−1/);
    expect(reasons[2]).toMatch(/^malformed job: job is \d+ bytes, more than 262144/);
    expect((await q.getJob(ok.id!))!.returnvalue).toMatchObject({ v: 1, worker: 'sturdy', flips: 50_000, stopped: false });
    expect(w.child.exitCode).toBe(null);
    expect(w.err()).toMatch(/job \d+: malformed, not run: job.terms must be an array/);
    expect(await interrupt(w)).toBe(0);
    expect(w.err()).toMatch(/1 job\(s\), 50000 flips, 3 malformed job\(s\) refused/);
    await q.close();
  }, 60_000);

  it('worker --concurrency 2 walks two jobs at once on two threads; queue clear removes the search', async () => {
    const q = new Queue('threads', { connection: client });
    await store('threads').create({
      search: 'tthr', format: [4, 4, 4], field: 'Z2', targetRank: 1, seed: 1, start: naiveTerms([4, 4, 4]), walk: { plateau: 50_000, maxUp: 4, plusFlips: 0 }, jobFlips: 1, createdAt: '',
    });
    const w = cli(['worker', '--queue', redis.url, '--queue-name', 'threads', '--name', 'cc', '--concurrency', '2', '--stall-ms', '2000']);
    await waitFor('two worker threads alive', async () => (await store('threads').workers()).length === 2);
    const job = (index: number) => ({ v: 1, search: 'tthr', index, format: [4, 4, 4], terms: naiveTerms([4, 4, 4]), flips: 1_000_000, seed: index, walk: { targetRank: 1, plateau: 50_000, maxUp: 4, plusFlips: 0, restartFlips: 0 } });
    const jobs = await Promise.all([q.add('walk', job(1)), q.add('walk', job(2))]);
    await waitFor('both jobs done', async () => (await Promise.all(jobs.map((j) => q.getJobState(j.id!)))).every((s) => s === 'completed'));
    const by = await Promise.all(jobs.map(async (j) => (await q.getJob(j.id!))!.returnvalue.worker as string));
    expect(by.sort()).toEqual(['cc-0', 'cc-1']);
    expect(await interrupt(w)).toBe(0);
    expect(w.err()).toMatch(/worker stopped: 2 job\(s\), 2000000 flips/);
    const clear = startCli(['queue', 'clear', '--queue', redis.url, '--queue-name', 'threads']);
    expect(await clear.exit).toBe(0);
    expect(await store('threads').params()).toBe(null);
    expect(await q.getJobCounts('completed', 'waiting')).toEqual({ completed: 0, waiting: 0 });
    await q.close();
  }, 60_000);

  it('a wrong password fails at once with one line naming the redacted URL', async () => {
    const url = `redis://:hunter2-wrong@127.0.0.1:${redis.port}`;
    const ps = [
      ['worker', '--queue', url],
      ['search', 'flip', '--format', '2,2,2', '--target-rank', '7', '--queue', url],
      ['queue', 'status', '--queue', url],
    ].map((args) => startCli(args));
    for (const p of ps) {
      expect(await p.exit).toBe(2);
      expect(p.err()).toBe(`error: cannot use the queue at redis://:***@127.0.0.1:${redis.port}: wrong password or user name (WRONGPASS)\n`);
      expect(p.out()).toBe('');
    }
  }, 60_000);
});
