import type { Rng } from '../../util/rng.ts';

/**
 * The bookkeeping that every flip-graph walk shares, whatever its states are (plain schemes in
 * walk.ts, Z3 orbits in cyclic.ts): random flips with reductions, a plus transition after
 * `plateau` flips without a reduction, a return to the descent's best once the rank is maxUp above
 * it, and a new descent from the start after `restartFlips` flips without a new best. Subclasses
 * say how one plus transition is tried; every random choice comes from the walk's Rng, so a seed
 * fixes the walk and run(a) then run(b) is the same walk as run(a + b).
 */
export interface DescentOptions {
  /** Stop as soon as the rank is at most this. */
  targetRank: number;
  /** Flips without a reduction before a plus transition. */
  plateau: number;
  /** Plus transitions lift the rank to below (descent's best) + maxUp; beyond, back to that best. */
  maxUp: number;
  /** Flips without reductions right after a plus transition, to let the new terms move apart. */
  plusFlips: number;
  /** Flips without a new best in the current descent before a new descent from the start; 0 never. */
  restartFlips: number;
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

/** What the bookkeeping needs of a walk's state. */
export interface DescentState<Snap> {
  readonly rank: number;
  readonly g: { readonly flLen: number };
  randomFlip(rng: Rng, reduce?: boolean): number;
  reduceAll(): void;
  snapshot(): Snap;
  load(snap: Snap): void;
}

/** The part of a walk's JSON snapshot that the bookkeeping owns. */
export interface DescentSnapshot<Snap, O, C> {
  options: O;
  state: Snap;
  start: Snap;
  best: Snap;
  home: Snap;
  rng: number[];
  counters: C;
}

export abstract class DescentWalk<Snap, St extends DescentState<Snap>, O extends DescentOptions, C extends WalkCounters> {
  readonly state: St;
  readonly rng: Rng;
  readonly opts: O;
  readonly counters: C;
  protected readonly start: Snap;
  /** Best of the whole walk (lowest rank, first reached) and of the current descent. */
  protected best: Snap;
  protected home: Snap;

  protected constructor(state: St, rng: Rng, opts: O, extra: Omit<C, keyof WalkCounters>) {
    this.state = state;
    this.rng = rng;
    this.opts = opts;
    this.start = this.best = this.home = state.snapshot();
    const r = state.rank;
    this.counters = { flips: 0, sinceReduction: 0, sinceImprove: 0, homeRank: r, bestRank: r, reductions: 0, plusTransitions: 0, returns: 0, restarts: 0, ...extra } as C;
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

  /** Whether the state has room and material for a plus transition at all. */
  protected abstract canClimb(): boolean;

  /** One random attempt at a plus transition; false when it did not apply (another is drawn). */
  protected abstract tryPlus(): boolean;

  protected descentSnapshot(): DescentSnapshot<Snap, O, C> {
    const copy = structuredClone;
    return {
      options: { ...this.opts },
      state: this.state.snapshot(),
      start: copy(this.start),
      best: copy(this.best),
      home: copy(this.home),
      rng: this.rng.state(),
      counters: { ...this.counters },
    };
  }

  /** Continue from a snapshot; the walk was constructed from its start, Rng and options. */
  protected resumeFrom(snap: DescentSnapshot<Snap, O, C>): this {
    this.state.load(snap.state);
    this.best = structuredClone(snap.best);
    this.home = structuredClone(snap.home);
    Object.assign(this.counters, snap.counters);
    return this;
  }

  /** After a reduction: a new best of the descent, and maybe of the walk. */
  protected noteRank(): void {
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
    const st = this.state, c = this.counters;
    c.sinceReduction = 0;
    if (st.rank < c.homeRank + this.opts.maxUp && this.canClimb()) {
      // Random attempts (rejection: few tries suffice).
      for (let tries = 0; tries < 1000; tries++) {
        if (!this.tryPlus()) continue;
        c.plusTransitions++;
        for (let i = 0; i < this.opts.plusFlips; i++) st.randomFlip(this.rng, false);
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
}
