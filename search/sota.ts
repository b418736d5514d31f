/**
 * The state-of-the-art table: flip-graph searches over ZT for every format <n,m,p> with
 * 2 ≤ n ≤ m ≤ p ≤ 5 (20 formats), smallest first, each aiming at the best known ZT rank; what is
 * found is certified into proofs/ with the command, seed, start and wall time recorded, and
 * docs/search-table.md is regenerated (sota-table.ts).
 *
 *   npm run search:sota -- [--seconds 300] [--only 3,4,5,...] [--seed 1] [--workers 2] [--pool 16]
 *                          [--via Z2] [--state out/sota] [--proofs proofs] [--table-only]
 *
 * Starts: the naive algorithm, or a scheme built from stlkit's own certificates (proofs/) by meta
 * moves (joins and products of smaller formats, projections of larger ones, src/search/flip/
 * meta.ts) or the format's own best certificate, whichever has the lowest rank; never an imported
 * scheme. Resumable: each format's walkers are checkpointed atomically (`--state`/<format>.ckpt,
 * every 30 s and at the time limit), and a rerun continues a format that has not reached its
 * target until its total time reaches --seconds (a larger --seconds continues it further);
 * formats at their target are skipped.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { certifyTo } from '../src/proofs/certificate.ts';
import { naive } from '../src/library/builtin.ts';
import { rank, toFormat, type Scheme } from '../src/scheme/index.ts';
import { CheckpointError, loadCheckpoint, type Checkpoint } from '../src/search/checkpoint.ts';
import { composedStarts } from '../src/search/flip/meta.ts';
import type { PopulationSnapshot } from '../src/search/flip/population.ts';
import { ringTerms } from '../src/search/flip/rings.ts';
import { flipPool } from '../src/search/parallel/flip-pool.ts';
import { assertExact, flipAndLift } from '../src/search/pipeline.ts';
import type { FlipSnapshot } from '../src/search/flip/walk.ts';
import { bestKnownRanks, bestOwn, formatKey, ownSchemes, renderTable, sotaFormats, type Format3, type SearchRecord } from './sota-table.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';

const USAGE = 'usage: npm run search:sota -- [--seconds S] [--only n,m,p[,n,m,p...]] [--seed S] [--workers W] [--pool K] [--via Z2] [--state DIR] [--proofs DIR] [--table-only]';
const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
function opt(name: string, dflt: string): string {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  if (i + 1 >= args.length) bad(`${name} needs a value`);
  return args[i + 1];
}
function bad(msg: string): never {
  console.error(`search/sota.ts: ${msg}\n${USAGE}`);
  process.exit(2);
}
function positive(name: string, dflt: string): number {
  const v = Number(opt(name, dflt));
  if (!Number.isInteger(v) || v < 1) bad(`${name} expects a positive integer, got "${opt(name, dflt)}"`);
  return v;
}

const ROOT = join(import.meta.dirname, '..');
const SHARED = process.env.STLKIT_SHARED ?? join(ROOT, '..', 'shared');
const seconds = positive('--seconds', '300');
const seed = positive('--seed', '1');
const workers = positive('--workers', String(Math.min(2, cpus().length)));
const poolSize = positive('--pool', '16');
// --via Z2: walk over Z2 (plain walkers, no pool) and keep the first candidate at the target whose
// lift to Z is ternary (signs, or a Hensel lift made ternary by a change of basis); the walks go
// on past the others. Faster where the Z2 flip graph reaches the rank easily (<3,4,4>:38).
const via = opt('--via', '');
if (via !== '' && via !== 'Z2') bad(`--via expects Z2, got "${via}"`);
const stateDir = opt('--state', join(ROOT, 'out', 'sota'));
const proofsDir = opt('--proofs', join(ROOT, 'proofs'));
const bestKnownPath = join(SHARED, 'data', 'schemes', 'perminov', 'best-known-2026.json');
if (!existsSync(bestKnownPath)) bad(`${bestKnownPath}: not found (the best known ranks; set STLKIT_SHARED)`);
const known = bestKnownRanks(bestKnownPath);

let formats = sotaFormats();
if (args.includes('--only')) {
  const nums = opt('--only', '').split(',').map(Number);
  if (nums.length % 3 || nums.some((d) => !Number.isInteger(d) || d < 2 || d > 5)) bad(`--only expects formats n,m,p with dimensions 2..5, got "${opt('--only', '')}"`);
  const want = new Set<string>();
  for (let i = 0; i < nums.length; i += 3) want.add(formatKey(nums.slice(i, i + 3)));
  formats = formats.filter((f) => want.has(formatKey(f)));
}

/** The lowest-rank start for <f> over ZT: naive, meta moves from own certificates, or its own best. */
function startFor(f: Format3): { scheme: Scheme<unknown>; how: string } {
  const own = ownSchemes(proofsDir);
  const knownZT = (g: Format3) => (g.includes(1) ? naive(...g) : bestOwn(own, g, 'ZT')?.scheme);
  const options = [{ scheme: naive(...f) as Scheme<unknown>, how: 'naive' }];
  // The format's own certificate is a start only above the target (else the run would prove nothing).
  const mine = bestOwn(own, f, 'ZT');
  if (mine && rank(mine.scheme) > known[formatKey(f)].ZT) options.push({ scheme: toFormat(mine.scheme, f), how: `own <${f}>:${rank(mine.scheme)}` });
  // A start must itself be ternary (joins and projections of ternary schemes are; products may not be).
  for (const c of composedStarts(f, knownZT)) {
    try {
      ringTerms(c.scheme, 'ZT');
      options.push(c);
    } catch {
      // a product with coefficients outside {−1, 0, 1}: not a ZT start
    }
  }
  return options.sort((a, b) => rank(a.scheme) - rank(b.scheme))[0];
}

interface Outcome { format: Format3; target: number; best: number; reached: boolean; seconds: number; start: string; certificate?: string }

async function runFormat(f: Format3): Promise<Outcome | null> {
  const target = known[formatKey(f)].ZT;
  const name = f.join('x');
  const own = bestOwn(ownSchemes(proofsDir), f, 'ZT');
  // Certificates from before this recipe (no meta.search) reach the target too, but without a
  // recorded wall time: such formats are searched again so that the table can say how long it takes.
  if (own && rank(own.scheme) <= target && own.scheme.meta.search) {
    console.log(`<${f}>: ZT rank ${rank(own.scheme)} ≤ best known ${target} already certified by this recipe (${own.file}); skipped`);
    return null;
  }
  const ckpt = join(stateDir, `${name}.ckpt`);
  const params = via ? { format: f, ring: 'ZT', via, targetRank: target, seed } : { format: f, ring: 'ZT', targetRank: target, seed, pool: poolSize };
  let resume: Checkpoint<PopulationSnapshot | FlipSnapshot> | undefined;
  if (existsSync(ckpt)) {
    try {
      resume = loadCheckpoint<PopulationSnapshot | FlipSnapshot>(ckpt, via ? 'flip' : 'flip-population', params);
    } catch (err) {
      if (err instanceof CheckpointError) bad(`${err.message} (remove it, or pass the --seed/--pool it was written with)`);
      throw err;
    }
    if (resume.elapsedMs >= seconds * 1000) {
      console.log(`<${f}>: ${(resume.elapsedMs / 1000).toFixed(0)} s spent already (≥ --seconds ${seconds}); skipped, best rank ${Math.min(...resume.workers.map((w) => w.counters.bestRank))}`);
      return null;
    }
  }
  // Over Z2 the walk from the naive algorithm descends quickly, and a ZT start reduced mod 2 can sit in
  // a poor region (from own <3,4,4>:39 mod 2: rank 39 after 600 s; from naive: 38 in 88 s).
  const start = via ? { scheme: naive(...f) as Scheme<unknown>, how: 'naive' } : startFor(f);
  const startNote = resume ? `resumed from ${ckpt} (${(resume.elapsedMs / 1000).toFixed(0)} s)` : `start ${start.how}, rank ${rank(start.scheme)}`;
  console.log(`<${f}> → ZT ${target}: ${startNote}, ${workers} worker(s), up to ${seconds} s`);
  const command = `npm run search:sota -- --only ${f.join(',')} --seconds ${seconds} --seed ${seed} --workers ${workers} ${via ? `--via ${via}` : `--pool ${poolSize}`}`;
  const res = via
    ? await flipAndLift({
      format: f, ring: 'Z2', targetRank: target, seed, workers, timeLimitMs: seconds * 1000, resume: resume as Checkpoint<FlipSnapshot> | undefined,
      start: resume ? undefined : ringTerms(start.scheme, 'Z2'), lift: true, ternary: true,
      checkpoint: { path: ckpt, everyMs: 30_000, params },
    })
    : await flipPool({
      format: f, ring: 'ZT', targetRank: target, seed, workers, timeLimitMs: seconds * 1000, resume,
      start: resume ? undefined : ringTerms(start.scheme, 'ZT'),
      population: { poolSize }, walk: { plateau: 5000 },
      checkpoint: { path: ckpt, everyMs: 30_000, params },
    });
  const wall = res.elapsedMs / 1000;
  // Without a ternary lift, a --via Z2 run has only its Z2 best, which says nothing over ZT.
  const found = res.scheme ?? (via ? null : res.best);
  if (!found) {
    console.log(`<${f}>: no ternary lift at ZT ${target} within ${(res.elapsedMs / 1000).toFixed(1)} s (Z2 best rank ${res.bestRank}); nothing certified`);
    return null;
  }
  assertExact(found);
  // A resumed run started where the first leg did: keep that leg's start in the record.
  const resultFile = join(stateDir, `${name}.result.json`);
  const firstStart = resume && existsSync(resultFile) ? (JSON.parse(readFileSync(resultFile, 'utf8')) as Outcome).start.replace(/ \(resumed\)$/, '') : undefined;
  const how = resume ? `${firstStart ?? 'unknown'} (resumed)` : start.how;
  const outcome: Outcome = { format: f, target, best: rank(found), reached: res.scheme !== null, seconds: wall, start: how };
  // Certify a scheme that reached the target, or one that improves on what proofs/ holds.
  if (outcome.reached || !own || rank(found) < rank(own.scheme) || (rank(found) === rank(own.scheme) && !own.scheme.meta.search)) {
    const search: SearchRecord = { command, seed, wallSeconds: Math.round(wall * 10) / 10, machine: `${cpus().length} cores, shared`, start: outcome.start, reached: outcome.reached };
    const scheme = { ...found, meta: { ...found.meta, source: `stlkit ${command} (${via ? 'Z2 walk, ternary lift' : 'ZT pool walk'}, worker seeds ${res.seeds.join(', ')})`, search } };
    const c = certifyTo(proofsDir, scheme);
    if ('error' in c) throw new Error(`<${f}>: ${c.error}`);
    outcome.certificate = c.file;
  }
  writeFileAtomic(resultFile, JSON.stringify(outcome, null, 1) + '\n');
  console.log(`<${f}>: ${outcome.reached ? 'reached' : 'not reached'} ZT ${outcome.best} (best known ${target}) in ${wall.toFixed(1)} s, ${res.flips} flips${outcome.certificate ? ` → ${outcome.certificate}` : ''}`);
  return outcome;
}

if (!args.includes('--table-only')) {
  mkdirSync(stateDir, { recursive: true });
  for (const f of formats) await runFormat(f);
}
const tablePath = join(ROOT, 'docs', 'search-table.md');
writeFileAtomic(tablePath, renderTable(proofsDir, bestKnownPath));
console.log(`wrote ${tablePath}`);
