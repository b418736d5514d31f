/**
 * Pareto sweep of universal encoders: for each (t, r) of a config, run the same search as
 * `stlkit universal` (src/universal/multistart.ts) in a child process (`jobs` at a time), keep the best
 * scheme per (t, r) in the results folder (a rerun replaces a result only when it is better), then
 * write docs/pareto.json, docs/pareto.md and docs/pareto.svg from the stored results.
 * Every error in the docs is recomputed from the stored scheme file (exact over Q when rational).
 *
 *   node --import tsx search/universal-pareto.ts search/configs/universal-pareto.json
 *        [--jobs N] [--only T] [--force] [--report]    (--report: only rebuild the docs)
 *
 * Config: see search/configs/universal-pareto.json and search/configs/README.md.
 *
 * Conditioned runs (`maxKappa` in a run; search/configs/universal-conditioning.json): each bound K
 * is one search (given starts: the stored results of the `init` folders at the same r), stored as
 * t<T>-cond/r<RRR>-k<K>.json with κ and simulated bf16/fp16 errors in meta and summary; then per r
 * the lowest-error one whose simulated bf16 error (unfused) is within `targetBf16Unfused` is copied
 * to t<T>-cond/r<RRR>.json, and docs/conditioning.md is written (not the Pareto docs).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseSchemeJson, schemeToJson } from '../src/formats/json.ts';
import { lowerBound } from '../src/universal/bounds.ts';
import { conditioningMarkdown, paretoMarkdown, paretoSvg, type ConditioningRow, type ParetoEntry } from '../src/universal/report.ts';
import { lowPrecisionMeta } from '../src/universal/condition.ts';
import { universalSearch } from '../src/universal/multistart.ts';
import { certifiedError, padRational } from '../src/universal/isotropic.ts';
import { floatScheme, schemeFactors } from '../src/cp/convert.ts';
import { resizeFactors } from '../src/cp/factors.ts';
import type { Fraction } from '../src/field/index.ts';
import { maxAbsCoefficient, type Scheme } from '../src/scheme/index.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';

interface Run { t: number; r: number[] | string; timeLimitSec: number; maxCoef?: number; maxKappa?: number | number[]; init?: string[] }
interface Config { results: string; docs: string; seed: number; jobs?: number; runs: Run[]; targetBf16Unfused?: number }
/** One conditioned search (a --cond-job worker). */
interface CondJob { t: number; r: number; limitSec: number; maxKappa: number; maxCoef?: number; init?: string[] }

const ROOT = resolve(import.meta.dirname, '..');
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { jobs: { type: 'string' }, only: { type: 'string' }, force: { type: 'boolean' }, report: { type: 'boolean' }, one: { type: 'string' }, 'cond-job': { type: 'string' } },
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
    seed, timeLimitSec: limitSec, ms: Math.round(res.ms), tasks: res.tasks, maxAbs: maxAbsCoefficient(res.best.scheme as Scheme<unknown>), file: relative(ROOT, file),
    families: res.families.map((f) => ({ ...f, bestStart: f.bestStart && { ...f.bestStart, exact: f.bestStart.exact?.toFraction() ?? null } })),
  };
  writeFileAtomic(summaryFile(dir, sub, r), JSON.stringify(entry, null, 1) + '\n');
  console.log(line);
}

/** Conditioned results: t<T>-cond/r<RRR>-k<K>[-c<C>].json. */
const condFolder = (t: number) => `t${t}-cond`;
const condTag = (j: { maxKappa: number; maxCoef?: number }) => `k${j.maxKappa}${j.maxCoef === undefined ? '' : `-c${j.maxCoef}`}`;
const condFile = (dir: string, t: number, r: number, tag: string, ext: string) => join(dir, condFolder(t), `r${String(r).padStart(3, '0')}-${tag}${ext}`);

/** Worker: one conditioned search; store it if it beats what is stored for the same bound. */
function oneConditioned(dir: string, seed: number, j: CondJob): void {
  const initial = (j.init ?? []).map((sub) => resultFile(dir, sub, j.r)).filter(existsSync)
    .map((f) => ({ label: relative(ROOT, f), scheme: parseSchemeJson(readFileSync(f, 'utf8')) as Scheme<unknown> }));
  const res = universalSearch({ t: j.t, r: j.r, seed, timeLimitMs: j.limitSec * 1000, maxKappa: j.maxKappa, maxCoef: j.maxCoef, initial });
  const s = res.best.scheme as Scheme<unknown>;
  const cert = certifiedError(s);
  const low = lowPrecisionMeta(s);
  const tag = condTag(j);
  const line = `t=${j.t} r=${j.r} κ ≤ ${j.maxKappa}${j.maxCoef === undefined ? '' : ` |coef| ≤ ${j.maxCoef}`}: ${cert.text}, κ ${low.kappa.toFixed(3)}, bf16 ${(100 * low.bf16Fused).toFixed(2)}% fused / ${(100 * low.bf16Unfused).toFixed(2)}% unfused (${res.best.family}; ${res.tasks} refinements, ${(res.ms / 1000).toFixed(0)} s)`;
  const sumFile = condFile(dir, j.t, j.r, tag, '.summary.json');
  const old = existsSync(sumFile) ? (JSON.parse(readFileSync(sumFile, 'utf8')) as ParetoEntry) : null;
  if (old && old.error <= cert.value) {
    console.log(`${line}; kept the stored ${old.error}`);
    return;
  }
  const command = ['stlkit universal', `--t ${j.t}`, `--r ${j.r}`, `--seed ${seed}`, `--time-limit ${j.limitSec}`, ...(j.maxCoef === undefined ? [] : [`--max-coef ${j.maxCoef}`]), `--max-kappa ${j.maxKappa}`, ...(initial.length ? [`--init ${initial.map((x) => x.label).join(' ')}`] : [])].join(' ');
  mkdirSync(join(dir, condFolder(j.t)), { recursive: true });
  const file = condFile(dir, j.t, j.r, tag, '.json');
  writeFileAtomic(file, schemeToJson({ ...s, meta: { ...s.meta, ...low, maxKappa: j.maxKappa, ...(j.maxCoef === undefined ? {} : { maxCoef: j.maxCoef }), seed, command } } as Scheme<unknown>));
  const entry: ParetoEntry = {
    t: j.t, r: j.r, ...(j.maxCoef === undefined ? {} : { maxCoef: j.maxCoef }), maxKappa: j.maxKappa, error: cert.value, exact: cert.exact ? cert.exact.toFraction() : null, field: s.fieldTag,
    ...low, command,
    family: res.best.family, label: res.best.label, how: res.best.how,
    bound: res.bound ? { value: res.bound.value.toFraction(), reason: res.bound.reason } : null,
    seed, timeLimitSec: j.limitSec, ms: Math.round(res.ms), tasks: res.tasks, maxAbs: maxAbsCoefficient(s), file: relative(ROOT, file),
    families: res.families.map((f) => ({ ...f, bestStart: f.bestStart && { ...f.bestStart, exact: f.bestStart.exact?.toFraction() ?? null } })),
  };
  writeFileAtomic(sumFile, JSON.stringify(entry, null, 1) + '\n');
  console.log(line);
}

/** Per r: the lowest-error conditioned result within the bf16 target becomes t<T>-cond/r<RRR>.json. */
function pickConditioned(dir: string, t: number, target: number): void {
  const sub = condFolder(t);
  if (!existsSync(join(dir, sub))) return;
  const all = readdirSync(join(dir, sub)).filter((f) => /^r\d+-.*\.summary\.json$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) as ParetoEntry);
  for (const r of [...new Set(all.map((e) => e.r))].sort((a, b) => a - b)) {
    const ok = all.filter((e) => e.r === r && (e.bf16Unfused ?? Infinity) <= target).sort((a, b) => a.error - b.error);
    if (!ok.length) {
      console.log(`t=${t} r=${r}: no conditioned result within ${(100 * target).toFixed(2)}% (bf16, unfused)`);
      continue;
    }
    const e = ok[0];
    const file = resultFile(dir, sub, r);
    writeFileAtomic(file, readFileSync(join(ROOT, e.file), 'utf8'));
    writeFileAtomic(summaryFile(dir, sub, r), JSON.stringify({ ...e, file: relative(ROOT, file), chosen: { bf16Unfused: target, from: e.file } }, null, 1) + '\n');
    console.log(`t=${t} r=${r}: chose ${e.file} (e ${e.error.toFixed(4)}, κ ${e.kappa?.toFixed(3)}, bf16 unfused ${(100 * (e.bf16Unfused ?? NaN)).toFixed(2)}%)`);
  }
}

/** docs/conditioning.md from the conditioned folders, with the unbounded and |coef|-bounded results as reference rows. */
function conditioningReport(config: Pick<Config, 'docs'>, dir: string): void {
  const rows: ConditioningRow[] = [];
  const row = (t: number, r: number, what: string, file: string, chosen = false): ConditioningRow => {
    const s = parseSchemeJson(readFileSync(file, 'utf8')) as Scheme<unknown>;
    const low = lowPrecisionMeta(s);
    return { t, r, what, error: certifiedError(s).value, ...low, maxAbs: maxAbsCoefficient(s), file: relative(ROOT, file), chosen };
  };
  for (const sub of readdirSync(dir).filter((d) => /^t\d+-cond$/.test(d))) {
    const t = Number(sub.slice(1, sub.indexOf('-')));
    const conds = readdirSync(join(dir, sub)).filter((f) => /^r\d+-.*\.summary\.json$/.test(f)).map((f) => JSON.parse(readFileSync(join(dir, sub, f), 'utf8')) as ParetoEntry);
    for (const r of [...new Set(conds.map((e) => e.r))].sort((a, b) => a - b)) {
      for (const [ref, what] of [[`t${t}`, `unbounded (t${t})`], [`t${t}-c2`, `\\|coef\\| ≤ 2 (t${t}-c2)`]] as const) {
        const f = resultFile(dir, ref, r);
        if (existsSync(f)) rows.push(row(t, r, what, f));
      }
      const chosen = existsSync(summaryFile(dir, sub, r)) ? (JSON.parse(readFileSync(summaryFile(dir, sub, r), 'utf8')) as ParetoEntry).chosen?.from : undefined;
      for (const e of conds.filter((x) => x.r === r).sort((a, b) => (b.maxKappa ?? 0) - (a.maxKappa ?? 0))) {
        rows.push(row(t, r, `κ ≤ ${e.maxKappa}${e.maxCoef === undefined ? '' : `, \\|coef\\| ≤ ${e.maxCoef}`}${e.file === chosen ? ' (chosen)' : ''}`, join(ROOT, e.file), e.file === chosen));
      }
    }
  }
  const docs = join(ROOT, config.docs);
  mkdirSync(docs, { recursive: true });
  const intro = readFileSync(join(ROOT, 'search/configs/universal-conditioning.intro.md'), 'utf8').trimEnd();
  writeFileAtomic(join(docs, 'conditioning.md'), conditioningMarkdown(rows, intro) + '\n');
  console.log(`wrote ${config.docs}/conditioning.md: ${rows.length} rows`);
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
      const padded = s.fieldTag === 'R' ? floatScheme([t, t, t], resizeFactors(schemeFactors(s), t * t, e.r), s.meta) : padRational(s as Scheme<Fraction>, e.r);
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
      entries.push({ ...e, maxAbs: maxAbsCoefficient(s) });
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

async function conditionedMain(config: Config, configPath: string, dir: string): Promise<void> {
  const target = config.targetBf16Unfused ?? 0.02;
  if (!values.report) {
    const todo: CondJob[] = [];
    for (const run of config.runs) {
      if (values.only && String(run.t) !== values.only) continue;
      for (const r of ranks(run.r)) for (const K of [run.maxKappa!].flat()) {
        const j: CondJob = { t: run.t, r, limitSec: run.timeLimitSec, maxKappa: K, ...(run.maxCoef === undefined ? {} : { maxCoef: run.maxCoef }), ...(run.init ? { init: run.init } : {}) };
        const f = condFile(dir, run.t, r, condTag(j), '.summary.json');
        const old = existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as ParetoEntry) : null;
        if (!values.force && old && old.timeLimitSec >= run.timeLimitSec) continue;
        todo.push(j);
      }
    }
    const jobs = Number(values.jobs ?? config.jobs ?? cpus().length);
    console.log(`${todo.length} conditioned searches, ${jobs} at a time, seed ${config.seed}`);
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const j = todo[next++];
        await new Promise<void>((done) => {
          const child = spawn(process.execPath, ['--import', 'tsx', import.meta.filename, configPath, '--cond-job', JSON.stringify(j)], { stdio: 'inherit', cwd: ROOT });
          child.on('exit', (code) => {
            if (code !== 0) {
              console.error(`t=${j.t} r=${j.r} κ ≤ ${j.maxKappa}: the search exited with ${code}`);
              process.exitCode = 1;
            }
            done();
          });
        });
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
  }
  for (const t of new Set(config.runs.map((x) => x.t))) pickConditioned(dir, t, target);
  conditioningReport(config, dir);
}

async function main(): Promise<void> {
  const [configPath] = positionals;
  if (!configPath) throw new Error('usage: node --import tsx search/universal-pareto.ts CONFIG.json [--jobs N] [--only T] [--force] [--report]');
  const config: Config = JSON.parse(readFileSync(configPath, 'utf8'));
  const dir = join(ROOT, config.results);
  if (values['cond-job']) return oneConditioned(dir, config.seed, JSON.parse(values['cond-job']) as CondJob);
  const conditioned = config.runs.some((x) => x.maxKappa !== undefined);
  if (conditioned && config.runs.some((x) => x.maxKappa === undefined)) throw new Error('a config has either conditioned runs (maxKappa) or plain ones, not both');
  if (conditioned) return conditionedMain(config, configPath, dir);
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
