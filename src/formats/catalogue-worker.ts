import { parentPort } from 'node:worker_threads';
import { catalogueFile } from './catalogue.ts';

/** One catalogue worker: reads and verifies the file each message names, answers with its result. */
parentPort!.on('message', ({ i, file }: { i: number; file: string }) => {
  try {
    parentPort!.postMessage({ i, r: catalogueFile(file) });
  } catch (err) {
    // Not bad input (catalogueFile turns that into a reason) but a fault: the main thread stops.
    parentPort!.postMessage({ i, error: `${file}: ${(err as Error).stack ?? String(err)}` });
  }
});
