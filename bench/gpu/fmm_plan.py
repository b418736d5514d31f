"""The launch plan of one level of an exact <t,t,t> scheme for fmm_triton.py, read from the package
that `stlkit codegen fmm-triton` writes (bench/gpu/prepare.ts puts one per exact scheme into
generated/fmm/NAME/): plan.json and one Triton module per mode and load. The plan holds the
products with normalised coefficients, launch groups with pairwise-disjoint output blocks,
first-writer flags and the operand sums of the presum modes."""
import json
import os

from coefficients import exact

GENERATED = os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated", "fmm")
# Packages prepare.ts always writes besides those of the exact schemes in the manifest: Strassen
# and Winograd <2,2,2>:7, and the plain GEMM at t = 1 (the same generator without a scheme).
BUILTIN = ("strassen_t2_r7", "winograd_t2_r7", "gemm_t1_r1")


class Product:
    """Product l with its operand terms [(block q, coefficient)] normalised so the first term of
    each operand has coefficient 1; the dropped factors are in the epilogue coefficients c."""

    def __init__(self, d):
        self.l = d["l"]
        self.a, self.b, self.c = ([(q, exact(v)) for q, v in d[k]] for k in "abc")
        self.targets = frozenset(q for q, _ in self.c)
        self.first = {q: f for (q, _), f in zip(self.c, d["first"])}  # output block q → True where first to write it
        self.ia, self.ib = d["ia"], d["ib"]  # index of the operand sum in sa / sb, or None


class Plan:
    """Launch groups (products with pairwise-disjoint output blocks) in order, the launches of each
    mode, first-writer flags, and the operand sums that the presum modes write (sa[i] / sb[i]:
    tuple of (q, coef)); the generated modules beside it."""

    def __init__(self, doc, directory):
        self.name, self.t, self.r, self.dir = doc["name"], doc["t"], doc["r"], directory
        self.products = [Product(d) for d in doc["products"]]
        by_l = {p.l: p for p in self.products}
        self.groups = [[by_l[l] for l in g] for g in doc["groups"]]
        self.launches = {mode: [[by_l[l] for l in g] for g in gs] for mode, gs in doc["launches"].items()}
        self.sa, self.sb = ([tuple((q, exact(v)) for q, v in s) for s in doc[k]] for k in ("sa", "sb"))
        self.modules = doc["modules"]

    def module_path(self, mode, load):
        """The generated Triton module for this mode and load."""
        key = f"{mode}_{load}"
        if key not in self.modules:
            raise ValueError(f"{self.name}: no generated module for mode {mode}, loads {load} (have {sorted(self.modules)})")
        return os.path.join(self.dir, self.modules[key])

    def additions(self):
        """(operand additions, output read-add-writes) in block units, for the notes."""
        ops = sum(len(p.a) - 1 + len(p.b) - 1 for p in self.products)
        rmw = sum(1 for p in self.products for q in p.first if not p.first[q])
        return ops, rmw

    def evaluate(self, A, B, mul):
        """Reference evaluation in any arithmetic (numpy, Fractions): A, B are t×t nested lists of
        blocks; returns C as a t×t nested list, following the plan (normalised coefficients,
        groups, first-writer stores)."""
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


def load_plan(spec):
    """The plan of a built-in name (BUILTIN), of a scheme JSON file (its package is found by the
    file's name: generated/fmm/NAME/) or of a package folder."""
    directory = spec if os.path.isdir(spec) else os.path.join(GENERATED, os.path.splitext(os.path.basename(spec))[0])
    path = os.path.join(directory, "plan.json")
    if not os.path.exists(path):
        raise FileNotFoundError(f"{spec}: no fmm-triton package at {directory}: run `npx tsx bench/gpu/prepare.ts [SCHEME.json]` "
                                f"or `stlkit codegen fmm-triton --scheme SCHEME.json --tile t -o {directory}`")
    with open(path) as f:
        return Plan(json.load(f), directory)
