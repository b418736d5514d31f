import { fp8ModelError } from '../../stl/fp8.ts';
import type { CodegenOperator } from '../operator.ts';

/**
 * The FP8-product variant of the Triton module (`stlkit codegen triton --product-dtype fp8-e4m3`):
 * X̂ and Ŵ quantised per product to float8_e4m3fn (a scale maps each product's amax to 448, as
 * src/stl/fp8.ts models it), the r GEMMs on FP8 operands with fp32 accumulation, the scales applied
 * to each product's accumulator, Z (and Ẑ in the unfused path) in bf16. Two paths: r calls of
 * torch._scaled_mm (cuBLAS FP8) between the Triton encode and decode, and the decode-fused Triton
 * kernel on FP8 operands (`_fused_fp8_kernel`, the bf16 kernel with the scale in its epilogue).
 * Ŵ is stored per product as P/t × N/t (column-major as a K×N operand): the layout torch._scaled_mm
 * needs for its second operand and the one FP8 tl.dot wants on Hopper.
 */
export function fp8Section(op: CodegenOperator): string {
  const flat = (m: number[][]) => Float64Array.from(m.flat());
  const model = fp8ModelError({ t: op.t, EX: flat(op.EX), EW: flat(op.EW), D: flat(op.D) }, 'fp8-e4m3');
  return `# ---------------------------------------------------------------- FP8 products -------------------
PRODUCT_DTYPE = "fp8-e4m3"
FP8_MAX = 448.0  # largest finite float8_e4m3fn (no infinity: the cast below saturates first)
# Rounding error of the FP8 products against the float64 operator by the model (per-product
# scales; stlkit error --dtype fp8-e4m3 also simulates it): not a measurement.
FP8_MODEL_ERROR = ${Number.isFinite(model) ? model : 'float("inf")'}


def quantize_fp8(Ah):
    """(q, inv): Ah (r, a, b) scaled per product so that its amax is FP8_MAX, rounded to float8_e4m3fn
    (nearest even); inv (r,) float32 = 1/scale, what the product is multiplied by after the GEMM."""
    A = Ah.float()
    amax = A.abs().amax(dim=(1, 2)).clamp(min=torch.finfo(torch.float32).tiny)
    scale = FP8_MAX / amax
    q = (A * scale[:, None, None]).clamp(-FP8_MAX, FP8_MAX).to(torch.float8_e4m3fn)
    return q.contiguous(), (1.0 / scale).contiguous()


def encode_weights_fp8(W):
    """Offline: (Ŵq, inv) with Ŵq (r, P/t, N/t) float8_e4m3fn, each plane the transpose of Ŵ_l."""
    q, inv = quantize_fp8(encode_weights(W, torch.float32))
    return q.transpose(1, 2).contiguous(), inv


def encode_x_fp8(X, split=True):
    """(X̂q, inv): the Triton encode in X's dtype, then per-product quantisation in torch (not yet fused)."""
    return quantize_fp8(encode_x(X, split=split))


def stl_fp8_unfused(X, Wq, w_inv, out_dtype=torch.bfloat16, split=True, joined=True):
    """Triton encode, FP8 quantisation, r torch._scaled_mm (fp32 accumulate, Ẑ in out_dtype), Triton decode."""
    Xq, x_inv = encode_x_fp8(X, split=split)
    GM, GP = Xq.shape[1], Wq.shape[1]
    Zh = torch.empty((R, GM, GP), dtype=out_dtype, device=X.device)
    for l in range(R):
        Zh[l] = torch._scaled_mm(Xq[l], Wq[l].t(), scale_a=x_inv[l], scale_b=w_inv[l], out_dtype=out_dtype)
    return decode(Zh, joined=joined)


def fused_gemm_fp8(Xq, x_inv, Wq, w_inv, out=None, config=None, out_dtype=torch.bfloat16):
    """Row-major Z (M, P) = decode(Σ_l scale_l·X̂q_l Ŵq_l) without writing Ẑ; config as for fused_gemm."""
    cfg = dict(FUSED_CONFIGS[0])
    cfg.update(config or {})
    cfg.setdefault("JOINED", True)
    assert Xq.shape[0] == R and Wq.shape[0] == R and Xq.shape[2] == Wq.shape[2]
    _, GM, GN = Xq.shape
    GP = Wq.shape[1]
    out = torch.empty((GM * T, GP * T), dtype=out_dtype, device=Xq.device) if out is None else out
    BM, BN, BK = cfg["BM"], cfg["BN"], cfg["BK"]
    even = GM % BM == 0 and GN % BK == 0 and GP % BN == 0
    grid = (triton.cdiv(GM, BM) * triton.cdiv(GP, BN),)
    _fused_fp8_kernel[grid](Xq, Wq, x_inv, w_inv, decoder_tensor(Xq.device), out, GM, GN, GP, R, out.stride(0),
                            BM=BM, BN=BN, BK=BK, GROUP_M=cfg.get("GROUP_M", 8),
                            FLAT=bool(cfg.get("FLAT", False)), JOINED=bool(cfg.get("JOINED", False)) and INTERLEAVE_OK,
                            EVEN=even, FOLD=bool(cfg.get("FOLD", True)), num_warps=cfg["num_warps"], num_stages=cfg["num_stages"])
    return out


def stl_fp8_fused(X, Wq, w_inv, config=None, split=True):
    """Triton encode, FP8 quantisation, then the decode-fused FP8 GEMM (X encode and decode included)."""
    Xq, x_inv = encode_x_fp8(X, split=split)
    return fused_gemm_fp8(Xq, x_inv, Wq, w_inv, config=config)
`;
}
