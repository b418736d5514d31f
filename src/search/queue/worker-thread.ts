import { parentPort, workerData } from 'node:worker_threads';
import { serveWalkJobs } from './worker.ts';
import type { ThreadData, FromThread } from './threads.ts';

// One queue worker on a worker thread (see threads.ts): the same serveWalkJobs, with logs and the
// end posted to the spawning thread.
const d = workerData as ThreadData;
const port = parentPort!;
const ac = new AbortController();
port.on('message', (m: unknown) => {
  if (m === 'stop') ac.abort();
});
serveWalkJobs({ ...d, signal: ac.signal, log: (line) => port.postMessage({ type: 'log', line } satisfies FromThread) })
  .then((summary) => port.postMessage({ type: 'done', summary } satisfies FromThread))
  .catch((err: Error) => port.postMessage({ type: 'error', name: err.name, message: err.message } satisfies FromThread));
