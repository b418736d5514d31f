import { floatLiteral, linearCombination, type CodegenOperator } from '../operator.ts';

/**
 * Pieces of the generated Triton module that are plain Python or straight-line Triton code
 * depending on the scheme: coefficient tables, the baked linear combinations of the encode and
 * decode kernels, and the (de)interleaving trees that turn t strided tiles into one contiguous row.
 */

const pyLit = (x: number) => floatLiteral(x);

/** A Python list-of-lists literal, one row per line. */
export function pyMatrix(M: readonly (readonly number[])[], indent = '    '): string {
  return `[\n${M.map((row) => `${indent}[${row.map(pyLit).join(', ')}],`).join('\n')}\n]`;
}

/** Tile position q = (a, b) of a t×t tile, row-major. */
export const tilePos = (t: number, q: number) => [Math.floor(q / t), q % t] as const;

/**
 * Triton lines that load the t² entries of each tile of a (BI × BJ) block of tile positions into
 * x0..x{t²-1} (float32). With `split`, each of the t rows of the block is loaded contiguously
 * (BI × t·BJ) and de-interleaved by a tree of tl.split (t a power of 2); otherwise each entry is a
 * strided load (stride t), which the L1 cache turns into full-line traffic.
 */
export function loadTiles(op: CodegenOperator, split: boolean, indent: string): string[] {
  const { t } = op;
  const out: string[] = [];
  if (!split) {
    for (let q = 0; q < t * t; q++) {
      const [a, b] = tilePos(t, q);
      out.push(`x${q} = tl.load(src + ${a} * ld + ${b}, mask=mask, other=0.0).to(tl.float32)`);
    }
    return out.map((l) => indent + l);
  }
  for (let a = 0; a < t; a++) {
    out.push(`row = tl.load(src_row + ${a} * ld, mask=mask_row, other=0.0).to(tl.float32)  # (BI, ${t}·BJ)`);
    out.push(...deinterleave(t, 'row', (b) => `x${a * t + b}`, 'BI', 'BJ'));
  }
  return out.map((l) => indent + l);
}

/**
 * De-interleave a (BI, n·BJ) tensor `src` into n tensors (BI, BJ): column n·j + b → name(b).
 * Recursive halving: reshape to (BI, n/2·BJ, 2) and tl.split gives the even and odd columns.
 */
function deinterleave(n: number, src: string, name: (b: number) => string, BI: string, BJ: string): string[] {
  if (n === 1) return [`${name(0)} = ${src}`];
  const even = `${src}_e`, odd = `${src}_o`;
  const lines = [`${even}, ${odd} = tl.split(tl.reshape(${src}, (${BI}, ${n / 2} * ${BJ}, 2)))`];
  lines.push(...deinterleave(n / 2, even, (b) => name(2 * b), BI, BJ));
  lines.push(...deinterleave(n / 2, odd, (b) => name(2 * b + 1), BI, BJ));
  return lines;
}

/**
 * Interleave n tensors (BI, BJ) named name(0..n-1) into one (BI, n·BJ): column n·j + b ← name(b).
 * Inverse of deinterleave: tl.join(even, odd) is (BI, n/2·BJ, 2), reshaped to (BI, n·BJ).
 * Returns the lines and the expression holding the result.
 */
export function interleave(n: number, name: (b: number) => string, BI: string, BJ: string, tag: string): { lines: string[]; expr: string } {
  if (n === 1) return { lines: [], expr: name(0) };
  const e = interleave(n / 2, (b) => name(2 * b), BI, BJ, `${tag}e`);
  const o = interleave(n / 2, (b) => name(2 * b + 1), BI, BJ, `${tag}o`);
  const v = `il_${tag}`;
  return { lines: [...e.lines, ...o.lines, `${v} = tl.reshape(tl.join(${e.expr}, ${o.expr}), (${BI}, ${n} * ${BJ}))`], expr: v };
}

/** t is a power of two (the interleaving trees need it). */
export const powerOfTwo = (t: number) => t >= 1 && (t & (t - 1)) === 0;

/** Encode lines: for each product l, store Σ_q E[l, q]·x_q into plane l. */
export function encodeStores(E: readonly (readonly number[])[], indent: string): string[] {
  const names = E[0].map((_, q) => `x${q}`);
  return E.map((row, l) => `${indent}tl.store(dst + ${l} * plane, (${linearCombination(row, names, pyLit, 'zero')}).to(dst.dtype.element_ty), mask=mask)`);
}

/**
 * Decode lines: load product l once, add D[q, l]·y into z_q for every q with a nonzero
 * coefficient. Keeps t² + 1 tensors live however large r is.
 */
export function decodeAccumulate(op: CodegenOperator, indent: string): string[] {
  const t2 = op.t * op.t;
  const lines = Array.from({ length: t2 }, (_, q) => `z${q} = zero`);
  for (let l = 0; l < op.r; l++) {
    const uses = op.D.map((row, q) => [q, row[l]] as const).filter(([, c]) => c !== 0);
    if (uses.length === 0) continue;
    lines.push(`y = tl.load(src + ${l} * plane, mask=mask, other=0.0).to(tl.float32)`);
    for (const [q, c] of uses) lines.push(c === 1 ? `z${q} += y` : c === -1 ? `z${q} -= y` : `z${q} += ${pyLit(c)} * y`);
  }
  return lines.map((l) => indent + l);
}

/**
 * Store z0..z{t²-1} (each BI × BJ, tile position (a, b) = (q / t, q % t)) to row-major Z.
 * With `joined`, each output row a is assembled by the interleave tree and stored contiguously;
 * otherwise each z_q is a strided store (stride t along a row).
 */
export function storeTiles(t: number, joined: boolean, indent: string, BI: string, BJ: string): string[] {
  const out: string[] = [];
  if (!joined) {
    for (let q = 0; q < t * t; q++) {
      const [a, b] = tilePos(t, q);
      out.push(`tl.store(out + ${a} * ldz + ${b}, z${q}.to(out.dtype.element_ty), mask=omask)`);
    }
    return out.map((l) => indent + l);
  }
  for (let a = 0; a < t; a++) {
    const il = interleave(t, (b) => `z${a * t + b}`, BI, BJ, `r${a}_`);
    out.push(...il.lines);
    out.push(`tl.store(out_row + ${a} * ldz, ${il.expr}.to(out_row.dtype.element_ty), mask=omask_row)`);
  }
  return out.map((l) => indent + l);
}

/** The fused kernel's fold: z_q += D[q, l]·acc for every q, with D read from memory (runtime l). */
export function foldLines(t2: number, indent: string): string[] {
  const out: string[] = [];
  for (let q = 0; q < t2; q++) out.push(`z${q} += tl.load(Dp + ${q} * R + l) * acc`);
  return out.map((l) => indent + l);
}
