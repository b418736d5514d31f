#!/usr/bin/env python3
"""One level of an exact <t,t,t> fast-matmul scheme (Strassen, Winograd, ...) in Triton, with the
additions fused into the products.

C = A·B, A (M×K), B (K×N), C (M×N), all row-major bf16, t divides M, K, N. Split each into t×t
blocks ("quadrants" for t = 2), block q = (q // t, q % t). For product l of the scheme (U, V, W
given as r×t² coefficient lists, the stlkit JSON convention: D[q][l] = W[l][q]):

    M_l = (Σ_q U[l][q]·A_q) · (Σ_q V[l][q]·B_q),      C_q = Σ_l W[l][q]·M_l.

Two ways to feed the products, both generated from (U, V, W) as Triton source (one kernel per
launch group, coefficients baked in) by `stlkit codegen fmm-triton`, which bench/gpu/prepare.ts
runs into generated/fmm/NAME/ for every exact scheme and the built-in ones (fmm_plan.py):

  fused   each product is a GEMM whose A and B tiles are loaded as signed sums of the needed
          block tiles (read 2 tiles, add in registers, feed tl.dot); nothing but C is written.
  presum  the operand sums of all products are written first by one pass over A and one over B
          (memory-bound, each input read once), then every product is a plain GEMM.

In both, the epilogue adds ±M_l into the output blocks it feeds: the first product to reach an
output block stores it, later ones read-add-write (fp32 add, one bf16 rounding per contribution).
Products whose output blocks are disjoint share one launch (a "group": their tiles are
independent), so no two programs of one launch touch the same element of C; launches run in
stream order. Loads come through pointers ("ptr") or TMA tensor descriptors ("tma").

The same generator at t = 1 (U = V = W = [[1]]) is the plain Triton GEMM with the same block
shape and code path: the baseline that separates "Triton vs cuBLAS" from "the scheme saves
1 − r/t³".

  cd bench/gpu && PYTHONUNBUFFERED=1 python3 fmm_triton.py --out $OUT      (measures, see main())
"""
import argparse
import hashlib
import importlib.util
import os
import sys

from fmm_plan import Plan, load_plan

MODES = ("fused", "presum", "sequential", "persistent")

# ------------------------------------------------------------------------------ runtime ----------
CONFIGS = {
    # name: block shape, warps, stages, grouped ordering. Two-term operand loads double the shared
    # memory of a stage: 128×256×64 takes 96 KB a stage in the fused mode (2 stages fit), 48 KB plain.
    "256x64s3": dict(BM=128, BN=256, BK=64, num_warps=8, num_stages=3, GROUP_M=8),
    "256x64s4": dict(BM=128, BN=256, BK=64, num_warps=8, num_stages=4, GROUP_M=8),
    "256x64s2": dict(BM=128, BN=256, BK=64, num_warps=8, num_stages=2, GROUP_M=8),
    "256x32s4": dict(BM=128, BN=256, BK=32, num_warps=8, num_stages=4, GROUP_M=8),
    "128x64s3": dict(BM=128, BN=128, BK=64, num_warps=8, num_stages=3, GROUP_M=8),
    "128x64s4w4": dict(BM=128, BN=128, BK=64, num_warps=4, num_stages=4, GROUP_M=8),
    "128x64s3w4": dict(BM=128, BN=128, BK=64, num_warps=4, num_stages=3, GROUP_M=8),  # 96 KB: 2 programs an SM
}
_MODULES = {}


def _module(plan, mode, load):
    """The generated module of the plan for this mode and load, imported once."""
    path = plan.module_path(mode, load)
    key = hashlib.sha256(os.path.abspath(path).encode()).hexdigest()[:16]
    if key not in _MODULES:
        spec = importlib.util.spec_from_file_location(f"fmm_gen_{key}", path)
        mod = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = mod
        spec.loader.exec_module(mod)
        _MODULES[key] = mod
    return _MODULES[key]


_ALLOCATOR_SET = False


def _tma_allocator():
    """In-kernel tensor descriptors need a global scratch allocation (Triton's set_allocator)."""
    global _ALLOCATOR_SET
    if not _ALLOCATOR_SET:
        import torch
        import triton
        triton.set_allocator(lambda size, alignment, stream: torch.empty(size, device="cuda", dtype=torch.int8))
        _ALLOCATOR_SET = True


class FmmTriton:
    """C = A·B by one level of the scheme: fmm = FmmTriton(plan, mode, load); fmm(A, B, out=C, config=cfg).
    plan: a Plan or what load_plan takes (a built-in name, a scheme JSON, a package folder)."""

    def __init__(self, plan, mode="fused", load="ptr"):
        self.plan = plan if isinstance(plan, Plan) else load_plan(plan)
        self.mode, self.load = mode, load
        self.mod = _module(self.plan, mode, load)
        self.groups = self.plan.launches[mode]
        self.kernels = [getattr(self.mod, f"group_{g}") for g in range(len(self.groups))]
        self._scratch, self._tab_key, self._cnt = {}, None, None

    def check(self, A, B, cfg):
        t = self.plan.t
        (M, K), (K2, N) = A.shape, B.shape
        if K != K2:
            raise ValueError(f"A is {tuple(A.shape)}, B is {tuple(B.shape)}")
        if A.stride(1) != 1 or B.stride(1) != 1:
            raise ValueError("A and B must be row-major")
        Mq, Kq, Nq = M // t, K // t, N // t
        if M % t or K % t or N % t or Mq % cfg["BM"] or Nq % cfg["BN"] or Kq % cfg["BK"]:
            raise ValueError(f"{M}×{K}×{N}: t = {t} and blocks {cfg['BM']}×{cfg['BN']}×{cfg['BK']} must divide the block sizes {Mq}×{Kq}×{Nq}")
        if self.mode != "fused" and (self.plan.sa or self.plan.sb) and (Mq % 32 or Kq % 128 or Nq % 128):
            raise ValueError(f"the operand-sum pass needs 32 | {Mq} and 128 | {Kq}, {Nq}")
        if max(A.numel(), B.numel(), M * N, (len(self.plan.sa) + 1) * Mq * Kq, (len(self.plan.sb) + 1) * Kq * Nq) >= 2 ** 31:
            raise ValueError("sizes beyond 2^31 elements need 64-bit offsets")
        return M, K, N, Mq, Kq, Nq

    def _sums(self, A, B, Mq, Kq, Nq):
        """Scratch for the operand sums, in t×t blocks with A's / B's leading dimension (so every
        operand, a block of the input or a sum, is read with one formula)."""
        import torch
        t = self.plan.t
        nsa, nsb = len(self.plan.sa), len(self.plan.sb)
        key = (Mq, Kq, Nq, A.dtype, str(A.device))
        if key not in self._scratch:
            self._scratch = {key: (torch.empty((max(-(-nsa // t), 1) * Mq, A.shape[1]), device=A.device, dtype=A.dtype),
                                   torch.empty((max(-(-nsb // t), 1) * Kq, B.shape[1]), device=A.device, dtype=A.dtype))}
        SA, SB = self._scratch[key]
        BI, BJ = (32, 128) if t <= 2 else (8, 128)
        if nsa:
            self.mod.enc_a[(Mq // BI, Kq // BJ)](A, SA, Mq, Nq, Kq, A.stride(0), BI=BI, BJ=BJ, num_warps=4)
        if nsb:
            self.mod.enc_b[(Kq // BI, Nq // BJ)](B, SB, Mq, Nq, Kq, B.stride(0), BI=BI, BJ=BJ, num_warps=4)
        return SA, SB

    def _tables(self, A, B, SA, SB, Mq, Kq, Nq):
        """OFF (r, 2) int64, COEF (r, t²) float32, FIRST (r, t²) int32 for the persistent kernel."""
        import torch
        key = (A.data_ptr(), B.data_ptr(), SA.data_ptr(), SB.data_ptr(), Mq, Kq, Nq)
        if self._tab_key != key:
            t, es = self.plan.t, A.element_size()
            lda, ldb = A.stride(0), B.stride(0)
            ra, rb = SA.data_ptr() - A.data_ptr(), SB.data_ptr() - B.data_ptr()
            if ra % (16 * es) or rb % (16 * es):
                raise RuntimeError("scratch buffers are not 16-element aligned relative to the inputs")
            ra, rb = ra // es, rb // es
            off, coef, first = [], [], []
            for p in self.plan.products:
                qa, qb = p.a[0][0], p.b[0][0]
                oa = (ra + (p.ia // t) * Mq * lda + (p.ia % t) * Kq) if p.ia is not None else (qa // t) * Mq * lda + (qa % t) * Kq
                ob = (rb + (p.ib // t) * Kq * ldb + (p.ib % t) * Nq) if p.ib is not None else (qb // t) * Kq * ldb + (qb % t) * Nq
                off += [oa, ob]
                cq = dict(p.c)
                coef.append([float(cq.get(q, 0)) for q in range(t * t)])
                first.append([int(p.first.get(q, False)) for q in range(t * t)])
            self._tab = (torch.tensor(off, dtype=torch.int64, device=A.device), torch.tensor(coef, dtype=torch.float32, device=A.device),
                         torch.tensor(first, dtype=torch.int32, device=A.device))
            self._tab_key = key
        return self._tab

    def __call__(self, A, B, out=None, config=None, products_only=False):
        """products_only (diagnostic, persistent/presum): skip writing the operand sums (reuses the last ones)."""
        import torch
        cfg = dict(CONFIGS["256x64s3"])
        cfg.update(config or {})
        M, K, N, Mq, Kq, Nq = self.check(A, B, cfg)
        C = torch.empty((M, N), device=A.device, dtype=A.dtype) if out is None else out
        if self.load == "tma":
            _tma_allocator()
        SA, SB = A, B  # placeholders where no sums are needed
        if self.mode != "fused" and (self.plan.sa or self.plan.sb):
            if A.stride(0) != K or B.stride(0) != N:
                raise ValueError("presum modes need contiguous A and B")
            if products_only and self._scratch:
                SA, SB = next(iter(self._scratch.values()))
            else:
                SA, SB = self._sums(A, B, Mq, Kq, Nq)
        self.compiled = []
        if self.mode == "persistent":
            off, coef, first = self._tables(A, B, SA, SB, Mq, Kq, Nq)
            tiles = (Mq // cfg["BM"]) * (Nq // cfg["BN"])
            if self._cnt is None or self._cnt.numel() < tiles:
                self._cnt = torch.zeros(tiles, dtype=torch.int32, device=A.device)
            cnt = self._cnt[:tiles]
            cnt.zero_()
            nsm = torch.cuda.get_device_properties(A.device).multi_processor_count
            ck = self.mod.persistent[(min(nsm, len(self.plan.products) * tiles),)](
                A, B, C, off, coef, first, cnt, len(self.plan.products), Mq, Nq, Kq, A.stride(0), B.stride(0), C.stride(0),
                T=self.plan.t, BM=cfg["BM"], BN=cfg["BN"], BK=cfg["BK"], GROUP_M=cfg["GROUP_M"], NUM_SMS=nsm,
                num_warps=cfg["num_warps"], num_stages=cfg["num_stages"])
            self.compiled.append(ck)
            return C
        tiles = (Mq // cfg["BM"]) * (Nq // cfg["BN"])
        nra, nrb = max(-(-len(self.plan.sa) // self.plan.t), 1), max(-(-len(self.plan.sb) // self.plan.t), 1)
        for g, kern in zip(self.groups, self.kernels):
            ck = kern[(len(g) * tiles,)](A, B, C, SA, SB, Mq, Nq, Kq, A.stride(0), B.stride(0), C.stride(0), nra, nrb,
                                         BM=cfg["BM"], BN=cfg["BN"], BK=cfg["BK"], GROUP_M=cfg["GROUP_M"],
                                         num_warps=cfg["num_warps"], num_stages=cfg["num_stages"])
            self.compiled.append(ck)
        return C

    def compile_stats(self):
        """Per launch group of the last call: registers, spills, shared memory, wgmma emitted."""
        out = []
        for ck in getattr(self, "compiled", []):
            try:
                out.append(dict(regs=ck.n_regs, spills=ck.n_spills, smem=ck.metadata.shared,
                                wgmma="wgmma" in ck.asm.get("ptx", "")))
            except Exception as ex:  # noqa: BLE001
                out.append(dict(error=str(ex)[:100]))
        return out


def describe(fmm):
    p = fmm.plan
    ops, rmw = p.additions()
    launches = ("1 persistent launch (products in order " + str([q.l + 1 for q in p.products]) + ", per-tile counters order the epilogues)"
                if fmm.mode == "persistent" else f"{len(fmm.groups)} launches {[[q.l + 1 for q in g] for g in fmm.groups]}")
    sums = "operand sums in the GEMM loads" if fmm.mode == "fused" else f"{len(p.sa)}+{len(p.sb)} operand sums written first by one pass over A and one over B"
    return f"{p.name}: {launches}; {ops} operand additions ({sums}); {rmw} output read-add-writes in the epilogues"


# ------------------------------------------------------------------------------ measuring --------
DEFAULT_VARIANTS = [
    # scheme:mode:load:config. gemm_t1_r1 is the plain Triton GEMM from the same generator.
    "gemm_t1_r1:sequential:ptr:256x64s4", "gemm_t1_r1:sequential:tma:256x64s3", "gemm_t1_r1:sequential:ptr:128x64s3w4",
    "strassen_t2_r7:fused:ptr:256x32s4",
    "strassen_t2_r7:presum:ptr:256x64s4", "strassen_t2_r7:sequential:ptr:256x64s4", "strassen_t2_r7:sequential:tma:256x64s3",
    "strassen_t2_r7:sequential:ptr:128x64s3w4", "strassen_t2_r7:persistent:ptr:256x64s4",
    "winograd_t2_r7:sequential:ptr:256x64s4", "winograd_t2_r7:presum:ptr:256x64s4",
    "generated/strassen2_t4_r49.json:persistent:ptr:256x64s4",
]


def _variant_list(a):
    """(scheme, mode, load, config name) to measure at the big shape, in order."""
    return [tuple(v.rsplit(":", 3)) for v in a.variants]


def _warm_one(job):
    """Worker: compile (through Triton's on-disk cache) one variant by running it on a small shape."""
    sch, mode, load, cfg = job
    import torch
    c = CONFIGS[cfg]
    plan = load_plan(sch)
    n = plan.t * max(c["BM"], c["BN"], c["BK"]) * 2
    A = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    B = torch.randn(n, n, device="cuda", dtype=torch.bfloat16)
    try:
        f = FmmTriton(plan, mode, load)
        f(A, B, config=c)
        torch.cuda.synchronize()
        return job, (None, f.compile_stats())
    except Exception as ex:  # noqa: BLE001
        return job, (f"{type(ex).__name__}: {str(ex)[:300]}", None)


def main():
    ap = argparse.ArgumentParser(description="Triton one-level fast matmul (fused additions) vs cuBLAS at one shape")
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--size", type=int, default=16384, help="M = K = N of the timed shape")
    ap.add_argument("--check-size", type=int, default=2048, help="every variant is first checked at this size too")
    ap.add_argument("--variants", nargs="*", default=DEFAULT_VARIANTS,
                    help=f"SCHEME:MODE:LOAD:CONFIG, SCHEME a built-in name or a scheme JSON (its package from prepare.ts), MODE one of {MODES}, "
                         f"LOAD ptr|tma, CONFIG one of {list(CONFIGS)}")
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")
    ap.add_argument("--cuda", nargs="*", default=[os.path.join(gen, "strassen_t2_r7_stl.cu"), os.path.join(gen, "strassen2_t4_r49_stl.cu")],
                    help="generated CUDA files whose fmm_forward (products through cuBLAS) is the existing baseline (none to skip)")
    ap.add_argument("--workers", type=int, default=8, help="processes compiling Triton variants in parallel")
    ap.add_argument("--target-ms", type=float, default=80.0)
    ap.add_argument("--budget-s", type=float, default=300.0, help="start no new measurement after this many seconds")
    a = ap.parse_args()

    import time
    import traceback
    from concurrent.futures import ProcessPoolExecutor
    import multiprocessing as mp
    import torch
    import stlbench as sb

    rec = sb.Recorder(a.out, " ".join([os.path.basename(sys.executable)] + sys.argv))
    rec.say(f"device {rec.device}, torch {torch.__version__}, triton {__import__('triton').__version__}")
    jobs = _variant_list(a)
    # nvcc for the cuBLAS-products baseline, in the background.
    builds = []
    for i, cu in enumerate(a.cuda or []):
        so = f"/tmp/fmm_baseline_{i}.so"
        builds.append((cu, sb.start_nvcc(cu, so, so + ".log"), so))
    # Compile every Triton variant in parallel (each worker fills Triton's cache).
    t0 = time.time()
    with ProcessPoolExecutor(max_workers=a.workers, mp_context=mp.get_context("spawn")) as ex:
        warmed = dict(ex.map(_warm_one, jobs))
    warm = {j: v[0] for j, v in warmed.items()}
    stats = {j: v[1] for j, v in warmed.items()}
    rec.say(f"compiled {len(jobs)} variants in {time.time() - t0:.1f}s; failed: {sum(1 for v in warm.values() if v)}")
    for j, err in warm.items():
        rec.say(f"  {'/'.join(j)}: {'FAILED ' + err if err else stats[j]}")

    torch.manual_seed(0)
    dev = torch.device("cuda")

    def inputs(n):
        X = torch.randn(n, n, device=dev, dtype=torch.bfloat16)
        W = (torch.randn(n, n, device=dev, dtype=torch.float32) / n ** 0.5).to(torch.bfloat16)
        return X, W, X.double() @ W.double()

    # Correctness of every variant at the small size, fresh inputs, output poisoned.
    X, W, ref = inputs(a.check_size)
    Z = torch.empty_like(X)
    small = {}
    for job in jobs:
        sch, mode, load, cfg = job
        if warm.get(job):
            continue
        try:
            Z.fill_(float("nan"))
            FmmTriton(load_plan(sch), mode, load)(X, W, out=Z, config=CONFIGS[cfg])
            torch.cuda.synchronize()
            small[job] = sb.rel(Z, ref)
        except Exception as ex:  # noqa: BLE001
            small[job] = f"{type(ex).__name__}: {str(ex)[:300]}"
    e_cub = sb.rel(torch.matmul(X, W), ref)
    rec.say(f"check at {a.check_size}³ (cuBLAS {e_cub:.2e}): " + "; ".join(f"{'/'.join(j)} {v if isinstance(v, str) else f'{v:.2e}'}" for j, v in small.items()))
    del X, W, ref, Z
    torch.cuda.empty_cache()

    n = a.size
    X, W, XW64 = inputs(n)
    base = dict(shape=[n, n, n])
    cub = lambda: torch.matmul(X, W)
    ms0, mn0, reps = sb.bench(cub, a.target_ms)
    e0 = sb.rel(cub(), XW64)
    rec.add(kernel="cublas", median_ms=ms0, cublas_ms=ms0, rel_error=e0, rel_error_vs_matmul=e0, min_ms=mn0, reps=reps,
            tflops=2 * n ** 3 / ms0 / 1e9, **base)
    Z = torch.empty_like(X)

    def measure(kernel, fn, poison=True, **extra):
        try:
            if poison:
                Z.fill_(float("nan"))
            y = fn()
            torch.cuda.synchronize()
            e = sb.rel(y, XW64)
            del y
            ms, mn, reps, adj, batch = sb.bench_pair(fn, cub, a.target_ms)
            return rec.add(kernel=kernel, median_ms=ms, min_ms=mn, reps=reps, batch=batch, cublas_ms=adj, cublas_shape_ms=ms0,
                           rel_error=e, rel_error_vs_matmul=e, **extra, **base)
        except Exception as ex:  # noqa: BLE001
            traceback.print_exc(file=rec.log)
            return rec.add(kernel=kernel, cublas_ms=ms0, error=f"{type(ex).__name__}: {str(ex)[:500]}", **extra, **base)

    # The existing version: one level of Strassen with the 7 products through cuBLAS (generated CUDA).
    for cu, proc, so in builds:
        name = os.path.basename(cu).replace("_stl.cu", "")
        if proc.wait() != 0:
            rec.add(kernel="cuda-fmm-1level", scheme=name, error="nvcc failed: " + open(so + ".log").read()[-800:], **base)
        else:
            lib = sb.CudaLib(so)
            meta = dict(t=lib.t, r=lib.r, scheme=name, placeholder=False)
            G = n // lib.t
            Aw, Bw, Pw = (torch.empty((lib.r, G, G), device=dev, dtype=torch.bfloat16) for _ in range(3))
            measure("cuda-fmm-1level", lambda: (lib.call("fmm_forward", X, W, Z, Aw, Bw, Pw, n, n, n), Z)[1], fused=False,
                    note="one level of the exact scheme on t×t blocks, products through cuBLAS; both operands encoded online", **meta)
            del Aw, Bw, Pw
            torch.cuda.empty_cache()

    for job in jobs:
        sch, mode, load, cfg = job
        plan = load_plan(sch)
        is_gemm = plan.t == 1
        kernel = "triton-gemm" if is_gemm else f"triton-fmm-1level-{mode}"
        meta = dict(config=dict(CONFIGS[cfg], name=cfg, load=load), fused=not is_gemm)
        if not is_gemm:
            meta.update(t=plan.t, r=plan.r, scheme=plan.name, placeholder=False)
        if warm.get(job) or isinstance(small.get(job), str):
            rec.add(kernel=f"{kernel}[{cfg},{load}]", error=warm.get(job) or small.get(job), cublas_ms=ms0, **meta, **base)
            continue
        fmm = FmmTriton(plan, mode, load)
        note = ("plain Triton GEMM, same generator and block shape (t = 1)" if is_gemm else describe(fmm)) + f"; rel error at {a.check_size}³: {small[job]:.3e}"
        if time.time() - rec.t0 > a.budget_s:
            rec.add(kernel=f"{kernel}[{cfg},{load}]", error=f"time budget {a.budget_s}s used up", cublas_ms=ms0, **meta, **base)
            continue
        diag = {}
        if mode != "fused" and (plan.sa or plan.sb):
            try:  # where the time goes: the operand-sum pass alone, the products alone (sums given)
                q = n // plan.t
                fmm(X, W, out=Z, config=CONFIGS[cfg])
                diag = dict(encode_ms=sb.bench(lambda: fmm._sums(X, W, q, q, q), 30.0)[0],
                            products_ms=sb.bench(lambda: fmm(X, W, out=Z, config=CONFIGS[cfg], products_only=True), 60.0)[0])
            except Exception as ex:  # noqa: BLE001
                diag = dict(diag_error=str(ex)[:200])
        measure(f"{kernel}[{cfg},{load}]", lambda: fmm(X, W, out=Z, config=CONFIGS[cfg]), note=note, compile=stats.get(job), **diag, **meta)

    ms1, mn1, reps = sb.bench(cub, a.target_ms)
    rec.add(kernel="cublas-repeat", median_ms=ms1, cublas_ms=ms0, min_ms=mn1, reps=reps,
            note="cuBLAS again after the kernels: the spread of the baseline", **base)
    rows = sorted((r for r in rec.records if not r.get("error") and r["median_ms"]), key=lambda r: r["median_ms"])
    rec.say(f"summary at {n}³ (speed-up vs cuBLAS timed alternately; first cuBLAS {ms0:.3f} ms, repeat {ms1:.3f} ms):")
    for r in rows:
        rec.say(f"  {r['kernel']:<48} {r.get('scheme') or '':<16} {r['median_ms']:8.3f} ms  {r.get('speedup_vs_cublas') or 0:5.3f}x  err {r['rel_error'] if r['rel_error'] is not None else float('nan'):.2e}")


if __name__ == "__main__":
    main()
