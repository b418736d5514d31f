import { renameSync, writeFileSync } from 'node:fs';

/** Write via a temporary file and rename, so a reader never sees a half-written file. */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
