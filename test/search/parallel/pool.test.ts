import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../../src/search/checkpoint.ts';
import type { FlipSnapshot } from '../../../src/search/flip/walk.ts';
import type { FlipCandidate, FlipWorkerData } from '../../../src/search/parallel/flip-worker.ts';
import { bestOf, runPool, totalFlips } from '../../../src/search/parallel/pool.ts';
import { workerSeed } from '../../../src/search/parallel/spawn.ts';

const worker = new URL('../../../src/search/parallel/flip-worker.ts', import.meta.url);
/** Walk towards targetRank, offering every scheme of rank ≤ reportRank as a candidate. */
const data = (targetRank: number, reportRank = targetRank) => (seed: number, snapshot: FlipSnapshot | undefined) =>
  ({ format: [2, 2, 2], seed, snapshot, walk: { targetRank }, reportRank, chunk: 5_000 } satisfies FlipWorkerData) as unknown as Record<string, unknown>;

describe('runPool (flip workers on <2,2,2>)', () => {
  it('ends at the first candidate the caller accepts, one derived seed per worker', async () => {
    const seen: FlipCandidate[] = [];
    const run = await runPool<FlipSnapshot, FlipCandidate>({
      worker, data: data(7), seed: 5, workers: 2, timeLimitMs: 60_000,
      onCandidate: (c) => (seen.push(c), true),
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].rank).toBeLessThanOrEqual(7);
    expect(run.seeds).toEqual([workerSeed(5, 0), workerSeed(5, 1)]);
    expect(run.finalSnaps).toHaveLength(2);
    expect(totalFlips(run)).toBe(run.finalSnaps.reduce((a, s) => a + s.counters.flips, 0));
    expect(bestOf(run.finalSnaps)!.counters.bestRank).toBe(Math.min(...run.finalSnaps.map((s) => s.counters.bestRank)));
  });

  it('a refused candidate does not end it; the time limit does, with a last checkpoint that resumes', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'stlkit-pool-')), 'ck.json');
    let offered = 0;
    // Rank 6 does not exist for <2,2,2>: the walk goes on after offering its rank-7 schemes. The
    // limit leaves room for a worker thread's start-up on a loaded machine (over 1.5 s seen).
    const first = await runPool<FlipSnapshot, FlipCandidate>({
      worker, data: data(6, 7), seed: 9, workers: 1, timeLimitMs: 4_000,
      checkpoint: { path, everyMs: 60_000, params: { test: 1 }, engine: 'pool-test' },
      onCandidate: () => (offered++, false),
    });
    expect(offered).toBeGreaterThan(0);
    expect(first.elapsedMs).toBeGreaterThanOrEqual(4_000);
    const ck = loadCheckpoint<FlipSnapshot>(path, 'pool-test', { test: 1 });
    expect(ck.workers).toHaveLength(1);
    const flipsBefore = ck.workers[0].counters.flips;
    expect(flipsBefore).toBeGreaterThan(0);
    // Resumed: the earlier time counts against the limit, and the walk goes on from its snapshot.
    const second = await runPool<FlipSnapshot, FlipCandidate>({
      worker, data: data(6, 7), seed: 9, workers: 1, timeLimitMs: ck.elapsedMs + 3_000, resume: ck,
      onCandidate: () => false,
    });
    expect(second.elapsedMs).toBeGreaterThanOrEqual(ck.elapsedMs + 3_000);
    expect(second.finalSnaps[0].counters.flips).toBeGreaterThan(flipsBefore);
  });

  it('a throwing onCandidate ends the search with its error', async () => {
    await expect(runPool<FlipSnapshot, FlipCandidate>({
      worker, data: data(7), seed: 3, workers: 1, timeLimitMs: 60_000,
      onCandidate: () => { throw new Error('refused loudly'); },
    })).rejects.toThrow('refused loudly');
  });
});
