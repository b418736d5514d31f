#!/usr/bin/env python3
"""Why is the decode-fused Triton kernel slow? Compile stats and times of its block shapes.

  cd bench/gpu && PYTHONUNBUFFERED=1 python3 diag_fused.py [--shape 8192x8192x8192] [--out $OUT]

For each config: registers and spills per thread, shared memory, whether wgmma was emitted, the
median time and TFLOP/s of the r products. FOLD=0 runs the same loop without the t² outputs (the
decode epilogue), a wrong result that shows what the GEMM loop alone costs at that tile shape.
"""
import argparse
import json
import os

import torch
import triton

import stlbench as sb

CONFIGS = {
    4: [dict(BM=64, BN=32, BK=64, num_warps=8, num_stages=3),
        dict(BM=64, BN=32, BK=64, num_warps=8, num_stages=3, FOLD=False),
        dict(BM=64, BN=32, BK=64, num_warps=4, num_stages=3),
        dict(BM=128, BN=32, BK=64, num_warps=8, num_stages=3),
        dict(BM=64, BN=64, BK=64, num_warps=8, num_stages=3),
        dict(BM=64, BN=32, BK=128, num_warps=8, num_stages=2),
        dict(BM=128, BN=128, BK=64, num_warps=8, num_stages=3, FOLD=False)],
    2: [dict(BM=128, BN=64, BK=64, num_warps=8, num_stages=3),
        dict(BM=128, BN=64, BK=64, num_warps=8, num_stages=3, FOLD=False),
        dict(BM=64, BN=64, BK=64, num_warps=4, num_stages=3),
        dict(BM=128, BN=128, BK=64, num_warps=8, num_stages=3, FOLD=False)],
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--shape", default="8192x8192x8192")
    ap.add_argument("--schemes", nargs="*", default=["placeholder_t4_r24", "strassen_t2_r7"])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")
    M, N, P = (int(x) for x in a.shape.split("x"))
    rows = []
    for s in sb.load_schemes(gen, a.schemes):
        mod = sb.import_module(os.path.join(gen, s.triton_file), f"diag_{s.name}")
        t, r = s.t, s.r
        GM, GN, GP = M // t, N // t, P // t
        X = torch.randn(M, N, device="cuda", dtype=torch.bfloat16)
        W = (torch.randn(N, P, device="cuda") / N ** 0.5).to(torch.bfloat16)
        EX, EW, _ = s.tensors("cuda", torch.float32)
        Xh = sb.encode_tiles(X.float(), EX).to(torch.bfloat16)
        Wh = sb.encode_tiles(W.float(), EW).to(torch.bfloat16)
        ref = sb.stl64(X, W, s)
        Z = torch.empty((M, P), device="cuda", dtype=torch.bfloat16)
        bmm_ms = sb.bench(lambda: torch.bmm(Xh, Wh), 50)[0]
        flops = 2.0 * r * GM * GN * GP
        print(f"{s.name} {a.shape}: cuBLAS bmm of the products {bmm_ms:.3f} ms ({flops / bmm_ms / 1e9:.0f} TFLOP/s)", flush=True)
        for cfg in CONFIGS[t]:
            row = dict(scheme=s.name, shape=[M, N, P], config=cfg)
            try:
                grid = (triton.cdiv(GM, cfg["BM"]) * triton.cdiv(GP, cfg["BN"]),)
                launch = lambda: mod._fused_kernel[grid](
                    Xh, Wh, mod.decoder_tensor(Xh.device), Z, GM, GN, GP, r, Z.stride(0),
                    BM=cfg["BM"], BN=cfg["BN"], BK=cfg["BK"], GROUP_M=8, FLAT=False, JOINED=True, EVEN=True,
                    FOLD=cfg.get("FOLD", True), num_warps=cfg["num_warps"], num_stages=cfg["num_stages"])
                k = launch()
                torch.cuda.synchronize()
                ptx = k.asm.get("ptx", "")
                row.update(n_regs=getattr(k, "n_regs", None), n_spills=getattr(k, "n_spills", None),
                           shared=k.metadata.shared if hasattr(k.metadata, "shared") else None,
                           wgmma="wgmma" in ptx, mma_sync="mma.sync" in ptx)
                if cfg.get("FOLD", True):
                    row["rel_error"] = sb.rel(Z, ref)
                ms = sb.bench(launch, 50)[0]
                row.update(ms=ms, tflops=flops / ms / 1e9, vs_bmm=bmm_ms / ms)
            except Exception as ex:  # noqa: BLE001
                row["error"] = f"{type(ex).__name__}: {str(ex)[:300]}"
            rows.append(row)
            print(json.dumps(row), flush=True)
        del X, W, Xh, Wh, ref, Z
        torch.cuda.empty_cache()
    with open(os.path.join(a.out, "diag_fused.json"), "w") as f:
        json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
