import { R } from '../../src/field/index.ts';
import { builtinScheme } from '../../src/library/builtin.ts';
import { changeBasis, changeField, makeScheme, type Scheme } from '../../src/scheme/index.ts';
import { Rng } from '../../src/util/rng.ts';

/** A random orthogonal n×n matrix (Gram–Schmidt on Gaussian columns). */
export function randomOrthogonal(n: number, rng: Rng): number[][] {
  const cols: number[][] = [];
  while (cols.length < n) {
    const v = Array.from({ length: n }, () => rng.normal());
    for (const c of cols) {
      const d = c.reduce((s, x, i) => s + x * v[i], 0);
      for (let i = 0; i < n; i++) v[i] -= d * c[i];
    }
    const nrm = Math.hypot(...v);
    if (nrm > 1e-6) cols.push(v.map((x) => x / nrm));
  }
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i]));
}

/**
 * A float rank-r scheme for <t,t,t>: r of the naive products, rotated by random orthogonal
 * (P, Q, R). Orthogonal basis changes are isometries fixing <t,t,t>, so its isotropic error stays
 * (t³ − r)/t³ exactly while every coefficient becomes a generic float.
 */
export function rotatedNaive(t: number, r: number, seed: number): Scheme<number> {
  const naive = changeField(builtinScheme(`naive-${t}x${t}x${t}`), 'R') as Scheme<number>;
  const keep = makeScheme({ field: R, fieldTag: 'R', target: naive.target, U: naive.U.slice(0, r).map((x) => [...x]), V: naive.V.slice(0, r).map((x) => [...x]), W: naive.W.slice(0, r).map((x) => [...x]), meta: { name: `naive-${t}-keep-${r}-rotated` } });
  const rng = new Rng(seed);
  return changeBasis(keep, randomOrthogonal(t, rng), randomOrthogonal(t, rng), randomOrthogonal(t, rng));
}

/** An exact rational scheme minus some of its products: an approximate scheme with exact error. */
export function dropProducts(name: string, drop: number[]): Scheme<unknown> {
  const s = builtinScheme(name);
  const keep = (M: readonly (readonly unknown[])[]) => M.filter((_, l) => !drop.includes(l)).map((x) => [...x]);
  return makeScheme({ field: s.field, fieldTag: s.fieldTag, target: s.target, U: keep(s.U), V: keep(s.V), W: keep(s.W), meta: { name: `${name}-minus-${drop.join('-')}` } });
}
