"""Helpers for run_all.py: schemes, float64 references, timing, records, the CUDA library.

Everything here is plain torch (no Triton), so the references stay independent of the generated
code they check.
"""
import ctypes
import datetime
import importlib.util
import json
import os
import subprocess
import sys
import time

import torch

from coefficients import real


# ------------------------------------------------------------------------------ schemes ----------
class Scheme:
    """E_X (r×t²), E_W (r×t²), D (t²×r) of a <t,t,t> scheme JSON exported by stlkit."""

    def __init__(self, path, entry=None):
        with open(path) as f:
            doc = json.load(f)
        n, m, p = doc["format"]
        if not n == m == p:
            raise ValueError(f"{path}: not a <t,t,t> scheme")
        self.path, self.t, self.r = path, n, doc["rank"]
        self.EX = [[real(x) for x in row] for row in doc["U"]]
        self.EW = [[real(x) for x in row] for row in doc["V"]]
        self.D = [[real(doc["W"][l][q]) for l in range(self.r)] for q in range(n * n)]
        entry = entry or {}
        self.name = entry.get("name") or os.path.splitext(os.path.basename(path))[0]
        self.exact = bool(entry.get("exact", False))
        self.placeholder = bool(entry.get("placeholder", False))
        self.isotropic_error = entry.get("isotropic_error")
        self.triton_file = entry.get("triton")
        self.cuda_file = entry.get("cuda")

    def tensors(self, device, dtype):
        return tuple(torch.tensor(m, dtype=dtype, device=device) for m in (self.EX, self.EW, self.D))

    def matches(self, mod):
        """The generated module bakes in the same coefficients (to 1e-12)."""
        same = lambda a, b: len(a) == len(b) and all(abs(x - y) <= 1e-12 for ra, rb in zip(a, b) for x, y in zip(ra, rb))
        return mod.T == self.t and mod.R == self.r and same(mod.E_X, self.EX) and same(mod.E_W, self.EW) and same(mod.D, self.D)


def load_schemes(generated, requested):
    """Manifest entries (default: all), or scheme JSON paths matched to generated code by coefficients."""
    with open(os.path.join(generated, "manifest.json")) as f:
        manifest = json.load(f)["schemes"]
    by_name = {e["name"]: e for e in manifest}
    out = []
    for want in requested or [e["name"] for e in manifest]:
        if want in by_name:
            e = by_name[want]
            out.append(Scheme(os.path.join(generated, e["scheme"]), e))
            continue
        s = Scheme(want)
        for e in manifest:
            cand = Scheme(os.path.join(generated, e["scheme"]), e)
            if cand.t == s.t and cand.r == s.r and cand.EX == s.EX and cand.EW == s.EW and cand.D == s.D:
                s = cand
                break
        out.append(s)
    return out


def import_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


# ------------------------------------------------------------------------------ STL in torch -----
def encode_tiles(A, E):
    """(r, M/t, N/t): [l, i, k] = Σ_q E[l, q]·A[t·i + q//t, t·k + q%t], in A's dtype."""
    t = int(round(E.shape[1] ** 0.5))
    M, N = A.shape
    tiles = A.reshape(M // t, t, N // t, t).permute(0, 2, 1, 3).reshape(M // t, N // t, t * t)
    return torch.einsum("lq,ikq->lik", E.to(A.dtype), tiles).contiguous()


def decode_tiles(Zh, Dm):
    """Row-major Z from Ẑ (r, M/t, P/t)."""
    t = int(round(Dm.shape[0] ** 0.5))
    _, GM, GP = Zh.shape
    Z = torch.einsum("ql,lij->ijq", Dm.to(Zh.dtype), Zh)
    return Z.reshape(GM, GP, t, t).permute(0, 2, 1, 3).reshape(GM * t, GP * t)


def stl64(X, W, s):
    """The float64 evaluation of the same operator on the same (bf16-valued) inputs."""
    EX, EW, Dm = s.tensors(X.device, torch.float64)
    return decode_tiles(torch.bmm(encode_tiles(X.double(), EX), encode_tiles(W.double(), EW)), Dm)


def rel(a, ref):
    """‖a − ref‖_F / ‖ref‖_F in float64; NaN anywhere (an unwritten output) raises."""
    a = a.double()
    if not torch.isfinite(a).all():
        raise RuntimeError("output has NaN/Inf: some element was not written (poisoned) or overflowed")
    return (torch.linalg.norm(a - ref) / torch.linalg.norm(ref)).item()


# ------------------------------------------------------------------------------ timing -----------
def bench(fn, target_ms=100.0, max_reps=200):
    """Median of per-call CUDA-event times after a warm-up; reps sized to ~target_ms of work."""
    fn()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    fn()
    e.record()
    torch.cuda.synchronize()
    est = max(s.elapsed_time(e), 1e-3)
    for _ in range(max(3, min(25, int(25.0 / est)))):
        fn()
    reps = int(min(max_reps, max(7, target_ms / est)))
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for k in range(reps):
        starts[k].record()
        fn()
        ends[k].record()
    torch.cuda.synchronize()
    times = sorted(a.elapsed_time(b) for a, b in zip(starts, ends))
    return times[len(times) // 2], times[0], reps


def bench_pair(fn, base, target_ms=100.0, max_reps=200):
    """Per-call medians of fn and of base (the cuBLAS baseline), timed in alternating batches of n
    back-to-back calls (n·time ≥ ~1 ms, so a launch's host overhead counts only where it exceeds the
    GPU time, as it would in a loop). Clocks and temperature drift under sustained load (cuBLAS
    8192³ moved between 1.38 and 1.84 ms within one run here); alternating puts both in the same
    state. Returns (fn_ms, fn_min_ms, reps, base_ms, n)."""
    for f in (fn, base):
        f()
    torch.cuda.synchronize()
    s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    s.record()
    fn()
    e.record()
    torch.cuda.synchronize()
    est = max(s.elapsed_time(e), 1e-3)
    n = int(min(64, max(1, round(1.0 / est))))
    for _ in range(max(3, min(25, int(25.0 / est)))):
        fn()
        base()
    reps = int(min(max_reps, max(7, 1.5 * target_ms / (n * est))))
    ev = [[torch.cuda.Event(enable_timing=True) for _ in range(3)] for _ in range(reps)]
    for k in range(reps):
        ev[k][0].record()
        for _ in range(n):
            fn()
        ev[k][1].record()
        for _ in range(n):
            base()
        ev[k][2].record()
    torch.cuda.synchronize()
    a = sorted(x[0].elapsed_time(x[1]) / n for x in ev)
    b = sorted(x[1].elapsed_time(x[2]) / n for x in ev)
    return a[len(a) // 2], a[0], reps, b[len(b) // 2], n


# ------------------------------------------------------------------------------ records ----------
class Recorder:
    """Appends one JSON object per measurement to OUT/results.json (rewritten atomically each time)."""

    def __init__(self, out_dir, command):
        os.makedirs(out_dir, exist_ok=True)
        self.path = os.path.join(out_dir, "results.json")
        self.log = open(os.path.join(out_dir, "log.txt"), "a")
        self.records, self.command, self.t0 = [], command, time.time()
        self.device = torch.cuda.get_device_name()

    def say(self, msg):
        line = f"[{time.time() - self.t0:6.1f}s] {msg}"
        print(line, flush=True)
        self.log.write(line + "\n")
        self.log.flush()

    def add(self, **kw):
        rec = dict(device=self.device, kernel=None, fused=False, t=None, r=None, shape=None, dtype="bf16",
                   median_ms=None, cublas_ms=None, speedup_vs_cublas=None, rel_error=None,
                   rel_error_vs_matmul=None, command=self.command,
                   date=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
        rec.update(kw)
        if rec["median_ms"] and rec["cublas_ms"]:
            rec["speedup_vs_cublas"] = round(rec["cublas_ms"] / rec["median_ms"], 4)
        if rec["median_ms"] and rec.get("cublas_shape_ms"):
            # Against the shape's first (coolest, fastest) cuBLAS timing: a conservative ratio.
            rec["speedup_vs_cublas_first"] = round(rec["cublas_shape_ms"] / rec["median_ms"], 4)
        self.records.append(rec)
        tmp = self.path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.records, f, indent=1)
        os.replace(tmp, self.path)
        fmt = lambda x: "-" if x is None else f"{x:.3g}"
        tag = f"({rec['t']},{rec['r']})" if rec["t"] else ""
        shape = "x".join(map(str, rec["shape"])) if rec["shape"] else ""
        if rec.get("error"):
            self.say(f"FAIL {shape} {tag} {rec['kernel']}: {rec['error'][:300]}")
        else:
            self.say(f"{shape} {tag} {rec['kernel']}: {fmt(rec['median_ms'])} ms  {fmt(rec['speedup_vs_cublas'])}x  "
                     f"err {fmt(rec['rel_error'])} / vs XW {fmt(rec['rel_error_vs_matmul'])}")
        return rec


# ------------------------------------------------------------------------------ CUDA library -----
def start_nvcc(cu, so, log):
    """Start compiling a generated .cu into a shared library (in the background)."""
    cmd = ["nvcc", "-std=c++17", "-O3", "-gencode=arch=compute_90a,code=sm_90a", "-shared", "-Xcompiler", "-fPIC",
           "-Xptxas", "-v", "-o", so, cu, "-ldl"]
    return subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def cublas_path():
    """Path of the libcublas that torch loaded (so the generated library dlopens the same one)."""
    with open("/proc/self/maps") as f:
        for line in f:
            if "libcublas.so" in line and "Lt" not in line.split("/")[-1]:
                return line.split()[-1]
    return None


class CudaLib:
    def __init__(self, so):
        L = self.lib = ctypes.CDLL(so)
        P, I, Lg = ctypes.c_void_p, ctypes.c_int, ctypes.c_long
        L.stl_last_error.restype = ctypes.c_char_p
        L.stl_set_cublas_path.argtypes = [ctypes.c_char_p]
        L.stl_unfused.argtypes = [P, P, P, P, P, I, I, I, P]
        L.stl_fused.argtypes = [P, P, P, P, I, I, I, P]
        L.stl_fused_gemm.argtypes = [P, P, P, I, I, I, P]
        L.stl_encode_x.argtypes = [P, P, I, I, Lg, P]
        L.stl_decode.argtypes = [P, P, I, I, Lg, P]
        L.fmm_forward.argtypes = [P, P, P, P, P, P, I, I, I, P]
        info = (ctypes.c_int * 6)()
        L.stl_info(info)
        self.t, self.r, self.exact, self.dtype, self.BM, self.BN = list(info)
        path = cublas_path()
        if path:
            L.stl_set_cublas_path(path.encode())

    def call(self, name, *args):
        stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
        conv = [a.data_ptr() if isinstance(a, torch.Tensor) else a for a in args]
        rc = getattr(self.lib, name)(*conv, stream)
        if rc != 0:
            raise RuntimeError(f"{name} returned {rc}: {self.lib.stl_last_error().decode()}")
