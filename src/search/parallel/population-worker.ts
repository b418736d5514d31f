import { parentPort, workerData } from 'node:worker_threads';
import { PopulationSearch, type PopulationOptions, type PopulationSnapshot } from '../flip/population.ts';
import { naiveRingTerms, stateFromTerms } from '../flip/rings.ts';
import type { FlipCandidate, FlipWorkerData } from './flip-worker.ts';
import type { FromPoolWorker, ToPoolWorker } from './pool.ts';

/** What the pool sends a population worker: a flip worker's data and the population's options. */
export interface PopulationWorkerData extends Omit<FlipWorkerData, 'snapshot'> {
  snapshot?: PopulationSnapshot;
  population: Partial<PopulationOptions>;
}

type FromWorker = FromPoolWorker<PopulationSnapshot, FlipCandidate>;

const d = workerData as PopulationWorkerData;
const port = parentPort!;

function makeSearch(): PopulationSearch {
  if (d.snapshot) return PopulationSearch.restore(d.snapshot);
  const ring = d.ring ?? 'Z2';
  const start = stateFromTerms(ring, d.format, d.start ?? naiveRingTerms(ring, d.format));
  const { targetRank, ...walk } = d.walk;
  return new PopulationSearch(start, d.seed, { ...d.population, walk, targetRank });
}

let stop = false, wantSnapshot = false;
port.on('message', (m: ToPoolWorker) => {
  if (m.type === 'stop') stop = true;
  if (m.type === 'snapshot') wantSnapshot = true;
});

async function main(): Promise<void> {
  const p = makeSearch();
  let posted = false;
  // As flip-worker.ts: short chunks, so that messages are answered within tens of milliseconds.
  while (!stop) {
    p.run(d.chunk);
    if (p.bestRank <= d.reportRank && !posted) {
      posted = true;
      const best = p.bestState();
      port.postMessage({ type: 'candidate', terms: best.terms(), rank: best.rank, flips: p.flips } satisfies FromWorker);
    }
    port.postMessage({ type: 'progress', rank: p.level, bestRank: p.bestRank, flips: p.flips } satisfies FromWorker);
    if (wantSnapshot) {
      wantSnapshot = false;
      port.postMessage({ type: 'snapshot', snapshot: p.snapshot() } satisfies FromWorker);
    }
    await new Promise((r) => (p.done ? setTimeout(r, 50) : setImmediate(r)));
  }
}

main().catch((err) => port.postMessage({ type: 'error', message: (err as Error).stack ?? String(err) } satisfies FromWorker));
