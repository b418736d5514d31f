#!/usr/bin/env python3
"""Recompute the isotropic error of <t,t,t> scheme files with numpy alone (no stlkit code).

  python3 search/check_isotropic.py FILE.json [FILE.json ...]

e(T̂) = ‖T − T̂‖_F² / ‖T‖_F², T the <t,t,t> tensor with C as written (U row i*t+j ↔ A[i][j],
V row j*t+k ↔ B[j][k], W row i*t+k ↔ C[i][k]), ‖T‖_F² = t³. Exact schemes give 0; a file that
claims "isotropicError" is compared with it. Exit 1 if any claim is off by more than 1e-9.
"""
import json
import sys
from fractions import Fraction

import numpy as np


def num(x):
    if isinstance(x, (int, float)):
        return float(x)
    if isinstance(x, str):
        return float(Fraction(x.replace(" ", "")))
    raise ValueError(f"unsupported coefficient {x!r}")


def isotropic(path):
    d = json.load(open(path))
    n, m, p = d["format"]
    if not (n == m == p):
        raise ValueError(f"{path}: format {d['format']} is not square")
    t = n
    U, V, W = (np.array([[num(x) for x in row] for row in d[k]]) for k in "UVW")
    T = np.zeros((t * t, t * t, t * t))
    for i in range(t):
        for j in range(t):
            for k in range(t):
                T[i * t + j, j * t + k, i * t + k] = 1.0
    That = np.einsum("la,lb,lc->abc", U, V, W)
    return float(((T - That) ** 2).sum() / t**3), d.get("isotropicError"), U.shape[0], t


def main():
    bad = 0
    for f in sys.argv[1:]:
        e, claim, r, t = isotropic(f)
        line = f"{f}: t={t} r={r} isotropic error {e:.6f}"
        if claim is not None:
            c = num(claim)
            ok = abs(c - e) <= 1e-9 * max(1.0, abs(c)) + 1e-9
            line += f" (file claims {claim} = {c:.6f}: {'agrees' if ok else 'DISAGREES'})"
            bad += not ok
        print(line)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
