"""FP8 entries of the GPU harness (run_all.py): the plain FP8 GEMM peer (torch._scaled_mm with
per-tensor scales) and the STL kernels with FP8 products (modules generated with
`stlkit codegen triton --product-dtype fp8-e4m3`, which bench/gpu/prepare.ts passes). Records carry
product_dtype = "fp8-e4m3"; rel_error is against the float64 STL operator on the same bf16 inputs,
rel_error_vs_matmul against the float64 XW, as for the bf16 kernels. Untimed: the quantisation of W
(offline, like the weight encode); timed: the quantisation of X and of X̂ (online)."""
import torch

FP8 = dict(product_dtype="fp8-e4m3")


def fp8_available():
    return hasattr(torch, "float8_e4m3fn") and hasattr(torch, "_scaled_mm") and torch.cuda.get_device_capability()[0] >= 9


def quantize_tensor(A):
    """(q, inv): A scaled so that its amax is 448, in float8_e4m3fn; inv the float32 inverse scale."""
    amax = A.float().abs().amax().clamp(min=torch.finfo(torch.float32).tiny)
    scale = 448.0 / amax
    return (A.float() * scale).clamp(-448.0, 448.0).to(torch.float8_e4m3fn), (1.0 / scale).float()


def fp8_gemm(X, W, XW64, measure):
    """The peer: X and W quantised per tensor (X online, W offline), torch._scaled_mm, bf16 out."""
    Wq, w_inv = quantize_tensor(W.t().contiguous())  # (P, N): column-major W, what _scaled_mm wants

    def run():
        Xq, x_inv = quantize_tensor(X)
        return torch._scaled_mm(Xq, Wq.t(), scale_a=x_inv, scale_b=w_inv, out_dtype=torch.bfloat16)

    measure("fp8-scaled-mm", run, XW64, note="torch._scaled_mm, per-tensor scales, X quantised online (timed), W offline", **FP8)


def triton_fp8(mod, X, W, ref, measure, m, config=None, split=True):
    """The STL kernels with FP8 products from a module generated with --product-dtype fp8-e4m3."""
    if not hasattr(mod, "stl_fp8_fused"):
        return
    Wq, w_inv = mod.encode_weights_fp8(W)  # offline
    extra = dict(FP8, fp8_model_error=mod.FP8_MODEL_ERROR, **m)
    measure("triton-fp8-unfused", lambda: mod.stl_fp8_unfused(X, Wq, w_inv, split=split, joined=split), ref,
            note="Triton encode, per-product FP8 quantisation (torch), r torch._scaled_mm, Triton decode", **extra)
    measure("triton-fp8-fused", lambda: mod.stl_fp8_fused(X, Wq, w_inv, config=config, split=split), ref, fused=True,
            note="Triton encode, per-product FP8 quantisation (torch), decode-fused FP8 GEMM; X encode and decode included", **extra)
