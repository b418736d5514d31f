#!/usr/bin/env python3
"""Correctness of exported STLLinear packages on the GPU: every output and gradient against a float64
evaluation of the same operator, per scheme, dtype and weight mode; torch.compile and CUDA graphs.

    python3 layer_check.py --packages pt_r24 pt_r32 pt_s2 pt_s1 --out $OUT

For each package (an exported scheme), dtype (bf16, fp16, fp32) and shape (3-D inputs, odd sizes
that t does not divide, and an even one), a random nn.Linear with bias is converted by from_linear;
the module's forward and backward (Triton kernels on CUDA; on the CPU the plain-torch path, or the
kernels in Triton's interpreter with STL_BACKEND=triton TRITON_INTERPRET=1) are compared with a float64 copy of the same
module (the same stored parameters, plain-torch path). Errors are ||a - ref|| / ||ref||. For exact
schemes the output is also compared with x W^T + b in float64 ("vs_matmul"). Weight modes:
encoded (the parameter is What), dense_weight (What re-encoded from the weight every call),
trainable_encoders (gradients for E_X^T and D too); the last two on the first package only.
Then, on the first package in bf16: torch.compile(fullgraph=True) forward+backward, the same with
mode="reduce-overhead" (CUDA graphs), torch.library.opcheck, and a float64 gradcheck on the GPU.
Writes OUT/check.json (one record per case) and prints a table; exits 1 if a case fails its bound.
"""
import argparse
import copy
import datetime
import json
import os
import sys
import time
import traceback

import torch
from torch import nn

from layer_common import load_package, rel

# Bounds on ||a - ref|| / ||ref|| against the float64 evaluation of the same operator. bf16/fp16:
# X̂ and Ẑ are stored in the format (the model of src/stl/lowprec.ts: sigma*sqrt(k*kappa^2 + 1)),
# about 2 % in bf16 at kappa 6.5; fp32: float32 rounding only.
BOUND = {"bfloat16": 6e-2, "float16": 1e-2, "float32": 1e-4}
DTYPES = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}
SHAPES = [((2, 37), 203, 117), ((4, 256), 1024, 768)]  # (leading dims, in, out)


def case(pkg, name, dtype, lead, n_in, n_out, mode, seed, dev):
    torch.manual_seed(seed)
    lin = nn.Linear(n_in, n_out, bias=True, device=dev, dtype=torch.float32).to(dtype)
    kwargs = {"dense_weight": mode == "dense_weight", "trainable_encoders": mode == "trainable_encoders"}
    m = pkg.STLLinear.from_linear(lin, **kwargs)
    m64 = copy.deepcopy(m).double()
    x = torch.randn(*lead, n_in, device=dev, dtype=dtype, requires_grad=True)
    dy = torch.randn(*lead, n_out, device=dev, dtype=dtype)
    x64 = x.detach().double().requires_grad_()
    y = m(x)
    y.backward(dy)
    y64 = m64(x64)
    y64.backward(dy.double())
    errs = {"y": rel(y, y64), "dx": rel(x.grad, x64.grad)}
    for (pn, p), (_, p64) in zip(m.named_parameters(), m64.named_parameters()):
        errs["d" + pn] = rel(p.grad, p64.grad)
    rec = dict(kernel="stllinear-check", scheme=name, source=pkg.EXPORTED.get("source"), t=pkg.EXPORTED["t"], r=pkg.EXPORTED["r"],
               dtype=str(dtype).replace("torch.", ""), mode=mode, input_shape=[*lead, n_in], out_features=n_out,
               path=pkg.backend_for(x)[0] + (" (interpreter)" if os.environ.get("TRITON_INTERPRET") == "1" and pkg.backend_for(x)[0] == "triton" else ""),
               rel_errors=errs, exact=pkg.EXPORTED.get("isotropic_error") == "0")
    if rec["exact"]:
        W64 = lin.weight.double()
        ref = x64.detach() @ W64.T + lin.bias.double()
        rec["rel_error_vs_matmul"] = rel(y, ref)
    rec["bound"] = BOUND[rec["dtype"]]
    rec["ok"] = all(e <= rec["bound"] for e in errs.values())
    return rec


def compile_checks(pkg, name, dev):
    """torch.compile without graph breaks, CUDA graphs, opcheck, a float64 gradcheck (plain torch)."""
    out = []
    torch.manual_seed(1)
    lin = nn.Linear(512, 384, device=dev).to(torch.bfloat16)
    m = pkg.STLLinear.from_linear(lin)
    x = torch.randn(8, 64, 512, device=dev, dtype=torch.bfloat16)
    dy = torch.randn(8, 64, 384, device=dev, dtype=torch.bfloat16)

    def run(f):
        xx = x.clone().requires_grad_()
        m.zero_grad(set_to_none=True)
        y = f(xx)
        y.backward(dy)
        return y.detach().clone(), xx.grad.clone(), m.weight_hat.grad.clone()

    eager = run(m)
    for mode in ("default", "reduce-overhead"):
        t0 = time.time()
        try:
            torch._dynamo.reset()
            cm = torch.compile(m, fullgraph=True, mode=mode)
            for _ in range(3):  # reduce-overhead records the CUDA graph on a later call
                got = run(cm)
            errs = {k: rel(a, b) for k, a, b in zip(("y", "dx", "dweight_hat"), got, eager)}
            out.append(dict(kernel="stllinear-compile-check", scheme=name, mode=mode, rel_errors=errs,
                            ok=all(e < 1e-2 for e in errs.values()), seconds=round(time.time() - t0, 1),
                            note="torch.compile(fullgraph=True) forward+backward against eager (same kernels)"))
        except Exception as ex:  # noqa: BLE001
            traceback.print_exc()
            out.append(dict(kernel="stllinear-compile-check", scheme=name, mode=mode, ok=False, error=f"{type(ex).__name__}: {ex}"))
    if pkg.ops.CUSTOM_OPS:
        try:
            enc = pkg.load_encoders()
            a = torch.randn(37, 203, device=dev, dtype=torch.bfloat16, requires_grad=True)
            p = enc.P_X.to(dev, torch.float32)
            y = torch.randn(enc.r, 10, 51, device=dev, dtype=torch.bfloat16, requires_grad=True)
            torch.library.opcheck(pkg.ops._encode_op, (a, p))
            torch.library.opcheck(pkg.ops._decode_op, (y, enc.P_Z.to(dev, torch.float32), 37, 203, None))
            out.append(dict(kernel="stllinear-opcheck", scheme=name, ok=True))
        except Exception as ex:  # noqa: BLE001
            traceback.print_exc()
            out.append(dict(kernel="stllinear-opcheck", scheme=name, ok=False, error=f"{type(ex).__name__}: {ex}"))
    mm = pkg.STLLinear(19, 11, device=dev, dtype=torch.float64, trainable_encoders=True)
    xs = torch.randn(2, 7, 19, device=dev, dtype=torch.float64, requires_grad=True)
    names = [n for n, _ in mm.named_parameters()]
    ps = [p.detach().clone().requires_grad_() for p in mm.parameters()]
    f = lambda x, *q: torch.func.functional_call(mm, dict(zip(names, q)), (x,))
    ok = torch.autograd.gradcheck(f, (xs, *ps), raise_exception=False)
    out.append(dict(kernel="stllinear-gradcheck", scheme=name, dtype="float64", ok=bool(ok),
                    note="float64 gradcheck on the GPU (plain-torch path), trainable encoders, 3-D input, odd sizes"))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--packages", nargs="+", required=True)
    ap.add_argument("--dtypes", nargs="*", default=list(DTYPES))
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of this script on the plain-torch path")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    env = [f"{k}={os.environ[k]}" for k in ("STL_BACKEND", "TRITON_INTERPRET") if os.environ.get(k)]
    command = " ".join(env + [os.path.basename(sys.executable)] + sys.argv)
    date = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    dev = torch.device(a.device)
    device = torch.cuda.get_device_name() if dev.type == "cuda" else f"cpu (torch {torch.__version__})"
    records = []

    def add(rec):
        rec.update(device=device, command=command, date=date)
        records.append(rec)
        with open(os.path.join(a.out, "check.json"), "w") as f:
            json.dump(records, f, indent=1)
        errs = " ".join(f"{k} {v:.2e}" for k, v in rec.get("rel_errors", {}).items())
        extra = f" vs_matmul {rec['rel_error_vs_matmul']:.2e}" if "rel_error_vs_matmul" in rec else ""
        print(f"{'ok  ' if rec.get('ok') else 'FAIL'} {rec.get('scheme')} {rec.get('dtype', '')} {rec.get('mode', '')} "
              f"{rec.get('input_shape', '')}->{rec.get('out_features', '')} {errs}{extra} {rec.get('error', '')}", flush=True)

    t0 = time.time()
    for k, path in enumerate(a.packages):
        pkg = load_package(path)
        name = os.path.basename(path.rstrip("/"))
        modes = ["encoded", "dense_weight", "trainable_encoders"] if k == 0 else ["encoded"]
        for dn in a.dtypes:
            for mode in modes:
                for s, (lead, n_in, n_out) in enumerate(SHAPES):
                    try:
                        add(case(pkg, name, DTYPES[dn], lead, n_in, n_out, mode, 100 * k + s, dev))
                    except Exception as ex:  # noqa: BLE001
                        traceback.print_exc()
                        add(dict(kernel="stllinear-check", scheme=name, dtype=dn, mode=mode, ok=False, error=f"{type(ex).__name__}: {ex}"))
        if k == 0 and not a.no_compile:
            for rec in compile_checks(pkg, name, dev):
                add(rec)
    bad = [r for r in records if not r.get("ok")]
    print(f"{len(records)} checks, {len(bad)} failed, {time.time() - t0:.0f} s; {os.path.join(a.out, 'check.json')}")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
