import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../formats/errors.ts';
import { parseSchemeJson, schemeToJson } from '../formats/json.ts';
import { SchemeError, type Scheme } from '../scheme/index.ts';

/**
 * Published schemes shipped with the package (src/library/published/): for every format up to
 * <6,6,6> the best exact scheme public in shared/data/schemes per field, and the published schemes
 * the start families of `stlkit universal` draw on. scripts/published.ts writes them, verified
 * exactly, from ../shared; at run time nothing outside the package is read.
 *
 * Each scheme is one file `published/<name>.json` (scheme JSON with its source, licence and the
 * path it was copied from); `published/index.json` lists them with a sha256 of the canonical JSON of
 * their coefficients (schemeToJson without metadata), checked whenever a scheme is loaded, so a file
 * changed after it was verified is refused instead of being used.
 */
export const PUBLISHED_DIR = join(dirname(fileURLToPath(import.meta.url)), 'published');

export type PublishedField = 'Z' | 'Q' | 'Z2' | 'C';

export interface PublishedEntry {
  /** "<source>/<file stem>", e.g. "alphatensor/4x4x4_r49_Z"; the file is published/<name>.json. */
  readonly name: string;
  readonly format: readonly [number, number, number];
  readonly rank: number;
  readonly field: PublishedField;
  /** Repository, commit and file it comes from (the converted JSON's own "source"). */
  readonly source: string;
  readonly licence: string;
  /** Its path below shared/data/schemes. */
  readonly origin: string;
  /** sha256 of schemeToJson of the scheme without metadata. */
  readonly sha256: string;
  /** Why it is in the set: "best Z" (… Q, C, Z2) for its format, and/or "universal". */
  readonly roles: readonly string[];
  /** For the start families of `stlkit universal`: the order in which they meet it (ties go to the earlier). */
  readonly universal?: number;
  /** Best known rank of the (sorted) format per coefficient ring, July 2026 (ZT = {-1, 0, 1}). */
  readonly bestKnown?: Readonly<Record<string, number>>;
}

export interface PublishedIndex {
  readonly about: string;
  readonly schemes: readonly PublishedEntry[];
}

/** sha256 of the canonical JSON of a scheme's coefficients (format, rank, field, U, V, W). */
export function contentHash(s: Scheme<unknown>): string {
  return createHash('sha256').update(schemeToJson({ ...s, meta: {} })).digest('hex');
}

const indexes = new Map<string, PublishedIndex>();

/** The index of the published schemes (read once per folder). */
export function publishedIndex(dir = PUBLISHED_DIR): PublishedIndex {
  const hit = indexes.get(dir);
  if (hit) return hit;
  const file = join(dir, 'index.json');
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new InputError(file, '', `cannot read the index of the published schemes (${(err as Error).message})`);
  }
  const list = (doc as { schemes?: unknown })?.schemes;
  if (!Array.isArray(list) || list.some((e) => typeof e?.name !== 'string' || typeof e?.sha256 !== 'string' || !Array.isArray(e?.format))) {
    throw new InputError(file, '"schemes"', 'expected a list of entries with name, format, rank, field, sha256');
  }
  const index = doc as PublishedIndex;
  indexes.set(dir, index);
  return index;
}

export function publishedEntry(name: string, dir = PUBLISHED_DIR): PublishedEntry | undefined {
  return publishedIndex(dir).schemes.find((e) => e.name === name);
}

const cache = new Map<string, Scheme<unknown>>();

/**
 * A published scheme by name, loaded once and checked against the hash in the index; the returned
 * scheme is shared, so treat it as read-only.
 */
export function publishedScheme(name: string, dir = PUBLISHED_DIR): Scheme<unknown> {
  const key = `${dir}\0${name}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const entry = publishedEntry(name, dir);
  if (!entry) throw new SchemeError(`unknown published scheme "${name}" (stlkit library list shows them)`);
  const file = join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new InputError(file, '', `cannot read a published scheme (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); reinstall the package`);
  }
  const s = parseSchemeJson(text, file);
  const got = contentHash(s);
  if (got !== entry.sha256) {
    throw new InputError(file, '', `content sha256 ${got.slice(0, 12)}… does not match the index (${entry.sha256.slice(0, 12)}…): the file changed after it was verified; restore it (scripts/published.ts rebuilds the set)`);
  }
  cache.set(key, s);
  return s;
}
