import { Fraction, Q } from '../../field/index.ts';
import { makeScheme, type Scheme } from '../../scheme/index.ts';
import { SignedFlipState, type SignedRing } from './signed-state.ts';

/**
 * Flips over ZT: integer schemes whose coefficients stay in {−1, 0, 1}. Sums are taken over Z and a
 * sum with an entry ±2 is refused, so every state is an exact scheme over Z as it stands: no
 * lifting, and none of its failures.
 */
export class ZTState extends SignedFlipState {
  readonly ring: SignedRing = 'ZT';

  protected sum(p1: number, n1: number, p2: number, n2: number): boolean {
    if ((p1 & p2) | (n1 & n2)) return false;
    this.sp = (p1 & ~n2) | (p2 & ~n1);
    this.sn = (n1 & ~p2) | (n2 & ~p1);
    return true;
  }

  toScheme(): Scheme<Fraction> {
    const { U, V, W } = this.rows();
    const q = (M: number[][]) => M.map((r) => r.map((x) => new Fraction(x)));
    const [n, m, p] = this.format;
    return makeScheme({ field: Q, fieldTag: 'Z', target: { kind: 'matmul', format: [n, m, p] }, U: q(U), V: q(V), W: q(W), meta: { source: 'flip-graph walk over ZT' } });
  }
}
