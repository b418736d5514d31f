import { Rng } from '../../util/rng.ts';
import type { WalkCounters } from './descent.ts';
import { restoreState, stateFromTerms, type FlipRing, type RingFlipState, type RingSnapshot } from './rings.ts';
import type { Format } from './state.ts';
import { FlipWalker, type FlipSnapshot, type WalkOptions } from './walk.ts';

/**
 * Per-rank pools of schemes and walkers restarted from them (the pool strategy of Arai et al. 2024
 * and of Perminov's ternary flip graph): a walker starts from a random member of the pool of the
 * lowest rank reached (the "level") and walks for `roundFlips` flips or until it goes below the
 * level. A walker that went below puts its scheme into the pool of its rank, which becomes the new
 * level; one that did not, but ended on the level, adds its scheme to the level's pool when it is
 * new by a cheap invariant, so the pool spreads over the plateau instead of every walker
 * re-descending from one scheme. Each pool keeps at most `poolSize` schemes; a new one replaces a
 * random member when it is full.
 *
 * The invariant (diversity): the sorted multiset of the support sizes of each term's three factors,
 * which separates most inequivalent schemes of one rank at the cost of a popcount per factor.
 */
export interface PopulationOptions {
  /** Stop once a scheme of at most this rank is found. */
  targetRank: number;
  poolSize: number;
  /** Flips per walker before the next walker is drawn from the pool; default 50 000 × level. */
  roundFlips: number;
  /** Options of each walker (restartFlips is the population's business and stays 0). */
  walk: Partial<Omit<WalkOptions, 'targetRank' | 'restartFlips'>>;
}

interface Entry {
  terms: number[][];
  inv: string;
}

export interface PopulationSnapshot {
  kind: 'stlkit-flip-population';
  version: 1;
  ring: FlipRing;
  format: Format;
  options: PopulationOptions;
  pools: [number, Entry[]][];
  rng: number[];
  walker: FlipSnapshot;
  /** The lowest-rank scheme seen (first reached). */
  best: RingSnapshot;
  counters: WalkCounters & { rounds: number; poolAdds: number };
}

const popcount = (key: number): number => {
  let c = 0;
  for (let lo = key % 4294967296, hi = Math.floor(key / 4294967296); lo || hi; ) {
    if (lo) { lo &= lo - 1; c++; } else { hi &= hi - 1; c++; }
  }
  return c;
};

/** Sorted support-size profile of the terms: "a.b.c" per term. */
export function schemeInvariant(terms: readonly (readonly number[])[]): string {
  return terms.map((t) => t.slice(0, 3).map(popcount).join('.')).sort().join(' ');
}

export class PopulationSearch {
  readonly ring: FlipRing;
  readonly format: Format;
  readonly opts: PopulationOptions;
  readonly rng: Rng;
  readonly pools = new Map<number, Entry[]>();
  readonly counters: PopulationSnapshot['counters'];
  private walker: FlipWalker;
  private best: RingSnapshot;
  /** Flips of finished walkers (the current walker's are added on top). */
  private doneFlips = 0;

  /** `walker` is for restore: the walker to continue instead of drawing the first one. */
  constructor(start: RingFlipState, seed: number | Rng, opts: Partial<PopulationOptions> & { targetRank: number }, walker?: FlipWalker) {
    this.ring = start.ring;
    this.format = [...start.format];
    this.opts = { poolSize: 16, roundFlips: 0, walk: {}, ...opts };
    this.rng = typeof seed === 'number' ? new Rng(seed) : seed;
    const terms = start.terms();
    this.pools.set(start.rank, [{ terms, inv: schemeInvariant(terms) }]);
    this.best = start.snapshot();
    const r = start.rank;
    this.counters = { flips: 0, sinceReduction: 0, sinceImprove: 0, homeRank: r, bestRank: r, reductions: 0, plusTransitions: 0, returns: 0, restarts: 0, rounds: 0, poolAdds: 0 };
    this.walker = walker ?? this.nextWalker();
  }

  get bestRank(): number {
    return this.counters.bestRank;
  }

  get flips(): number {
    return this.counters.flips;
  }

  get done(): boolean {
    return this.counters.bestRank <= this.opts.targetRank;
  }

  /** The lowest rank with a pool. */
  get level(): number {
    return Math.min(...this.pools.keys());
  }

  /** The current walker's state (for candidates). */
  get state(): RingFlipState {
    return this.walker.state;
  }

  bestState(): RingFlipState {
    return restoreState(this.best);
  }

  /** About maxFlips flips over as many walkers as it takes; returns early at the target. */
  run(maxFlips: number): void {
    const end = this.counters.flips + maxFlips;
    while (this.counters.flips < end && !this.done) {
      const w = this.walker, level = this.level;
      const round = this.opts.roundFlips || 50_000 * level;
      w.run(Math.min(end - this.counters.flips, round - w.flips));
      this.sync();
      if (w.rank < level) {
        this.add(w.state);
        this.walker = this.nextWalker();
      } else if (w.flips >= round) {
        if (w.rank === level) this.add(w.state);
        this.walker = this.nextWalker();
      }
    }
  }

  snapshot(): PopulationSnapshot {
    return {
      kind: 'stlkit-flip-population', version: 1, ring: this.ring, format: [...this.format], options: structuredClone(this.opts),
      pools: [...this.pools.entries()].map(([r, es]) => [r, structuredClone(es)]), rng: this.rng.state(), walker: this.walker.snapshot(),
      best: structuredClone(this.best), counters: { ...this.counters },
    };
  }

  static restore(snap: PopulationSnapshot): PopulationSearch {
    if (snap.kind !== 'stlkit-flip-population' || snap.version !== 1) throw new Error('not a flip-population snapshot (version 1)');
    const walker = FlipWalker.restore(snap.walker);
    const p = new PopulationSearch(walker.state, Rng.fromState(snap.rng), snap.options, walker);
    p.pools.clear();
    for (const [r, es] of snap.pools) p.pools.set(r, structuredClone(es));
    p.best = structuredClone(snap.best);
    Object.assign(p.counters, snap.counters);
    p.doneFlips = snap.counters.flips - p.walker.flips;
    return p;
  }

  /** Counters of the population from the current walker's. */
  private sync(): void {
    const c = this.counters, w = this.walker.counters;
    c.flips = this.doneFlips + w.flips;
    c.homeRank = this.level;
    if (this.walker.bestRank < c.bestRank) {
      c.bestRank = this.walker.bestRank;
      c.sinceImprove = 0;
    }
  }

  /** Put a scheme into its rank's pool unless one with its invariant is there already. */
  private add(st: RingFlipState): void {
    const terms = st.terms(), inv = schemeInvariant(terms);
    if (st.rank < this.level) {
      // A new lowest rank: its scheme is the best, and the pools above it are no longer drawn from.
      this.best = st.snapshot();
      this.pools.clear();
    }
    const pool = this.pools.get(st.rank) ?? [];
    if (pool.some((e) => e.inv === inv)) return;
    if (pool.length < this.opts.poolSize) pool.push({ terms, inv });
    else pool[this.rng.int(pool.length)] = { terms, inv };
    this.pools.set(st.rank, pool);
    this.counters.poolAdds++;
  }

  /** A walker from a random member of the lowest pool, aiming just below it. */
  private nextWalker(): FlipWalker {
    const prev = this.walker;
    if (prev) {
      this.doneFlips += prev.flips;
      const c = this.counters, w = prev.counters;
      c.reductions += w.reductions;
      c.plusTransitions += w.plusTransitions;
      c.returns += w.returns;
      c.rounds++;
    }
    const level = this.level, pool = this.pools.get(level)!;
    const e = pool[this.rng.int(pool.length)];
    const st = stateFromTerms(this.ring, this.format, e.terms);
    return new FlipWalker(st, this.rng.int(2 ** 31), { ...this.opts.walk, targetRank: Math.max(this.opts.targetRank, level - 1), restartFlips: 0 });
  }
}
