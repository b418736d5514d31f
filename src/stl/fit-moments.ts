import { ShapeError, type Matrix } from './matrix.ts';
import { tilesAlong } from './tiles.ts';

/**
 * Tile moments: the sufficient statistic of the empirical STL error.
 *
 * With n = t², x_ij = vec X_ij and w_jk = vec W_jk (row-major tiles, zero-padded as the operator
 * pads), the product of encoded grids is M_l[i,k] = Σ_j (u_l·x_ij)(v_l·w_jk) = u_lᵀ K_ik v_l with
 *
 *     K_ik = Σ_j x_ij w_jkᵀ        (n×n, one per output tile),
 *
 * and the exact tile (XW)_ik[a,c] = Σ_b K_ik[(a,b),(b,c)] is linear in K_ik too. So the squared error
 * Σ_ik ‖Σ_l d_l M_l[i,k] − (XW)_ik‖² of any encoders (u_l = E_X[l], v_l = E_W[l], d_l = D[:,l]) is a
 * quadratic function of vec K_ik, and its sum over tiles needs only
 *
 *     S = Σ_ik vec K_ik vec K_ikᵀ  (n²×n², index (p·n + q)·n² + p'·n + q'),
 *
 * from which R[pq, γ] = Σ_ik K_ik[p,q]·(XW)_ik[γ] = Σ_b S[pq, (a,b)(b,c)] and ‖XW‖² follow.
 * S costs one pass over the data (O(MNP·t) for the K_ik, O(MP·t⁶/2) for the symmetric sum); after
 * that every error evaluation and every ALS step is O(poly(t, r)), independent of the data size.
 *
 * The operator drops output entries that fall in the padding, so tiles are grouped in up to four
 * classes (interior, last tile row when t ∤ M, last tile column when t ∤ P, corner), each with its
 * own S and a 0/1 mask over the output positions γ = a·t + c that count.
 */
export interface MomentClass {
  /** Σ over the class's output tiles of vec K vec Kᵀ, n²×n² row-major (symmetric). */
  readonly S: Float64Array;
  /** mask[γ] = 1 when output position γ of the class's tiles lies inside XW. */
  readonly mask: Float64Array;
  readonly tiles: number;
}

export interface TileMoments {
  readonly t: number;
  /** t². */
  readonly n: number;
  readonly classes: MomentClass[];
  /** R[(p·n + q)·n + γ] = Σ_tiles K[p,q]·(XW)_tile[γ], summed over all classes. */
  readonly R: Float64Array;
  /** ‖XW‖_F² over the rows counted. */
  readonly zz: number;
  /** Rows of X counted (the tile rows chosen, partial last tile counted by its real rows). */
  readonly rows: number;
}

/** Largest t whose moments are formed (S has t⁸ entries: 134 MB per class at t = 8). */
export const MAX_MOMENT_TILE = 8;

/**
 * Moments of the product X·W over the tile rows `tileRows` of X (all when omitted): the train or
 * held-out part of a row split. Zero padding as in the operator (tiles.ts).
 */
export function tileMoments(X: Matrix, W: Matrix, t: number, tileRows?: readonly number[]): TileMoments {
  if (X.cols !== W.rows) throw new ShapeError(`cannot multiply ${X.rows}×${X.cols} by ${W.rows}×${W.cols}`);
  if (!Number.isInteger(t) || t < 1 || t > MAX_MOMENT_TILE) throw new ShapeError(`tile moments need 1 ≤ t ≤ ${MAX_MOMENT_TILE}, got t = ${t}`);
  const n = t * t, n2 = n * n;
  const gm = tilesAlong(X.rows, t), gn = tilesAlong(X.cols, t), gp = tilesAlong(W.cols, t);
  const rowsList = tileRows ?? Array.from({ length: gm }, (_, i) => i);
  // W tiles, [j][k][q]: for fixed j a contiguous row of length gp·n.
  const Wt = tileVectors(W, t, tilesAlong(W.rows, t), gp);
  const Xt = new Float64Array(gn * n);
  const Ki = new Float64Array(n * gp * n); // [p][k][q]
  const lastRow = X.rows - (gm - 1) * t, lastCol = W.cols - (gp - 1) * t;
  const acc = new Map<number, { S: Float64Array; tiles: number }>();
  const vecs = new Float64Array(4 * n2);
  let rows = 0;
  for (const i of rowsList) {
    if (!Number.isInteger(i) || i < 0 || i >= gm) throw new ShapeError(`tile row ${i} is outside 0..${gm - 1}`);
    rows += Math.min(t, X.rows - i * t);
    tileRowVectors(X, t, i, gn, Xt);
    Ki.fill(0);
    const width = gp * n;
    for (let j = 0; j < gn; j++) {
      const wj = j * width;
      for (let p = 0; p < n; p++) {
        const x = Xt[j * n + p];
        if (x === 0) continue;
        const kp = p * width;
        for (let z = 0; z < width; z++) Ki[kp + z] += x * Wt[wj + z];
      }
    }
    const rowPartial = i === gm - 1 && lastRow < t;
    // Interior columns first, then the partial last column (its own class), four vectors a time.
    const groups: [number, number, number][] = lastCol < t ? [[0, gp - 1, 0], [gp - 1, gp, 1]] : [[0, gp, 0]];
    for (const [k0, k1, colPartial] of groups) {
      if (k1 <= k0) continue;
      const key = (rowPartial ? 2 : 0) + colPartial;
      let a = acc.get(key);
      if (!a) acc.set(key, (a = { S: new Float64Array(n2 * n2), tiles: 0 }));
      a.tiles += k1 - k0;
      for (let k = k0; k < k1; k += 4) {
        const m = Math.min(4, k1 - k);
        for (let s = 0; s < m; s++) for (let p = 0; p < n; p++) for (let q = 0; q < n; q++) vecs[s * n2 + p * n + q] = Ki[p * width + (k + s) * n + q];
        syrkUpper(a.S, n2, vecs, m);
      }
    }
  }
  const classes: MomentClass[] = [];
  const R = new Float64Array(n2 * n);
  for (const key of [...acc.keys()].sort()) {
    const { S, tiles } = acc.get(key)!;
    mirrorUpper(S, n2);
    const ra = key & 2 ? lastRow : t, rc = key & 1 ? lastCol : t;
    const mask = new Float64Array(n);
    for (let a = 0; a < ra; a++) for (let c = 0; c < rc; c++) mask[a * t + c] = 1;
    classes.push({ S, mask, tiles });
    // R[pq, (a,c)] += Σ_b S[pq, (a,b)(b,c)].
    for (let pq = 0; pq < n2; pq++) {
      const row = pq * n2;
      for (let a = 0; a < t; a++) for (let c = 0; c < t; c++) {
        let s = 0;
        for (let b = 0; b < t; b++) s += S[row + (a * t + b) * n + b * t + c];
        R[pq * n + a * t + c] += s;
      }
    }
  }
  let zz = 0;
  for (let a = 0; a < t; a++) for (let c = 0; c < t; c++) for (let b = 0; b < t; b++) zz += R[((a * t + b) * n + b * t + c) * n + a * t + c];
  return { t, n, classes, R, zz, rows };
}

/** The same moments with S, R and ‖XW‖² divided by s (s = ‖XW‖² makes the error relative). */
export function scaleMoments(m: TileMoments, s: number): TileMoments {
  const f = s === 0 ? 1 : 1 / s;
  const mul = (x: Float64Array) => x.map((v) => v * f);
  return { ...m, classes: m.classes.map((c) => ({ ...c, S: mul(c.S) })), R: mul(m.R), zz: m.zz * f };
}

/** Tile vectors of a whole matrix, [i][k][q] (each tile row i a contiguous row of gc·n values). */
function tileVectors(A: Matrix, t: number, gr: number, gc: number): Float64Array {
  const n = t * t, out = new Float64Array(gr * gc * n);
  for (let i = 0; i < gr; i++) tileRowVectors(A, t, i, gc, out.subarray(i * gc * n, (i + 1) * gc * n));
  return out;
}

/** The tile vectors of tile row i, [k][q], zero past the edges. */
function tileRowVectors(A: Matrix, t: number, i: number, gc: number, out: Float64Array): void {
  const n = t * t;
  out.fill(0, 0, gc * n);
  for (let a = 0; a < t; a++) {
    const row = i * t + a;
    if (row >= A.rows) break;
    const base = row * A.cols;
    for (let col = 0; col < A.cols; col++) {
      const k = (col / t) | 0, b = col - k * t;
      out[k * n + a * t + b] = A.data[base + col];
    }
  }
}

/** Upper triangle of S += Σ_s v_s v_sᵀ for the m ≤ 4 vectors of length d stored in vecs. */
function syrkUpper(S: Float64Array, d: number, vecs: Float64Array, m: number): void {
  const o1 = d, o2 = 2 * d, o3 = 3 * d;
  if (m < 4) vecs.fill(0, m * d, 4 * d);
  for (let a = 0; a < d; a++) {
    const x0 = vecs[a], x1 = vecs[o1 + a], x2 = vecs[o2 + a], x3 = vecs[o3 + a];
    if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
    const row = a * d;
    for (let b = a; b < d; b++) S[row + b] += x0 * vecs[b] + x1 * vecs[o1 + b] + x2 * vecs[o2 + b] + x3 * vecs[o3 + b];
  }
}

function mirrorUpper(S: Float64Array, d: number): void {
  for (let a = 0; a < d; a++) for (let b = a + 1; b < d; b++) S[b * d + a] = S[a * d + b];
}

/**
 * Products l = 0..r−1 as φ_l = u_l ⊗ v_l (r×n²): the bilinear "probe" of each product on K,
 * M_l = φ_l · vec K.
 */
export function probes(U: Float64Array, V: Float64Array, r: number, n: number): Float64Array {
  const phi = new Float64Array(r * n * n);
  for (let l = 0; l < r; l++) for (let p = 0; p < n; p++) {
    const u = U[l * n + p], o = (l * n + p) * n;
    for (let q = 0; q < n; q++) phi[o + q] = u * V[l * n + q];
  }
  return phi;
}

/** G[l,l'] = φ_lᵀ S φ_l' = Σ_tiles M_l M_l' for one class (r×r). */
export function gramOfClass(S: Float64Array, phi: Float64Array, r: number, n2: number): Float64Array {
  const G = new Float64Array(r * r), y = new Float64Array(n2);
  for (let l = 0; l < r; l++) {
    y.fill(0);
    const pl = l * n2;
    for (let a = 0; a < n2; a++) {
      const f = phi[pl + a];
      if (f === 0) continue;
      const row = a * n2;
      for (let b = 0; b < n2; b++) y[b] += f * S[row + b];
    }
    for (let k = 0; k <= l; k++) {
      let s = 0;
      const pk = k * n2;
      for (let b = 0; b < n2; b++) s += y[b] * phi[pk + b];
      G[l * r + k] = s;
      G[k * r + l] = s;
    }
  }
  return G;
}

/** C[l, γ] = φ_l · R[:, γ] = Σ_tiles M_l·(XW)_tile[γ] (r×n). */
export function crossTerms(R: Float64Array, phi: Float64Array, r: number, n: number): Float64Array {
  const n2 = n * n, C = new Float64Array(r * n);
  for (let l = 0; l < r; l++) for (let pq = 0; pq < n2; pq++) {
    const f = phi[l * n2 + pq];
    if (f === 0) continue;
    for (let g = 0; g < n; g++) C[l * n + g] += f * R[pq * n + g];
  }
  return C;
}

/** Ω[l,l'] = Σ_γ mask[γ]·d_l[γ]·d_l'[γ] for decoder rows d_l (Dr is r×n). */
export function decoderGram(Dr: Float64Array, mask: Float64Array, r: number, n: number): Float64Array {
  const O = new Float64Array(r * r);
  for (let l = 0; l < r; l++) for (let k = 0; k <= l; k++) {
    let s = 0;
    for (let g = 0; g < n; g++) s += mask[g] * Dr[l * n + g] * Dr[k * n + g];
    O[l * r + k] = s;
    O[k * r + l] = s;
  }
  return O;
}

/**
 * The residual tensor of the encoders as n rows (one per output position γ) of length n²:
 * E[γ][p·n + q] = Σ_l d_l[γ] u_l[p] v_l[q] − T[p,q,γ], T the <t,t,t> tensor ((a,b),(b,c),(a,c)).
 */
export function residualRows(U: Float64Array, V: Float64Array, Dr: Float64Array, r: number, t: number): Float64Array {
  const n = t * t, n2 = n * n;
  const E = new Float64Array(n * n2);
  for (let l = 0; l < r; l++) for (let g = 0; g < n; g++) {
    const d = Dr[l * n + g];
    if (d === 0) continue;
    for (let p = 0; p < n; p++) {
      const du = d * U[l * n + p];
      if (du === 0) continue;
      const o = g * n2 + p * n;
      for (let q = 0; q < n; q++) E[o + q] += du * V[l * n + q];
    }
  }
  for (let a = 0; a < t; a++) for (let c = 0; c < t; c++) for (let b = 0; b < t; b++) E[(a * t + c) * n2 + (a * t + b) * n + b * t + c] -= 1;
  return E;
}

/**
 * Σ_tiles ‖Σ_l d_l M_l − (XW)_tile‖² (over the counted output positions) for encoders given as
 * rows: U = E_X, V = E_W (r×n), Dr = Dᵀ (r×n); divided by m.zz it is the empirical error. Formed
 * as Σ_c Σ_γ mask_c[γ]·e_γᵀ S_c e_γ from the residual tensor e (not as ‖T̂‖² − 2⟨T,T̂⟩ + ‖T‖², which
 * loses everything to cancellation for schemes with large coefficients): O(r·t⁶ + t¹⁰).
 */
export function momentLoss(m: TileMoments, U: Float64Array, V: Float64Array, Dr: Float64Array, r: number): number {
  const { n, t } = m;
  const n2 = n * n;
  const E = residualRows(U, V, Dr, r, t);
  const y = new Float64Array(n2);
  let loss = 0;
  for (const c of m.classes) for (let g = 0; g < n; g++) {
    if (!c.mask[g]) continue;
    const e = E.subarray(g * n2, (g + 1) * n2);
    y.fill(0);
    for (let a = 0; a < n2; a++) {
      const x = e[a];
      if (x === 0) continue;
      const row = a * n2;
      for (let b = 0; b < n2; b++) y[b] += x * c.S[row + b];
    }
    let s = 0;
    for (let b = 0; b < n2; b++) s += y[b] * e[b];
    loss += s;
  }
  return Math.max(0, loss);
}
