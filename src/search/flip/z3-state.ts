import { makeScheme, type Scheme } from '../../scheme/index.ts';
import { SignedFlipState, type SignedRing } from './signed-state.ts';

/**
 * Flips over Z3: coefficients in {−1, 0, 1} read mod 3 (−1 = 2). Every sum exists (1 + 1 = −1), so
 * no flip is refused; the scheme is exact over Z3 only.
 */
export class Z3State extends SignedFlipState {
  readonly ring: SignedRing = 'Z3';

  protected sum(p1: number, n1: number, p2: number, n2: number): boolean {
    const z1 = ~(p1 | n1), z2 = ~(p2 | n2);
    // Entry-wise: x + 0 = x, 1 + 1 = −1, −1 + −1 = 1, 1 + −1 = 0.
    this.sp = (p1 & z2) | (p2 & z1) | (n1 & n2);
    this.sn = (n1 & z2) | (n2 & z1) | (p1 & p2);
    return true;
  }

  toScheme(): Scheme<number> {
    const { U, V, W } = this.rows();
    const z3 = (M: number[][]) => M.map((r) => r.map((x) => (x + 3) % 3));
    const [n, m, p] = this.format;
    return makeScheme({ fieldTag: 'Z3', target: { kind: 'matmul', format: [n, m, p] }, U: z3(U), V: z3(V), W: z3(W), meta: { source: 'flip-graph walk over Z3' } });
  }
}
