#!/usr/bin/env python3
"""Check an STLLinear exported by `stlkit export pytorch FILE -o DIR` (needs torch; a GPU if --device cuda).

    python3 bench/stl_linear_check.py DIR [--device cuda] [--in-features 1024] [--out-features 4096]
                                          [--rows 512] [--seed 0]

For a random nn.Linear with i.i.d. Gaussian weight and Gaussian inputs it builds STLLinear.from_linear
and reports, per shape (the given one and one that t does not divide, to exercise padding):
  - rel_vs_reference64: ||y - y_ref|| / ||y_ref||, y the module's float32 forward and y_ref the same
    operator evaluated in float64 by the independent stl_reference path (should be ~1e-6: float32);
  - empirical_error: ||y - x W||^2 / ||x W||^2 with W = weight.T, bias removed (squared, like the
    isotropic error it should be close to; for Gaussian data the ratio of expectations is exactly it);
  - timings of forward passes (informative only).
Prints one JSON document; exits 1 if a check fails.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import torch
from torch import nn


def load_module(directory):
    path = os.path.join(directory, "stl_linear.py")
    spec = importlib.util.spec_from_file_location("stl_linear", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def timed(f, device, reps=10):
    f()
    if device.type == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(reps):
        f()
    if device.type == "cuda":
        torch.cuda.synchronize()
    return (time.perf_counter() - start) / reps * 1e3


def check_shape(mod, device, n_in, n_out, rows, seed):
    torch.manual_seed(seed)
    linear = nn.Linear(n_in, n_out, bias=True).to(device)
    with torch.no_grad():
        linear.weight.normal_()
        linear.bias.normal_()
    layer = mod.STLLinear.from_linear(linear)
    x = torch.randn(2, rows // 2, n_in, device=device)  # leading dims are flattened by forward
    with torch.no_grad():
        y = layer(x)
        y_ref = layer.reference_forward(x, linear.weight)
        bias = linear.bias.to(torch.float64)
        exact = x.to(torch.float64) @ linear.weight.to(torch.float64).T
        d = y.to(torch.float64) - bias - exact
        rel_ref = ((y.to(torch.float64) - y_ref).norm() / y_ref.norm()).item()
        empirical = (d.norm() ** 2 / exact.norm() ** 2).item()
        t_stl = timed(lambda: layer(x), device)
        t_dense = timed(lambda: linear(x), device)
    params_stl = layer.weight_hat.numel()
    return {
        "in_features": n_in, "out_features": n_out, "rows": rows,
        "rel_vs_reference64": rel_ref,
        "empirical_error": empirical,
        "weight_params": {"dense": n_in * n_out, "encoded": params_stl, "ratio": params_stl / (n_in * n_out)},
        "forward_ms": {"stl_linear": t_stl, "nn_linear": t_dense},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--in-features", type=int, default=1024)
    ap.add_argument("--out-features", type=int, default=4096)
    ap.add_argument("--rows", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    device = torch.device(a.device)
    # Plain float32 products: TF32 would put ~1e-3 noise into the comparison with the reference.
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False
    mod = load_module(a.dir)
    E_X, E_W, D, meta = mod.load_encoders()
    iso = float(meta.get("isotropic_error_float", "nan"))
    shapes = [(a.in_features, a.out_features, a.rows), (a.in_features + 3, a.out_features - 5, a.rows + 1)]
    results = [check_shape(mod, device, n_in, n_out, rows, a.seed + i) for i, (n_in, n_out, rows) in enumerate(shapes)]
    for r in results:
        r["ok_reference"] = r["rel_vs_reference64"] < 1e-4
        # Gaussian weights and inputs: the empirical error estimates the isotropic one. With these
        # sizes its spread is a few percent, so 15% is generous; an exact scheme (iso = 0) only has
        # float32 rounding, below 1e-8 (a relative error of 1e-4).
        r["ok_error"] = abs(r["empirical_error"] - iso) <= max(0.15 * iso, 1e-8)
    report = {
        "module": os.path.join(a.dir, "stl_linear.py"),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "torch": torch.__version__,
        "metadata": meta,
        "t": int(meta.get("t", 0)), "r": int(meta.get("r", 0)),
        "isotropic_error": iso,
        "encoder_shapes": [list(E_X.shape), list(E_W.shape), list(D.shape)],
        "results": results,
        "ok": all(r["ok_reference"] and r["ok_error"] for r in results),
    }
    print(json.dumps(report, indent=2))
    sys.exit(0 if report["ok"] else 1)


if __name__ == "__main__":
    main()
