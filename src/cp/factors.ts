/**
 * The float form of a rank-r decomposition T ≈ Σ_l u_l⊗v_l⊗w_l, shared by the numerical searches,
 * universal encoders and the STL fits. Factors are stored the way Scheme stores them, one row per
 * product: U is r×a row-major (U[l*a+α]), V r×b, W r×c. For STL encoders U = E_X, V = E_W and
 * W = Dᵀ (convert.ts).
 */
export interface Factors {
  U: Float64Array;
  V: Float64Array;
  W: Float64Array;
}

export function copyFactors(F: Factors): Factors {
  return { U: F.U.slice(), V: F.V.slice(), W: F.W.slice() };
}

export function copyFactorsInto(dst: Factors, src: Factors): void {
  dst.U.set(src.U);
  dst.V.set(src.V);
  dst.W.set(src.W);
}

/** prev + s·(cur − prev): the line-search step along the last sweep's direction. */
export function extrapolateFactors(prev: Factors, cur: Factors, s: number): Factors {
  const f = (p: Float64Array, c: Float64Array) => {
    const out = new Float64Array(c.length);
    for (let i = 0; i < c.length; i++) out[i] = p[i] + s * (c[i] - p[i]);
    return out;
  };
  return { U: f(prev.U, cur.U), V: f(prev.V, cur.V), W: f(prev.W, cur.W) };
}

/**
 * Line search after a sweep (Bro's extrapolation): try prev + s·(F − prev) with s = ∛(sweep + 1)
 * and keep it in F when it lowers the objective f. Alternating methods crawl through long swamps
 * in small steps along a nearly constant direction; stepping further along it cuts the sweeps
 * several-fold, and accepting only improvements keeps every sweep a descent. Returns f at the
 * point kept (fF: f(F), when the caller has it already).
 */
export function extrapolate(prev: Factors, F: Factors, sweep: number, f: (G: Factors) => number, fF: number = f(F)): number {
  const G = extrapolateFactors(prev, F, Math.cbrt(sweep + 1));
  const fG = f(G);
  if (fG < fF) {
    copyFactorsInto(F, G);
    return fG;
  }
  return fF;
}

/** Keep the first r products (rows of length d), or append zero products up to r. */
export function resizeFactors(F: Factors, d: number, r: number): Factors {
  const fit = (X: Float64Array) => {
    const out = new Float64Array(r * d);
    out.set(X.subarray(0, Math.min(X.length, r * d)));
    return out;
  };
  return { U: fit(F.U), V: fit(F.V), W: fit(F.W) };
}

/** ‖T̂‖_F² = Σ_{l,k} (UUᵀ)_{lk}(VVᵀ)_{lk}(WWᵀ)_{lk}. */
export function schemeNormSq(F: Factors, r: number, a: number, b: number, c: number): number {
  const dot = (X: Float64Array, d: number, l: number, k: number) => {
    let s = 0;
    for (let x = 0; x < d; x++) s += X[l * d + x] * X[k * d + x];
    return s;
  };
  let hat = 0;
  for (let l = 0; l < r; l++) {
    hat += dot(F.U, a, l, l) * dot(F.V, b, l, l) * dot(F.W, c, l, l);
    for (let k = 0; k < l; k++) hat += 2 * dot(F.U, a, l, k) * dot(F.V, b, l, k) * dot(F.W, c, l, k);
  }
  return hat;
}
