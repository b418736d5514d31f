#!/usr/bin/env python3
"""Flip-graph walkers on the GPU (issue 17): the generated flipwalk programs, built and measured.

  python3 bench/gpu/flipwalk_bench.py --out $OUT                       # build,check,throughput,targets
  python3 bench/gpu/flipwalk_bench.py --out $OUT --phases build,moonshot

The default phases fit one 10-minute command: --budget-s (570) shortens the last runs' time limits and
skips what no longer fits (recorded as skipped). Builds are cached in --build-dir by source hash.
Phases:
  build       nvcc -O3 -arch=sm_90a -Xptxas -v of generated/flipwalk/{333,444,555}/flipwalk_*.cu in
              parallel (registers, spills, stack per kernel recorded), and g++ -O2 of the same files
  check       the same seed and flip budget in host (g++ build), thread and warp mode: every walker's
              final state (final.txt) must be identical, byte for byte
  throughput  flips/s for <3,3,3>, <4,4,4>, <5,5,5> in both modes at 1024 walkers and at the most the
              GPU holds at once, 8 s each, restarts off as in the CPU baseline, against its
              cpu_core_flips_per_s (bench/results/flipwalk/*-cpu-baseline.json)
  targets     time from the naive algorithm to <3,3,3>:23 and <4,4,4>:49 in both modes (kernel seconds)
  moonshot    <4,4,4> from 49 towards 47 and <5,5,5> from 93 towards 92 over Z2 (restarts off), about
              210 s each (with the build, one 10-minute command)

Writes OUT/flipwalk-results.json (all records, rewritten after each run) and OUT/runs/NAME/ (each run's
records.txt, pool.txt, summary.json: read them back here with `stlkit search import-gpu DIR`).
"""
import argparse
import concurrent.futures as cf
import datetime
import glob
import hashlib
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GENERATED = os.path.join(HERE, "generated", "flipwalk")
FORMATS = ["333", "444", "555"]


def args_():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.environ.get("OUT", "out"))
    ap.add_argument("--phases", default="build,check,throughput,targets")
    ap.add_argument("--budget-s", type=float, default=570, help="stop starting runs after this many seconds")
    ap.add_argument("--build-dir", default="/tmp/stlkit-flipwalk-build")
    ap.add_argument("--baseline", default=None, help="CPU baseline JSON (default: the newest bench/results/flipwalk/*-cpu-baseline.json)")
    ap.add_argument("--seconds", type=float, default=8, help="time limit of each throughput run")
    ap.add_argument("--walkers", default="1024,0", help="throughput walker counts; 0 = as many as the GPU holds at once")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--target-limit", type=float, default=150, help="time limit of each <4,4,4>:49 run")
    ap.add_argument("--moonshot-seconds", type=float, default=420, help="split between <4,4,4> and <5,5,5>")
    ap.add_argument("--moonshot-mode", default="warp", choices=["thread", "warp"])
    return ap.parse_args()


class Bench:
    def __init__(self, a):
        self.a = a
        self.t0 = time.time()
        self.out = os.path.abspath(a.out)
        os.makedirs(os.path.join(self.out, "runs"), exist_ok=True)
        self.records = []
        self.exe = {}
        self.ptxas = {}
        base = a.baseline or sorted(glob.glob(os.path.join(ROOT, "bench", "results", "flipwalk", "*-cpu-baseline.json")))[-1]
        with open(base) as f:
            self.baseline = {"cpu_core_flips_per_s": {r["format"]: r["cpu_core_flips_per_s"] for r in json.load(f)}}
        self.baseline_file = os.path.relpath(base, ROOT)
        try:
            smi = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True).stdout
        except OSError:
            smi = ""
        self.device = smi.strip().split("\n")[0] or "unknown GPU"

    def save(self):
        path = os.path.join(self.out, "flipwalk-results.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.records, f, indent=1)
        os.replace(path + ".tmp", path)

    def note(self, rec):
        rec.setdefault("date", datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"))
        self.records.append(rec)
        self.save()
        print(json.dumps({k: rec.get(k) for k in ("phase", "mode", "format", "walkers", "flips_per_s", "speedup_vs_cpu_core", "best_rank", "time_to_target_s", "ok", "error") if k in rec}), flush=True)

    # ------------------------------------------------------------------------------------------
    def build(self):
        os.makedirs(self.a.build_dir, exist_ok=True)

        def one(fmt, tool):
            src = os.path.join(GENERATED, fmt, f"flipwalk_{fmt}.cu")
            digest = hashlib.sha256(open(src, "rb").read()).hexdigest()[:12]
            exe = os.path.join(self.a.build_dir, f"flipwalk_{fmt}_{tool}_{digest}")
            log = exe + ".log"
            if not os.path.exists(exe):
                cmd = (["nvcc", "-O3", "-std=c++17", "-arch=sm_90a", "-Xptxas", "-v", "-o", exe, src] if tool == "nvcc"
                       else ["g++", "-O2", "-std=c++17", "-x", "c++", "-o", exe, src])
                t0 = time.time()
                r = subprocess.run(cmd, capture_output=True, text=True)
                with open(log, "w") as f:
                    f.write(f"{' '.join(cmd)}\n{time.time() - t0:.1f} s\n{r.stdout}{r.stderr}")
                if r.returncode != 0:
                    raise RuntimeError(f"{' '.join(cmd)} failed:\n{r.stderr[-3000:]}")
            return fmt, tool, exe, open(log).read()

        with cf.ThreadPoolExecutor(max_workers=16) as pool:
            for fmt, tool, exe, log in pool.map(lambda x: one(*x), [(f, t) for f in FORMATS for t in ("nvcc", "gxx")]):
                self.exe[(fmt, tool)] = exe
                if tool == "nvcc":
                    self.ptxas[fmt] = ptxas_figures(log)
                    self.note({"phase": "build", "kernel": "flipwalk-cuda", "format": ",".join(fmt), "ptxas": self.ptxas[fmt], "command": log.split("\n")[0], "device": self.device})

    def run(self, name, fmt, mode, extra, limit, tool="nvcc"):
        """One run of a program; its --time-limit is `limit`, cut to what the budget leaves."""
        left = self.a.budget_s - (time.time() - self.t0) - 10
        if left < min(limit, 5):
            raise RuntimeError(f"skipped: budget ({self.a.budget_s:.0f} s) spent")
        limit = min(limit, left)
        d = os.path.join(self.out, "runs", name)
        os.makedirs(d, exist_ok=True)
        cmd = [self.exe[(fmt, tool)], "--mode", mode, "--out", d, "--quiet", "--seed", str(self.a.seed), "--time-limit", f"{limit:g}"] + [str(x) for x in extra]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=limit + 60)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)}: exit {r.returncode}: {r.stderr.strip()[-2000:]}")
        s = json.loads(r.stdout)
        s["command"] = " ".join(cmd)
        s["run_dir"] = os.path.relpath(d, self.out)
        return s, d

    def record(self, phase, s):
        fmt = s["format"]
        cpu = self.baseline["cpu_core_flips_per_s"].get(fmt)
        rec = {"phase": phase, **s, "cpu_core_flips_per_s": cpu,
               "speedup_vs_cpu_core": (s["flips_per_s"] / cpu) if cpu else None,
               "cpu_baseline": self.baseline_file, "device": s["device"] if s["kernel"] == "flipwalk-host" else self.device,
               "ptxas": self.ptxas.get(fmt.replace(",", ""))}
        self.note(rec)

    # ------------------------------------------------------------------------------------------
    def check(self):
        for fmt in ("333", "444"):
            finals = {}
            for mode, tool in (("host", "gxx"), ("host", "nvcc"), ("thread", "nvcc"), ("warp", "nvcc")):
                name = f"check-{fmt}-{mode}-{tool}"
                try:
                    s, d = self.run(name, fmt, mode, ["--walkers", 48, "--max-flips", 100000, "--final"], 120, tool=tool)
                    finals[name] = open(os.path.join(d, "final.txt"), "rb").read()
                except Exception as e:  # noqa: BLE001 -- recorded, the run goes on
                    self.note({"phase": "check", "format": fmt, "mode": mode, "error": str(e)})
            ref = finals.get(f"check-{fmt}-host-gxx")
            same = {k: v == ref for k, v in finals.items()}
            self.note({"phase": "check", "kernel": "flipwalk-cuda", "format": ",".join(fmt), "walkers": 48, "max_flips": 100000,
                       "identical_to_host": same, "ok": ref is not None and len(same) == 4 and all(same.values()), "device": self.device})

    def throughput(self):
        counts = [int(x) for x in self.a.walkers.split(",")]
        for fmt in FORMATS:
            for mode in ("thread", "warp"):
                for w in counts:
                    extra = ["--restart-flips", 0] + (["--walkers", w] if w else [])
                    try:
                        s, _ = self.run(f"throughput-{fmt}-{mode}-{w or 'full'}", fmt, mode, extra, self.a.seconds)
                        self.record("throughput", s)
                    except Exception as e:  # noqa: BLE001
                        self.note({"phase": "throughput", "format": ",".join(fmt), "mode": mode, "walkers": w, "error": str(e)})

    def targets(self):
        for fmt, target, limit in (("333", 23, 60), ("444", 49, self.a.target_limit)):
            for mode in ("thread", "warp"):
                try:
                    s, _ = self.run(f"target-{fmt}-{target}-{mode}", fmt, mode, ["--target", target], limit)
                    self.record("targets", s)
                except Exception as e:  # noqa: BLE001
                    self.note({"phase": "targets", "format": ",".join(fmt), "mode": mode, "error": str(e)})

    def moonshot(self):
        # Below the best of the naive descents: long plateau walks (restarts off) from a good start,
        # <4,4,4> from Strassen x Strassen (49) towards 47, <5,5,5> from the rank-93 scheme towards 92.
        each = self.a.moonshot_seconds / 2
        for fmt, target, start in (("444", 47, "start-49.txt"), ("555", 92, "start-93.txt")):
            extra = ["--target", target, "--restart-flips", 0, "--pool", 1000, "--start", os.path.join(GENERATED, fmt, start)]
            try:
                s, _ = self.run(f"moonshot-{fmt}-{target}-{self.a.moonshot_mode}", fmt, self.a.moonshot_mode, extra, each)
                self.record("moonshot", s)
            except Exception as e:  # noqa: BLE001
                self.note({"phase": "moonshot", "format": ",".join(fmt), "error": str(e)})


def ptxas_figures(log):
    """Registers, spills, stack and shared memory per kernel from nvcc -Xptxas -v."""
    out = {}
    for part in log.split("Compiling entry function")[1:]:
        m = re.search(r"'_Z\d+(\w+?)3Dev", part)
        name = m.group(1) if m else part.split("'")[1]
        fig = {}
        for key, pat in (("registers", r"Used (\d+) registers"), ("stack_bytes", r"(\d+) bytes stack frame"),
                         ("spill_stores", r"(\d+) bytes spill stores"), ("spill_loads", r"(\d+) bytes spill loads"), ("smem_bytes", r"(\d+) bytes smem")):
            m = re.search(pat, part)
            fig[key] = int(m.group(1)) if m else 0
        out[name] = fig
    return out


def main():
    a = args_()
    b = Bench(a)
    for phase in a.phases.split(","):
        t0 = time.time()
        getattr(b, phase)()
        print(f"phase {phase}: {time.time() - t0:.1f} s", flush=True)
    print(f"wrote {os.path.join(b.out, 'flipwalk-results.json')} ({len(b.records)} records)")


if __name__ == "__main__":
    sys.exit(main())
