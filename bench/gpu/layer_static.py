#!/usr/bin/env python3
"""The package's Triton kernels compiled for sm_90a (H100/H200) without a GPU: what the compiler made of them.

    python3 layer_static.py --pkg out/pt [--dtypes bf16 fp32] [--out report.json]

For each dtype and block shape (tiles per program BI x BJ, warps) it compiles the encode and decode
kernels with the hints the launcher gives at run time (pointers, strides, sizes divisible by 16,
unit column stride) and reports registers, spills and shared memory (ptxas -v), the wgmma
instructions, the width of every global load and store (vectors of 8 or 16 bytes, or single
elements), and the SASS instruction mix (nvdisasm). Needs Triton with its bundled ptxas and
nvdisasm, nothing else: it answers "are the loads vectorised, did the mixing go to the tensor
cores, does anything spill" before any time on a GPU is spent.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

import triton
from triton.backends.compiler import GPUTarget
from triton.compiler import ASTSource

from layer_common import load_package

BIN = os.path.join(os.path.dirname(triton.__file__), "backends", "nvidia", "bin")
CONFIGS = [(1, 128, 4), (1, 256, 4), (2, 128, 4), (1, 512, 8)]


def signature(kind, dt):
    ints = lambda names: {n: "i32" for n in names}
    if kind == "encode":
        sig = {"A": f"*{dt}", "P": "*fp32", "Out": f"*{dt}", **ints(["rows", "cols", "s_ar"]), "s_ac": "constexpr", **ints(["GI", "GJ"])}
        div16 = ["A", "P", "Out", "rows", "cols", "s_ar", "GI", "GJ"]
        const = {"s_ac": 1}
    else:
        sig = {"Y": f"*{dt}", "P": "*fp32", "Bias": f"*{dt}", "Out": f"*{dt}", **ints(["rows", "cols", "s_yl", "s_yi"]), "s_yj": "constexpr",
               **ints(["s_or", "GI", "GJ"])}
        div16 = ["Y", "P", "Bias", "Out", "rows", "cols", "s_yl", "s_yi", "s_or", "GI", "GJ"]
        const = {"s_yj": 1, "HAS_BIAS": False}
    for c in ("T", "R", "Q", "RP", "BI", "BJ", "FP32", "WIDE") + (("HAS_BIAS",) if kind == "decode" else ()):
        sig[c] = "constexpr"
    return sig, div16, const


def compile_one(fn, sig, const, div16, warps):
    attrs = {(fn.arg_names.index(a),): [["tt.divisibility", 16]] for a in div16}
    k = triton.compile(ASTSource(fn=fn, signature=sig, constexprs=const, attrs=attrs), target=GPUTarget("cuda", 90, 32),
                       options={"num_warps": warps})
    ptx = k.asm["ptx"]
    with tempfile.TemporaryDirectory() as d:
        src, cubin = os.path.join(d, "k.ptx"), os.path.join(d, "k.cubin")
        with open(src, "w") as f:
            f.write(ptx)
        info = subprocess.run([os.path.join(BIN, "ptxas"), "-v", "--gpu-name", "sm_90a", src, "-o", cubin], capture_output=True, text=True).stderr
        sass = subprocess.run([os.path.join(BIN, "nvdisasm"), "-c", cubin], capture_output=True, text=True).stdout
    ops = {}
    for line in sass.splitlines():
        m = re.search(r"/\*[0-9a-f]{4,}\*/\s+(?:@!?U?P\w+\s+)?([A-Z][A-Z0-9_]*)", line)
        if m:
            ops[m.group(1)] = ops.get(m.group(1), 0) + 1
    width = lambda op: {m: ptx.count(m) for m in sorted(set(re.findall(op + r"\.global(?:\.[a-z0-9]+)*", ptx)))}
    grab = lambda pat: int(m.group(1)) if (m := re.search(pat, info)) else None
    return {"registers": grab(r"Used (\d+) registers"), "spill_stores": grab(r"(\d+) bytes spill stores"),
            "shared_bytes": k.metadata.shared, "wgmma": ptx.count("wgmma.mma_async"), "loads": width("ld"), "stores": width("st"),
            "sass_instructions": sum(ops.values()), "sass_top": dict(sorted(ops.items(), key=lambda x: -x[1])[:8])}


def fma_kernels(path, t):
    """The baked-FMA encode (SPLIT) and decode (JOINED) of `stlkit codegen triton`, as its wrappers launch them."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("stl_fma", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    dt = {"torch.bfloat16": "bf16", "torch.float16": "fp16"}[str(mod.DTYPE)]
    out = []
    for kind, fn, names, flag in (("encode", mod._encode_x_kernel, ["X", "Xh", "GM", "GN", "ld"], "SPLIT"),
                                  ("decode", mod._decode_kernel, ["Zh", "Z", "GM", "GP", "ldz"], "JOINED")):
        sig = {n: (f"*{dt}" if i < 2 else "i32") for i, n in enumerate(names)}
        sig.update(BI="constexpr", BJ="constexpr", **{flag: "constexpr"})
        rec = dict(kernel=f"fma-baked-{kind}", dtype=dt, BI=32, BJ=32, num_warps=4,
                   **compile_one(fn, sig, {"BI": 32, "BJ": 32, flag: True}, names, 4))
        rec["sass_per_element"] = round(rec["sass_instructions"] * 32 * 4 / (32 * 32 * t * t), 3)
        out.append(rec)
        print(f"{dt} {rec['kernel']} BI=32 BJ=32 warps=4: {rec['registers']} regs, {rec['spill_stores']} B spilled, loads {rec['loads']}, "
              f"stores {rec['stores']}, {rec['sass_instructions']} SASS instr. per thread, {rec['sass_per_element']} per element", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkg", required=True)
    ap.add_argument("--dtypes", nargs="*", default=["bf16", "fp16", "fp32"])
    ap.add_argument("--fma", help="also a module of `stlkit codegen triton` (coefficients baked in as FMAs) for comparison")
    ap.add_argument("--out")
    a = ap.parse_args()
    pkg = load_package(a.pkg)
    tk, t, r = pkg.triton_kernels, pkg.EXPORTED["t"], pkg.EXPORTED["r"]
    pow2 = lambda n: max(16, triton.next_power_of_2(n))
    report = []
    for dt in a.dtypes:
        for BI, BJ, w in CONFIGS:
            for kind, fn in (("encode", tk._encode_kernel), ("decode", tk._decode_kernel)):
                sig, div16, const = signature(kind, dt)
                const.update(T=t, R=r, Q=pow2(t * t), RP=pow2(r), BI=BI, BJ=BJ, FP32=dt == "fp32", WIDE=False)
                rec = dict(kernel=kind, dtype=dt, t=t, r=r, BI=BI, BJ=BJ, num_warps=w, **compile_one(fn, sig, const, div16, w))
                rec["sass_per_element"] = round(rec["sass_instructions"] * 32 * w / (BI * BJ * t * t), 3)
                report.append(rec)
                print(f"{dt} {kind:6} BI={BI} BJ={BJ:3} warps={w}: {rec['registers']} regs, {rec['spill_stores']} B spilled, "
                      f"{rec['shared_bytes']} B smem, {rec['wgmma']} wgmma, loads {rec['loads']}, stores {rec['stores']}, "
                      f"{rec['sass_instructions']} SASS instr. per thread, {rec['sass_per_element']} per element of X or Z", flush=True)
    if a.fma:
        report += fma_kernels(a.fma, t)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(report, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
