#!/usr/bin/env python3
"""One level of an exact <t,t,t> fast-matmul scheme (Strassen, Winograd, ...) in Triton, with the
additions fused into the products.

C = A·B, A (M×K), B (K×N), C (M×N), all row-major bf16, t divides M, K, N. Split each into t×t
blocks ("quadrants" for t = 2), block q = (q // t, q % t). For product l of the scheme (U, V, W
given as r×t² coefficient lists, the stlkit JSON convention: D[q][l] = W[l][q]):

    M_l = (Σ_q U[l][q]·A_q) · (Σ_q V[l][q]·B_q),      C_q = Σ_l W[l][q]·M_l.

Two ways to feed the products, both generated from (U, V, W) as Triton source (one kernel per
launch group, coefficients baked in):

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
import json
import os
import sys
from fractions import Fraction

# ------------------------------------------------------------------------------ schemes ----------
# Two exact <2,2,2>:7 schemes, as exported by stlkit (src/library/classic.ts) in the JSON convention.
STRASSEN = dict(name="strassen_t2_r7", t=2,
                U=[[1, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0], [0, 0, 0, 1], [1, 1, 0, 0], [-1, 0, 1, 0], [0, 1, 0, -1]],
                V=[[1, 0, 0, 1], [1, 0, 0, 0], [0, 1, 0, -1], [-1, 0, 1, 0], [0, 0, 0, 1], [1, 1, 0, 0], [0, 0, 1, 1]],
                W=[[1, 0, 0, 1], [0, 0, 1, -1], [0, 1, 0, 1], [1, 0, 1, 0], [-1, 1, 0, 0], [0, 0, 0, 1], [1, 0, 0, 0]])
WINOGRAD = dict(name="winograd_t2_r7", t=2,
                U=[[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, -1, -1], [0, 0, 0, 1], [0, 0, 1, 1], [-1, 0, 1, 1], [1, 0, -1, 0]],
                V=[[1, 0, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1], [1, -1, -1, 1], [-1, 1, 0, 0], [1, -1, 0, 1], [0, -1, 0, 1]],
                W=[[1, 1, 1, 1], [1, 0, 0, 0], [0, 1, 0, 0], [0, 0, -1, 0], [0, 1, 0, 1], [0, 1, 1, 1], [0, 0, 1, 1]])
GEMM = dict(name="gemm_t1_r1", t=1, U=[[1]], V=[[1]], W=[[1]])
BUILTIN = {s["name"]: s for s in (STRASSEN, WINOGRAD, GEMM)}


def _coef(x):
    if isinstance(x, str):
        return Fraction(x.strip())
    if isinstance(x, float):
        return Fraction(x).limit_denominator(1 << 20)
    return Fraction(x)


def load_scheme(spec):
    """A built-in name (strassen_t2_r7, winograd_t2_r7, gemm_t1_r1) or an stlkit scheme JSON file."""
    if spec in BUILTIN:
        return BUILTIN[spec]
    with open(spec) as f:
        doc = json.load(f)
    n, m, p = doc["format"]
    if not n == m == p:
        raise ValueError(f"{spec}: not a <t,t,t> scheme")
    name = os.path.splitext(os.path.basename(spec))[0]
    return dict(name=name, t=n, U=doc["U"], V=doc["V"], W=doc["W"])


# ------------------------------------------------------------------------------ plan -------------
class Product:
    """Product l with its operand terms [(block q, coefficient)] normalised so the first term of
    each operand has coefficient 1; the dropped factors go into the epilogue coefficients."""

    def __init__(self, l, a, b, c):
        self.l = l
        sa, sb = a[0][1], b[0][1]
        self.a = [(q, v / sa) for q, v in a]
        self.b = [(q, v / sb) for q, v in b]
        self.c = [(q, v * sa * sb) for q, v in c]
        self.targets = frozenset(q for q, _ in c)
        self.first = {}  # output block q → True where this product is the first to write it


class Plan:
    """Launch groups (products with pairwise-disjoint output blocks) in order, first-writer flags,
    and the operand sums that the presum mode writes (sa[i] / sb[i]: list of (q, coef))."""

    def __init__(self, scheme):
        t = self.t = scheme["t"]
        U, V, W = ([[_coef(x) for x in row] for row in scheme[k]] for k in "UVW")
        self.r = len(U)
        self.name = scheme["name"]
        if not (len(V) == len(W) == self.r and all(len(row) == t * t for m in (U, V, W) for row in m)):
            raise ValueError(f"{self.name}: U, V, W must be r×t² (t = {t})")
        prods = []
        for l in range(self.r):
            nz = lambda row: [(q, v) for q, v in enumerate(row) if v != 0]
            a, b, c = nz(U[l]), nz(V[l]), nz(W[l])
            if a and b and c:  # a product with a zero form or no output contributes nothing
                prods.append(Product(l, a, b, c))
        covered = set().union(*(p.targets for p in prods)) if prods else set()
        if covered != set(range(t * t)):
            raise ValueError(f"{self.name}: output blocks {sorted(set(range(t * t)) - covered)} get no product")
        # Greedy grouping: largest target sets first; add products disjoint from the group so far.
        left = sorted(prods, key=lambda p: (-len(p.targets), p.l))
        self.groups = []
        while left:
            g, used = [left.pop(0)], set()
            used |= g[0].targets
            for p in list(left):
                if not (p.targets & used):
                    g.append(p)
                    used |= p.targets
                    left.remove(p)
            self.groups.append(g)
        written = set()
        for g in self.groups:
            for p in g:
                for q, _ in p.c:
                    p.first[q] = q not in written
            for p in g:
                written |= p.targets
        self.products = [p for g in self.groups for p in g]
        # Operand sums (more than one term) for the presum mode, deduplicated.
        self.sa, self.sb = [], []
        for p in self.products:
            for terms, lst, attr in ((p.a, self.sa, "ia"), (p.b, self.sb, "ib")):
                if len(terms) > 1:
                    key = tuple(terms)
                    if key not in lst:
                        lst.append(key)
                    setattr(p, attr, lst.index(key))
                else:
                    setattr(p, attr, None)

    def additions(self):
        """(operand additions, output read-add-writes) in block units, for the notes."""
        ops = sum(len(p.a) - 1 + len(p.b) - 1 for p in self.products)
        rmw = sum(1 for p in self.products for q in p.first if not p.first[q])
        return ops, rmw

    def evaluate(self, A, B, mul):
        """Reference evaluation in any arithmetic (used by the CPU test with numpy / Fractions):
        A, B are t×t nested lists of blocks; returns C as a t×t nested list, following the plan
        (normalised coefficients, groups, first-writer stores)."""
        t = self.t
        blk = lambda X, q: X[q // t][q % t]
        C = [[None] * t for _ in range(t)]
        for g in self.groups:
            for p in g:
                a = sum((v * blk(A, q) for q, v in p.a[1:]), blk(A, p.a[0][0]))
                b = sum((v * blk(B, q) for q, v in p.b[1:]), blk(B, p.b[0][0]))
                m = mul(a, b)
                for q, v in p.c:
                    if p.first[q]:
                        assert C[q // t][q % t] is None
                        C[q // t][q % t] = v * m
                    else:
                        assert C[q // t][q % t] is not None, "read before write"
                        C[q // t][q % t] = C[q // t][q % t] + v * m
        return C


# ------------------------------------------------------------------------------ code -------------
def _lit(v):
    """A coefficient as a Python float literal (exact for dyadic fractions)."""
    return repr(float(v))


def _combine(names, coefs):
    """Source of Σ coef·x for bf16 tiles: native bf16 for two unit terms (one rounding, as the
    fp32 sum rounded), fp32 otherwise, rounded to bf16 once."""
    if len(names) == 1:
        return names[0]
    if len(names) == 2 and all(abs(c) == 1 for c in coefs):
        return f"{names[0]} {'+' if coefs[1] > 0 else '-'} {names[1]}"
    parts = []
    for n, c in zip(names, coefs):
        x = f"{n}.to(tl.float32)"
        parts.append(x if c == 1 else f"-{x}" if c == -1 else f"{_lit(c)} * {x}")
    s = parts[0] + "".join(f" - {p[1:]}" if p.startswith("-") else f" + {p}" for p in parts[1:])
    return f"({s}).to(tl.bfloat16)"


MODES = ("fused", "presum", "sequential", "persistent")


def launch_groups(plan, mode):
    """Products per launch: fused / presum share a launch between products with disjoint outputs
    (one mainloop copy per product in the kernel); sequential launches every product alone (one
    mainloop, fewer registers); persistent has one launch for all, no group kernels."""
    if mode == "persistent":
        return []
    if mode == "sequential":
        return [[p] for p in plan.products]
    return plan.groups


def generate(plan, mode, load):
    """Python source with one @triton.jit kernel per launch group (group_0, group_1, ...) and, for
    mode "presum", enc_a / enc_b writing the operand sums."""
    assert mode in MODES and load in ("ptr", "tma")
    assert mode != "persistent" or load == "ptr", "the persistent kernel loads through pointers"
    t = plan.t
    L = []
    w = L.append
    w(f'"""Generated by fmm_triton.py for {plan.name} (t = {plan.t}, r = {plan.r}), mode {mode}, loads {load}. Do not edit."""')
    w("import triton")
    w("import triton.language as tl")
    w("")
    w("")
    for gi, g in enumerate(launch_groups(plan, mode)):
        w("@triton.jit")
        w(f"def group_{gi}(A, B, C, SA, SB, Mq, Nq, Kq, lda, ldb, ldc, NSA, NSB,")
        w("        BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GROUP_M: tl.constexpr):")
        w(f'    """Products {[p.l + 1 for p in g]} (1-based) of {plan.name}; one slot per product."""')
        w("    pid = tl.program_id(0)")
        w("    num_m = Mq // BM")
        w("    num_n = Nq // BN")
        w("    per = num_m * num_n")
        w("    slot = pid // per")
        w("    tile = pid % per")
        w("    group = GROUP_M * num_n")
        w("    first_m = (tile // group) * GROUP_M")
        w("    size_m = min(num_m - first_m, GROUP_M)")
        w("    pid_m = first_m + ((tile % group) % size_m)")
        w("    pid_n = (tile % group) // size_m")
        w("    rm = pid_m * BM + tl.arange(0, BM)")
        w("    rn = pid_n * BN + tl.arange(0, BN)")
        w("    rk = tl.arange(0, BK)")
        if load == "tma":
            w(f"    da = tl.make_tensor_descriptor(A, shape=[{t} * Mq, {t} * Kq], strides=[lda, 1], block_shape=[BM, BK])")
            w(f"    db = tl.make_tensor_descriptor(B, shape=[{t} * Kq, {t} * Nq], strides=[ldb, 1], block_shape=[BK, BN])")
            if mode in ("presum", "sequential") and any(p.ia is not None for p in g):
                w(f"    dsa = tl.make_tensor_descriptor(SA, shape=[NSA * Mq, {t} * Kq], strides=[lda, 1], block_shape=[BM, BK])")
            if mode in ("presum", "sequential") and any(p.ib is not None for p in g):
                w(f"    dsb = tl.make_tensor_descriptor(SB, shape=[NSB * Kq, {t} * Nq], strides=[ldb, 1], block_shape=[BK, BN])")
        for si, p in enumerate(g):
            ind = "        " if len(g) > 1 else "    "
            if len(g) > 1:
                w(f"    {'if' if si == 0 else 'elif' if si < len(g) - 1 else 'else'}{f' slot == {si}' if si < len(g) - 1 else ''}:")
            w(f"{ind}# M{p.l + 1} = ({' '.join(f'{_lit(v)}·A{q // t}{q % t}' for q, v in p.a)}) · ({' '.join(f'{_lit(v)}·B{q // t}{q % t}' for q, v in p.b)})")
            w(f"{ind}acc = tl.zeros((BM, BN), dtype=tl.float32)")
            # Operand sources: (kind, q or sum index)
            a_src = [("S", p.ia)] if (mode != "fused" and p.ia is not None) else [("Q", q) for q, _ in p.a]
            b_src = [("S", p.ib)] if (mode != "fused" and p.ib is not None) else [("Q", q) for q, _ in p.b]
            a_cf = [1] if a_src[0][0] == "S" else [v for _, v in p.a]
            b_cf = [1] if b_src[0][0] == "S" else [v for _, v in p.b]
            if load == "ptr":
                for i, (kind, x) in enumerate(a_src):
                    if kind == "Q":
                        w(f"{ind}pa{i} = A + (rm[:, None] + {x // t} * Mq) * lda + ({x % t} * Kq + rk[None, :])")
                    else:
                        w(f"{ind}pa{i} = SA + ({x // t} * Mq + rm[:, None]) * lda + ({x % t} * Kq + rk[None, :])")
                for i, (kind, x) in enumerate(b_src):
                    if kind == "Q":
                        w(f"{ind}pb{i} = B + ({x // t} * Kq + rk[:, None]) * ldb + ({x % t} * Nq + rn[None, :])")
                    else:
                        w(f"{ind}pb{i} = SB + ({x // t} * Kq + rk[:, None]) * ldb + ({x % t} * Nq + rn[None, :])")
                w(f"{ind}for k in range(0, Kq, BK):")
                for i in range(len(a_src)):
                    w(f"{ind}    a{i} = tl.load(pa{i})")
                for i in range(len(b_src)):
                    w(f"{ind}    b{i} = tl.load(pb{i})")
                w(f"{ind}    acc = tl.dot({_combine([f'a{i}' for i in range(len(a_src))], a_cf)}, {_combine([f'b{i}' for i in range(len(b_src))], b_cf)}, acc)")
                for i, (kind, _) in enumerate(a_src):
                    w(f"{ind}    pa{i} += BK")
                for i, (kind, _) in enumerate(b_src):
                    w(f"{ind}    pb{i} += BK * ldb")
            else:
                w(f"{ind}for k in range(0, Kq, BK):")
                for i, (kind, x) in enumerate(a_src):
                    if kind == "Q":
                        w(f"{ind}    a{i} = da.load([{x // t} * Mq + pid_m * BM, {x % t} * Kq + k])")
                    else:
                        w(f"{ind}    a{i} = dsa.load([{x // t} * Mq + pid_m * BM, {x % t} * Kq + k])")
                for i, (kind, x) in enumerate(b_src):
                    if kind == "Q":
                        w(f"{ind}    b{i} = db.load([{x // t} * Kq + k, {x % t} * Nq + pid_n * BN])")
                    else:
                        w(f"{ind}    b{i} = dsb.load([{x // t} * Kq + k, {x % t} * Nq + pid_n * BN])")
                w(f"{ind}    acc = tl.dot({_combine([f'a{i}' for i in range(len(a_src))], a_cf)}, {_combine([f'b{i}' for i in range(len(b_src))], b_cf)}, acc)")
            for q, v in p.c:
                val = "acc" if v == 1 else "-acc" if v == -1 else f"acc * {_lit(v)}"
                w(f"{ind}pc = C + (rm[:, None] + {q // t} * Mq) * ldc + ({q % t} * Nq + rn[None, :])")
                if p.first[q]:
                    w(f"{ind}tl.store(pc, ({val}).to(C.dtype.element_ty))  # first writer of C{q // t}{q % t}")
                else:
                    w(f"{ind}tl.store(pc, (tl.load(pc).to(tl.float32) + {val}).to(C.dtype.element_ty))")
        w("")
        w("")
    if mode == "persistent":
        L.extend(PERSISTENT_SRC.splitlines())
        w("")
        w("")
    if mode != "fused":
        for side, sums, X, S, rows, cols, ld in (("a", plan.sa, "A", "SA", "Mq", "Kq", "lda"), ("b", plan.sb, "B", "SB", "Kq", "Nq", "ldb")):
            w("@triton.jit")
            w(f"def enc_{side}({X}, {S}, Mq, Nq, Kq, {ld}, BI: tl.constexpr, BJ: tl.constexpr):")
            w(f'    """The {len(sums)} operand sums of {X} (one pass, each block read once), in fp32, rounded once."""')
            if not sums:
                w("    pass")
                w("")
                w("")
                continue
            w("    ri = tl.program_id(0) * BI + tl.arange(0, BI)")
            w("    rj = tl.program_id(1) * BJ + tl.arange(0, BJ)")
            used = sorted({q for s in sums for q, _ in s})
            for q in used:
                w(f"    x{q} = tl.load({X} + (ri[:, None] + {q // t} * {rows}) * {ld} + ({q % t} * {cols} + rj[None, :])).to(tl.float32)")
            for i, s in enumerate(sums):
                expr = " + ".join(("" if v == 1 else "-" if v == -1 else f"{_lit(v)} * ") + f"x{q}" for q, v in s).replace("+ -", "- ")
                w(f"    tl.store({S} + ({i // t} * {rows} + ri[:, None]) * {ld} + ({i % t} * {cols} + rj[None, :]), ({expr}).to({S}.dtype.element_ty))")
            w("")
            w("")
    return "\n".join(L) + "\n"


# The persistent kernel is generic (driven by small tables, nothing baked in); it is emitted into
# the generated module so that the module is the only file Triton compiles.
PERSISTENT_SRC = '''
@triton.jit
def persistent(A, B, C, OFF, COEF, FIRST, CNT, R, Mq, Nq, Kq, lda, ldb, ldc,
               T: tl.constexpr, BM: tl.constexpr, BN: tl.constexpr, BK: tl.constexpr, GROUP_M: tl.constexpr,
               NUM_SMS: tl.constexpr):
    """All r products in one launch of NUM_SMS programs: work item = (product l, output tile),
    product-major, tiles in grouped order (what runs at once shares operand panels in L2). Product
    l reads its A operand at A + OFF[l, 0] and its B operand at B + OFF[l, 1] (element offsets,
    relative: the operand sums live in other buffers with the same leading dimensions), and adds
    COEF[l, q]·M_l into output block q: a plain store where FIRST[l, q], else read-add-write.
    Order of the epilogues of one tile: CNT[tile] counts the products whose epilogue is done;
    product l waits (after its GEMM loop) until CNT[tile] == l. The wait almost never spins: the
    previous product of the same tile ran about tiles/NUM_SMS items earlier. Needs all NUM_SMS
    programs resident at once (one per SM)."""
    pid = tl.program_id(0)
    num_m = Mq // BM
    num_n = Nq // BN
    tiles = num_m * num_n
    total = R * tiles
    rk = tl.arange(0, BK)
    for item in range(pid, total, NUM_SMS):
        l = item // tiles
        tile = item % tiles
        group = GROUP_M * num_n
        first_m = (tile // group) * GROUP_M
        size_m = min(num_m - first_m, GROUP_M)
        pid_m = first_m + ((tile % group) % size_m)
        pid_n = (tile % group) // size_m
        rm = pid_m * BM + tl.arange(0, BM)
        rn = pid_n * BN + tl.arange(0, BN)
        a_row = tl.multiple_of(tl.load(OFF + 2 * l) + rm.to(tl.int64) * lda, 16)
        b_row = tl.multiple_of(tl.load(OFF + 2 * l + 1) + rk.to(tl.int64) * ldb, 16)
        pa = A + (a_row[:, None] + rk[None, :])
        pb = B + (b_row[:, None] + rn[None, :])
        acc = tl.zeros((BM, BN), dtype=tl.float32)
        for k in range(0, Kq, BK):
            acc = tl.dot(tl.load(pa), tl.load(pb), acc)
            pa += BK
            pb += BK * ldb
        seen = tl.atomic_add(CNT + tile, 0, sem="acquire", scope="gpu")
        while seen < l:
            seen = tl.atomic_add(CNT + tile, 0, sem="acquire", scope="gpu")
        for q in tl.static_range(T * T):
            w = tl.load(COEF + l * (T * T) + q)
            if w != 0.0:
                pc = C + ((rm[:, None] + (q // T) * Mq) * ldc + ((q % T) * Nq + rn[None, :]))
                if tl.load(FIRST + l * (T * T) + q) != 0:
                    tl.store(pc, (acc * w).to(C.dtype.element_ty))
                else:
                    prev = tl.load(pc, cache_modifier=".cg").to(tl.float32)
                    tl.store(pc, (prev + acc * w).to(C.dtype.element_ty))
        tl.debug_barrier()
        tl.atomic_add(CNT + tile, 1, sem="release", scope="gpu")
'''

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
GEN_DIR = os.environ.get("FMM_TRITON_GEN", os.path.join(os.path.expanduser("~"), ".cache", "stlkit-fmm-triton"))
_MODULES = {}


def _module(plan, mode, load):
    src = generate(plan, mode, load)
    key = hashlib.sha256(src.encode()).hexdigest()[:16]
    if key not in _MODULES:
        os.makedirs(GEN_DIR, exist_ok=True)
        path = os.path.join(GEN_DIR, f"fmm_{plan.name}_{mode}_{load}_{key}.py")
        if not os.path.exists(path):
            tmp = path + f".{os.getpid()}.tmp"
            with open(tmp, "w") as f:
                f.write(src)
            os.replace(tmp, path)
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
    """C = A·B by one level of the scheme: fmm = FmmTriton(scheme, mode, load); fmm(A, B, out=C, config=cfg)."""

    def __init__(self, scheme, mode="fused", load="ptr"):
        self.plan = scheme if isinstance(scheme, Plan) else Plan(scheme)
        self.mode, self.load = mode, load
        self.mod = _module(self.plan, mode, load)
        self.groups = launch_groups(self.plan, mode)
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
    plan = Plan(load_scheme(sch))
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
                    help=f"SCHEME:MODE:LOAD:CONFIG, SCHEME a built-in name or a scheme JSON, MODE one of {MODES}, "
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
            FmmTriton(Plan(load_scheme(sch)), mode, load)(X, W, out=Z, config=CONFIGS[cfg])
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
        plan = Plan(load_scheme(sch))
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
