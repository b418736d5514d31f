import { Rng } from '../../src/util/rng.ts';

/**
 * A TypeScript model of one walker of the generated flipwalk program (src/codegen/targets/
 * flipwalk-walk.ts), move for move: the same dense term array, the same draws from the same Rng
 * (xoshiro128** there and in src/util/rng.ts), the same trace lines. The test runs both for a seed
 * and compares the traces and the final states; any change to the walk on one side shows.
 * Factors of up to 31 bits (the formats the tests use).
 */
export interface ModelParams {
  target: number;
  plateau: number;
  maxUp: number;
  plusFlips: number;
  /** -1: 20000 × start rank. */
  restartFlips: number;
  cap: number;
}

const S1 = (s: number) => (s === 2 ? 0 : s + 1);
const S2 = (s: number) => (s === 0 ? 2 : s - 1);
const PICK_TRIES = 256;
const NO_FLIP = 1 << 20;

type Snap = { x: number[][]; rank: number };

export class ModelWalker {
  readonly x: number[][];
  rank: number;
  readonly rng: Rng;
  readonly c = { flips: 0, sinceReduction: 0, sinceImprove: 0, homeRank: 0, bestRank: 0, reductions: 0, plusTransitions: 0, returns: 0, restarts: 0 };
  private home: Snap;
  private readonly start: Snap;
  private readonly restartFlips: number;
  private w = [-1, -1, -1, -1];
  readonly trace: string[] = [];

  constructor(start: number[][], seed: number, readonly p: ModelParams, private readonly traceLimit = 0) {
    this.x = [0, 1, 2].map((s) => Array.from({ length: p.cap }, (_, t) => (t < start.length ? start[t][s] : 0)));
    this.rank = start.length;
    this.rng = new Rng(seed);
    this.reduceAll();
    this.start = this.snap();
    this.home = this.start;
    this.c.homeRank = this.c.bestRank = this.rank;
    this.restartFlips = p.restartFlips < 0 ? 20000 * this.rank : p.restartFlips;
  }

  /** Live terms as [a, b, c]. */
  terms(): number[][] {
    return Array.from({ length: this.rank }, (_, t) => [this.x[0][t], this.x[1][t], this.x[2][t]]);
  }

  private snap(): Snap {
    return { x: this.x.map((r) => r.slice()), rank: this.rank };
  }

  private load(s: Snap): void {
    for (let q = 0; q < 3; q++) for (let t = 0; t < s.rank; t++) this.x[q][t] = s.x[q][t];
    this.rank = s.rank;
  }

  private log(line: string): void {
    if (this.trace.length < this.traceLimit) this.trace.push(line);
  }

  private kill(t: number): void {
    const last = this.rank - 1;
    if (t !== last) for (let q = 0; q < 3; q++) this.x[q][t] = this.x[q][last];
    this.rank--;
    this.w = this.w.map((v) => (v === t ? -1 : v === last ? t : v));
  }

  private mergePartner(s: number, t: number): number {
    const x = this.x, v = x[s][t], y = x[S1(s)][t], z = x[S2(s)][t];
    for (let u = 0; u < this.rank; u++) if (u !== t && x[s][u] === v && (x[S1(s)][u] === y || x[S2(s)][u] === z)) return u;
    return -1;
  }

  private reduceAt(t: number, s: number): void {
    const x = this.x;
    for (;;) {
      if (x[s][t] === 0) return this.kill(t);
      let u = this.mergePartner(s, t);
      if (u < 0) return;
      const k = x[S1(s)][u] === x[S1(s)][t] ? S2(s) : S1(s);
      const v = (x[k][u] ^ x[k][t]) >>> 0;
      const last = this.rank - 1;
      this.kill(t);
      if (u === last) u = t;
      x[k][u] = v;
      t = u;
      s = k;
    }
  }

  private flip(s: number, t1: number, t2: number, reduce: boolean): number {
    const x = this.x, a = S1(s), b = S2(s), r0 = this.rank;
    x[a][t1] = (x[a][t1] ^ x[a][t2]) >>> 0;
    x[b][t2] = (x[b][t2] ^ x[b][t1]) >>> 0;
    if (reduce) {
      this.w[3] = t2;
      this.reduceAt(t1, a);
      if (this.w[3] >= 0) this.reduceAt(this.w[3], b);
    } else {
      this.w[3] = t1;
      if (x[b][t2] === 0) this.kill(t2);
      if (x[a][this.w[3]] === 0) this.kill(this.w[3]);
    }
    return this.rank - r0;
  }

  private randomFlip(reduce: boolean): number {
    const x = this.x;
    for (let tries = 0; tries < PICK_TRIES; tries++) {
      const node = this.rng.int(3 * this.rank), s = node % 3, t = Math.floor(node / 3);
      const members: number[] = [];
      for (let u = 0; u < this.rank; u++) if (x[s][u] === x[s][t]) members.push(u);
      const k = members.length;
      if (k < 2) continue;
      const others = members.filter((u) => u !== t);
      const u = others[k > 2 ? this.rng.int(k - 1) : 0];
      const d = this.flip(s, t, u, reduce);
      this.log(`flip ${s} ${t} ${u} ${this.rank}`);
      return d;
    }
    return NO_FLIP;
  }

  private plus(s: number, t1: number, t2: number, dir: number): boolean {
    const x = this.x;
    if (t1 === t2 || this.rank >= this.p.cap) return false;
    const x1 = x[s][t1], x2 = x[s][t2];
    if (x1 === x2) return false;
    const f = this.rank;
    for (let q = 0; q < 3; q++) x[q][f] = x[q][t1];
    x[s][f] = (x1 ^ x2) >>> 0;
    this.rank++;
    x[s][t1] = x2;
    this.w = [t1, t2, f, this.w[3]];
    if (dir === 0) this.flip(s, t1, t2, true);
    else this.flip(s, t2, t1, true);
    for (let i = 0; i < 9; i++) {
      const t = this.w[Math.floor(i / 3)];
      if (t >= 0) this.reduceAt(t, i % 3);
    }
    return true;
  }

  reduceAll(): void {
    let again = true;
    while (again) {
      again = false;
      for (let t = 0; t < this.rank; t++) {
        for (let q = 0; q < 3;) {
          const r0 = this.rank;
          this.w[3] = t;
          this.reduceAt(t, q);
          if (this.rank !== r0) again = true;
          if (this.w[3] === t) {
            q++;
            continue;
          }
          if (t >= this.rank) break;
          q = 0;
        }
      }
    }
  }

  private noteRank(): void {
    const c = this.c;
    if (this.rank >= c.homeRank) return;
    c.homeRank = this.rank;
    c.sinceImprove = 0;
    this.home = this.snap();
    if (this.rank < c.bestRank) c.bestRank = this.rank;
  }

  private escape(): void {
    const c = this.c, rng = this.rng;
    c.sinceReduction = 0;
    if (this.rank < c.homeRank + this.p.maxUp && this.rank < this.p.cap && this.rank >= 2) {
      for (let tries = 0; tries < 1000; tries++) {
        const s = rng.int(3), t1 = rng.int(this.rank), t2 = rng.int(this.rank), dir = rng.int(2);
        if (!this.plus(s, t1, t2, dir)) continue;
        this.log(`plus ${s} ${t1} ${t2} ${dir} ${this.rank}`);
        c.plusTransitions++;
        for (let i = 0; i < this.p.plusFlips; i++) this.randomFlip(false);
        c.flips += this.p.plusFlips;
        c.sinceImprove += this.p.plusFlips;
        this.reduceAll();
        this.noteRank();
        return;
      }
    }
    this.log(`return ${c.homeRank}`);
    c.returns++;
    this.load(this.home);
  }

  private restart(): void {
    const c = this.c;
    this.log(`restart ${this.start.rank}`);
    c.restarts++;
    c.sinceImprove = c.sinceReduction = 0;
    this.load(this.start);
    c.homeRank = this.rank;
    this.home = this.start;
  }

  run(maxFlips: number): void {
    const c = this.c;
    while (c.flips < maxFlips && this.rank > this.p.target) {
      if (this.restartFlips > 0 && c.sinceImprove >= this.restartFlips) this.restart();
      else if (c.sinceReduction >= this.p.plateau) this.escape();
      let d = this.randomFlip(true);
      if (d === NO_FLIP) {
        this.escape();
        d = 0;
      }
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
}
