"""Encode and decode in plain torch: the CPU / no-Triton path, and the float64 reference.

Shapes: A is (rows, cols); its t x t tiles form a (gi, gj) grid with gi = ceil(rows / t),
gj = ceil(cols / t), the last tiles zero-padded. P is (t^2, r) (see encoders.py).
    encode(A, P)                       -> (r, gi, gj)
    decode(Y, P, rows, cols, bias)     -> (rows, cols), Y (r, gi, gj), the padding cropped
Half-precision inputs are mixed in float32 and rounded once to their dtype, as the Triton kernels
do; float32 and float64 inputs are mixed in their own precision.
"""
import math

import torch
import torch.nn.functional as F


def grid(n, t):
    return -(-n // t)


def tile_size(P):
    t = math.isqrt(P.shape[0])
    if t * t != P.shape[0]:
        raise ValueError(f"coefficient matrix must be t^2 x r, got {tuple(P.shape)}")
    return t


def _work_dtype(dtype):
    return dtype if dtype in (torch.float32, torch.float64) else torch.float32


def to_tiles(A, t):
    """(rows, cols) -> (gi, gj, t^2), zero-padded; vec row-major inside each tile."""
    rows, cols = A.shape
    gi, gj = grid(rows, t), grid(cols, t)
    A = F.pad(A, (0, gj * t - cols, 0, gi * t - rows))
    return A.reshape(gi, t, gj, t).permute(0, 2, 1, 3).reshape(gi, gj, t * t)


def from_tiles(Z, t, rows, cols):
    """(gi, gj, t^2) -> (rows, cols): the inverse of to_tiles, padding cropped."""
    gi, gj, _ = Z.shape
    return Z.reshape(gi, gj, t, t).permute(0, 2, 1, 3).reshape(gi * t, gj * t)[:rows, :cols]


def encode(A, P):
    t = tile_size(P)
    w = _work_dtype(A.dtype)
    out = torch.einsum("ijq,ql->lij", to_tiles(A.to(w), t), P.to(device=A.device, dtype=w))
    return out.to(A.dtype).contiguous()


def decode(Y, P, rows, cols, bias=None):
    t = tile_size(P)
    w = _work_dtype(Y.dtype)
    Z = from_tiles(torch.einsum("lij,ql->ijq", Y.to(w), P.to(device=Y.device, dtype=w)), t, rows, cols)
    if bias is not None:
        Z = Z + bias.to(w)
    return Z.to(Y.dtype).contiguous()


def coefficient_grad_encode(A, dOut, P):
    """d/dP of <dOut, encode(A, P)>: sum over tiles of A_tile[q] * dOut[l, tile], as (t^2, r)."""
    t = tile_size(P)
    w = torch.float64 if A.dtype == torch.float64 else torch.float32
    return torch.einsum("ijq,lij->ql", to_tiles(A.to(w), t), dOut.to(w)).to(P.dtype)


def coefficient_grad_decode(Y, dZ, P):
    """d/dP of <dZ, decode(Y, P)>: sum over tiles of dZ_tile[q] * Y[l, tile], as (t^2, r)."""
    t = tile_size(P)
    w = torch.float64 if Y.dtype == torch.float64 else torch.float32
    return torch.einsum("ijq,lij->ql", to_tiles(dZ.to(w), t), Y.to(w)).to(P.dtype)


def stl_reference(X, W, E_X, E_W, D):
    """STL(X, W) for X (M, N), W (N, P), written independently of encode/decode: every tile
    product goes through the rank-r tensor That[a, b, g] = sum_l E_X[l, a] E_W[l, b] D[g, l].
    Pass float64 tensors for a reference. Memory: (N/t)(P/t) t^4 entries (W contracted first)."""
    t = math.isqrt(E_X.shape[1])
    M, P = X.shape[0], W.shape[1]
    T_hat = torch.einsum("la,lb,gl->abg", E_X, E_W, D)
    WT = torch.einsum("kjb,abg->kajg", to_tiles(W, t), T_hat)
    Z = torch.einsum("ika,kajg->ijg", to_tiles(X, t), WT)
    return from_tiles(Z, t, M, P)
