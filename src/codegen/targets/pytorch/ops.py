"""encode and decode as differentiable operators, and which path runs them.

    encode(A, P)                       -> (r, ceil(rows/t), ceil(cols/t))
    decode(Y, P, rows, cols, bias)     -> (rows, cols)

The two maps are adjoint (encoders.py), so each one's backward is the other with the same P:
    encode:  dA = decode(dOut, P)            dP = sum over tiles of A_tile x dOut   (if P is trained)
    decode:  dY = encode(dZ, P)              dP = sum over tiles of dZ_tile x Y     dbias = column sums of dZ
With the batched GEMM between them (torch.bmm, whose own backward gives dXhat = dZhat What^T and
dWhat = Xhat^T dZhat through cuBLAS), that is the whole backward of the layer.

On PyTorch >= 2.4 both are torch.library custom operators with a fake (meta) implementation and a
registered autograd formula, so torch.compile traces them without graph breaks and CUDA graphs can
capture them; older PyTorch gets an autograd.Function with the same formulas.

Path: Triton kernels (triton_kernels.py) for CUDA tensors in bf16, fp16 or fp32 when Triton imports;
plain torch (tiles.py) otherwise, e.g. on the CPU or in float64. STL_BACKEND=torch forces plain torch;
STL_BACKEND=triton forces the kernels for any bf16/fp16/fp32 tensor, which with TRITON_INTERPRET=1
runs them on the CPU in Triton's interpreter (slow; for checking the kernels without a GPU).
The first call on each path prints one line to stderr saying which path runs (STL_QUIET=1: none).
"""
import os
import sys
from typing import Optional

import torch

from . import tiles

try:
    from . import triton_kernels
except Exception as _e:  # no Triton (CPU-only installs), or one too old for these kernels
    triton_kernels = None
    _TRITON_MISSING = f"{type(_e).__name__}: {_e}"
else:
    _TRITON_MISSING = None

_KERNEL_DTYPES = (torch.bfloat16, torch.float16, torch.float32)
_announced = set()


def backend_for(t):
    """'triton' or 'torch' for a tensor, with the reason when it is torch."""
    forced = os.environ.get("STL_BACKEND")
    if forced == "torch":
        return "torch", "STL_BACKEND=torch"
    if not t.is_cuda and forced != "triton":
        return "torch", f"tensors on {t.device.type}"
    if triton_kernels is None:
        return "torch", f"Triton unavailable ({_TRITON_MISSING})"
    if t.dtype not in _KERNEL_DTYPES:
        return "torch", f"dtype {t.dtype} (kernels: bf16, fp16, fp32)"
    return "triton", None


def _announce(path, why, device):
    if path in _announced or os.environ.get("STL_QUIET"):
        return
    _announced.add(path)
    if path == "triton":
        msg = f"STLLinear: Triton encode/decode kernels + cuBLAS batched GEMMs on {device}"
    else:
        msg = f"STLLinear: plain torch path ({why})"
    print(msg, file=sys.stderr)


def _encode_impl(a, p):
    path, why = backend_for(a)
    _announce(path, why, a.device)
    if path == "triton":
        return triton_kernels.encode(a, p.to(device=a.device, dtype=torch.float32).contiguous())
    return tiles.encode(a, p)


def _decode_impl(y, p, rows, cols, bias):
    path, why = backend_for(y)
    _announce(path, why, y.device)
    if path == "triton":
        b = None if bias is None else bias.contiguous()
        return triton_kernels.decode(y, p.to(device=y.device, dtype=torch.float32).contiguous(), rows, cols, b)
    return tiles.decode(y, p, rows, cols, bias)


def _encoded_shape(a, p):
    t = tiles.tile_size(p)
    return (p.shape[1], tiles.grid(a.shape[0], t), tiles.grid(a.shape[1], t))


# ---------------------------------------------------------------- autograd formulas --------------
# a (or y) is saved only when the coefficients are trained: the gradients of the data need P alone.
def _encode_backward(a, p, a_shape, need_a, need_p, d_out):
    da = decode(d_out, p, a_shape[0], a_shape[1], None) if need_a else None
    dp = tiles.coefficient_grad_encode(a, d_out, p) if need_p else None
    return da, dp


def _decode_backward(y, p, need_y, need_p, need_bias, dz):
    dy = encode(dz, p) if need_y else None
    dp = tiles.coefficient_grad_decode(y, dz, p) if need_p else None
    db = dz.sum(0) if need_bias else None
    return dy, dp, db


if hasattr(torch, "library") and hasattr(torch.library, "custom_op"):
    # One namespace for every exported package: the operators take the coefficients as an input,
    # so two packages (two schemes) in one process share them.
    _NS = "stlkit_stl_v1"

    def _define():
        @torch.library.custom_op(f"{_NS}::encode", mutates_args=())
        def encode_op(a: torch.Tensor, p: torch.Tensor) -> torch.Tensor:
            return _encode_impl(a, p)

        @encode_op.register_fake
        def _(a, p):
            return a.new_empty(_encoded_shape(a, p))

        def encode_setup(ctx, inputs, output):
            a, p = inputs
            need = getattr(ctx, "needs_input_grad", (True, True))
            ctx.need = (bool(need[0]), bool(need[1]))
            ctx.save_for_backward(a if ctx.need[1] else None, p)
            ctx.a_shape = tuple(a.shape)

        def encode_backward(ctx, d_out):
            a, p = ctx.saved_tensors
            return _encode_backward(a, p, ctx.a_shape, *ctx.need, d_out)

        encode_op.register_autograd(encode_backward, setup_context=encode_setup)

        @torch.library.custom_op(f"{_NS}::decode", mutates_args=())
        def decode_op(y: torch.Tensor, p: torch.Tensor, rows: int, cols: int, bias: Optional[torch.Tensor]) -> torch.Tensor:
            return _decode_impl(y, p, rows, cols, bias)

        @decode_op.register_fake
        def _(y, p, rows, cols, bias):
            return y.new_empty((rows, cols))

        def decode_setup(ctx, inputs, output):
            y, p, rows, cols, bias = inputs
            need = getattr(ctx, "needs_input_grad", (True, True, False, False, bias is not None))
            ctx.need = (bool(need[0]), bool(need[1]), bias is not None and bool(need[4]))
            ctx.save_for_backward(y if ctx.need[1] else None, p)

        def decode_backward(ctx, dz):
            y, p = ctx.saved_tensors
            dy, dp, db = _decode_backward(y, p, *ctx.need, dz)
            return dy, dp, None, None, db

        decode_op.register_autograd(decode_backward, setup_context=decode_setup)
        return encode_op, decode_op

    try:
        _encode_op, _decode_op = _define()
    except RuntimeError:  # already defined by another exported package in this process
        _encode_op = getattr(torch.ops, _NS).encode
        _decode_op = getattr(torch.ops, _NS).decode

    def encode(a, p):
        return _encode_op(a, p)

    def decode(y, p, rows, cols, bias=None):
        return _decode_op(y, p, rows, cols, bias)

    CUSTOM_OPS = True
else:
    class _Encode(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a, p):
            ctx.save_for_backward(a if ctx.needs_input_grad[1] else None, p)
            ctx.a_shape = tuple(a.shape)
            return _encode_impl(a, p)

        @staticmethod
        def backward(ctx, d_out):
            a, p = ctx.saved_tensors
            return _encode_backward(a, p, ctx.a_shape, ctx.needs_input_grad[0], ctx.needs_input_grad[1], d_out)

    class _Decode(torch.autograd.Function):
        @staticmethod
        def forward(ctx, y, p, rows, cols, bias):
            ctx.save_for_backward(y if ctx.needs_input_grad[1] else None, p)
            return _decode_impl(y, p, rows, cols, bias)

        @staticmethod
        def backward(ctx, dz):
            y, p = ctx.saved_tensors
            n = ctx.needs_input_grad
            dy, dp, db = _decode_backward(y, p, n[0], n[1], n[4], dz)
            return dy, dp, None, None, db

    def encode(a, p):
        return _Encode.apply(a, p)

    def decode(y, p, rows, cols, bias=None):
        return _Decode.apply(y, p, rows, cols, bias)

    CUSTOM_OPS = False
