import { describe, expect, it } from 'vitest';
import { naiveTerms } from '../../src/search/flip/state.ts';
import { termsToScheme } from '../../src/search/queue/coordinator.ts';
import { JobError, MAX_PAYLOAD_BYTES, parseJob, parseReport, termsKey } from '../../src/search/queue/jobs.ts';
import { parseRedisUrl, redactUrl, resolveRedisUrl } from '../../src/search/queue/redis-url.ts';
import { walkJob } from '../../src/search/queue/worker.ts';
import { verifyScheme } from '../../src/verify/index.ts';

const exact = (format: [number, number, number], terms: number[][]) => {
  const r = verifyScheme(termsToScheme(format, terms));
  return r.kind === 'exact' && r.exact;
};

describe('Redis URLs', () => {
  it('parses host, port, database, user, password and TLS', () => {
    expect(parseRedisUrl('redis://:s3cret@127.0.0.1:6380/2')).toMatchObject({ host: '127.0.0.1', port: 6380, db: 2, password: 's3cret', tls: false, redacted: 'redis://:***@127.0.0.1:6380/2' });
    expect(parseRedisUrl('rediss://search:p%40ss@redis.example.org')).toMatchObject({ host: 'redis.example.org', port: 6379, db: 0, username: 'search', password: 'p@ss', tls: true, redacted: 'rediss://search:***@redis.example.org' });
    expect(parseRedisUrl('redis://[::1]:7000')).toMatchObject({ host: '::1', port: 7000 });
  });

  it('refuses what is not a Redis URL, without showing the password', () => {
    for (const [url, why] of [
      ['http://:pw@host:1', /scheme "http" is not redis or rediss/],
      ['redis://:pw@host:1/abc', /database "abc" is not a number/],
      ['redis://:pw@host:1/?x=1', /query strings/],
      ['not a url :pw@', /not a URL/],
    ] as const) {
      expect(() => parseRedisUrl(url)).toThrow(why);
      try {
        parseRedisUrl(url);
      } catch (err) {
        expect((err as Error).message).not.toContain('pw@');
      }
    }
  });

  it('redacts credentials in any string, parsable or not', () => {
    expect(redactUrl('redis://:pw@h:1')).toBe('redis://:***@h:1');
    expect(redactUrl('redis://user:pw@h:1')).toBe('redis://user:***@h:1');
    expect(redactUrl('redis://pw@h:1')).toBe('redis://***@h:1');
    expect(redactUrl('redis://h:1')).toBe('redis://h:1');
  });

  it('takes $STLKIT_REDIS_URL when --queue has no value', () => {
    expect(resolveRedisUrl(true, { STLKIT_REDIS_URL: 'redis://:x@h:2' }).port).toBe(2);
    expect(resolveRedisUrl('redis://h:3', { STLKIT_REDIS_URL: 'redis://h:2' }).port).toBe(3);
    expect(() => resolveRedisUrl(true, {})).toThrow(/no Redis URL: give --queue .* or set STLKIT_REDIS_URL/);
  });
});

const job333 = () => ({
  v: 1, search: 'stest', index: 4, format: [3, 3, 3], terms: naiveTerms([3, 3, 3]), flips: 300_000, seed: 7,
  walk: { targetRank: 23, plateau: 50_000, maxUp: 4, plusFlips: 0, restartFlips: 540_000 },
});

describe('walk jobs and reports', () => {
  it('accepts a well-formed job and refuses each kind of malformed one, naming the field', () => {
    expect(parseJob(job333()).terms).toHaveLength(27);
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ v: 2 }, /job.v must be 1, got 2/],
      [{ format: [3, 3] }, /job.format must be \[n, m, p\]/],
      [{ format: [8, 8, 8] }, /needs factors of more than 52 bits/],
      [{ terms: [] }, /job.terms must be an array of 1..27 terms, got 0 terms/],
      [{ terms: [...naiveTerms([3, 3, 3]), [1, 1, 1]] }, /1..27 terms, got 28 terms/],
      [{ terms: [[1, 1]] }, /job.terms\[0\] must be \[a, b, c\]/],
      [{ terms: [[0, 1, 1]] }, /job.terms\[0\]\[0\] must be an integer in 1..2\^9−1, got 0/],
      [{ terms: [[1, 1, 1.5]] }, /job.terms\[0\]\[2\]/],
      [{ flips: 0 }, /job.flips must be an integer in 1../],
      [{ seed: -1 }, /job.seed must be an integer in 0..4294967295/],
      [{ search: 'a b' }, /job.search must be an id/],
      [{ walk: { targetRank: 23 } }, /job.walk.plateau must be an integer/],
      [{ walk: { ...job333().walk, targetRank: 28 } }, /job.walk.targetRank must be an integer in 0..27/],
      [{ pad: 'x'.repeat(MAX_PAYLOAD_BYTES) }, /job is \d+ bytes, more than 262144/],
    ];
    for (const [patch, why] of bad) expect(() => parseJob({ ...job333(), ...patch }), JSON.stringify(patch).slice(0, 60)).toThrow(why);
    expect(() => parseJob(null)).toThrow(JobError);
    expect(() => parseJob('{"v":1}')).toThrow(/job is not a JSON object/);
  });

  it('walks a job to <3,3,3>:23 and the report checks against the job and verifies', async () => {
    const job = parseJob(job333());
    const report = await walkJob(job, 'w-1');
    expect(report.rank).toBeLessThanOrEqual(23);
    const r = parseReport(report, job);
    expect(r.worker).toBe('w-1');
    expect(exact([3, 3, 3], r.terms)).toBe(true);
    // The same job, seed and all, is the same walk.
    expect(termsKey((await walkJob(job, 'w-2')).terms)).toBe(termsKey(r.terms));
  });

  it('a stopped walk reports what it has', async () => {
    const job = parseJob({ ...job333(), walk: { ...job333().walk, targetRank: 0 } });
    const report = await walkJob(job, 'w', { stop: () => true });
    expect(report).toMatchObject({ stopped: true, flips: 0, rank: 27 });
  });

  it('refuses reports that do not answer the job', () => {
    const job = parseJob(job333());
    const good = { v: 1, search: 'stest', index: 4, worker: 'w', rank: 27, terms: naiveTerms([3, 3, 3]), flips: 10, ms: 1, stopped: false };
    expect(parseReport(good, job).rank).toBe(27);
    for (const [patch, why] of [
      [{ search: 'other' }, /report.search is "other", but the job is of search stest/],
      [{ index: 5 }, /report.index is 5, but the job is 4/],
      [{ rank: 26 }, /report.rank is 26, but it holds 27 terms/],
      [{ flips: 300_001 }, /report.flips must be an integer in 0..300000/],
      [{ worker: 'a b' }, /report.worker must be a name/],
      [{ stopped: 'no' }, /report.stopped must be true or false/],
    ] as const) expect(() => parseReport({ ...good, ...patch }, job)).toThrow(why);
  });

  it('termsToScheme builds the scheme the keys denote, so a corrupted one fails exact verification', () => {
    const naive = naiveTerms([2, 3, 4]);
    expect(exact([2, 3, 4], naive)).toBe(true);
    expect(exact([2, 3, 4], naive.slice(1))).toBe(false);
    expect(exact([2, 3, 4], [[naive[0][0] ^ 2, naive[0][1], naive[0][2]], ...naive.slice(1)])).toBe(false);
  });
});
