/**
 * A queue search's state in Redis, under stlkit:<queue name>:…, so that a coordinator killed and
 * restarted continues from it (Redis with append-only persistence keeps it across a Redis restart
 * too). Only the coordinator writes the search state; workers write their heartbeats.
 *
 *   params        JSON SearchParams: what was asked (compared on --resume)
 *   state         hash of counters (SearchCounters) and the end state
 *   best          JSON terms of the best verified scheme
 *   ranks, pool:R sorted set of the ranks in the pool; per rank a list of canonical term lists
 *   ingested      ids of the jobs whose results are counted (each is counted once)
 *   rejects       the last 100 rejected reports (JSON), newest first
 *   worker:ID     a worker's heartbeat (JSON WorkerBeat), expiring
 *   coordinator   the running coordinator's lease (expiring), so two cannot run one search
 */
import type { Redis } from 'ioredis';
import type { Format } from '../flip/state.ts';
import { termsKey, type WalkParams } from './jobs.ts';

export interface SearchParams {
  /** Id of this search; job ids are `${search}-${index}`. */
  search: string;
  format: Format;
  field: 'Z2';
  targetRank: number;
  seed: number;
  /** The initial scheme's terms (the naive algorithm or --start). */
  start: number[][];
  walk: Omit<WalkParams, 'targetRank' | 'restartFlips'>;
  jobFlips: number;
  createdAt: string;
}

export interface SearchCounters {
  /** Next index of the seed plan (jobs issued so far). */
  next: number;
  /** Jobs whose results were taken in (verified or rejected). */
  jobs: number;
  flips: number;
  walkMs: number;
  rejected: number;
  failed: number;
  bestRank: number;
  /** Search time (ms, across resumes) when the best rank was first reached. */
  bestAtMs: number;
  elapsedMs: number;
  /** '' while unfinished, 'found' once a scheme of the target rank verified. */
  done: '' | 'found';
}

export interface WorkerBeat {
  id: string;
  host: string;
  pid: number;
  flipsPerS: number;
  jobs: number;
  malformed: number;
}

export interface RejectEntry {
  job: string;
  worker: string;
  reason: string;
  atMs: number;
}

/** How many schemes each rank of the pool keeps. */
export const POOL_PER_RANK = 50;
const NUMERIC: (keyof SearchCounters)[] = ['next', 'jobs', 'flips', 'walkMs', 'rejected', 'failed', 'bestRank', 'bestAtMs', 'elapsedMs'];

export class SearchStore {
  constructor(readonly redis: Redis, readonly queueName: string) {}

  key(k: string): string {
    return `stlkit:${this.queueName}:${k}`;
  }

  async params(): Promise<SearchParams | null> {
    const s = await this.redis.get(this.key('params'));
    return s ? (JSON.parse(s) as SearchParams) : null;
  }

  async counters(): Promise<SearchCounters> {
    const h = await this.redis.hgetall(this.key('state'));
    const c = { done: h.done === 'found' ? 'found' : '' } as SearchCounters;
    for (const k of NUMERIC) (c[k] as number) = Number(h[k] ?? 0);
    return c;
  }

  /** Remove every key of this queue's search (not the BullMQ queue itself). */
  async clear(): Promise<void> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', `${this.key('')}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch.filter((k) => !k.startsWith(this.key('worker:'))));
    } while (cursor !== '0');
    if (keys.length) await this.redis.del(...keys);
  }

  /** Start a search: its parameters, counters at zero and the initial scheme in the pool. */
  async create(p: SearchParams): Promise<void> {
    const rank = p.start.length;
    await this.redis.multi()
      .set(this.key('params'), JSON.stringify(p))
      .hset(this.key('state'), { next: 0, jobs: 0, flips: 0, walkMs: 0, rejected: 0, failed: 0, bestRank: rank, bestAtMs: 0, elapsedMs: 0, done: '' })
      .set(this.key('best'), JSON.stringify(p.start))
      .exec();
    await this.addToPool(rank, p.start);
  }

  /** The next index of the seed plan (atomic, so a restarted coordinator never reuses one). */
  async nextIndex(): Promise<number> {
    return (await this.redis.hincrby(this.key('state'), 'next', 1)) - 1;
  }

  async wasIngested(jobId: string): Promise<boolean> {
    return (await this.redis.sismember(this.key('ingested'), jobId)) === 1;
  }

  /** The lowest rank in the pool and its schemes, in a fixed order (so a seeded pick is reproducible). */
  async bestLevel(): Promise<{ rank: number; schemes: number[][][] } | null> {
    const [r] = await this.redis.zrange(this.key('ranks'), 0, 0);
    if (r === undefined) return null;
    const members = await this.redis.lrange(this.key(`pool:${r}`), 0, -1);
    return { rank: Number(r), schemes: members.map((m) => JSON.parse(m) as number[][]) };
  }

  async addToPool(rank: number, terms: readonly (readonly number[])[]): Promise<void> {
    // Newest first, capped: the pool keeps changing without growing, and no random eviction.
    const pool = this.key(`pool:${rank}`), member = termsKey(terms);
    if ((await this.redis.lpos(pool, member)) !== null) return;
    await this.redis.multi().lpush(pool, member).ltrim(pool, 0, POOL_PER_RANK - 1).zadd(this.key('ranks'), rank, String(rank)).exec();
  }

  /** Count a verified report: flips, time, and a new best when it is one. */
  async accept(jobId: string, r: { rank: number; terms: readonly (readonly number[])[]; flips: number; ms: number }, elapsedMs: number): Promise<boolean> {
    const c = await this.counters();
    const better = r.rank < c.bestRank;
    const m = this.redis.multi()
      .sadd(this.key('ingested'), jobId)
      .hincrby(this.key('state'), 'jobs', 1)
      .hincrby(this.key('state'), 'flips', r.flips)
      .hincrby(this.key('state'), 'walkMs', Math.round(r.ms));
    if (better) m.hset(this.key('state'), { bestRank: r.rank, bestAtMs: Math.round(elapsedMs) }).set(this.key('best'), termsKey(r.terms));
    await m.exec();
    await this.addToPool(r.rank, r.terms);
    return better;
  }

  /** Count a report that was malformed or did not verify, with who sent it and why. */
  async reject(jobId: string, e: RejectEntry): Promise<void> {
    await this.redis.multi()
      .sadd(this.key('ingested'), jobId)
      .hincrby(this.key('state'), 'jobs', 1)
      .hincrby(this.key('state'), 'rejected', 1)
      .lpush(this.key('rejects'), JSON.stringify(e))
      .ltrim(this.key('rejects'), 0, 99)
      .exec();
  }

  /** Count a job a worker could not do (malformed, or stalled too often). */
  async failed(jobId: string): Promise<void> {
    await this.redis.multi().sadd(this.key('ingested'), jobId).hincrby(this.key('state'), 'failed', 1).exec();
  }

  async rejects(): Promise<RejectEntry[]> {
    return (await this.redis.lrange(this.key('rejects'), 0, 99)).map((s) => JSON.parse(s) as RejectEntry);
  }

  async best(): Promise<number[][] | null> {
    const s = await this.redis.get(this.key('best'));
    return s ? (JSON.parse(s) as number[][]) : null;
  }

  async setElapsed(ms: number): Promise<void> {
    await this.redis.hset(this.key('state'), 'elapsedMs', Math.round(ms));
  }

  async finish(): Promise<void> {
    await this.redis.hset(this.key('state'), 'done', 'found');
  }

  /** The id of the current search and whether it has ended, for a worker deciding whether to walk. */
  async searchState(): Promise<{ search: string | null; done: boolean }> {
    const [p, done] = await Promise.all([this.params(), this.redis.hget(this.key('state'), 'done')]);
    return { search: p?.search ?? null, done: done === 'found' };
  }

  async beat(b: WorkerBeat, ttlMs: number): Promise<void> {
    await this.redis.set(this.key(`worker:${b.id}`), JSON.stringify(b), 'PX', ttlMs);
  }

  async dropBeat(id: string): Promise<void> {
    await this.redis.del(this.key(`worker:${id}`));
  }

  /** Workers whose heartbeat has not expired. */
  async workers(): Promise<WorkerBeat[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.key('worker:*'), 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (!keys.length) return [];
    const vals = await this.redis.mget(...keys);
    return vals.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as WorkerBeat).sort((a, b) => a.id.localeCompare(b.id));
  }

  /**
   * Take or renew the coordinator lease: true when `owner` holds it now. Atomic (a script), so two
   * coordinators started at once cannot both win.
   */
  async lease(owner: string, ttlMs: number): Promise<boolean> {
    const r = await this.redis.eval(
      "local v = redis.call('GET', KEYS[1]); if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]); return 1 end; return 0",
      1, this.key('coordinator'), owner, String(ttlMs),
    );
    return r === 1;
  }

  async leaseTtlMs(): Promise<number> {
    return this.redis.pttl(this.key('coordinator'));
  }

  async release(owner: string): Promise<void> {
    await this.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end; return 0", 1, this.key('coordinator'), owner);
  }
}
