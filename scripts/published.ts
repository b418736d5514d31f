/**
 * Rebuilds src/library/published/ (the published schemes shipped with the package) from
 * shared/data/schemes ($STLKIT_SHARED or ../shared beside the repository):
 *
 *   node --import tsx scripts/published.ts           write the set (only files whose bytes change)
 *   node --import tsx scripts/published.ts --check   exit 1 when the stored set is not what it would write
 *
 * What goes in:
 *  - for every format <n,m,p> with 2 ≤ n ≤ m ≤ p ≤ 6, the best exact scheme public in
 *    shared/data/schemes per field: the least rank over Z, and over Q, C and Z2 where that is lower
 *    (a Z scheme is valid over all of them). Ties go to the more permissive licence, then to fewer
 *    nonzero coefficients (fewer additions), then to the path;
 *  - the published schemes the start families of `stlkit universal` use (subschemes.ts): every
 *    whole-tile <t,t,t> scheme (t ≤ 8) of the sources below, and per format with dimensions ≤ 8 the
 *    first of least rank. The sources, their order and the file-name filter are the ones the search
 *    read from ../shared before the schemes were packaged, so its results did not change.
 * Every scheme written is verified exactly over its field first; nothing unverified is written.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSchemeJson, schemeToJson } from '../src/formats/json.ts';
import { contentHash, PUBLISHED_DIR, type PublishedEntry, type PublishedField } from '../src/library/published.ts';
import { formatOf, type Scheme } from '../src/scheme/index.ts';
import { verifyScheme } from '../src/verify/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const SHARED = process.env.STLKIT_SHARED ?? resolve(ROOT, '../shared');

/** Folders of converted scheme JSON (see shared/data/schemes/README.md) and the licence of each source. */
const SOURCES: readonly { dir: string; key: string; licence: string }[] = [
  { dir: 'alphatensor/json-r', key: 'alphatensor', licence: 'CC-BY-4.0' },
  { dir: 'alphatensor/json-f2', key: 'alphatensor', licence: 'CC-BY-4.0' },
  { dir: 'alphatensor/json-benchmark', key: 'alphatensor', licence: 'CC-BY-4.0' },
  { dir: 'alphaevolve', key: 'alphaevolve', licence: 'CC-BY-4.0' },
  { dir: 'flips/json', key: 'flips', licence: 'GPL-3.0' },
  { dir: 'symmetric-flips/json', key: 'symmetric-flips', licence: 'GPL-3.0' },
  { dir: 'kauers-structured/json', key: 'kauers-structured', licence: 'GPL-3.0' },
  { dir: 'dps/json', key: 'dps', licence: 'CeCILL-B' },
  { dir: 'perminov/json', key: 'perminov', licence: 'MIT' },
  { dir: 'fast-matmul/json', key: 'fast-matmul', licence: 'BSD-2-Clause' },
];
/** Tie-break between schemes of equal rank: the more permissive licence first. */
const LICENCE_ORDER = ['MIT', 'BSD-2-Clause', 'CC-BY-4.0', 'CeCILL-B', 'GPL-3.0'];

/** What the universal start families read (in this order), and how they picked files by name. */
const UNIVERSAL_DIRS = ['alphatensor/json-r', 'flips/json', 'kauers-structured/json', 'dps/json', 'perminov/json', 'symmetric-flips/json'];
const UNIVERSAL_MAX_T = 8;
const universalName = (name: string) => /^(\d+)x(\d+)x(\d+)_/.test(name) && name.endsWith('.json') && !/_Z2|_C\b|_C\.json/.test(name);

const MAX_DIM = 6;
const FIELDS: readonly PublishedField[] = ['Z', 'Q', 'C', 'Z2'];
/** Which scheme fields are valid over each field (an integer scheme is valid over every ring). */
const VALID_OVER: Record<PublishedField, readonly string[]> = { Z: ['Z'], Q: ['Z', 'Q'], C: ['Z', 'Q', 'C'], Z2: ['Z', 'Z2'] };
/** A field's entry is kept only when it beats these fields' best rank. */
const BEATS: Record<PublishedField, readonly PublishedField[]> = { Z: [], Q: ['Z'], C: ['Z', 'Q'], Z2: ['Z'] };

interface Candidate {
  origin: string;
  dir: string;
  file: string;
  name: string;
  licence: string;
  scheme: Scheme<unknown>;
  format: [number, number, number];
  sorted: string;
  rank: number;
  field: string;
  nonzeros: number;
}

const sortedKey = (f: readonly number[]) => [...f].sort((a, b) => a - b).join('x');

function candidates(schemes: string): Candidate[] {
  const out: Candidate[] = [];
  for (const src of SOURCES) {
    const base = join(schemes, src.dir);
    if (!existsSync(base)) throw new Error(`${base}: missing (is ${SHARED} the shared data?)`);
    for (const file of readdirSync(base).sort()) {
      if (!file.endsWith('.json') || !statSync(join(base, file)).isFile()) continue;
      const path = join(base, file);
      const s = parseSchemeJson(readFileSync(path, 'utf8'), path);
      if (s.target.kind !== 'matmul' || s.target.transposedC) continue;
      const format = formatOf(s);
      let nonzeros = 0;
      for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) if (!s.field.isZero(x)) nonzeros++;
      out.push({
        origin: `${src.dir}/${file}`, dir: src.dir, file, name: `${src.key}/${file.replace(/\.json$/, '')}`, licence: src.licence,
        scheme: s, format, sorted: sortedKey(format), rank: s.U.length, field: s.fieldTag, nonzeros,
      });
    }
  }
  return out;
}

const better = (a: Candidate, b: Candidate) =>
  a.rank - b.rank || LICENCE_ORDER.indexOf(a.licence) - LICENCE_ORDER.indexOf(b.licence) || a.nonzeros - b.nonzeros || (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0);

/** The best scheme per sorted format and field (module comment). */
function bestPerFormat(all: Candidate[]): Map<Candidate, string[]> {
  const roles = new Map<Candidate, string[]>();
  const byFormat = new Map<string, Candidate[]>();
  for (const c of all) {
    const dims = c.sorted.split('x').map(Number);
    if (dims[0] < 2 || dims[2] > MAX_DIM) continue;
    byFormat.set(c.sorted, [...(byFormat.get(c.sorted) ?? []), c]);
  }
  for (const list of byFormat.values()) {
    const best = new Map<PublishedField, Candidate>();
    for (const f of FIELDS) {
      const ok = list.filter((c) => VALID_OVER[f].includes(c.field)).sort(better);
      if (ok.length) best.set(f, ok[0]);
    }
    for (const [f, c] of best) {
      if (BEATS[f].some((g) => best.has(g) && best.get(g)!.rank <= c.rank)) continue;
      roles.set(c, [...(roles.get(c) ?? []), `best ${f}`]);
    }
  }
  return roles;
}

/** The schemes the universal start families use, in the order they meet them. */
function universalSet(all: Candidate[]): Candidate[] {
  const seen = all
    .filter((c) => UNIVERSAL_DIRS.includes(c.dir) && universalName(c.file) && (c.field === 'Z' || c.field === 'Q'))
    .filter((c) => c.format.every((d) => d <= UNIVERSAL_MAX_T) && c.format.some((d) => d > 1))
    .sort((a, b) => UNIVERSAL_DIRS.indexOf(a.dir) - UNIVERSAL_DIRS.indexOf(b.dir) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const first = new Map<string, Candidate>();
  for (const c of seen) {
    const old = first.get(c.sorted);
    if (!old || c.rank < old.rank) first.set(c.sorted, c);
  }
  const picked = new Set(first.values());
  return seen.filter((c) => picked.has(c) || c.format.every((d) => d === c.format[0]));
}

function bestKnownRanks(schemes: string): Record<string, Record<string, number>> {
  const file = join(schemes, 'perminov/best-known-2026.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { ranks: Record<string, Record<string, number>> }).ranks;
}

/** The files of the set (path below src/library/published → bytes), each scheme verified exactly. */
export function buildPublished(shared = SHARED, log: (line: string) => void = () => {}): Map<string, string> {
  const schemes = join(shared, 'data/schemes');
  const all = candidates(schemes);
  const roles = bestPerFormat(all);
  const universal = universalSet(all);
  universal.forEach((c) => roles.set(c, [...(roles.get(c) ?? []), 'universal']));
  const known = bestKnownRanks(schemes);
  const chosen = [...roles.keys()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const files = new Map<string, string>();
  const entries: PublishedEntry[] = [];
  for (const c of chosen) {
    if (files.has(`${c.name}.json`)) throw new Error(`two schemes would be published as ${c.name}`);
    const rep = verifyScheme(c.scheme, { maxFailures: 1 });
    if (rep.kind !== 'exact' || !rep.exact) throw new Error(`${c.origin}: not an exact scheme over ${c.field}; refusing to publish it`);
    const meta = { ...c.scheme.meta, name: c.name, licence: c.licence, origin: c.origin };
    files.set(`${c.name}.json`, schemeToJson({ ...c.scheme, meta }));
    const u = universal.indexOf(c);
    entries.push({
      name: c.name, format: c.format, rank: c.rank, field: c.field as PublishedField, source: String(c.scheme.meta.source ?? c.origin), licence: c.licence,
      origin: c.origin, sha256: contentHash(c.scheme), roles: roles.get(c)!, ...(u >= 0 ? { universal: u } : {}),
      ...(known[c.sorted] ? { bestKnown: known[c.sorted] } : {}),
    });
    log(`${c.name.padEnd(48)} <${c.format.join(',')}>:${c.rank} ${c.field.padEnd(2)} ${roles.get(c)!.join(', ')}`);
  }
  const about = 'Published schemes shipped with stlkit, written by scripts/published.ts from shared/data/schemes (do not edit: sha256 = the canonical JSON of the coefficients, checked on load)';
  files.set('index.json', `{"about":${JSON.stringify(about)},\n "schemes":[\n  ${entries.map((e) => JSON.stringify(e)).join(',\n  ')}\n ]}\n`);
  return files;
}

/** Paths of every file under dir, relative to it. */
function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => statSync(join(dir, p)).isFile()).sort();
}

/** Differences between the stored set and the one that would be written. */
export function compareWithStored(files: Map<string, string>, dir = PUBLISHED_DIR): string[] {
  const diffs: string[] = [];
  for (const [p, text] of files) {
    const f = join(dir, p);
    if (!existsSync(f)) diffs.push(`missing ${p}`);
    else if (readFileSync(f, 'utf8') !== text) diffs.push(`differs ${p}`);
  }
  for (const p of listFiles(dir)) if (!files.has(p)) diffs.push(`extra ${p}`);
  return diffs;
}

function main(args: string[]): number {
  const check = args.includes('--check');
  const files = buildPublished(SHARED, check ? undefined : (line) => console.log(line));
  const diffs = compareWithStored(files);
  if (check) {
    for (const d of diffs) console.log(d);
    console.log(diffs.length ? `${diffs.length} difference(s): run node --import tsx scripts/published.ts` : `${relative(ROOT, PUBLISHED_DIR)}: up to date (${files.size - 1} schemes)`);
    return diffs.length ? 1 : 0;
  }
  for (const d of diffs) {
    const [what, p] = d.split(' ');
    const f = join(PUBLISHED_DIR, p);
    if (what === 'extra') rmSync(f);
    else {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, files.get(p)!);
    }
  }
  let bytes = 0;
  for (const text of files.values()) bytes += Buffer.byteLength(text);
  console.log(`${relative(ROOT, PUBLISHED_DIR)}: ${files.size - 1} schemes, ${(bytes / 1024).toFixed(0)} KiB; ${diffs.length} file(s) changed`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main(process.argv.slice(2));
