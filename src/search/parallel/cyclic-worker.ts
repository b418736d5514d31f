import { parentPort, workerData } from 'node:worker_threads';
import { CyclicWalker, type CyclicSnapshot, type CyclicWalkOptions } from '../flip/cyclic.ts';
import { CyclicState } from '../flip/cyclic-state.ts';
import type { FromPoolWorker, ToPoolWorker } from './pool.ts';

/** What the cyclic pool sends a worker at start. */
export interface CyclicWorkerData {
  n: number;
  seed: number;
  snapshot?: CyclicSnapshot;
  walk: Partial<CyclicWalkOptions> & { targetRank: number };
  chunk: number;
}

/** A walker at its target: its orbit representatives and fixed terms. */
export interface CyclicCandidate {
  reps: number[][];
  fixed: number[];
  rank: number;
}

type FromCyclicWorker = FromPoolWorker<CyclicSnapshot, CyclicCandidate>;

const d = workerData as CyclicWorkerData;
const port = parentPort!;
let wantSnapshot = false;
port.on('message', (m: ToPoolWorker) => {
  if (m.type === 'snapshot') wantSnapshot = true;
});

async function main(): Promise<void> {
  const w = d.snapshot ? CyclicWalker.restore(d.snapshot) : new CyclicWalker(CyclicState.naive(d.n), d.seed, d.walk);
  let posted = false;
  // Messages arrive only between chunks, so chunks stay short (tens of milliseconds).
  for (;;) {
    w.run(d.chunk);
    if (w.done && !posted) {
      posted = true;
      port.postMessage({ type: 'candidate', reps: w.state.reps(), fixed: [...w.state.fixed], rank: w.rank } satisfies FromCyclicWorker);
    }
    port.postMessage({ type: 'progress', rank: w.rank, bestRank: w.bestRank, flips: w.flips } satisfies FromCyclicWorker);
    if (wantSnapshot) {
      wantSnapshot = false;
      port.postMessage({ type: 'snapshot', snapshot: w.snapshot() } satisfies FromCyclicWorker);
    }
    // A walker at its target waits for the pool to stop it; don't spin.
    await new Promise((r) => (w.done ? setTimeout(r, 50) : setImmediate(r)));
  }
}

main().catch((err) => port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies FromCyclicWorker));
