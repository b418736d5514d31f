"""The scheme's coefficients, read from stl_encoders.safetensors beside this file.

The file holds E_X and E_W (r x t^2) and D (t^2 x r) in float64, vec row-major inside a t x t tile,
and the scheme's metadata (t, r, isotropic error, source). It is read directly (8-byte header
length, JSON header, raw little-endian data), so neither numpy nor the safetensors package is needed.

Every stage of the layer is one of two adjoint maps with a coefficient matrix P (t^2 x r):
    encode(A, P)[l, i, j]   = sum_q P[q, l] * A_tile(i, j)[q]
    decode(Y, P)_tile(i,j)[q] = sum_l P[q, l] * Y[l, i, j]
so the forward, the backward and the weight encoding all use three matrices:
    P_X = E_X^T   (encode the input x)
    P_Z = D       (decode the products; its encode gives dZhat from dZ)
    P_W = E_W^T with the two indices of each tile swapped (encode nn.Linear's weight, out x in,
          straight into What^T: tile (j, k) of weight is tile (k, j) of W = weight^T, transposed)
"""
import json
import math
import os
import struct

import torch

DEFAULT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "stl_encoders.safetensors")

_DTYPES = {"F64": torch.float64, "F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16}


class Encoders:
    """E_X, E_W, D (float64, CPU), t, r and the file's metadata; P_X, P_Z, P_W as above."""

    def __init__(self, path=DEFAULT_PATH):
        tensors, self.metadata = _read_safetensors(path)
        try:
            E_X, E_W, D = tensors["E_X"], tensors["E_W"], tensors["D"]
        except KeyError as e:
            raise ValueError(f"{path}: expected tensors E_X, E_W and D, missing {e}") from None
        r, t2 = E_X.shape
        t = math.isqrt(t2)
        if t * t != t2 or tuple(E_W.shape) != (r, t2) or tuple(D.shape) != (t2, r):
            raise ValueError(f"{path}: expected E_X, E_W r x t^2 and D t^2 x r, got "
                             f"{tuple(E_X.shape)}, {tuple(E_W.shape)}, {tuple(D.shape)}")
        self.path, self.t, self.r = path, t, r
        self.E_X, self.E_W, self.D = (m.to(torch.float64) for m in (E_X, E_W, D))
        self.P_X = self.E_X.T.contiguous()
        self.P_Z = self.D.contiguous()
        self.P_W = swap_tile_index(self.E_W, t).T.contiguous()

    @property
    def isotropic_error(self):
        return self.metadata.get("isotropic_error", "?")


def swap_tile_index(E, t):
    """E (r x t^2) with q = a*t + b read as (b, a): the encoder of transposed tiles."""
    r = E.shape[0]
    return E.reshape(r, t, t).transpose(1, 2).reshape(r, t * t)


def _read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 8:
        raise ValueError(f"{path}: not a safetensors file (shorter than its 8-byte header length)")
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    out = {}
    for name, e in header.items():
        begin, end = e["data_offsets"]
        buf = bytearray(data[8 + n + begin:8 + n + end])
        out[name] = torch.frombuffer(buf, dtype=_DTYPES[e["dtype"]]).reshape(e["shape"]).clone()
    return out, meta
