import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic.ts';

/**
 * A search checkpoint: what was asked (so a resume cannot silently continue a different search),
 * how long it has run, and each worker's state. Written by rename, so a kill leaves either the
 * previous or the new checkpoint, never half of one.
 */
export interface Checkpoint<S> {
  stlkit_checkpoint: 1;
  engine: string;
  /** The search's defining options (format, field, target, seed, …); compared on resume. */
  params: Record<string, unknown>;
  elapsedMs: number;
  savedAt: string;
  workers: S[];
  best?: unknown;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function saveCheckpoint<S>(path: string, c: Omit<Checkpoint<S>, 'stlkit_checkpoint' | 'savedAt'>): void {
  writeFileAtomic(path, JSON.stringify({ stlkit_checkpoint: 1, savedAt: new Date().toISOString(), ...c }) + '\n');
}

/** Read a checkpoint and check it belongs to the search being resumed. */
export function loadCheckpoint<S>(path: string, engine: string, params: Record<string, unknown>): Checkpoint<S> {
  let doc: Checkpoint<S>;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CheckpointError(`${path}: ${code === 'ENOENT' ? 'no such checkpoint' : `not a readable checkpoint (${(err as Error).message})`}`);
  }
  if (doc?.stlkit_checkpoint !== 1 || !Array.isArray(doc.workers)) throw new CheckpointError(`${path}: not an stlkit checkpoint`);
  if (doc.engine !== engine) throw new CheckpointError(`${path}: is a checkpoint of a "${doc.engine}" search, not "${engine}"`);
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && JSON.stringify(doc.params[k]) !== JSON.stringify(v)) {
      throw new CheckpointError(`${path}: was written with ${k} = ${JSON.stringify(doc.params[k])}, but this search has ${k} = ${JSON.stringify(v)}`);
    }
  }
  return doc;
}
