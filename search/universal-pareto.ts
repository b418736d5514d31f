/**
 * Pareto sweep of universal encoders: for each (t, r) of a config, run the same search as
 * `stlkit universal` (src/universal/search.ts) in a child process (`jobs` at a time), keep the best
 * scheme per (t, r) in the results folder (a rerun replaces a result only when it is better), then
 * write docs/pareto.json, docs/pareto.md and docs/pareto.svg from the stored results.
 * Every error in the docs is recomputed from the stored scheme file (exact over Q when rational).
 *
 *   node --import tsx search/universal-pareto.ts search/configs/universal-pareto.json
 *        [--jobs N] [--only T] [--force] [--report]    (--report: only rebuild the docs)
 *
 * Config: see search/configs/universal-pareto.json and search/configs/README.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSchemeJson, schemeToJson } from '../src/formats/json.ts';
import { lowerBound } from '../src/universal/bounds.ts';
import { paretoMarkdown, paretoSvg, type ParetoEntry } from '../src/universal/report.ts';
import { universalSearch } from '../src/universal/search.ts';
import { certifiedError, padRational, schemeFactors, floatScheme, resizeFactors } from '../src/universal/tile.ts';
import type { Fraction } from '../src/field/index.ts';
import type { Scheme } from '../src/scheme/index.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';

interface Run { t: number; r: number[] | string; timeLimitSec: number; maxCoef?: number }
interface Config { results: string; docs: string; seed: number; jobs?: number; runs: Run[] }

const ROOT = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { jobs: { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean' }, report: { type: 'boolean' }, one: { type: 'string' } },
});

const ranks = (r: number[] | string) => (Array.isArray(r) ? r : r.split(',').flatMap((part) => {
  const [a, b] = part.split('-').map(Number);
  return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
}));

/** Results of one tile size (and coefficient bound, if any) live in their own folder. */
const folder = (t: number, maxCoef?: number) => (maxCoef === undefined ? `t${t}` : `t${t}-c${maxCoef}`);
const resultFile = (dir: string, sub: string, r: number) => join(dir, sub, `r${String(r).padStart(3, '0')}.json`);
const summaryFile = (dir: string, sub: string, r: number) => join(dir, sub, `r${String(r).padStart(3, '0')}.summary.json`);

function readEntry(dir: string, sub: string, r: number): ParetoEntry | null {
  const f = summaryFile(dir, sub, r);
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ParetoEntry) : null;
}

/** Worker: one (t, r) search; store it if it beats what is stored. */
function one(dir: string, t: number, r: number, seed: number, limitSec: number, maxCoef?: number): void {
  const sub = folder(t, maxCoef);
  const res = universalSearch({ t, r, seed, timeLimitMs: limitSec * 1000, maxCoef });
  const cert = certifiedError(res.best.scheme as Scheme<unknown>);
  const old = readEntry(dir, sub, r);
  const line = `t=${t} r=${r}${maxCoef === undefined ? '' : ` |coef| ≤ ${maxCoef}`}: ${cert.text} (${res.best.family}; ${res.tasks} refinements, ${(res.ms / 1000).toFixed(0)} s)`;
  if (old && old.error <= cert.value) {
    console.log(`${line}; kept the stored ${old.exact ?? old.error}`);
    return;
  }
  mkdirSync(join(dir, sub), { recursive: true });
  const file = resultFile(dir, sub, r);
  writeFileAtomic(file, schemeToJson(res.best.scheme as Scheme<unknown>));
  const entry: ParetoEntry = {
    t, r, ...(maxCoef === undefined ? {} : { maxCoef }), error: cert.value, exact: cert.exact ? cert.exact.toFraction() : null, field: res.best.scheme.fieldTag,
    family: res.best.family, label: res.best.label, how: res.best.how,
    bound: res.bound ? { value: res.bound.value.toFraction(), reason: res.bound.reason } : null,
    seed, timeLimitSec: limitSec, ms: Math.round(res.ms), tasks: res.tasks, maxAbs: maxAbs(res.best.scheme as Scheme<unknown>), file: relative(ROOT, file),
    families: res.families.map((f) => ({ ...f, bestStart: f.bestStart && { ...f.bestStart, exact: f.bestStart.exact?.toFraction() ?? null } })),
  };
  writeFileAtomic(summaryFile(dir, sub, r), JSON.stringify(entry, null, 1) + '\n');
  console.log(line);
}

function maxAbs(s: Scheme<unknown>): number {
  let m = 0;
  for (const M of [s.U, s.V, s.W]) for (const row of M) for (const x of row) m = Math.max(m, Math.abs(typeof x === 'number' ? x : (x as Fraction).valueOf()));
  return m;
}

/**
 * A rank-r' scheme with zero products appended is a rank-r scheme (r > r') with the same error, so
 * the front is monotone: where a smaller rank did better, its scheme is padded and stored for r.
 */
function monotone(dir: string, sub: string): void {
  const list = readdirSync(join(dir, sub)).filter((f) => f.endsWith('.summary.json')).map((f) => JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) as ParetoEntry).sort((a, b) => a.r - b.r);
  const t = list[0]?.t ?? 0;
  let prev: ParetoEntry | null = null;
  for (const e of list) {
    if (prev && prev.error < e.error - 1e-12) {
      const s = parseSchemeJson(readFileSync(join(ROOT, prev.file), 'utf8'));
      const padded = s.fieldTag === 'R' ? floatScheme(t, resizeFactors(schemeFactors(s), t * t, e.r), s.meta) : padRational(s as Scheme<Fraction>, e.r);
      const cert = certifiedError(padded as Scheme<unknown>);
      const file = resultFile(dir, sub, e.r);
      writeFileAtomic(file, schemeToJson({ ...padded, meta: { ...padded.meta, source: `${prev.file} (rank ${prev.r}) padded with ${e.r - prev.r} zero product(s)` } } as Scheme<unknown>));
      const b = lowerBound(t, e.r);
      const base = prev.base ?? { r: prev.r, label: prev.label };
      const next: ParetoEntry = { ...prev, base, r: e.r, error: cert.value, exact: cert.exact?.toFraction() ?? null, label: `rank-${base.r} result + ${e.r - base.r} zero products (${base.label})`, bound: b ? { value: b.value.toFraction(), reason: b.reason } : null, timeLimitSec: e.timeLimitSec, ms: e.ms, tasks: e.tasks, families: e.families, file: relative(ROOT, file) };
      writeFileAtomic(summaryFile(dir, sub, e.r), JSON.stringify(next, null, 1) + '\n');
      console.log(`t=${t} r=${e.r}: ${e.exact ?? e.error} replaced by the padded rank-${base.r} scheme (${cert.text})`);
      prev = next;
      continue;
    }
    prev = e;
  }
}

/**
 * A scheme found under a coefficient bound is also a candidate without one: where it is better, it
 * is copied into the unbounded folder (the tables must show the best known scheme per (t, r)).
 */
function crossFeed(dir: string): void {
  for (const sub of readdirSync(dir).filter((d) => /^t\d+-c[\d.]+$/.test(d))) {
    const plain = sub.replace(/-c.*$/, '');
    for (const f of readdirSync(join(dir, sub)).filter((x) => x.endsWith('.summary.json'))) {
      const e = JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) as ParetoEntry;
      const old = readEntry(dir, plain, e.r);
      if (old && old.error <= e.error) continue;
      mkdirSync(join(dir, plain), { recursive: true });
      const file = resultFile(dir, plain, e.r);
      writeFileAtomic(file, readFileSync(join(ROOT, e.file), 'utf8'));
      const { maxCoef, ...rest } = e;
      const next: ParetoEntry = { ...rest, label: `${e.label} (found by the search with max |coef| ≤ ${maxCoef})`, file: relative(ROOT, file) };
      writeFileAtomic(summaryFile(dir, plain, e.r), JSON.stringify(next, null, 1) + '\n');
      console.log(`t=${e.t} r=${e.r}: ${old ? (old.exact ?? old.error) : 'nothing'} replaced by the |coef| ≤ ${maxCoef} result (${e.exact ?? e.error})`);
    }
  }
}

function report(config: Pick<Config, 'docs'>, dir: string): void {
  // Every stored result goes into the docs (several configs may have filled the folder).
  const entries: ParetoEntry[] = [];
  for (const sub of existsSync(dir) ? readdirSync(dir).filter((d) => /^t\d+(-c[\d.]+)?$/.test(d)) : []) {
    for (const f of readdirSync(join(dir, sub)).filter((x) => x.endsWith('.summary.json'))) {
      const e = JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) as ParetoEntry;
      // Recompute from the stored file: the docs quote the file, not the search's own claim.
      const s = parseSchemeJson(readFileSync(join(ROOT, e.file), 'utf8'));
      const cert = certifiedError(s);
      if (Math.abs(cert.value - e.error) > 1e-12) throw new Error(`${e.file}: stored error ${e.error} but the file gives ${cert.text}`);
      entries.push({ ...e, maxAbs: maxAbs(s) });
    }
  }
  entries.sort((a, b) => a.t - b.t || a.r - b.r);
  const docs = join(ROOT, config.docs);
  mkdirSync(docs, { recursive: true });
  writeFileAtomic(join(docs, 'pareto.json'), JSON.stringify(entries.map(({ families, ...e }) => ({ ...e, families })), null, 1) + '\n');
  const intro = readFileSync(join(ROOT, 'search/configs/universal-pareto.intro.md'), 'utf8').trimEnd();
  writeFileAtomic(join(docs, 'pareto.md'), paretoMarkdown(entries, intro));
  writeFileAtomic(join(docs, 'pareto.svg'), paretoSvg(entries));
  console.log(`wrote ${config.docs}/pareto.{json,md,svg}: ${entries.length} results`);
}

async function main(): Promise<void> {
  const [configPath] = positionals;
  if (!configPath) throw new Error('usage: node --import tsx search/universal-pareto.ts CONFIG.json [--jobs N] [--only T] [--force] [--report]');
  const config: Config = JSON.parse(readFileSync(configPath, 'utf8'));
  const dir = join(ROOT, config.results);
  if (values.one) {
    const [t, r, limit, maxCoef] = values.one.split(',').map(Number);
    return one(dir, t, r, config.seed, limit, Number.isFinite(maxCoef) ? maxCoef : undefined);
  }
  if (!values.report) {
    const todo: [number, number, number, number | undefined][] = [];
    for (const run of config.runs) {
      if (values.only && String(run.t) !== values.only) continue;
      for (const r of ranks(run.r)) {
        const old = readEntry(dir, folder(run.t, run.maxCoef), r);
        // Done already with at least this much time (or exactly): skip unless --force.
        if (!values.force && old && (old.timeLimitSec >= run.timeLimitSec || old.error === 0)) continue;
        if (!todo.some(([t, rr, , c]) => t === run.t && rr === r && c === run.maxCoef)) todo.push([run.t, r, run.timeLimitSec, run.maxCoef]);
      }
    }
    const jobs = Number(values.jobs ?? config.jobs ?? cpus().length);
    console.log(`${todo.length} searches, ${jobs} at a time, seed ${config.seed}`);
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const [t, r, limit, maxCoef] = todo[next++];
        await new Promise<void>((done) => {
          const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, configPath, '--one', [t, r, limit, ...(maxCoef === undefined ? [] : [maxCoef])].join(',')], { stdio: 'inherit', cwd: ROOT });
          child.on('exit', (code) => {
            // One failed search should not stop the others; the exit status reports it.
            if (code !== 0) {
              console.error(`t=${t} r=${r}: the search exited with ${code}`);
              process.exitCode = 1;
            }
            done();
          });
        });
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
    if (existsSync(dir)) crossFeed(dir);
    for (const sub of new Set(config.runs.map((x) => folder(x.t, x.maxCoef)))) if (existsSync(join(dir, sub))) monotone(dir, sub);
  }
  report(config, dir);
}

await main();
