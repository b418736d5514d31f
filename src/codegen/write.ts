import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import type { GeneratedFile } from './registry.ts';

/**
 * Write a target's output: a single-file target's output is `out` itself, a package's files go
 * into the folder `out` (created). Each file is written atomically. Returns the paths written.
 */
export function writeGenerated(out: string, files: readonly GeneratedFile[], pkg: boolean): string[] {
  if (!pkg) {
    writeFileAtomic(out, files[0].contents);
    return [out];
  }
  mkdirSync(out, { recursive: true });
  return files.map((f) => {
    writeFileAtomic(join(out, f.path), f.contents);
    return join(out, f.path);
  });
}
