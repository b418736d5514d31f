import { parentPort, workerData } from 'node:worker_threads';
import { naiveRingTerms, stateFromTerms, type FlipRing } from '../flip/rings.ts';
import { FlipWalker, type FlipSnapshot, type WalkOptions } from '../flip/walk.ts';
import type { FromPoolWorker, ToPoolWorker } from './pool.ts';

/** What the pool sends a flip worker at start. */
export interface FlipWorkerData {
  format: [number, number, number];
  /** The ring of the walk; Z2 when absent. */
  ring?: FlipRing;
  seed: number;
  snapshot?: FlipSnapshot;
  start?: number[][];
  walk: Partial<WalkOptions> & { targetRank: number };
  /** Post the current scheme whenever its rank is at most this (candidates for lifting or output). */
  reportRank: number;
  chunk: number;
}

/** A scheme of rank ≤ reportRank, posted once per distinct set of terms. */
export interface FlipCandidate {
  terms: number[][];
  rank: number;
  flips: number;
}

type FromWorker = FromPoolWorker<FlipSnapshot, FlipCandidate>;

const d = workerData as FlipWorkerData;
const port = parentPort!;

function makeWalker(): FlipWalker {
  if (d.snapshot) return FlipWalker.restore(d.snapshot);
  const ring = d.ring ?? 'Z2';
  const start = stateFromTerms(ring, d.format, d.start ?? naiveRingTerms(ring, d.format));
  return new FlipWalker(start, d.seed, d.walk);
}

let stop = false, wantSnapshot = false;
port.on('message', (m: ToPoolWorker) => {
  if (m.type === 'stop') stop = true;
  if (m.type === 'snapshot') wantSnapshot = true;
});

async function main(): Promise<void> {
  const w = makeWalker();
  let lastKey = '';
  // Messages are only delivered between chunks, so chunks stay short (tens of milliseconds).
  while (!stop) {
    w.run(d.chunk);
    if (w.rank <= d.reportRank) {
      const terms = w.state.terms();
      const key = terms.map((t) => t.join(',')).sort().join(';');
      if (key !== lastKey) {
        lastKey = key;
        port.postMessage({ type: 'candidate', terms, rank: w.rank, flips: w.flips } satisfies FromWorker);
      }
    }
    port.postMessage({ type: 'progress', rank: w.rank, bestRank: w.bestRank, flips: w.flips } satisfies FromWorker);
    if (wantSnapshot) {
      wantSnapshot = false;
      port.postMessage({ type: 'snapshot', snapshot: w.snapshot() } satisfies FromWorker);
    }
    // A walker at its target has nothing to do until the pool decides; don't spin.
    await new Promise((r) => (w.done ? setTimeout(r, 50) : setImmediate(r)));
  }
}

main().catch((err) => port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies FromWorker));
