import { formatOf, type Scheme } from '../../scheme/index.ts';
import { Rng } from '../rng.ts';
import { FlipState, naiveTerms, schemeKeys, type FlipStateSnapshot, type Format } from './state.ts';

/** How a walk leaves a plateau; defaults in DEFAULT_WALK. */
export interface WalkOptions {
  /** Stop as soon as the rank is at most this. */
  targetRank: number;
  /** Flips without a reduction before a plus transition (rank + 1). */
  plateau: number;
  /** Plus transitions lift the rank to at most (descent's best) + maxUp; beyond, back to that best. */
  maxUp: number;
  /**
   * Flips without reductions right after a plus transition (KM's "split distance", 10 in their
   * code), to let the new terms move apart before a reduction can fold them back.
   */
  plusFlips: number;
  /**
   * Flips without a new best in the current descent before a new descent from the start scheme;
   * 0 never. Default 20 000 × the start's rank (1.28 M for the naive <4,4,4>): there a fresh
   * descent reaches 49 within a few million flips for about 2 % of seeds, while one stuck at 52–55
   * for a million flips rarely gets further, so short descents win. For targets that need long
   * plateau walks (e.g. below 49 on <4,4,4>) raise it or set 0.
   */
  restartFlips: number;
}

/**
 * Defaults measured on <4,4,4> from the naive 64 (descents of 2.5–4 M flips, rate of reaching 49):
 * plateau 50 000, maxUp 4, plusFlips 0 gave 11 of 450; plateau 100 000, maxUp 2, plusFlips 10
 * gave 4 of 400, and plateau 20 000 3 of 300. (The first is close to the defaults of
 * dronperminov/ternary_flip_graph: plus period 5 000–100 000, plus diff 4.)
 */
export const DEFAULT_WALK: Omit<WalkOptions, 'targetRank' | 'restartFlips'> = { plateau: 50_000, maxUp: 4, plusFlips: 0 };

/** A FlipWalker's complete state, plain JSON: restoring it continues the walk flip for flip. */
export interface FlipSnapshot {
  kind: 'stlkit-flip-walk';
  version: 1;
  options: WalkOptions;
  state: FlipStateSnapshot;
  start: FlipStateSnapshot;
  best: FlipStateSnapshot;
  home: FlipStateSnapshot;
  rng: number[];
  counters: WalkCounters;
}

export interface WalkCounters {
  /** Flips done, the lazy ones after plus transitions included. */
  flips: number;
  /** Flips since the last reduction or escape (plus transition, return to the descent's best). */
  sinceReduction: number;
  /** Flips since the current descent last reached a new lowest rank. */
  sinceImprove: number;
  /** Lowest rank of the current descent (since the last restart from the start). */
  homeRank: number;
  /** Lowest rank of the whole walk. */
  bestRank: number;
  reductions: number;
  plusTransitions: number;
  /** Returns to the descent's best (rank went maxUp above it). */
  returns: number;
  /** New descents from the start scheme. */
  restarts: number;
}

/**
 * One random walk on the flip graph over Z2: random flips with reductions. After `plateau` flips
 * without a reduction comes a plus transition, or, once the rank is maxUp above the best of the
 * current descent, a return to that best; after `restartFlips` flips without a new best, a new
 * descent from the start scheme. Every random choice comes from the walker's Rng: a seed fixes the
 * walk, and run(a) then run(b) is the same walk as run(a + b).
 */
export class FlipWalker {
  readonly state: FlipState;
  readonly rng: Rng;
  readonly opts: WalkOptions;
  readonly counters: WalkCounters;
  private readonly start: FlipStateSnapshot;
  /** Best of the whole walk (lowest rank, first reached) and of the current descent. */
  private best: FlipStateSnapshot;
  private home: FlipStateSnapshot;

  constructor(start: FlipState, seed: number | Rng, opts: Partial<WalkOptions> = {}) {
    this.state = start;
    this.rng = typeof seed === 'number' ? new Rng(seed) : seed;
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    this.opts = { ...DEFAULT_WALK, targetRank: 0, restartFlips: 20_000 * start.rank, ...given };
    this.start = this.best = this.home = start.snapshot();
    const r = start.rank;
    this.counters = { flips: 0, sinceReduction: 0, sinceImprove: 0, homeRank: r, bestRank: r, reductions: 0, plusTransitions: 0, returns: 0, restarts: 0 };
  }

  get rank(): number {
    return this.state.rank;
  }

  get bestRank(): number {
    return this.counters.bestRank;
  }

  get flips(): number {
    return this.counters.flips;
  }

  /** The best scheme seen (lowest rank, first reached), as [a, b, c] keys. */
  get bestTerms(): number[][] {
    return this.best.terms.filter((t): t is number[] => t !== null);
  }

  bestScheme(): Scheme<number> {
    return FlipState.restore(this.best).toScheme();
  }

  get done(): boolean {
    return this.state.rank <= this.opts.targetRank;
  }

  /**
   * About maxFlips flips (the lazy flips of a plus transition may overshoot by plusFlips); returns
   * early once the target rank is reached.
   */
  run(maxFlips: number): void {
    const st = this.state, rng = this.rng, c = this.counters, target = this.opts.targetRank;
    const plateau = this.opts.plateau, restart = this.opts.restartFlips || Infinity;
    const end = c.flips + maxFlips;
    while (c.flips < end && st.rank > target) {
      if (c.sinceImprove >= restart) this.restart();
      else if (st.g.flLen === 0 || c.sinceReduction >= plateau) this.escape();
      const d = st.randomFlip(rng);
      c.flips++;
      c.sinceImprove++;
      if (d === 0) {
        c.sinceReduction++;
        continue;
      }
      c.sinceReduction = 0;
      c.reductions++;
      this.noteRank();
    }
  }

  snapshot(): FlipSnapshot {
    const copy = structuredClone;
    return {
      kind: 'stlkit-flip-walk',
      version: 1,
      options: { ...this.opts },
      state: this.state.snapshot(),
      start: copy(this.start),
      best: copy(this.best),
      home: copy(this.home),
      rng: this.rng.state(),
      counters: { ...this.counters },
    };
  }

  static restore(snap: FlipSnapshot): FlipWalker {
    if (snap.kind !== 'stlkit-flip-walk' || snap.version !== 1) throw new Error('not a flip-walk snapshot (version 1)');
    const w = new FlipWalker(FlipState.restore(snap.start), Rng.fromState(snap.rng), snap.options);
    w.state.load(snap.state);
    w.best = structuredClone(snap.best);
    w.home = structuredClone(snap.home);
    Object.assign(w.counters, snap.counters);
    return w;
  }

  /** After a reduction: a new best of the descent, and maybe of the walk. */
  private noteRank(): void {
    const st = this.state, c = this.counters;
    if (st.rank >= c.homeRank) return;
    c.homeRank = st.rank;
    c.sinceImprove = 0;
    this.home = st.snapshot();
    if (st.rank < c.bestRank) {
      c.bestRank = st.rank;
      this.best = this.home;
    }
  }

  /** Leave a plateau: a plus transition, or back to the descent's best when too far above it. */
  private escape(): void {
    const st = this.state, rng = this.rng, c = this.counters;
    c.sinceReduction = 0;
    if (st.rank < c.homeRank + this.opts.maxUp && st.rank < st.capacity && st.rank >= 2) {
      // Random distinct live terms and a slot where they differ (rejection: few tries suffice).
      for (let tries = 0; tries < 1000; tries++) {
        if (!st.plus(rng.int(3), this.randomTerm(), this.randomTerm(), rng.int(2) as 0 | 1)) continue;
        c.plusTransitions++;
        for (let i = 0; i < this.opts.plusFlips; i++) st.randomFlip(rng, false);
        c.flips += this.opts.plusFlips;
        c.sinceImprove += this.opts.plusFlips;
        st.reduceAll();
        this.noteRank();
        return;
      }
    }
    c.returns++;
    st.load(this.home);
  }

  /** A new descent from the start scheme. */
  private restart(): void {
    const c = this.counters;
    c.restarts++;
    c.sinceImprove = c.sinceReduction = 0;
    this.state.load(this.start);
    c.homeRank = this.state.rank;
    this.home = this.start;
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
  /** Starting scheme (any field; reduced mod 2); the naive algorithm when absent. */
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
  scheme: Scheme<number> | null;
  bestRank: number;
  /** The best scheme seen (of rank bestRank). */
  best: Scheme<number>;
  flips: number;
  ms: number;
}

/** One walker on this thread until the target rank, the flip budget or the time limit. */
export function flipSearch(opts: FlipSearchOptions): FlipSearchResult {
  const t0 = performance.now();
  const deepReduce = opts.deepReduce ?? false;
  const given = opts.start && formatOf(opts.start);
  if (given && given.join() !== opts.format.join()) throw new Error(`start scheme is <${given}>, not <${opts.format}>`);
  const start = FlipState.fromTerms(opts.format, opts.start ? schemeKeys(opts.start) : naiveTerms(opts.format), { deepReduce });
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
