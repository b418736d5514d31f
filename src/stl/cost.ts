import { ShapeError } from './matrix.ts';
import { tilesAlong } from './tiles.ts';

/**
 * The cost model of stl.md for one product X (M×N) · W (N×P) through STL(t, r). Work is counted on
 * the padded sizes M', N', P' (multiples of t), since that is what the kernels do; the dense
 * baseline is 2·M·N·P on the true sizes. A FLOP is one multiply or one add (a MAC is 2).
 */
export interface StlCostInput {
  M: number;
  N: number;
  P: number;
  t: number;
  r: number;
  /** Bytes per stored value for the byte counts: 4 for fp32 (default), 2 for bf16/fp16. */
  bytesPerValue?: number;
}

export interface StlCost {
  shape: { M: number; N: number; P: number; t: number; r: number };
  padded: { M: number; N: number; P: number };
  flops: {
    /** r batched GEMMs: 2·r·M'N'P'/t³. */
    core: number;
    /** Encode X: 2·r·M'N'. */
    encodeX: number;
    /** Encode W: 2·r·N'P', once, offline; not part of `online`. */
    encodeW: number;
    /** Decode: 2·r·M'P'. */
    decode: number;
    online: number;
    dense: number;
  };
  /** Values read plus written per stage when nothing is fused; `fused` never writes X̂ or Ẑ. */
  values: { encodeX: number; core: number; decode: number; unfused: number; fused: number; dense: number };
  bytes: { unfused: number; fused: number; dense: number };
  params: {
    /** Stored Ŵ: r·N'P'/t² instead of N·P. */
    encodedWeights: number;
    denseWeights: number;
    /** E_X and D, needed online (E_W only offline): 2·r·t². */
    encoders: number;
    /** encodedWeights / denseWeights (r/t² when t divides N and P). */
    ratio: number;
  };
  /** dense / STL: > 1 means STL does less. */
  ratio: { coreFlops: number; onlineFlops: number; fusedBytes: number; unfusedBytes: number };
}

export function stlCost(input: StlCostInput): StlCost {
  const { M, N, P, t, r } = input;
  const bpv = input.bytesPerValue ?? 4;
  for (const [k, v] of Object.entries({ M, N, P, t, r })) {
    if (!Number.isInteger(v) || v < 1) throw new ShapeError(`${k} must be a positive integer, got ${v}`);
  }
  if (!(bpv > 0)) throw new ShapeError(`bytes per value must be positive, got ${bpv}`);
  const [gm, gn, gp] = [tilesAlong(M, t), tilesAlong(N, t), tilesAlong(P, t)];
  const [Mp, Np, Pp] = [gm * t, gn * t, gp * t];
  const core = 2 * r * gm * gn * gp;
  const encodeX = 2 * r * Mp * Np, encodeW = 2 * r * Np * Pp, decode = 2 * r * Mp * Pp;
  const dense = 2 * M * N * P;
  const online = core + encodeX + decode;
  const [xh, wh, zh] = [r * gm * gn, r * gn * gp, r * gm * gp];
  const values = {
    encodeX: M * N + xh,
    core: xh + wh + zh,
    decode: zh + M * P,
    unfused: 0,
    fused: M * N + wh + M * P,
    dense: M * N + N * P + M * P,
  };
  values.unfused = values.encodeX + values.core + values.decode;
  const bytes = { unfused: values.unfused * bpv, fused: values.fused * bpv, dense: values.dense * bpv };
  return {
    shape: { M, N, P, t, r },
    padded: { M: Mp, N: Np, P: Pp },
    flops: { core, encodeX, encodeW, decode, online, dense },
    values,
    bytes,
    params: { encodedWeights: wh, denseWeights: N * P, encoders: 2 * r * t * t, ratio: wh / (N * P) },
    ratio: { coreFlops: dense / core, onlineFlops: dense / online, fusedBytes: values.dense / values.fused, unfusedBytes: values.dense / values.unfused },
  };
}
