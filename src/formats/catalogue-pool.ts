import { Worker } from 'node:worker_threads';
import type { FileResult } from './catalogue.ts';

/**
 * Read and verify `files` on `jobs` worker threads. Each worker is handed the next file when it
 * answers, so one large file does not hold up a fixed share of the rest; results are reported by
 * index, and the caller keeps the walk's order. Faults in a worker reject, and every worker stops.
 */
export function cataloguePool(files: string[], jobs: number, onResult: (i: number, r: FileResult) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const workers = Array.from({ length: jobs }, () => new Worker(new URL('./catalogue-boot.mjs', import.meta.url)));
    let next = 0;
    let answered = 0;
    let over = false;
    const stop = (err?: Error) => {
      if (over) return;
      over = true;
      for (const w of workers) void w.terminate();
      if (err) reject(err);
      else resolve();
    };
    const feed = (w: Worker) => {
      if (next < files.length) {
        const i = next++;
        w.postMessage({ i, file: files[i] });
      }
    };
    for (const w of workers) {
      w.on('message', (m: { i: number; r?: FileResult; error?: string }) => {
        if (m.error !== undefined) return stop(new Error(m.error));
        onResult(m.i, m.r!);
        if (++answered === files.length) stop();
        else feed(w);
      });
      w.on('error', (err) => stop(err));
      w.on('exit', (code) => {
        if (!over && code !== 0) stop(new Error(`a catalogue worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}
