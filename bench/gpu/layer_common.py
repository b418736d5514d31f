"""Shared by the layer_*.py scripts: loading exported packages, float64 references, error measures."""
import importlib.util
import math
import os
import sys

import torch


def load_package(path):
    """Import an exported package (a folder written by `stlkit export pytorch`) under its folder name."""
    path = os.path.abspath(path)
    name = os.path.basename(path.rstrip("/"))
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, os.path.join(path, "__init__.py"), submodule_search_locations=[path])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def rel(a, ref):
    """||a - ref||_F / ||ref||_F in float64; NaN or Inf anywhere raises (an unwritten output)."""
    a = a.double()
    if not torch.isfinite(a).all():
        raise RuntimeError("result has NaN/Inf")
    return (torch.linalg.norm(a - ref.double()) / torch.linalg.norm(ref.double())).item()


def stl64(pkg, X, W):
    """The float64 operator on the given inputs: X (M, N), W (N, P), both read as float64; plain torch
    (the package's tiles module: no Triton), with W encoded in float64 too."""
    enc = pkg.load_encoders()
    X64, W64 = X.double(), W.double()
    dev = X.device
    Xh = pkg.tiles.encode(X64, enc.P_X.to(dev))
    Wh = pkg.tiles.encode(W64.T.contiguous(), enc.P_W.to(dev)).transpose(1, 2)
    return pkg.tiles.decode(torch.bmm(Xh, Wh), enc.P_Z.to(dev), X.shape[0], W.shape[1])


def tflops(M, N, P, ms):
    return 2 * M * N * P / ms / 1e9


def geomean(xs):
    xs = [x for x in xs if x and x > 0]
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None
