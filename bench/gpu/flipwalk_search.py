#!/usr/bin/env python3
"""Flip-graph searches on the device machine (issue 14): the GPU walks one format at a time while
the host's cores walk others with the g++ build of the same programs.

  python3 bench/gpu/flipwalk_search.py --out $OUT --plan 'gpu:444:47:start-49.txt:200,host:345:46:start-own-48.txt:4'

Each plan entry is `gpu:FMT:TARGET:START:SECONDS` (run on the GPU, one after another) or
`host:FMT:TARGET:START:PROCS` (PROCS host processes, seeds 1..PROCS, all running until --seconds).
START is a file in bench/gpu/generated/flipwalk/FMT/, a path from the repository root (e.g. a pool of an
earlier run kept in bench/results/flipwalk/starts/) or `naive`. A target below the rank one hopes
for keeps the walkers going at that rank, so the pool collects many distinct schemes of it (the
ternary lift in `stlkit search import-gpu --field ZT` needs a Z2 scheme whose signs work out).
--mode picks the GPU kernel (default: the faster in a 3-second trial of each on <4,4,4>).

Writes OUT/search-results.json (every run's summary) and OUT/runs.tar.gz (each run's records.txt,
pool.txt, summary.json under runs/NAME/): unpack and read back with `stlkit search import-gpu`.
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import flipwalk_bench as fb  # noqa: E402


def args_():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--plan", required=True)
    ap.add_argument("--seconds", type=float, default=540, help="wall-clock budget of the whole command")
    ap.add_argument("--mode", default=None, choices=["thread", "warp"])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--build-dir", default="/tmp/stlkit-flipwalk-build")
    ap.add_argument("--restart-flips", type=int, default=None, help="passed to the GPU runs (0: walkers never restart)")
    ap.add_argument("--check", action="store_true", help="first the host/thread/warp identity check on <4,4,4>")
    return ap.parse_args()


def main():
    a = args_()
    t0 = time.time()
    plan = []
    for e in a.plan.split(","):
        kind, fmt, target, start, n = e.split(":")
        plan.append({"kind": kind, "format": fmt, "target": int(target), "start": start, "n": float(n)})
    fb.FORMATS = sorted({p["format"] for p in plan} | {"444"} | ({"333"} if a.check else set()))
    b = fb.Bench(argparse.Namespace(out=a.out, budget_s=a.seconds, build_dir=a.build_dir, baseline=None, seed=a.seed))
    b.build()
    print(f"build: {time.time() - t0:.1f} s", flush=True)
    if a.check:
        b.check()

    mode = a.mode
    if mode is None:
        rates = {}
        for m in ("thread", "warp"):
            try:
                s, _ = b.run(f"trial-444-{m}", "444", m, ["--restart-flips", 0], 3)
                rates[m] = s["flips_per_s"]
                b.record("trial", s)
            except Exception as e:  # noqa: BLE001 -- recorded, the other mode may work
                b.note({"phase": "trial", "mode": m, "error": str(e)})
        mode = max(rates, key=rates.get) if rates else "warp"
        print(f"GPU mode: {mode} ({rates})", flush=True)

    def start_args(p):
        if p["start"] == "naive":
            return []
        # A bare name is a start file beside the program; a path (with '/') is from the repository root.
        return ["--start", os.path.join(fb.ROOT, p["start"]) if "/" in p["start"] else os.path.join(fb.GENERATED, p["format"], p["start"])]

    # Host processes first: they run for the whole remaining budget, beside the GPU runs.
    left = a.seconds - (time.time() - t0)
    host_limit = max(10.0, left - 25)
    procs = []
    for p in plan:
        if p["kind"] != "host":
            continue
        for i in range(int(p["n"])):
            name = f"host-{p['format']}-{p['target']}-s{i + 1}"
            d = os.path.join(b.out, "runs", name)
            os.makedirs(d, exist_ok=True)
            cmd = [b.exe[(p["format"], "gxx")], "--mode", "host", "--walkers", "8", "--out", d, "--quiet", "--seed", str(i + 1),
                   "--time-limit", f"{host_limit:.0f}", "--target", str(p["target"]), "--pool", "1000"] + start_args(p)
            procs.append((name, cmd, subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)))

    for p in plan:
        if p["kind"] != "gpu":
            continue
        name = f"gpu-{p['format']}-{p['target']}-{mode}"
        limit = min(p["n"], a.seconds - (time.time() - t0) - 20)
        if limit < 5:
            b.note({"phase": "search", "run": name, "error": "skipped: budget spent"})
            continue
        try:
            s, _ = b.run(name, p["format"], mode, ["--target", p["target"], "--pool", 4000] + start_args(p)
                                + ([] if a.restart_flips is None else ["--restart-flips", a.restart_flips]), limit)
            s["start"] = p["start"]
            b.record("search", s)
        except Exception as e:  # noqa: BLE001
            b.note({"phase": "search", "run": name, "error": str(e)})

    for name, cmd, pr in procs:
        try:
            out, err = pr.communicate(timeout=max(5.0, a.seconds - (time.time() - t0)))
            s = json.loads(out)
            s["command"] = " ".join(cmd)
            s["run_dir"] = os.path.join("runs", name)
            b.record("search", s)
        except Exception as e:  # noqa: BLE001
            pr.kill()
            b.note({"phase": "search", "run": name, "error": str(e)[-500:]})

    with tarfile.open(os.path.join(b.out, "runs.tar.gz"), "w:gz") as tar:
        tar.add(os.path.join(b.out, "runs"), arcname="runs")
    subprocess.run(["rm", "-rf", os.path.join(b.out, "runs")])
    os.replace(os.path.join(b.out, "flipwalk-results.json"), os.path.join(b.out, "search-results.json"))
    print(f"done in {time.time() - t0:.1f} s", flush=True)


if __name__ == "__main__":
    sys.exit(main())
