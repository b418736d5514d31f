#!/usr/bin/env python3
"""Every STL measurement on one GPU in one command; one JSON record per measurement in OUT/results.json.

  cd bench/gpu && PYTHONUNBUFFERED=1 python3 run_all.py --out $OUT

Per shape: cuBLAS (torch.matmul bf16, timed before and after the shape's kernels) and 2:4
semi-structured sparsity (cuSPARSELt default and best algorithm id, CUTLASS). Per shape and scheme:
plain PyTorch STL, STL as 3 cuBLAS calls on tile-major activations, the bare batched GEMM of the r
products (the ceiling), Triton unfused (encode, cuBLAS bmm, decode) and decode-fused (several block
shapes and loop/epilogue forms), the generated CUDA unfused and fused (mma.sync) kernels, and for
exact schemes the one-level fast-matmul driver through cuBLAS (generated CUDA) and in Triton with the
additions fused (fmm_triton.py: triton-fmm-1level). FP8 (fp8_entries.py, on sm_90+; --no-fp8 skips them): the
torch._scaled_mm FP8 GEMM per shape, and per scheme the STL with FP8 e4m3 products (Triton encode,
r torch._scaled_mm or the decode-fused FP8 Triton kernel), records with product_dtype. Each kernel is first checked against the float64
evaluation of the same operator (rel_error) and against the float64 XW (rel_error_vs_matmul), its
output poisoned with NaN beforehand; then timed (median of CUDA-event times after warm-up). A
failure is recorded with its message and the run goes on. Schemes come from generated/manifest.json
(written by prepare.ts); placeholder schemes are marked "placeholder": true (timing only).
"""
import argparse
import os
import sys
import time
import traceback

import torch

import fp8_entries as f8
import stlbench as sb
from stlbench import rel

# One level of an exact scheme in Triton with the additions fused (fmm_triton.py): mode, loads and
# block shape per t, the fastest measured at 16384³ on an H200 (bench/results/*-fmm-triton.json).
TRITON_FMM = {2: ("sequential", "ptr", "256x64s4"), 4: ("persistent", "ptr", "256x64s4")}

SHAPES = [(8192, 8192, 8192), (4096, 4096, 4096), (16384, 2048, 5632), (16384, 5632, 2048), (16384, 2048, 2048)]
FMM_SHAPE = (16384, 16384, 16384)


def args_():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--generated", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated"))
    ap.add_argument("--schemes", nargs="*", help="manifest names or scheme JSON files (default: every manifest entry)")
    ap.add_argument("--shapes", nargs="*", help="MxNxP (default: the five of issue 6)")
    ap.add_argument("--no-fmm-shape", action="store_true", help=f"skip the extra {FMM_SHAPE} fast-matmul shape")
    ap.add_argument("--no-cuda", action="store_true")
    ap.add_argument("--no-triton", action="store_true")
    ap.add_argument("--no-triton-fmm", action="store_true", help="skip triton-fmm-1level (fmm_triton.py) for exact schemes")
    ap.add_argument("--no-sparse", action="store_true")
    ap.add_argument("--no-fp8", action="store_true", help="skip the FP8 entries (torch._scaled_mm peer, STL with FP8 products)")
    ap.add_argument("--explore", default="all", choices=["all", "default"], help="fused Triton variants tried at the first shape")
    ap.add_argument("--budget-s", type=float, default=330.0, help="start no new shape/scheme block after this many seconds")
    ap.add_argument("--target-ms", type=float, default=80.0, help="timed work per measurement")
    return ap.parse_args()


def main():
    a = args_()
    torch.manual_seed(0)
    dev = torch.device("cuda")
    rec = sb.Recorder(a.out, " ".join([os.path.basename(sys.executable)] + sys.argv))
    rec.say(f"device {rec.device}, torch {torch.__version__}, out {a.out}")
    schemes = sb.load_schemes(a.generated, a.schemes)
    shapes = [tuple(int(x) for x in s.split("x")) for s in a.shapes] if a.shapes else SHAPES
    torch.matmul(torch.randn(256, 256, device=dev, dtype=torch.bfloat16), torch.randn(256, 256, device=dev, dtype=torch.bfloat16))

    # CUDA: compile every generated .cu in the background while Triton and the baselines run.
    builds = {}
    if not a.no_cuda:
        os.makedirs("/tmp/stl_build", exist_ok=True)
        for s in schemes:
            if s.cuda_file:
                so = f"/tmp/stl_build/{s.name}.so"
                builds[s.name] = (sb.start_nvcc(os.path.join(a.generated, s.cuda_file), so, so + ".log"), so)
    libs = {}
    # Triton one-level fast matmul: compile its kernels in parallel processes (Triton's disk cache)
    # before anything is timed, so that compiling neither delays nor disturbs the measurements.
    fmm_ok = not (a.no_triton or a.no_triton_fmm)
    if fmm_ok and any(s.exact and s.t in TRITON_FMM for s in schemes):
        import fmm_triton as ft
        from concurrent.futures import ProcessPoolExecutor
        import multiprocessing as mp
        jobs = [(s.path, *TRITON_FMM[s.t]) for s in schemes if s.exact and s.t in TRITON_FMM]
        t0 = time.time()
        try:
            with ProcessPoolExecutor(max_workers=min(8, len(jobs)), mp_context=mp.get_context("spawn")) as ex:
                for job, (err, stats) in ex.map(ft._warm_one, jobs):
                    rec.say(f"compiled triton-fmm {job}: {err or stats}")
            rec.say(f"triton-fmm kernels compiled in {time.time() - t0:.1f}s")
        except Exception as ex:  # noqa: BLE001 — they compile at first use instead
            traceback.print_exc(file=rec.log)
            rec.say(f"triton-fmm parallel compile failed ({type(ex).__name__}: {ex}); compiling at first use")

    def cuda_lib(s):
        if s.name not in libs:
            proc, so = builds[s.name]
            if proc.wait() != 0:
                libs[s.name] = RuntimeError("nvcc failed: " + open(so + ".log").read()[-1500:])
            else:
                log = open(so + ".log").read()
                rec.say(f"built {s.name}: " + " | ".join(l.strip() for l in log.splitlines() if "stl_fused_kernel" in l or ("Used" in l and "barriers, " in l))[:400])
                libs[s.name] = sb.CudaLib(so)
        if isinstance(libs[s.name], Exception):
            raise libs[s.name]
        return libs[s.name]

    best_fused = {}  # t → fused Triton variants kept after exploring at the first shape
    all_shapes = [(sh, False) for sh in shapes] + ([] if a.no_fmm_shape else [(FMM_SHAPE, True)])
    for shape, fmm_only in all_shapes:
        if time.time() - rec.t0 > a.budget_s:
            rec.add(kernel="skipped", shape=list(shape), error=f"time budget {a.budget_s}s used up")
            continue
        M, N, P = shape
        X = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
        W = (torch.randn(N, P, device=dev, dtype=torch.float32) / N ** 0.5).to(torch.bfloat16)
        XW64 = X.double() @ W.double()
        base = dict(shape=[M, N, P])

        def cublas():
            ms, mn, reps = sb.bench(lambda: torch.matmul(X, W), a.target_ms)
            return ms, mn, reps

        ms0, mn0, reps = cublas()
        e0 = rel(torch.matmul(X, W), XW64)
        rec.add(kernel="cublas", median_ms=ms0, cublas_ms=ms0, rel_error=e0, rel_error_vs_matmul=e0,
                min_ms=mn0, reps=reps, tflops=2 * M * N * P / ms0 / 1e9, **base)
        cub = ms0

        def measure(kernel, fn, ref, fused=False, view=None, poison=(), s=None, vs_mm=True, **extra):
            """Check (outputs poisoned with NaN first), then time; record either way."""
            meta = dict(t=s.t, r=s.r, scheme=s.name, placeholder=s.placeholder) if s else {}
            try:
                for buf in poison:
                    buf.fill_(float("nan"))
                y = fn()
                torch.cuda.synchronize()
                y = view(y) if view else y
                e1 = rel(y, ref)
                e2 = rel(y, XW64) if vs_mm else None
                del y
                # Timed alternately with cuBLAS on the same inputs: the ratio compares two medians
                # taken in the same state of the card (clocks drift by up to ~30 % over a run here).
                ms, mn, reps, adj, batch = sb.bench_pair(fn, lambda: torch.matmul(X, W), a.target_ms)
                return rec.add(kernel=kernel, fused=fused, median_ms=ms, min_ms=mn, reps=reps, batch=batch, cublas_ms=adj, cublas_shape_ms=cub,
                               rel_error=e1, rel_error_vs_matmul=e2, **meta, **extra, **base)
            except Exception as ex:  # noqa: BLE001 — record and go on
                traceback.print_exc(file=rec.log)
                return rec.add(kernel=kernel, fused=fused, cublas_ms=cub, error=f"{type(ex).__name__}: {ex}", **meta, **extra, **base)

        if not a.no_sparse and not fmm_only:
            sparse24(X, W, measure)
        if not a.no_fp8 and not fmm_only and f8.fp8_available():
            f8.fp8_gemm(X, W, XW64, measure)

        for s in schemes:
            if time.time() - rec.t0 > a.budget_s:
                rec.add(kernel="skipped", shape=[M, N, P], t=s.t, r=s.r, scheme=s.name, error=f"time budget {a.budget_s}s used up")
                continue
            if M % s.t or N % s.t or P % s.t or (fmm_only and not s.exact):
                continue
            try:
                run_scheme(a, s, X, W, XW64, measure, cuda_lib if s.name in builds else None, best_fused, fmm_only)
            except Exception as ex:  # noqa: BLE001
                traceback.print_exc(file=rec.log)
                rec.add(kernel="scheme-setup", t=s.t, r=s.r, scheme=s.name, error=f"{type(ex).__name__}: {ex}", **base)
            torch.cuda.empty_cache()
            if fmm_ok and s.exact and s.t in TRITON_FMM:
                try:
                    triton_fmm(s, X, W, XW64, measure)
                except Exception as ex:  # noqa: BLE001
                    traceback.print_exc(file=rec.log)
                    rec.add(kernel="triton-fmm-1level", fused=True, t=s.t, r=s.r, scheme=s.name, error=f"{type(ex).__name__}: {ex}", **base)
                torch.cuda.empty_cache()

        ms1, mn1, reps = cublas()
        rec.add(kernel="cublas-repeat", median_ms=ms1, cublas_ms=cub, min_ms=mn1, reps=reps, note="cuBLAS again after this shape's kernels: the spread of the baseline", **base)
        del X, W, XW64
        torch.cuda.empty_cache()
    summary(rec)


def sparse24(X, W, measure):
    """2:4 semi-structured sparsity on W (magnitude pruning along N) through torch.sparse."""
    from torch.sparse import SparseSemiStructuredTensor, to_sparse_semi_structured
    N, P = W.shape
    Wt = W.t().contiguous()  # (P, N): nn.Linear layout, 2:4 along the reduction dimension
    groups = Wt.abs().reshape(P, N // 4, 4)
    keep = torch.zeros_like(groups, dtype=torch.bool).scatter_(-1, groups.topk(2, dim=-1).indices, True)
    Wp = Wt * keep.reshape(P, N)
    ref = X.double() @ Wp.t().double()
    backends = [("cusparselt", False)] + ([("cutlass", True)] if torch.cuda.get_device_capability()[0] == 8 else [])
    for backend, cutlass in backends:  # PyTorch's CUTLASS 2:4 kernels run on sm_8x only
        try:
            SparseSemiStructuredTensor._FORCE_CUTLASS = cutlass
            Ws = to_sparse_semi_structured(Wp)
        except Exception as ex:  # noqa: BLE001
            measure(f"sparse24-{backend}", lambda: (_ for _ in ()).throw(ex), ref)
            continue
        fn = lambda: torch.nn.functional.linear(X, Ws)
        r = measure(f"sparse24-{backend}", fn, ref, note="2:4 magnitude-pruned W through torch.sparse (F.linear); rel_error vs the pruned product; includes PyTorch's per-call host work where it exceeds the GPU time")
        if backend == "cusparselt" and hasattr(Ws, "alg_id_cusparselt") and not r.get("error"):
            best = (r["median_ms"], getattr(Ws, "alg_id_cusparselt", 0))
            for alg in range(1, 16):  # cuSPARSELt's algorithm ids: try until one is refused
                try:
                    Ws.alg_id_cusparselt = alg
                    ms = sb.bench(fn, 30.0)[0]
                    best = min(best, (ms, alg))
                except Exception:  # noqa: BLE001
                    break
            Ws.alg_id_cusparselt = best[1]
            measure("sparse24-cusparselt-best-alg", fn, ref, note=f"cuSPARSELt alg_id {best[1]} (best of those accepted)")
    SparseSemiStructuredTensor._FORCE_CUTLASS = False


def run_scheme(a, s, X, W, XW64, measure, cuda_lib, best_fused, fmm_only):
    M, N = X.shape
    P = W.shape[1]
    t, r = s.t, s.r
    GM, GN, GP = M // t, N // t, P // t
    dev = X.device
    EX, EW, Dm = s.tensors(dev, torch.float32)
    m = dict(s=s)
    if fmm_only:
        ref = XW64
    else:
        ref = sb.stl64(X, W, s)
        Wh = sb.encode_tiles(W.float(), EW).to(torch.bfloat16)  # offline weight encoding
        Xh = sb.encode_tiles(X.float(), EX).to(torch.bfloat16)
        Zh = torch.empty((r, GM, GP), device=dev, dtype=torch.bfloat16)
        Z = torch.empty((M, P), device=dev, dtype=torch.bfloat16)
        # Plain PyTorch STL and 3 cuBLAS calls on tile-major activations.
        EXb, Db = EX.to(torch.bfloat16), Dm.to(torch.bfloat16)
        measure("torch-stl-plain", lambda: sb.decode_tiles(torch.bmm(sb.encode_tiles(X, EXb), Wh), Db), ref, **m)
        Xtm = X.reshape(GM, t, GN, t).permute(0, 2, 1, 3).reshape(GM * GN, t * t).contiguous()
        tm_view = lambda y: y.reshape(GM, GP, t, t).permute(0, 2, 1, 3).reshape(M, P)
        measure("cublas3-tilemajor", lambda: torch.matmul(torch.bmm(torch.matmul(EXb, Xtm.t()).view(r, GM, GN), Wh).view(r, GM * GP).t(), Db.t()),
                ref, view=tm_view, note="X and Z tile-major (t×t tiles contiguous); layout changes not timed", **m)
        bmm_ref = torch.bmm(Xh.double(), Wh.double())
        measure("bmm-ceiling", lambda: torch.bmm(Xh, Wh, out=Zh), bmm_ref, poison=[Zh], vs_mm=False, note="bare batched GEMM of the r products; rel_error vs its float64 bmm", **m)
        del bmm_ref
        if not a.no_triton and s.triton_file:
            mod = triton_variants(a, s, X, Wh, Xh, Zh, Z, ref, measure, best_fused, m)
            if not a.no_fp8 and f8.fp8_available():
                f8.triton_fp8(mod, X, W, ref, measure, m, config=(best_fused.get(s.t) or [None])[0], split=mod.INTERLEAVE_OK)
    if cuda_lib is not None:
        try:
            lib = cuda_lib(s)
        except Exception as ex:  # noqa: BLE001
            measure("cuda-build", lambda: (_ for _ in ()).throw(ex), ref, **m)
            return
        Z = torch.empty((M, P), device=dev, dtype=torch.bfloat16)
        if not fmm_only:
            Xw = torch.empty((r, GM, GN), device=dev, dtype=torch.bfloat16)
            measure("cuda-unfused", lambda: (lib.call("stl_unfused", X, Wh, Z, Xw, Zh, M, N, P), Z)[1], ref, poison=[Z], **m)
            measure("cuda-fused-mma", lambda: (lib.call("stl_fused", X, Wh, Z, Xw, M, N, P), Z)[1], ref, fused=True, poison=[Z],
                    note=f"mma.sync, BM={lib.BM} BN={lib.BN} tile units; X encode included", **m)
            measure("cuda-fused-mma-gemm-only", lambda: (lib.call("stl_fused_gemm", Xh, Wh, Z, M, N, P), Z)[1], ref, fused=True, poison=[Z], note="X̂ given", **m)
            del Xw
        if s.exact:
            Aw = torch.empty((r, GM, GN), device=dev, dtype=torch.bfloat16)
            Bw = torch.empty((r, GN, GP), device=dev, dtype=torch.bfloat16)
            Pw = torch.empty((r, GM, GP), device=dev, dtype=torch.bfloat16)
            measure("cuda-fmm-1level", lambda: (lib.call("fmm_forward", X, W, Z, Aw, Bw, Pw, M, N, P), Z)[1], XW64, poison=[Z],
                    note="one level of the exact scheme on t×t blocks, products through cuBLAS; both operands encoded online", **m)


def triton_fmm(s, X, W, XW64, measure):
    """triton-fmm-1level: one level of the exact scheme on t×t blocks in Triton (fmm_triton.py):
    the operand sums written by one pass over each input, the products as Triton GEMMs whose
    epilogues add ±M_l into the output blocks. Skipped where the block shape does not divide."""
    import fmm_triton as ft
    mode, load, cfg_name = TRITON_FMM[s.t]
    cfg = ft.CONFIGS[cfg_name]
    (M, N), P = X.shape, W.shape[1]
    if M % (s.t * cfg["BM"]) or P % (s.t * cfg["BN"]) or N % (s.t * cfg["BK"]):
        return
    fmm = ft.FmmTriton(ft.load_plan(s.path), mode, load)
    Z = torch.empty((M, P), device=X.device, dtype=X.dtype)
    measure("triton-fmm-1level", lambda: fmm(X, W, out=Z, config=cfg), XW64, fused=True, poison=[Z], s=s,
            config=dict(cfg, name=cfg_name, mode=mode, load=load), note=ft.describe(fmm))
    del Z, fmm
    torch.cuda.empty_cache()


def pipelined(mod, X, Wh, Z, chunks, split_ok, nstreams=2):
    """STL as encode → bmm → decode on row blocks of X, alternating between CUDA streams: the
    encode and decode are memory-bound and the bmm compute-bound, so running one block's stages
    beside another's lets them share the GPU instead of taking turns. Buffers are per stream."""
    M, P = X.shape[0], Z.shape[1]
    rows = M // chunks
    r, GN = Wh.shape[0], Wh.shape[1]
    streams = [torch.cuda.Stream() for _ in range(nstreams)]
    bufs = [(torch.empty((r, rows // mod.T, GN), device=X.device, dtype=X.dtype),
             torch.empty((r, rows // mod.T, P // mod.T), device=X.device, dtype=X.dtype)) for _ in range(nstreams)]

    def run():
        cur = torch.cuda.current_stream()
        for st in streams:
            st.wait_stream(cur)
        for c in range(chunks):
            st, (xt, zh) = streams[c % nstreams], bufs[c % nstreams]
            with torch.cuda.stream(st):
                sl = slice(c * rows, (c + 1) * rows)
                mod.decode(torch.bmm(mod.encode_x(X[sl], out=xt, split=split_ok), Wh, out=zh), out=Z[sl], joined=split_ok)
        for st in streams:
            cur.wait_stream(st)
        return Z
    return run


def triton_variants(a, s, X, Wh, Xh, Zh, Z, ref, measure, best_fused, m):
    mod = sb.import_module(os.path.join(a.generated, s.triton_file), f"stl_{s.name}")
    if not s.matches(mod):
        raise RuntimeError(f"{s.triton_file} does not bake in the coefficients of {s.path}: run prepare.ts again")
    M, P = X.shape[0], Wh.shape[2] * s.t
    Xt = torch.empty_like(Xh)
    split_ok = mod.INTERLEAVE_OK
    # Stages alone, then the three-stage pipeline.
    for split in ([False, True] if split_ok else [False]):
        measure(f"triton-encode-x{'-split' if split else ''}", lambda: mod.encode_x(X, out=Xt, split=split), Xh.double(), poison=[Xt], vs_mm=False,
                note="stage 1 alone; rel_error vs float32 encode rounded to bf16", **m)
    for joined in ([False, True] if split_ok else [False]):
        measure(f"triton-decode{'-joined' if joined else ''}", lambda: mod.decode(torch.bmm(Xh, Wh, out=Zh), out=Z, joined=joined), ref, poison=[Z],
                note="bmm + decode (stage 2+3)", **m)
    measure("triton-unfused", lambda: mod.decode(torch.bmm(mod.encode_x(X, out=Xt, split=split_ok), Wh, out=Zh), out=Z, joined=split_ok), ref,
            poison=[Z, Xt], note="Triton encode, cuBLAS bmm, Triton decode", **m)
    for chunks in (4, 8):
        if (M // s.t) % chunks == 0:
            run = pipelined(mod, X, Wh, Z, chunks, split_ok)
            measure(f"triton-pipelined[chunks={chunks}]", run, ref, poison=[Z],
                    note=f"the three stages on {chunks} row blocks of X over 2 CUDA streams, so one block's memory-bound encode/decode overlaps another's bmm", **m)
            del run
            torch.cuda.empty_cache()
    # Decode-fused GEMM: explore block shapes and loop/epilogue forms once per t, then keep the best two.
    if s.t in best_fused:
        variants = best_fused[s.t]
    else:
        forms = [dict(FLAT=False, JOINED=split_ok), dict(FLAT=True, JOINED=split_ok)] + ([dict(FLAT=False, JOINED=False)] if split_ok else [])
        variants = [dict(mod.FUSED_CONFIGS[0], **f) for f in forms]
        if a.explore == "all":
            variants += [dict(c, **forms[0]) for c in mod.FUSED_CONFIGS[1:]]
    timed = []
    for cfg in variants:
        name = "triton-fused[" + ",".join(f"{k}={int(v) if isinstance(v, bool) else v}" for k, v in cfg.items() if k != "GROUP_M") + "]"
        r1 = measure(name, lambda: mod.fused_gemm(Xh, Wh, out=Z, config=cfg), ref, fused=True, poison=[Z], note="decode-fused GEMM alone (X̂ given)", config=cfg, **m)
        if not r1.get("error"):
            timed.append((r1["median_ms"], cfg))
    if not timed:
        return mod
    timed.sort(key=lambda x: x[0])
    if s.t not in best_fused:
        # Keep the two fastest; for the other block shapes, take the fastest form.
        best_fused[s.t] = [c for _, c in timed[:2]]
    cfg = timed[0][1]
    measure("triton-fused", lambda: mod.fused_gemm(mod.encode_x(X, out=Xt, split=split_ok), Wh, out=Z, config=cfg), ref, fused=True,
            poison=[Z, Xt], config=cfg, note="Triton encode + decode-fused GEMM (best config above); X encode and decode included", **m)
    return mod


def summary(rec):
    rows = [x for x in rec.records if not x.get("error") and x["median_ms"]]
    rec.say("summary: speed-up over cuBLAS (same run), best variant per kernel family")
    fam = lambda k: k.split("[")[0]
    table = {}
    for x in rows:
        key = ("x".join(map(str, x["shape"])), f"({x['t']},{x['r']})" if x["t"] else "-", fam(x["kernel"]))
        if key not in table or x["median_ms"] < table[key]["median_ms"]:
            table[key] = x
    for (shape, tr, k), x in sorted(table.items()):
        rec.say(f"  {shape:>18} {tr:>7} {k:<28} {x['median_ms']:8.3f} ms  {x.get('speedup_vs_cublas') or 0:5.2f}x  err {x['rel_error'] if x['rel_error'] is not None else float('nan'):.2e}")
    fails = [x for x in rec.records if x.get("error")]
    rec.say(f"{len(rows)} measurements, {len(fails)} failures; results in {rec.path}")


if __name__ == "__main__":
    main()
