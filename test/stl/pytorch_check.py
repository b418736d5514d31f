"""CPU checks of an exported STLLinear package against values computed by stlkit's TypeScript operator.

    python3 pytorch_check.py PACKAGE_DIR CASE.json OUT_DIR

CASE.json (written by test/stl/pytorch.test.ts): X (rows x in) as a list of rows, W (in x out), bias,
Z = STL(X, W) + bias from src/stl/operator.ts in float64, and `lead` (X's rows as leading dims).
Prints one JSON object: the errors of the package's forward (encoded and dense-weight modes) against
Z, float64 gradcheck results (three weight modes, odd sizes, 3-D input), convert_linears, the path
that ran, and OUT_DIR/acts.npy, weights.npy written by save_fit_data (read back by the test).
"""
import importlib.util
import json
import os
import sys

import torch


def load(path):
    name = os.path.basename(path.rstrip("/"))
    spec = importlib.util.spec_from_file_location(name, os.path.join(path, "__init__.py"), submodule_search_locations=[path])
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def main():
    pkg_dir, case_file, out_dir = sys.argv[1:4]
    pkg = load(pkg_dir)
    with open(case_file) as f:
        case = json.load(f)
    f64 = torch.float64
    X = torch.tensor(case["X"], dtype=f64)
    W = torch.tensor(case["W"], dtype=f64)
    bias = torch.tensor(case["bias"], dtype=f64)
    Z = torch.tensor(case["Z"], dtype=f64)
    n_in, n_out = W.shape
    x = X.reshape(*case["lead"], n_in)
    res = {"torch": torch.__version__, "custom_ops": pkg.ops.CUSTOM_OPS, "path": pkg.backend_for(x)[0], "exported": pkg.EXPORTED}
    for mode in ("encoded", "dense_weight"):
        m = pkg.STLLinear(n_in, n_out, dtype=f64, dense_weight=mode == "dense_weight")
        m.set_weight(W.T)
        with torch.no_grad():
            m.bias.copy_(bias)
            y = m(x)
        res[f"forward_{mode}"] = {"shape": list(y.shape), "rel_error": ((y.reshape(-1, n_out) - Z).norm() / Z.norm()).item()}
    # gradcheck: input, weights, bias, and E_X, D when trained; sizes that t does not divide.
    torch.manual_seed(0)
    grads = {}
    for mode in ("encoded", "dense_weight", "trainable_encoders"):
        m = pkg.STLLinear(9, 6, dtype=f64, dense_weight=mode == "dense_weight", trainable_encoders=mode == "trainable_encoders")
        names = [n for n, _ in m.named_parameters()]
        params = [p.detach().clone().requires_grad_() for p in m.parameters()]
        xs = torch.randn(2, 3, 9, dtype=f64, requires_grad=True)
        call = torch.nn.utils.stateless.functional_call
        fn = lambda inp, *ps: call(m, dict(zip(names, ps)), (inp,))
        grads[mode] = {"ok": bool(torch.autograd.gradcheck(fn, (xs, *params), raise_exception=False)), "params": names}
    res["gradcheck"] = grads
    # X̂ recomputed in the backward gives the same gradients.
    m = pkg.STLLinear(9, 6, dtype=f64)
    xs = torch.randn(5, 9, dtype=f64, requires_grad=True)
    m(xs).sum().backward()
    g = (xs.grad.clone(), m.weight_hat.grad.clone())
    xs.grad, m.weight_hat.grad = None, None
    m.recompute_xhat = True
    m(xs).sum().backward()
    res["recompute_same"] = bool(torch.equal(g[0], xs.grad) and torch.equal(g[1], m.weight_hat.grad))
    # convert_linears with include / exclude patterns.
    model = torch.nn.Sequential(torch.nn.Linear(8, 12), torch.nn.ReLU(), torch.nn.Sequential(torch.nn.Linear(12, 8), torch.nn.Linear(8, 3)))
    res["converted"] = pkg.convert_linears(model, include=["0", "2.*"], exclude="2.1")
    res["types"] = [type(m).__name__ for m in (model[0], model[2][0], model[2][1])]
    # Samples for `stlkit fit`.
    lin = torch.nn.Linear(8, 12)
    res["fit_files"] = pkg.save_fit_data(lin, torch.arange(40, dtype=torch.float32).reshape(5, 8) / 8, out_dir)
    res["fit_weight"] = lin.weight.detach().T.tolist()
    print(json.dumps(res))


if __name__ == "__main__":
    main()
