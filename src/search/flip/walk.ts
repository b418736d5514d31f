import { formatOf, type Scheme } from '../../scheme/index.ts';
import { Rng } from '../../util/rng.ts';
import { FlipState } from './state.ts';
import { DescentWalk, type DescentOptions, type DescentSnapshot, type WalkCounters } from './descent.ts';
import { naiveRingTerms, restoreState, ringTerms, stateFromTerms, type FlipRing, type RingFlipState, type RingSnapshot } from './rings.ts';
import type { Format } from './state.ts';

export type { WalkCounters } from './descent.ts';

/** How a walk leaves a plateau (see DescentOptions); defaults in DEFAULT_WALK. */
export type WalkOptions = DescentOptions;

/**
 * Defaults measured on <4,4,4> from the naive 64 (descents of 2.5–4 M flips, rate of reaching 49):
 * plateau 50 000, maxUp 4, plusFlips 0 gave 11 of 450; plateau 100 000, maxUp 2, plusFlips 10
 * gave 4 of 400, and plateau 20 000 3 of 300. (The first is close to the defaults of
 * dronperminov/ternary_flip_graph: plus period 5 000–100 000, plus diff 4.) plusFlips is KM's "split
 * distance" (10 in their code). restartFlips defaults to 20 000 × the start's rank (1.28 M for the
 * naive <4,4,4>): there a fresh descent reaches 49 within a few million flips for about 2 % of
 * seeds, while one stuck at 52–55 for a million flips rarely gets further, so short descents win.
 * For targets that need long plateau walks (e.g. below 49 on <4,4,4>) raise it or set 0.
 */
export const DEFAULT_WALK: Omit<WalkOptions, 'targetRank' | 'restartFlips'> = { plateau: 50_000, maxUp: 4, plusFlips: 0 };

/** A FlipWalker's complete state, plain JSON: restoring it continues the walk flip for flip. */
export interface FlipSnapshot extends DescentSnapshot<RingSnapshot, WalkOptions, WalkCounters> {
  kind: 'stlkit-flip-walk';
  version: 1;
}

/**
 * One random walk on the flip graph over any ring (rings.ts: Z2, ZT, Z3): random flips with
 * reductions, plus transitions, returns and restarts as DescentWalk does them; a plus transition
 * here splits one term against another (the state's plus).
 */
export class FlipWalker extends DescentWalk<RingSnapshot, RingFlipState, WalkOptions, WalkCounters> {
  constructor(start: RingFlipState, seed: number | Rng, opts: Partial<WalkOptions> = {}) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    super(start, typeof seed === 'number' ? new Rng(seed) : seed, { ...DEFAULT_WALK, targetRank: 0, restartFlips: 20_000 * start.rank, ...given }, {});
  }

  /** The best scheme seen (lowest rank, first reached), as [a, b, c] keys. */
  get bestTerms(): number[][] {
    return restoreState(this.best).terms();
  }

  bestScheme(): Scheme<unknown> {
    return restoreState(this.best).toScheme();
  }

  snapshot(): FlipSnapshot {
    return { kind: 'stlkit-flip-walk', version: 1, ...this.descentSnapshot() };
  }

  static restore(snap: FlipSnapshot): FlipWalker {
    if (snap.kind !== 'stlkit-flip-walk' || snap.version !== 1) throw new Error('not a flip-walk snapshot (version 1)');
    return new FlipWalker(restoreState(snap.start), Rng.fromState(snap.rng), snap.options).resumeFrom(snap);
  }

  protected canClimb(): boolean {
    const st = this.state;
    return st.rank < st.capacity && st.rank >= 2;
  }

  /** Random distinct live terms and a slot where they differ. */
  protected tryPlus(): boolean {
    const rng = this.rng;
    // Z2 draws no sign, so its walks stay those of earlier versions seed for seed.
    if (this.state.ring === 'Z2') return this.state.plus(rng.int(3), this.randomTerm(), this.randomTerm(), rng.int(2) as 0 | 1);
    return this.state.plus(rng.int(3), this.randomTerm(), this.randomTerm(), rng.int(2) as 0 | 1, rng.int(2) ? 1 : -1);
  }

  private randomTerm(): number {
    const st = this.state;
    for (;;) {
      const t = this.rng.int(st.capacity);
      if (st.alive[t]) return t;
    }
  }
}

export interface FlipSearchOptions extends Partial<Omit<WalkOptions, 'targetRank'>> {
  format: Format;
  /** The ring of the walk (default Z2). */
  ring?: FlipRing;
  /** Starting scheme (read in the ring, see ringTerms); the naive algorithm when absent. */
  start?: Scheme<unknown>;
  /** See FlipState.deepReduce. */
  deepReduce?: boolean;
  targetRank: number;
  seed: number;
  timeLimitMs?: number;
  maxFlips?: number;
  /** Called about every `progressFlips` flips (default 10^6) and at every new best rank. */
  onProgress?: (p: { rank: number; bestRank: number; flips: number; ms: number }) => void;
  progressFlips?: number;
}

export interface FlipSearchResult {
  /** A scheme of rank ≤ targetRank, or null when the limits ran out first. */
  scheme: Scheme<unknown> | null;
  bestRank: number;
  /** The best scheme seen (of rank bestRank). */
  best: Scheme<unknown>;
  flips: number;
  ms: number;
}

/** One walker on this thread until the target rank, the flip budget or the time limit. */
export function flipSearch(opts: FlipSearchOptions): FlipSearchResult {
  const t0 = performance.now();
  const deepReduce = opts.deepReduce ?? false;
  const given = opts.start && formatOf(opts.start);
  if (given && given.join() !== opts.format.join()) throw new Error(`start scheme is <${given}>, not <${opts.format}>`);
  const ring = opts.ring ?? 'Z2';
  if (deepReduce && ring !== 'Z2') throw new Error('deepReduce is for Z2 walks only');
  const terms = opts.start ? ringTerms(opts.start, ring) : naiveRingTerms(ring, opts.format);
  const start = ring === 'Z2' ? FlipState.fromTerms(opts.format, terms, { deepReduce }) : stateFromTerms(ring, opts.format, terms);
  const walk: Partial<WalkOptions> = { targetRank: opts.targetRank };
  for (const k of ['plateau', 'maxUp', 'plusFlips', 'restartFlips'] as const) if (opts[k] !== undefined) walk[k] = opts[k];
  const w = new FlipWalker(start, opts.seed, walk);
  const maxFlips = opts.maxFlips ?? Infinity, timeLimit = opts.timeLimitMs ?? Infinity;
  // Chunks small enough to notice a new best and the clock, large enough to keep the loop hot.
  const chunk = Math.min(opts.progressFlips ?? 1_000_000, 100_000);
  let lastBest = w.bestRank, nextReport = opts.progressFlips ?? 1_000_000;
  while (!w.done && w.flips < maxFlips) {
    const ms = performance.now() - t0;
    if (ms >= timeLimit) break;
    w.run(Math.min(chunk, maxFlips - w.flips));
    if (opts.onProgress && (w.bestRank < lastBest || w.flips >= nextReport)) {
      opts.onProgress({ rank: w.rank, bestRank: w.bestRank, flips: w.flips, ms: performance.now() - t0 });
      lastBest = w.bestRank;
      while (nextReport <= w.flips) nextReport += opts.progressFlips ?? 1_000_000;
    }
  }
  const best = w.bestScheme();
  return { scheme: w.bestRank <= opts.targetRank ? best : null, bestRank: w.bestRank, best, flips: w.flips, ms: performance.now() - t0 };
}
