"""Encode and decode as Triton kernels: the tile mixing runs on the tensor cores.

Per program, a block of BT = BI x BJ tiles: encode loads them as a (BT, t^2) matrix and multiplies
it by P (t^2 x r); decode loads r products of the block as (BT, r) and multiplies by P^T. Why the
tensor cores: with dense coefficients (the conditioned schemes have no zeros) the mixing is
r*t^2 = 384 multiply-adds per tile at (4, 24), 24 per element moved; as fp32 FMAs that is about as
long as moving the bytes, while one (BT x 16) @ (16 x 32) product per block costs nothing beside
the memory traffic, so the kernels run at copy speed.

Precision: half-precision data is multiplied by the coefficients split as hi + lo (both in the data
type, hi = rn(P), lo = rn(P - hi)): two products, exact fp32 accumulation, an error of about 2^-16
of each coefficient instead of bf16's 2^-8. float32 data uses an IEEE fp32 product.
The coefficients are read as float32 from P (t^2 x r) in every program (a 2 KB read, L2-resident).
"""
import torch
import triton
import triton.language as tl


@triton.jit
def _mix(x, P, T2: tl.constexpr, R: tl.constexpr, K: tl.constexpr, N: tl.constexpr,
         TRANSPOSE: tl.constexpr, FP32: tl.constexpr):
    """x (BT, K) @ C (K, N) with C = P (K = t^2 rows, N = r columns) or P^T (TRANSPOSE), zero-padded."""
    kk = tl.arange(0, K)[:, None]
    nn = tl.arange(0, N)[None, :]
    if TRANSPOSE:
        c = tl.load(P + nn * R + kk, mask=(kk < R) & (nn < T2), other=0.0).to(tl.float32)
    else:
        c = tl.load(P + kk * R + nn, mask=(kk < T2) & (nn < R), other=0.0).to(tl.float32)
    if FP32:
        acc = tl.dot(x, c, input_precision="ieee")
    else:
        hi = c.to(x.dtype)
        lo = (c - hi.to(tl.float32)).to(x.dtype)
        acc = tl.dot(x, hi)
        acc = tl.dot(x, lo, acc)
    return acc


# Every integer argument stays specialised (divisibility by 16): the masks compare against rows and
# cols, and only when cols is known to be a multiple of 16 can the loads and stores of t consecutive
# elements be one vector access (a mask must be constant over a vector).
@triton.jit
def _encode_kernel(A, P, Out, rows, cols, s_ar, s_ac, GI, GJ,
                   T: tl.constexpr, R: tl.constexpr, Q: tl.constexpr, RP: tl.constexpr,
                   BI: tl.constexpr, BJ: tl.constexpr, FP32: tl.constexpr, WIDE: tl.constexpr):
    """Out[l, i, j] = sum_q P[q, l] * A[T*i + q // T, T*j + q % T]  (A read as zero outside rows x cols)."""
    n = tl.arange(0, BI * BJ)
    i = tl.program_id(0) * BI + n // BJ
    j = tl.program_id(1) * BJ + n % BJ
    q = tl.arange(0, Q)
    row = T * i[:, None] + (q // T)[None, :]
    col = T * j[:, None] + (q % T)[None, :]
    if WIDE:
        row = row.to(tl.int64)
    x = tl.load(A + row * s_ar + col * s_ac, mask=(q[None, :] < T * T) & (row < rows) & (col < cols), other=0.0)
    acc = _mix(x, P, T * T, R, Q, RP, False, FP32)
    l = tl.arange(0, RP)[None, :]
    if WIDE:
        l = l.to(tl.int64)
    dst = Out + l * GI * GJ + i[:, None] * GJ + j[:, None]
    tl.store(dst, acc.to(Out.dtype.element_ty), mask=(l < R) & (i[:, None] < GI) & (j[:, None] < GJ))


@triton.jit
def _decode_kernel(Y, P, Bias, Out, rows, cols, s_yl, s_yi, s_yj, s_or, GI, GJ,
                   T: tl.constexpr, R: tl.constexpr, Q: tl.constexpr, RP: tl.constexpr,
                   BI: tl.constexpr, BJ: tl.constexpr, HAS_BIAS: tl.constexpr, FP32: tl.constexpr,
                   WIDE: tl.constexpr):
    """Out[T*i + q // T, T*j + q % T] = sum_l P[q, l] * Y[l, i, j] (+ bias[column]), inside rows x cols."""
    n = tl.arange(0, BI * BJ)
    i = tl.program_id(0) * BI + n // BJ
    j = tl.program_id(1) * BJ + n % BJ
    l = tl.arange(0, RP)[None, :]
    if WIDE:
        l = l.to(tl.int64)
    y = tl.load(Y + l * s_yl + i[:, None] * s_yi + j[:, None] * s_yj,
                mask=(l < R) & (i[:, None] < GI) & (j[:, None] < GJ), other=0.0)
    acc = _mix(y, P, T * T, R, RP, Q, True, FP32)
    q = tl.arange(0, Q)
    row = T * i[:, None] + (q // T)[None, :]
    col = T * j[:, None] + (q % T)[None, :]
    if WIDE:
        row = row.to(tl.int64)
    mask = (q[None, :] < T * T) & (row < rows) & (col < cols)
    if HAS_BIAS:
        acc += tl.load(Bias + col, mask=mask, other=0.0).to(tl.float32)
    tl.store(Out + row * s_or + col, acc.to(Out.dtype.element_ty), mask=mask)


# Block shapes (tiles per program BI x BJ, warps). Measured on an H200 in bf16 (bench/gpu/layer_tune.py);
# set_config() overrides them.
CONFIG = {"encode": {"BI": 1, "BJ": 256, "num_warps": 4}, "decode": {"BI": 1, "BJ": 256, "num_warps": 4}}


def set_config(stage, **cfg):
    CONFIG[stage] = dict(CONFIG[stage], **cfg)


def _pow2(n, least=16):
    return max(least, triton.next_power_of_2(n))


def _wide(*tensors):
    return any(x.numel() >= 2**31 - 1 or (x.dim() == 2 and x.shape[0] * x.stride(0) >= 2**31 - 1) for x in tensors)


def encode(A, P, out=None):
    """(r, ceil(rows/t), ceil(cols/t)) in A's dtype; A (rows, cols) any strides, P (t^2, r) on A's device."""
    t2, r = P.shape
    t = int(round(t2 ** 0.5))
    rows, cols = A.shape
    GI, GJ = -(-rows // t), -(-cols // t)
    out = torch.empty((r, GI, GJ), dtype=A.dtype, device=A.device) if out is None else out
    cfg = CONFIG["encode"]
    grid = (triton.cdiv(GI, cfg["BI"]), triton.cdiv(GJ, cfg["BJ"]))
    _encode_kernel[grid](A, P, out, rows, cols, A.stride(0), A.stride(1), GI, GJ,
                         T=t, R=r, Q=_pow2(t2), RP=_pow2(r), BI=cfg["BI"], BJ=cfg["BJ"],
                         FP32=A.dtype == torch.float32, WIDE=_wide(A, out), num_warps=cfg["num_warps"])
    return out


def decode(Y, P, rows, cols, bias=None, out=None):
    """(rows, cols) in Y's dtype from Y (r, ceil(rows/t), ceil(cols/t)) of any strides."""
    t2, r = P.shape
    t = int(round(t2 ** 0.5))
    _, GI, GJ = Y.shape
    out = torch.empty((rows, cols), dtype=Y.dtype, device=Y.device) if out is None else out
    cfg = CONFIG["decode"]
    grid = (triton.cdiv(GI, cfg["BI"]), triton.cdiv(GJ, cfg["BJ"]))
    _decode_kernel[grid](Y, P, bias if bias is not None else P, out, rows, cols,
                         Y.stride(0), Y.stride(1), Y.stride(2), out.stride(0), GI, GJ,
                         T=t, R=r, Q=_pow2(t2), RP=_pow2(r), BI=cfg["BI"], BJ=cfg["BJ"],
                         HAS_BIAS=bias is not None, FP32=Y.dtype == torch.float32,
                         WIDE=_wide(Y, out), num_warps=cfg["num_warps"])
    return out
