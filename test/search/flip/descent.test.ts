import { describe, expect, it } from 'vitest';
import { DescentWalk, type DescentOptions, type DescentState, type WalkCounters } from '../../../src/search/flip/descent.ts';
import { Rng } from '../../../src/util/rng.ts';

/** A toy state: only a rank; a flip reduces it with probability 1/50 (never below 1). */
class Toy implements DescentState<number> {
  rank: number;
  readonly g = { flLen: 1 };
  constructor(rank: number) {
    this.rank = rank;
  }
  randomFlip(rng: Rng): number {
    if (rng.int(50) === 0 && this.rank > 1) {
      this.rank--;
      return -1;
    }
    return 0;
  }
  reduceAll(): void {}
  snapshot(): number {
    return this.rank;
  }
  load(s: number): void {
    this.rank = s;
  }
}

class ToyWalk extends DescentWalk<number, Toy, DescentOptions, WalkCounters> {
  /** rank − homeRank at each plus transition, to check the maxUp ceiling. */
  readonly climbs: number[] = [];
  constructor(seed: number, opts: Partial<DescentOptions>) {
    super(new Toy(20), new Rng(seed), { targetRank: 0, plateau: 30, maxUp: 3, plusFlips: 0, restartFlips: 0, ...opts }, {});
  }
  protected canClimb(): boolean {
    return true;
  }
  protected tryPlus(): boolean {
    this.climbs.push(this.state.rank - this.counters.homeRank);
    this.state.rank++;
    return true;
  }
  snap() {
    return this.descentSnapshot();
  }
  static from(s: ReturnType<ToyWalk['snap']>): ToyWalk {
    return new ToyWalk(1, s.options).resumeFrom(s);
  }
}

describe('DescentWalk', () => {
  it('climbs after a plateau, never past maxUp above the descent best, and returns to it', () => {
    const w = new ToyWalk(1, { targetRank: 2 });
    w.run(200_000);
    const c = w.counters;
    expect(c.plusTransitions).toBeGreaterThan(0);
    expect(c.returns).toBeGreaterThan(0);
    expect(Math.max(...w.climbs)).toBeLessThan(3);
    expect(c.bestRank).toBeLessThanOrEqual(c.homeRank);
    expect(w.done).toBe(true);
  });

  it('restarts from the start after restartFlips without a new best', () => {
    // The toy cannot go below rank 1, so target 0 is never reached and descents must restart.
    const w = new ToyWalk(2, { targetRank: 0, restartFlips: 500, plateau: 10_000 });
    w.run(20_000);
    expect(w.counters.bestRank).toBe(1);
    expect(w.counters.restarts).toBeGreaterThan(3);
    // A restart resets the descent: its best rank is then the start's until it improves.
    expect(w.counters.homeRank).toBeGreaterThanOrEqual(w.counters.bestRank);
  });

  it('run(a) then run(b) is run(a + b), also across a snapshot and JSON', () => {
    const a = new ToyWalk(3, { targetRank: 1, restartFlips: 2_000 });
    a.run(5_000);
    const b = ToyWalk.from(JSON.parse(JSON.stringify(a.snap())));
    a.run(7_000);
    b.run(7_000);
    const c = new ToyWalk(3, { targetRank: 1, restartFlips: 2_000 });
    c.run(12_000);
    expect(b.counters).toEqual(a.counters);
    expect(c.counters).toEqual(a.counters);
    expect([b.rank, c.rank]).toEqual([a.rank, a.rank]);
  });
});
