#!/usr/bin/env python3
"""STLLinear against nn.Linear on one GPU, timed in alternation in the same run; one record per measurement.

    python3 layer_bench.py --pkg pt --scheme-file r024.json --out $OUT [--llama]

Per shape (tokens x in x out, bf16, no bias, as in a Llama MLP): forward (inference, no_grad),
forward + backward (gradients of the input and the weights; X̂ saved for the backward, or
recomputed with --variants), forward under torch.compile; each checked first (rel_error: the
output against the float64 evaluation of the same operator on the same bf16 inputs; for
forward+backward also dX, rel_error_dx) and then timed alternately with nn.Linear on the same
input (stlbench.bench_pair: batches of back-to-back calls, medians). speedup_vs_linear =
nn.Linear's median / STLLinear's median. --llama adds the training step of a Llama-style stack
(layer_llama.py) with every MLP linear converted, against the dense stack, in tokens/s.
Writes OUT/results.json (bench/results format) and OUT/log.txt.
"""
import argparse
import os
import sys
import time
import traceback

import torch
from torch import nn

import stlbench as sb
from layer_common import load_package, rel, stl64

SHAPES = [(8192, 8192, 8192), (16384, 2048, 5632), (16384, 5632, 2048), (16384, 2048, 2048)]


def args_():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pkg", required=True, help="a folder written by `stlkit export pytorch`")
    ap.add_argument("--scheme-file", default=None, help="the scheme file it was exported from (recorded)")
    ap.add_argument("--shapes", nargs="*", help="MxNxP (default: the four of issue 10)")
    ap.add_argument("--variants", action="store_true", help="also: X̂ recomputed in the backward; dense weight re-encoded per step")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--llama", action="store_true", help="the Llama-style stack training step")
    ap.add_argument("--llama-layers", type=int, default=4)
    ap.add_argument("--llama-batch", type=int, default=4)
    ap.add_argument("--llama-seq", type=int, default=2048)
    ap.add_argument("--target-ms", type=float, default=100.0)
    ap.add_argument("--budget-s", type=float, default=480.0, help="start no new block after this many seconds")
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    return ap.parse_args()


def main():
    a = args_()
    torch.manual_seed(0)
    pkg = load_package(a.pkg)
    rec = sb.Recorder(a.out, " ".join([os.path.basename(sys.executable)] + sys.argv))
    meta = dict(t=pkg.EXPORTED["t"], r=pkg.EXPORTED["r"], scheme=a.scheme_file or pkg.EXPORTED.get("source"),
                baseline="nn.Linear", dtype="bf16")
    rec.say(f"device {rec.device}, torch {torch.__version__}, package {a.pkg}: t {meta['t']}, r {meta['r']}, {meta['scheme']}")
    shapes = [tuple(int(v) for v in s.split("x")) for s in a.shapes] if a.shapes else SHAPES

    def add(kernel, fn, base, ref_check, **extra):
        """Check, then time fn alternately with base; a failure is recorded and the run goes on."""
        try:
            errs = ref_check()
            ms, mn, reps, lin_ms, batch = sb.bench_pair(fn, base, a.target_ms)
            return rec.add(kernel=kernel, median_ms=ms, min_ms=mn, reps=reps, batch=batch, linear_ms=lin_ms,
                           speedup_vs_linear=round(lin_ms / ms, 4), **errs, **meta, **extra)
        except Exception as ex:  # noqa: BLE001
            traceback.print_exc(file=rec.log)
            return rec.add(kernel=kernel, error=f"{type(ex).__name__}: {ex}", **meta, **extra)

    for M, N, P in shapes:
        if time.time() - rec.t0 > a.budget_s:
            rec.add(kernel="skipped", shape=[M, N, P], error=f"time budget {a.budget_s}s used up", **meta)
            continue
        shape = dict(shape=[M, N, P])
        dev = torch.device("cuda")
        lin = nn.Linear(N, P, bias=False, device=dev, dtype=torch.bfloat16)
        with torch.no_grad():
            lin.weight.normal_(0, N ** -0.5)
        stl = pkg.STLLinear.from_linear(lin)
        X = torch.randn(M, N, device=dev, dtype=torch.bfloat16)
        dY = torch.randn(M, P, device=dev, dtype=torch.bfloat16)
        W = lin.weight.detach().T
        ref = stl64(pkg, X, W)

        def fwd_check(f=stl):
            with torch.no_grad():
                return {"rel_error": rel(f(X), ref)}

        def no_grad(f):
            def g():
                with torch.no_grad():
                    return f(X)
            return g

        add("stllinear-fwd", no_grad(stl), no_grad(lin), fwd_check, **shape)

        Xg = X.clone().requires_grad_()

        def step(mod):
            def g():
                mod.zero_grad(set_to_none=True)
                Xg.grad = None
                mod(Xg).backward(dY)
            return g

        def fwdbwd_check(mod=stl):
            mod.zero_grad(set_to_none=True)
            Xg.grad = None
            y = mod(Xg)
            y.backward(dY)
            e = rel(y.detach(), ref)
            # dX of the same operator in float64: decode(bmm(encode(dY), What^T), P_X) on the stored What.
            enc = pkg.load_encoders()
            dzh = pkg.tiles.encode(dY.double(), enc.P_Z.to(dev))
            what = mod.encoded_weight().detach().double()
            dx64 = pkg.tiles.decode(torch.bmm(dzh, what.transpose(1, 2)), enc.P_X.to(dev), M, N)
            return {"rel_error": e, "rel_error_dx": rel(Xg.grad, dx64)}

        add("stllinear-fwdbwd", step(stl), step(lin), fwdbwd_check, **shape)
        if a.variants:
            stl.recompute_xhat = True
            add("stllinear-fwdbwd-recompute", step(stl), step(lin), fwdbwd_check,
                note="X̂ not saved: recomputed from X in the backward (saves r/t² - 1 of X per layer)", **shape)
            stl.recompute_xhat = False
            dense = pkg.STLLinear.from_linear(lin, dense_weight=True)
            add("stllinear-fwdbwd-denseweight", step(dense), step(lin), lambda: fwdbwd_check(dense),
                note="parameter = dense weight, What re-encoded every step, dW through E_W^T", **shape)
            del dense
        if not a.no_compile:
            try:
                t0 = time.time()
                cstl = torch.compile(stl, fullgraph=True, dynamic=False)
                with torch.no_grad():
                    cstl(X)
                add("stllinear-fwd-compiled", no_grad(cstl), no_grad(lin), lambda: fwd_check(cstl),
                    compile_s=round(time.time() - t0, 1), note="torch.compile(fullgraph=True); nn.Linear eager", **shape)
                del cstl
            except Exception as ex:  # noqa: BLE001
                traceback.print_exc(file=rec.log)
                rec.add(kernel="stllinear-fwd-compiled", error=f"{type(ex).__name__}: {ex}", **meta, **shape)
            torch._dynamo.reset()
        del stl, lin, X, dY, Xg, ref
        torch.cuda.empty_cache()

    if a.llama and time.time() - rec.t0 <= a.budget_s:
        try:
            llama(a, pkg, rec, meta)
        except Exception as ex:  # noqa: BLE001
            traceback.print_exc(file=rec.log)
            rec.add(kernel="llama-train-step", error=f"{type(ex).__name__}: {ex}", **meta)
    summary(rec)


def llama(a, pkg, rec, meta):
    import copy
    from layer_llama import Stack, train_step
    dev = torch.device("cuda")
    torch.manual_seed(0)
    dense = Stack(layers=a.llama_layers).to(dev, torch.bfloat16)
    stl = copy.deepcopy(dense)
    converted = pkg.convert_linears(stl, include="*.mlp.*")
    B, S = a.llama_batch, a.llama_seq
    x = torch.randn(B, S, 2048, device=dev, dtype=torch.bfloat16)
    target = torch.randn(B, S, 2048, device=dev, dtype=torch.float32)
    opts = {m: torch.optim.AdamW(m.parameters(), lr=1e-5, foreach=True) for m in (dense, stl)}
    losses = {}
    for m in (dense, stl):
        losses[m] = [train_step(m, opts[m], x, target).item() for _ in range(3)]
    ms, mn, reps, dense_ms, batch = sb.bench_pair(lambda: train_step(stl, opts[stl], x, target),
                                                 lambda: train_step(dense, opts[dense], x, target), 1000.0)
    tokens = B * S
    n_dense = sum(p.numel() for p in dense.parameters())
    n_stl = sum(p.numel() for p in stl.parameters())
    rec.add(kernel="llama-train-step", median_ms=ms, min_ms=mn, reps=reps, batch=batch, linear_ms=dense_ms,
            speedup_vs_linear=round(dense_ms / ms, 4), tokens_per_s=round(tokens / ms * 1e3), dense_tokens_per_s=round(tokens / dense_ms * 1e3),
            shape=[tokens, 2048, 5632], layers=a.llama_layers, batch_size=B, seq=S, converted=converted,
            params=n_stl, dense_params=n_dense, first_losses=losses[stl], dense_first_losses=losses[dense],
            note="Llama-style stack (TinyLlama block shapes), bf16 parameters, AdamW step included; MLP linears as STLLinear vs all dense; "
                 "speedup_vs_linear = dense step time / STL step time",
            **dict(meta, baseline="dense stack"))


def summary(rec):
    rec.say("summary: STLLinear / nn.Linear, same run, alternated (× = nn.Linear ms / STLLinear ms)")
    for x in rec.records:
        if x.get("error"):
            rec.say(f"  {x['kernel']:<30} {'x'.join(map(str, x.get('shape') or []))}: FAILED {x['error'][:200]}")
        elif x.get("median_ms"):
            extra = f"  {x['tokens_per_s']} vs {x['dense_tokens_per_s']} tokens/s" if "tokens_per_s" in x else ""
            rec.say(f"  {x['kernel']:<30} {'x'.join(map(str, x['shape'])):>18} {x['median_ms']:8.3f} ms vs {x['linear_ms']:8.3f} ms "
                    f"{x['speedup_vs_linear']:5.2f}x  err {x.get('rel_error') or float('nan'):.2e}{extra}")


if __name__ == "__main__":
    main()
