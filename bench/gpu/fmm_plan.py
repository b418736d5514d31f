"""Exact <t,t,t> schemes for fmm_triton.py: the built-in ones (Strassen, Winograd, the plain GEMM at
t = 1), loading stlkit scheme JSON, and the Plan of one level: products, launch groups with
pairwise-disjoint output blocks, first-writer flags, the operand sums of the presum mode."""
import json
import os
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
