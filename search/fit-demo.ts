/**
 * Data-aware encoders on LLM-like data: fit (E_X, E_W, D) of the universal <4,4,4> schemes of
 * rank 24 and 32 (search/universal-results/t4 and t4-c2) to synthetic activations and weights, hold
 * out the last of four sequences (a quarter of the activation rows; also a random quarter, and fits
 * on fewer rows), and write docs/data-aware.md with the isotropic and empirical errors (train and
 * held out) before and after.
 *
 *   node --import tsx search/fit-demo.ts [--sweeps N] [--regenerate] [--out docs/data-aware.md]
 *
 * There are no real model weights here, so the data are generated deterministically (seeded) with
 * the features reported for transformer activations and weights, and stored as float16 .npy in
 * search/data/ (acts.npy 1024×256, weights.npy 256×256; 640 KB) so that `stlkit fit` can be run
 * on them directly. The files are regenerated only when missing or with --regenerate; the fits
 * always read them back through the same reader as the CLI. An isotropic control (Gaussian X, W of
 * the same shapes, not stored) shows what a fit does where there is nothing to learn.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeNpy } from '../src/formats/npz/npy.ts';
import { loadScheme } from '../src/formats/registry.ts';
import { Rng } from '../src/util/rng.ts';
import { readMatrixFile } from '../src/stl/data.ts';
import { fitScheme, type FitOptions, type SchemeFit } from '../src/stl/fit.ts';
import { gaussianMatrix, matmul, type Matrix } from '../src/stl/matrix.ts';
import { writeFileAtomic } from '../src/util/atomic.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { sweeps: { type: 'string' }, regenerate: { type: 'boolean' }, out: { type: 'string' } } });
const SWEEPS = Number(values.sweeps ?? 150);
const OUT = resolve(ROOT, values.out ?? 'docs/data-aware.md');
const DATA = join(ROOT, 'search/data');
const M = 1024, N = 256, P = 256, SEED = 2025;

// ---------------------------------------------------------------------------------------------
// Synthetic transformer-like data.

/** A random orthogonal d×d matrix (modified Gram–Schmidt on Gaussian columns), row-major. */
function orthogonal(d: number, rng: Rng): Float64Array {
  const Q = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    const v = Array.from({ length: d }, () => rng.normal());
    for (let k = 0; k < c; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += Q[i * d + k] * v[i];
      for (let i = 0; i < d; i++) v[i] -= s * Q[i * d + k];
    }
    const nrm = Math.hypot(...v);
    for (let i = 0; i < d; i++) Q[i * d + c] = v[i] / nrm;
  }
  return Q;
}

/**
 * Activations X (tokens × channels), the input of a linear layer:
 *  - a low-rank signal with a decaying spectrum (σ_k = k^-0.7, 48 directions) whose token
 *    coefficients follow an AR(1) process along the sequence (ρ = 0.8: neighbouring tokens are
 *    alike), plus isotropic noise (relative 0.25);
 *  - a channel mean shared by all tokens (the large "DC" component of residual-stream activations);
 *  - 4 outlier channels with 6–10× the typical magnitude, present in every token (LLM.int8());
 *  - a per-token scale, log-normal (σ = 0.3).
 */
function activations(rng: Rng): Matrix {
  const k = 48, rho = 0.8;
  const B = orthogonal(N, rng);
  const sigma = Array.from({ length: k }, (_, j) => (j + 1) ** -0.7);
  const mu = Array.from({ length: N }, () => 0.6 * rng.normal());
  const scale = new Float64Array(N).fill(1);
  for (let o = 0; o < 4; o++) scale[rng.int(N)] = 6 + 4 * rng.float();
  const X = new Float64Array(M * N);
  const a = Array.from({ length: k }, () => rng.normal());
  let norm = 0;
  for (let j = 0; j < k; j++) norm += sigma[j] ** 2;
  const signal = Math.sqrt(N / norm);
  for (let m = 0; m < M; m++) {
    if (m % 256 === 0) for (let j = 0; j < k; j++) a[j] = rng.normal(); // a new sequence
    else for (let j = 0; j < k; j++) a[j] = rho * a[j] + Math.sqrt(1 - rho * rho) * rng.normal();
    const tok = Math.exp(0.3 * rng.normal());
    for (let c = 0; c < N; c++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += a[j] * sigma[j] * B[c * N + j];
      X[m * N + c] = tok * scale[c] * (signal * s + mu[c] + 0.25 * rng.normal());
    }
  }
  return { rows: M, cols: N, data: X };
}

/** Weights W (in × out) with a decaying spectrum: Q₁ diag(s) Q₂ᵀ, s_k = (1 + k/16)^-1, plus noise. */
function weights(rng: Rng): Matrix {
  const Q1 = orthogonal(N, rng), Q2 = orthogonal(P, rng);
  const W = new Float64Array(N * P);
  for (let i = 0; i < N; i++) for (let j = 0; j < P; j++) {
    let s = 0;
    for (let k = 0; k < Math.min(N, P); k++) s += Q1[i * N + k] * Q2[j * P + k] / (1 + k / 16);
    W[i * P + j] = s + 0.01 * rng.normal();
  }
  return { rows: N, cols: P, data: W };
}

/**
 * A 2-D float16 .npy (C order). The values go through float32 first (rounded twice, which now and
 * then differs from rounding once): that is how the committed search/data files were made.
 */
const npyF16 = (A: Matrix) => writeNpy({ dtype: 'f2', shape: [A.rows, A.cols], data: Float32Array.from(A.data) });

const xFile = join(DATA, 'acts.npy'), wFile = join(DATA, 'weights.npy');
if (values.regenerate || !existsSync(xFile) || !existsSync(wFile)) {
  mkdirSync(DATA, { recursive: true });
  const rng = new Rng(SEED);
  writeFileSync(xFile, npyF16(activations(rng)));
  writeFileSync(wFile, npyF16(weights(rng)));
  console.log(`wrote ${relative(ROOT, xFile)}, ${relative(ROOT, wFile)}`);
}

// ---------------------------------------------------------------------------------------------
// Fits.

interface Row { data: string; start: string; mode: string; lambda: number; fit: SchemeFit }
const X = readMatrixFile(xFile), W = readMatrixFile(wFile);
const GX = gaussianMatrix(M, N, 11), GW = gaussianMatrix(N, P, 12);
const starts = ['t4/r024.json', 't4/r032.json', 't4-c2/r024.json', 't4-c2/r032.json'];
const schemes = new Map(starts.map((f) => [f, loadScheme(join(ROOT, 'search/universal-results', f))]));
const FULL = 'E_X, E_W, D', FIXED = 'E_X, D (E_W fixed)';

function run(data: string, A: Matrix, B: Matrix, start: string, mode: string, opts: FitOptions): Row {
  const fit = fitScheme(schemes.get(start)!, A, B, { seed: 1, ...opts, fixedW: mode === FIXED });
  const row = { data, start, mode, lambda: opts.lambda ?? 0, fit };
  console.log(`${data.padEnd(9)} ${start.padEnd(16)} ${mode.padEnd(19)} λ ${String(row.lambda).padEnd(6)} rows ${String(fit.split.trainRows).padStart(4)}  iso ${f4(fit.isotropic.before.value)} → ${f4(fit.isotropic.after.value)}  train ${f4(fit.before.train)} → ${f4(fit.after.train)}  held-out ${f4(fit.before.heldOut)} → ${f4(fit.after.heldOut)}  (${fit.sweeps} sweeps, ${fit.stopped}, ${(fit.ms / 1000).toFixed(1)} s)`);
  return row;
}
const f4 = (x: number | null) => (x === null ? '–' : x.toFixed(4));

// 1. LLM-like data; the held-out rows are the last of the four sequences (a quarter of the rows).
const main: Row[] = [];
for (const start of starts) for (const mode of [FULL, FIXED]) main.push(run('LLM-like', X, W, start, mode, { sweeps: SWEEPS, holdout: 0.25, split: 'last' }));
// The same with a random quarter of the tile rows held out (neighbouring tokens on both sides).
const random = run('LLM-like', X, W, 't4-c2/r032.json', FULL, { sweeps: SWEEPS, holdout: 0.25, split: 'random' });
// 2. Gaussian control.
const control: Row[] = starts.map((start) => run('Gaussian', GX, GW, start, FULL, { sweeps: SWEEPS, holdout: 0.25, split: 'last' }));
// 3. Few rows: fit on the first 16, 64 or 256 rows, hold out the rest; ridge or not.
const small: Row[] = [];
for (const rows of [16, 64, 256]) for (const lambda of [0, 1e-4]) small.push(run('LLM-like', X, W, 't4-c2/r032.json', FULL, { sweeps: 60, holdout: 1 - rows / M, split: 'last', lambda }));

// ---------------------------------------------------------------------------------------------
// Report.

/** Share of ‖A‖_F² in its k heaviest columns. */
const columnShare = (A: Matrix, k: number) => {
  const col = new Float64Array(A.cols);
  for (let i = 0; i < A.rows; i++) for (let j = 0; j < A.cols; j++) col[j] += A.data[i * A.cols + j] ** 2;
  const sorted = [...col].sort((a, b) => b - a), total = sorted.reduce((a, b) => a + b, 0);
  return sorted.slice(0, k).reduce((a, b) => a + b, 0) / total;
};
const label = (r: Row) => `${r.start.replace('.json', '')} (r = ${r.fit.enc.r})`;
const head = '| data | start | fitted | isotropic before → after | train before → after | held-out before → after | sweeps |\n|---|---|---|---|---|---|---|';
const line = (r: Row) => `| ${r.data} | ${label(r)} | ${r.mode} | ${f4(r.fit.isotropic.before.value)} → ${f4(r.fit.isotropic.after.value)} | ${f4(r.fit.before.train)} → **${f4(r.fit.after.train)}** | ${f4(r.fit.before.heldOut)} → **${f4(r.fit.after.heldOut)}** | ${r.fit.sweeps} (${r.fit.stopped === 'sweeps' ? 'limit' : r.fit.stopped}) |`;
const Z = matmul(X, W);
const pick = (rows: Row[], start: string, mode = FULL, lambda = 0) => rows.find((r) => r.start === start && r.mode === mode && r.lambda === lambda)!;
const ratio = (r: Row, k: 'train' | 'heldOut') => (r.fit.before[k]! / r.fit.after[k]!).toFixed(1);
const range = (xs: number[], d = 4) => `${Math.min(...xs).toFixed(d)}–${Math.max(...xs).toFixed(d)}`;
/** The observations, with the numbers of this run. */
function findings(): string[] {
  const full = main.filter((r) => r.mode === FULL), fixed = main.filter((r) => r.mode === FIXED);
  const gap = (r: Row) => r.fit.after.heldOut! - r.fit.after.train;
  const share = (rf: Row, rx: Row) => (rx.fit.before.heldOut! - rx.fit.after.heldOut!) / (rf.fit.before.heldOut! - rf.fit.after.heldOut!);
  const a24 = pick(main, 't4/r024.json'), c32 = pick(main, 't4-c2/r032.json'), c24 = pick(main, 't4-c2/r024.json');
  const ridgeHurts = small.every((r) => r.lambda === 0 || r.fit.after.heldOut! > small.find((q) => q.lambda === 0 && q.fit.split.trainRows === r.fit.split.trainRows)!.fit.after.heldOut!);
  const s16 = small.filter((r) => r.fit.split.trainRows === 16), s64 = pick(small.filter((r) => r.fit.split.trainRows === 64), 't4-c2/r032.json');
  return [
    `- **The fit transfers.** Fitting all three factors divides the error on the unseen sequence by ${range(full.map((r) => r.fit.before.heldOut! / r.fit.after.heldOut!), 1)} (e.g. ${label(a24)}: ${f4(a24.fit.before.heldOut)} → ${f4(a24.fit.after.heldOut)}; ${label(c32)}: ${f4(c32.fit.before.heldOut)} → ${f4(c32.fit.after.heldOut)}); held-out and training errors differ by at most ${Math.max(...full.map((r) => Math.abs(gap(r)))).toFixed(3)}${full.every((r) => gap(r) < 0 && r.fit.before.heldOut! < r.fit.before.train) ? ' (the held-out sequence is the easier one, before fitting as well)' : ''}.`,
    (() => {
      const f24 = Math.min(...full.filter((r) => r.fit.enc.r === 24).map((r) => r.fit.after.heldOut!));
      const u32 = Math.min(...full.filter((r) => r.fit.enc.r === 32).map((r) => r.fit.before.heldOut!));
      return `- **Rank for rank:** the best fitted rank-24 encoders reach ${f4(f24)} held out, ${f24 < u32 ? 'below' : 'above'} the best universal rank-32 scheme on the same data (${f4(u32)}); fitted rank 32 reaches ${f4(Math.min(...full.filter((r) => r.fit.enc.r === 32).map((r) => r.fit.after.heldOut!)))}.`;
    })(),
    `- **Universal schemes rank differently on structured data.** ${label(a24)} (coefficients up to ~90) has an empirical error of ${f4(a24.fit.before.heldOut)}, well above its isotropic ${f4(a24.fit.isotropic.before.value)}, while ${label(c32)} does ${c32.fit.before.heldOut! < c32.fit.isotropic.before.value ? 'better' : 'worse'} than its isotropic error (${f4(c32.fit.before.heldOut)} vs ${f4(c32.fit.isotropic.before.value)}): the isotropic error alone does not tell which universal scheme suits a layer.`,
    `- **With E_W fixed** (weights encoded offline once, only E_X and D adapted) the fit keeps ${range(fixed.map((rx) => 100 * share(pick(main, rx.start), rx)), 0)} % of the full fit's held-out gain.`,
    `- **The price is isotropic error:** the fitted encoders are specialised, so their error on Gaussian data rises, a little at rank 32 (${label(c32)}: ${f4(c32.fit.isotropic.before.value)} → ${f4(c32.fit.isotropic.after.value)}) and a lot for the bounded rank-24 start (${f4(c24.fit.isotropic.before.value)} → ${f4(c24.fit.isotropic.after.value)}). A fitted encoder belongs to its layer's data.`,
    `- **Nothing to learn, nothing learnt:** on Gaussian data the held-out error after fitting stays within ${range(control.map((r) => Math.abs(r.fit.after.heldOut! - r.fit.isotropic.before.value)), 3)} of the universal isotropic error and the isotropic error moves by at most ${Math.max(...control.map((r) => Math.abs(r.fit.isotropic.after.value - r.fit.isotropic.before.value))).toFixed(4)}; the training error drops by ${range(control.map((r) => r.fit.before.train - r.fit.after.train), 3)} (fitting the sample, and the one W that the held-out rows share).`,
    `- **Rows needed:** fitted on 16 rows the encoders overfit (train ${f4(s16[0].fit.after.train)}, held out ${f4(s16[0].fit.after.heldOut)}, still below the start's ${f4(s16[0].fit.before.heldOut)}); 64 rows already give ${f4(s64.fit.after.heldOut)} held out. ${ridgeHurts ? 'The ridge, which pulls every factor towards 0, raises the held-out error at every size tried here; more rows are the remedy. (A pull towards the universal start rather than towards 0 would be the natural regulariser; it is not implemented.)' : 'The ridge lowers the held-out error at some sizes; see the table below.'}`,
  ];
}
const lines: string[] = [
  '# Data-aware encoders',
  '',
  'Generated by `node --import tsx search/fit-demo.ts` (about six minutes on one core); `stlkit fit` runs the same code on one pair of files, e.g.',
  '',
  '```sh',
  'npx stlkit fit --scheme search/universal-results/t4-c2/r032.json --data search/data/acts.npy search/data/weights.npy \\',
  '    --holdout 0.25 --split last -o fitted.json',
  '```',
  '',
  '## What is fitted, and how',
  '',
  'STL(t, r) with encoders E_X, E_W (r×t²) and decoder D (t²×r) is fitted to sample matrices X, W by minimising the empirical error ‖STL(X,W) − XW‖_F²/‖XW‖_F², starting from a universal scheme (one fitted to the isotropic error). With x_ij, w_jk the vectorised t×t tiles, every product of encoded grids is M_l[i,k] = u_lᵀ K_ik v_l with K_ik = Σ_j x_ij w_jkᵀ, and the exact tile (XW)_ik is linear in K_ik as well; so the error of any encoders is a quadratic form in vec K_ik, and its sum over all output tiles needs only the t⁴×t⁴ moment S = Σ_ik vec K_ik vec K_ikᵀ (one per padding class of tiles). S costs one pass over the data, O(MNP·t + MP·t⁶/2); after that the error and each exact ALS step (D: one r×r system per output position; E_X, E_W: one (r·t²)² system each) cost O(r·t⁸ + (r·t²)³), whatever the size of the data. The error is evaluated as Σ_γ e_γᵀ S e_γ from the residual tensor e = T̂ − T, which keeps full precision even for starts with coefficients near 100. See `src/stl/fit-moments.ts`, `src/stl/fit-als.ts`, `src/stl/fit.ts`.',
  '',
  'Errors are relative squared errors, as everywhere in stlkit: isotropic e = ‖T − T̂‖²/‖T‖² (the expected error on Gaussian data), empirical ‖STL(X,W) − XW‖_F²/‖XW‖_F² on the rows of X used for fitting (train) and on held-out rows (whole 4-row tiles of X that the fit never saw). Take square roots for relative Frobenius errors (0.1 ↔ 32 %). All empirical errors are those of the STL operator itself (`src/stl/operator.ts`), not of the moments. Held-out rows share W with the training rows: they measure transfer to new activations of the same layer, not to another layer.',
  '',
  '## Data',
  '',
  `- \`search/data/acts.npy\`: activations X, ${X.rows}×${X.cols}, float16: a rank-48 signal of unit variance per entry with a decaying spectrum (σ_k = k^-0.7) whose token coefficients follow an AR(1) process along 4 sequences of 256 tokens (ρ = 0.8), a channel mean shared by all tokens (entries 0.6·N(0, 1)), 4 outlier channels at 6–10× the typical magnitude (they hold ${(100 * columnShare(X, 4)).toFixed(0)} % of ‖X‖²), a log-normal per-token scale (σ = 0.3), i.i.d. noise 0.25·N(0, 1).`,
  `- \`search/data/weights.npy\`: weights W, ${W.rows}×${W.cols}, float16: Q₁ diag(1/(1 + k/16)) Q₂ᵀ with random orthogonal Q₁, Q₂, plus noise.`,
  `- Gaussian control: X ${M}×${N}, W ${N}×${P} with i.i.d. N(0, 1) entries (seeds 11 and 12), where the empirical error of any fixed scheme concentrates at its isotropic error.`,
  `- Generated deterministically by the script (seed ${SEED}); ‖XW‖_F = ${Math.sqrt(Z.data.reduce((a, b) => a + b * b, 0)).toPrecision(4)}. Starts: the universal <4,4,4> schemes of \`search/universal-results/\` (t4: unconstrained, coefficients up to ~90; t4-c2: |coefficient| ≤ 2 after balancing).`,
  '',
  `## Fits (t = 4; X: fit on the first ${main[0].fit.split.trainRows} rows, held out: the last sequence, ${main[0].fit.split.heldOutRows} rows)`,
  '',
  `ALS on the tile moments, at most ${SWEEPS} sweeps, λ = 0.`,
  '',
  head,
  ...main.map(line),
  '',
  `With a random quarter of the tile rows held out instead (seed 1; held-out tiles then sit between training tiles of the same sequences), ${label(random)}, ${random.mode}: train ${f4(random.fit.before.train)} → ${f4(random.fit.after.train)}, held-out ${f4(random.fit.before.heldOut)} → ${f4(random.fit.after.heldOut)}.`,
  '',
  '## Control: Gaussian data',
  '',
  head,
  ...control.map(line),
  '',
  '## Reading the numbers',
  '',
  ...findings(),
  '',
  '## Few rows, and the ridge',
  '',
  `${label(small[0])}, ${FULL}, fitted on the first 16, 64 or 256 rows of X (4, 16, 64 tile rows) and tested on all the rest; at most 60 sweeps. λ is the ridge on ‖E_X‖² + ‖E_W‖² + ‖D‖² added to the relative error.`,
  '',
  '| train rows | λ | isotropic after | train before → after | held-out before → after |',
  '|---|---|---|---|---|',
  ...small.map((r) => `| ${r.fit.split.trainRows} | ${r.lambda} | ${f4(r.fit.isotropic.after.value)} | ${f4(r.fit.before.train)} → ${f4(r.fit.after.train)} | ${f4(r.fit.before.heldOut)} → ${f4(r.fit.after.heldOut)} |`),
  '',
];
writeFileAtomic(OUT, lines.join('\n') + '\n');
console.log(`wrote ${relative(ROOT, OUT)}`);
