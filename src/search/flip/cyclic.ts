import type { Scheme } from '../../scheme/index.ts';
import { verifyScheme } from '../../verify/index.ts';
import { Rng } from '../../util/rng.ts';
import { CyclicState, type CyclicStateSnapshot } from './cyclic-state.ts';
import { DescentWalk, type DescentOptions, type DescentSnapshot, type WalkCounters } from './descent.ts';

/**
 * Flip-graph random walks restricted to Z3-invariant <n,n,n> schemes over Z2 (Moosbauer & Poole
 * 2025, "Flip graphs with symmetry"): the walk of FlipWalker on orbit representatives (see
 * cyclic-state.ts), with plus transitions of rank + 3 (an orbit split) and + 2 (a fixed term
 * opened into an orbit and flipped). The symmetric graph is about a third the size of the full
 * one, and every scheme on it is invariant by construction.
 */
export interface CyclicWalkOptions extends DescentOptions {
  /** Share of plus transitions that open a fixed term (rank + 2) rather than split an orbit. */
  fixedRate: number;
}

/**
 * Defaults (restartFlips: 15 000 × the start's rank) measured from the naive starts, median flips
 * to the target over seeds: <3,3,3>:23 47 k (30/30; with maxUp 7 instead of 22: 740 k; with
 * fixedRate 0: 3 M), <2,2,2>:7 0.9 M (plateau 50: 48 k), <4,4,4>:49 5 M (4/4 within 30 s; restartFlips
 * 400 k: 6.5 M, 3/3; maxUp 10–16 reached it in about half the runs). Plus transitions must be
 * able to climb far — + 3 per step — to leave the basins of the symmetric graph, which is small;
 * fixed-term transitions are what lets the number of fixed terms fall.
 */
export const DEFAULT_CYCLIC_WALK: Omit<CyclicWalkOptions, 'targetRank' | 'restartFlips'> = { plateau: 100, maxUp: 22, plusFlips: 0, fixedRate: 0.3 };

export interface CyclicCounters extends WalkCounters {
  /** Plus transitions that opened a fixed term. */
  fixedFlips: number;
}

/** A CyclicWalker's complete state, plain JSON: restoring it continues the walk flip for flip. */
export interface CyclicSnapshot extends DescentSnapshot<CyclicStateSnapshot, CyclicWalkOptions, CyclicCounters> {
  kind: 'stlkit-cyclic-walk';
  version: 1;
}

/**
 * One seeded walk: random orbit flips with reductions, plus transitions after `plateau` flips
 * without one, a return to the descent's best when maxUp above it, a new descent after
 * `restartFlips` without progress. run(a) then run(b) is the same walk as run(a + b).
 */
export class CyclicWalker extends DescentWalk<CyclicStateSnapshot, CyclicState, CyclicWalkOptions, CyclicCounters> {
  constructor(start: CyclicState, seed: number | Rng, opts: Partial<CyclicWalkOptions> = {}) {
    const given = Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined));
    super(start, typeof seed === 'number' ? new Rng(seed) : seed, { ...DEFAULT_CYCLIC_WALK, targetRank: 0, restartFlips: 15_000 * start.rank, ...given }, { fixedFlips: 0 });
  }

  /** The best state seen (lowest rank, first reached). */
  bestState(): CyclicState {
    return CyclicState.restore(this.best);
  }

  snapshot(): CyclicSnapshot {
    return { kind: 'stlkit-cyclic-walk', version: 1, ...this.descentSnapshot() };
  }

  static restore(snap: CyclicSnapshot): CyclicWalker {
    if (snap?.kind !== 'stlkit-cyclic-walk' || snap.version !== 1) throw new Error('not a cyclic flip-walk snapshot (version 1)');
    return new CyclicWalker(CyclicState.restore(snap.start), Rng.fromState(snap.rng), snap.options).resumeFrom(snap);
  }

  protected canClimb(): boolean {
    const st = this.state;
    return st.orbits < st.capacity && st.orbits >= 1;
  }

  /** Open a fixed term (share fixedRate) or split an orbit against another. */
  protected tryPlus(): boolean {
    const st = this.state, rng = this.rng;
    const dir = rng.int(2) as 0 | 1;
    if (st.fixed.length > 0 && rng.float() < this.opts.fixedRate) {
      const ok = this.fixedFlip(dir);
      if (ok) this.counters.fixedFlips++;
      return ok;
    }
    if (st.orbits < 2) return false;
    return st.plus(this.randomOrbit(), rng.int(3), this.randomOrbit(), rng.int(3), dir);
  }

  /** A random fixed term opened against a random orbit factor equal to it. */
  private fixedFlip(dir: 0 | 1): boolean {
    const st = this.state, g = st.g, i = this.rng.int(st.fixed.length);
    const grp = g.find(0, st.fixed[i], 0);
    if (grp < 0) return false;
    let y = g.gHead[grp];
    for (let j = this.rng.int(g.gSize[grp]); j > 0; j--) y = g.next[y];
    return st.fixedFlip(i, ((y >> 2) / 3) | 0, (y >> 2) % 3, dir);
  }

  private randomOrbit(): number {
    const st = this.state;
    for (;;) {
      const o = this.rng.int(st.capacity);
      if (st.alive[o]) return o;
    }
  }
}

export interface CyclicSearchOptions extends Partial<Omit<CyclicWalkOptions, 'targetRank'>> {
  n: number;
  targetRank: number;
  seed: number;
  /** Start (default: the naive algorithm). */
  start?: CyclicState;
  timeLimitMs?: number;
  maxFlips?: number;
  onProgress?: (p: { rank: number; bestRank: number; flips: number; ms: number }) => void;
  progressFlips?: number;
}

export interface CyclicSearchResult {
  /** A verified invariant scheme of rank ≤ targetRank, or null. */
  scheme: Scheme<number> | null;
  bestRank: number;
  best: CyclicState;
  flips: number;
  ms: number;
}

/** The expanded scheme of a cyclic state, verified exactly over Z2 (an internal error otherwise). */
export function verifiedCyclicScheme(st: CyclicState): Scheme<number> {
  const s = st.toScheme();
  const r = verifyScheme(s);
  if (r.kind !== 'exact' || !r.exact) throw new Error(`internal error: the cyclic walk left a scheme that does not verify (${st.orbits} orbits + ${st.fixed.length} fixed)`);
  return s;
}

/** One cyclic walker on this thread until the target rank, the flip budget or the time limit. */
export function cyclicSearch(opts: CyclicSearchOptions): CyclicSearchResult {
  const t0 = performance.now();
  const start = opts.start ?? CyclicState.naive(opts.n);
  const walk: Partial<CyclicWalkOptions> = { targetRank: opts.targetRank };
  for (const k of ['plateau', 'maxUp', 'plusFlips', 'restartFlips', 'fixedRate'] as const) if (opts[k] !== undefined) walk[k] = opts[k];
  const w = new CyclicWalker(start, opts.seed, walk);
  const maxFlips = opts.maxFlips ?? Infinity, timeLimit = opts.timeLimitMs ?? Infinity;
  const every = opts.progressFlips ?? 1_000_000, chunk = Math.min(every, 50_000);
  let lastBest = w.bestRank, nextReport = every;
  while (!w.done && w.flips < maxFlips && performance.now() - t0 < timeLimit) {
    w.run(Math.min(chunk, maxFlips - w.flips));
    if (opts.onProgress && (w.bestRank < lastBest || w.flips >= nextReport)) {
      opts.onProgress({ rank: w.rank, bestRank: w.bestRank, flips: w.flips, ms: performance.now() - t0 });
      lastBest = w.bestRank;
      while (nextReport <= w.flips) nextReport += every;
    }
  }
  const best = w.bestState();
  return { scheme: w.bestRank <= opts.targetRank ? verifiedCyclicScheme(best) : null, bestRank: w.bestRank, best, flips: w.flips, ms: performance.now() - t0 };
}
