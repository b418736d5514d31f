/**
 * What travels through the queue, and the only way to trust it: a walk job (coordinator → worker)
 * and a walk report (worker → coordinator) are plain JSON until parseJob / parseReport have checked
 * size, shape and bounds; only then do they become WalkJob / WalkReport. The coordinator builds its
 * own jobs through parseJob too, so a job on the queue is always one a worker accepts.
 */
import type { Format } from '../flip/state.ts';

export const JOB_VERSION = 1;
/** Largest accepted payload, as JSON: a <6,6,6> job of 216 terms is about 10 KB. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
/** Bounds that keep one job finite and a walk's state small. */
export const MAX_JOB_FLIPS = 10_000_000_000;
const MAX_WALK_PARAM = 1_000_000_000_000;

/** How a walk leaves plateaus (see DescentOptions in flip/descent.ts). */
export interface WalkParams {
  targetRank: number;
  plateau: number;
  maxUp: number;
  plusFlips: number;
  restartFlips: number;
}

/** The JSON of a walk job: walk `flips` flips from `terms` (Z2 keys [a, b, c]) with `seed`. */
export interface WalkJobData {
  v: typeof JOB_VERSION;
  /** The search this job belongs to; a worker skips jobs of a search that has ended. */
  search: string;
  /** Position in the search's seed plan: the seed and start were drawn for this index. */
  index: number;
  format: Format;
  terms: number[][];
  flips: number;
  seed: number;
  walk: WalkParams;
}

/** The JSON of a walk report: the lowest-rank scheme the walk saw, and what it cost. */
export interface WalkReportData {
  v: typeof JOB_VERSION;
  search: string;
  index: number;
  /** Who walked (host-pid-thread, or the name given to `stlkit worker --name`). */
  worker: string;
  rank: number;
  terms: number[][];
  flips: number;
  /** Milliseconds spent walking (not waiting for Redis). */
  ms: number;
  /** The walk ended early because the search ended or the worker was stopped. */
  stopped: boolean;
}

declare const checked: unique symbol;
/** A job that passed parseJob. */
export type WalkJob = Readonly<WalkJobData> & { readonly [checked]: 'WalkJob' };
/** A report that passed parseReport (its scheme still has to verify before it is used). */
export type WalkReport = Readonly<WalkReportData> & { readonly [checked]: 'WalkReport' };

/** A payload that is not what it claims; the message says which field and what was expected. */
export class JobError extends Error {
  override name = 'JobError';
}

type Obj = Record<string, unknown>;

function object(x: unknown, what: string): Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new JobError(`${what} is not a JSON object`);
  return x as Obj;
}

function int(o: Obj, key: string, lo: number, hi: number, what: string): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < lo || v > hi) throw new JobError(`${what}.${key} must be an integer in ${lo}..${hi}, got ${short(v)}`);
  return v;
}

function short(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

function checkSize(data: unknown, what: string): void {
  let size: number;
  try {
    size = JSON.stringify(data)?.length ?? 0;
  } catch {
    throw new JobError(`${what} is not JSON`);
  }
  if (size > MAX_PAYLOAD_BYTES) throw new JobError(`${what} is ${size} bytes, more than ${MAX_PAYLOAD_BYTES}`);
}

function formatOf(o: Obj, what: string): Format {
  const f = o.format;
  if (!Array.isArray(f) || f.length !== 3 || !f.every((d) => Number.isInteger(d) && d >= 1 && d <= 52)) throw new JobError(`${what}.format must be [n, m, p] with 1 ≤ n, m, p ≤ 52, got ${short(f)}`);
  const [n, m, p] = f as Format;
  if (Math.max(n * m, m * p, n * p) > 52) throw new JobError(`${what}.format <${n},${m},${p}> needs factors of more than 52 bits`);
  return [n, m, p];
}

/** Terms as [a, b, c] keys: nonzero integers below 2^(n·m), 2^(m·p), 2^(n·p); between 1 and maxRank of them. */
function termsOf(o: Obj, [n, m, p]: Format, maxRank: number, what: string): number[][] {
  const t = o.terms;
  if (!Array.isArray(t) || t.length < 1 || t.length > maxRank) throw new JobError(`${what}.terms must be an array of 1..${maxRank} terms, got ${Array.isArray(t) ? `${t.length} terms` : short(t)}`);
  const bits = [n * m, m * p, n * p];
  return t.map((term, i) => {
    if (!Array.isArray(term) || term.length !== 3) throw new JobError(`${what}.terms[${i}] must be [a, b, c], got ${short(term)}`);
    return term.map((k, s) => {
      if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 1 || k >= 2 ** bits[s]) throw new JobError(`${what}.terms[${i}][${s}] must be an integer in 1..2^${bits[s]}−1, got ${short(k)}`);
      return k;
    });
  });
}

function version(o: Obj, what: string): void {
  if (o.v !== JOB_VERSION) throw new JobError(`${what}.v must be ${JOB_VERSION}, got ${short(o.v)}`);
}

function searchId(o: Obj, what: string): string {
  if (typeof o.search !== 'string' || !/^[\w-]{1,64}$/.test(o.search)) throw new JobError(`${what}.search must be an id of letters, digits, _ and -, got ${short(o.search)}`);
  return o.search;
}

/** Check a job payload; throws JobError naming the first field that is wrong. */
export function parseJob(data: unknown): WalkJob {
  const what = 'job';
  checkSize(data, what);
  const o = object(data, what);
  version(o, what);
  const format = formatOf(o, what);
  const naive = format[0] * format[1] * format[2];
  const w = object(o.walk, `${what}.walk`);
  const walk: WalkParams = {
    targetRank: int(w, 'targetRank', 0, naive, `${what}.walk`),
    plateau: int(w, 'plateau', 1, MAX_WALK_PARAM, `${what}.walk`),
    maxUp: int(w, 'maxUp', 0, 1000, `${what}.walk`),
    plusFlips: int(w, 'plusFlips', 0, MAX_WALK_PARAM, `${what}.walk`),
    restartFlips: int(w, 'restartFlips', 0, MAX_WALK_PARAM, `${what}.walk`),
  };
  const job: WalkJobData = {
    v: JOB_VERSION,
    search: searchId(o, what),
    index: int(o, 'index', 0, Number.MAX_SAFE_INTEGER, what),
    format,
    // No start worth walking from has more products than the naive algorithm.
    terms: termsOf(o, format, naive, what),
    flips: int(o, 'flips', 1, MAX_JOB_FLIPS, what),
    seed: int(o, 'seed', 0, 0xffffffff, what),
    walk,
  };
  return job as WalkJob;
}

/**
 * Check a worker's report against the job it answers: same search and index, a scheme of that
 * format whose rank is at most the start's, no more flips than asked. Says nothing about whether
 * the scheme is correct; that is the coordinator's exact verification.
 */
export function parseReport(data: unknown, job: WalkJob): WalkReport {
  const what = 'report';
  checkSize(data, what);
  const o = object(data, what);
  version(o, what);
  const search = searchId(o, what);
  if (search !== job.search) throw new JobError(`${what}.search is ${short(search)}, but the job is of search ${job.search}`);
  const index = int(o, 'index', 0, Number.MAX_SAFE_INTEGER, what);
  if (index !== job.index) throw new JobError(`${what}.index is ${index}, but the job is ${job.index}`);
  if (typeof o.worker !== 'string' || !/^[\w.:@-]{1,100}$/.test(o.worker)) throw new JobError(`${what}.worker must be a name of letters, digits and ._:@-, got ${short(o.worker)}`);
  const terms = termsOf(o, job.format, job.terms.length, what);
  const rank = int(o, 'rank', 1, job.terms.length, what);
  if (rank !== terms.length) throw new JobError(`${what}.rank is ${rank}, but it holds ${terms.length} terms`);
  if (typeof o.stopped !== 'boolean') throw new JobError(`${what}.stopped must be true or false, got ${short(o.stopped)}`);
  const report: WalkReportData = {
    v: JOB_VERSION, search, index, worker: o.worker, rank, terms,
    // A plus transition's lazy flips may overshoot the budget by plusFlips (DescentWalk.run).
    flips: int(o, 'flips', 0, job.flips + job.walk.plusFlips, what),
    ms: int(o, 'ms', 0, Number.MAX_SAFE_INTEGER, what),
    stopped: o.stopped,
  };
  return report as WalkReport;
}

/** A report's worker name when it has a readable one, for logging reports that fail parseReport. */
export function claimedWorker(data: unknown): string {
  const w = typeof data === 'object' && data !== null ? (data as Obj).worker : undefined;
  return typeof w === 'string' && /^[\w.:@-]{1,100}$/.test(w) ? w : 'unknown';
}

/** One canonical string per set of terms (order-free), for deduplicating the pool. */
export function termsKey(terms: readonly (readonly number[])[]): string {
  return JSON.stringify(terms.map((t) => [...t]).sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]));
}
