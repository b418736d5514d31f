"""STLLinear, a drop-in for nn.Linear through the Strassen-Tile operator, and convert_linears.

nn.Linear computes x @ weight^T with weight (out x in). Here, with W = weight^T (N x P):
    xhat  = encode(x, P_X)                      r grids (M/t) x (N/t)
    zhat  = bmm(xhat, What)                     r batched GEMMs (cuBLAS), What (r, N/t, P/t)
    y     = decode(zhat, P_Z) + bias            (M, P)
All sizes are padded to multiples of t inside the kernels; inputs may have any leading dimensions.

Weights: by default the parameter is What itself, "weight_hat" (r, ceil(N/t), ceil(P/t)), trained
directly (r/t^2 times the dense parameter count, 1.5x at (4, 24)). With dense_weight=True the
parameter is nn.Linear's weight and What = encode(weight, P_W) is recomputed on every training step
(its backward is a decode by the same P_W), and cached while the weight does not change and no
gradient is needed. With trainable_encoders=True, E_X and D (as P_X, P_Z) are parameters too.
"""
import fnmatch
import math

import torch
from torch import nn

from . import ops
from .encoders import DEFAULT_PATH, Encoders

_ENCODERS = {}


def load_encoders(path=DEFAULT_PATH):
    """The exported encoders (read once per file)."""
    if path not in _ENCODERS:
        _ENCODERS[path] = Encoders(path)
    return _ENCODERS[path]


class STLLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True, *, dense_weight=False, trainable_encoders=False,
                 encoders=DEFAULT_PATH, device=None, dtype=None):
        super().__init__()
        enc = encoders if isinstance(encoders, Encoders) else load_encoders(encoders)
        self.enc = enc
        self.t, self.r = enc.t, enc.r
        self.in_features, self.out_features = in_features, out_features
        self.dense_weight = dense_weight
        factory = {"device": device, "dtype": dtype if dtype is not None else torch.get_default_dtype()}
        gn, gp = -(-in_features // self.t), -(-out_features // self.t)
        if dense_weight:
            self.weight = nn.Parameter(torch.empty(out_features, in_features, **factory))
        else:
            self.weight_hat = nn.Parameter(torch.empty(self.r, gn, gp, **factory))
        self.bias = nn.Parameter(torch.empty(out_features, **factory)) if bias else None
        # The coefficients stay float32 whatever dtype the module is cast to: trained ones as
        # parameters, fixed ones as non-persistent buffers rebuilt from the float64 originals after
        # every .to()/.cuda() (_apply), since nn.Module.to would round them to bf16.
        self.trainable_encoders = trainable_encoders
        if trainable_encoders:
            cdt = torch.float64 if factory["dtype"] == torch.float64 else torch.float32
            self.p_x = nn.Parameter(enc.P_X.to(device=device, dtype=cdt))
            self.p_z = nn.Parameter(enc.P_Z.to(device=device, dtype=cdt))
        else:
            self.register_buffer("p_x", enc.P_X.to(device=device, dtype=torch.float32), persistent=False)
            self.register_buffer("p_z", enc.P_Z.to(device=device, dtype=torch.float32), persistent=False)
        self.register_buffer("p_w", enc.P_W.to(device=device, dtype=torch.float32), persistent=False)
        self._what_cache = None
        # True: the backward recomputes X̂ from x instead of keeping it (r/t^2 - 1 of x less memory
        # per layer, one more encode per step); eager mode only.
        self.recompute_xhat = False
        self.reset_parameters()

    def _apply(self, fn, *args, **kwargs):
        super()._apply(fn, *args, **kwargs)
        device = self.p_w.device
        fixed = ("p_w",) if self.trainable_encoders else ("p_x", "p_z", "p_w")
        for name in fixed:
            src = {"p_x": self.enc.P_X, "p_z": self.enc.P_Z, "p_w": self.enc.P_W}[name]
            self._buffers[name] = src.to(device=device, dtype=torch.float32)
        self._what_cache = None
        return self

    def _coef(self, name, like):
        """P_X, P_Z or P_W for an operand: float32, or float64 for float64 data (plain torch path)."""
        p = getattr(self, "p_" + name)
        if like.dtype == torch.float64 and p.dtype != torch.float64:
            if isinstance(p, nn.Parameter):
                return p.to(torch.float64)  # trained: keep the gradient flowing to the parameter
            return {"x": self.enc.P_X, "z": self.enc.P_Z, "w": self.enc.P_W}[name].to(like.device)
        return p

    def encoded_weight(self):
        """What (r, ceil(N/t), ceil(P/t)), as the batched GEMM takes it."""
        if not self.dense_weight:
            return self.weight_hat
        w = self.weight
        caching = not (torch.is_grad_enabled() and w.requires_grad) and not _compiling()
        key = (w._version, w.data_ptr(), w.dtype, w.device) if caching else None
        if caching and self._what_cache is not None and self._what_cache[0] == key:
            return self._what_cache[1]
        # encode(weight, P_W) is What^T, (r, P/t, N/t): tile (j, k) of weight is tile (k, j) of W, transposed.
        what = ops.encode(w, self._coef("w", w)).transpose(1, 2)
        self._what_cache = (key, what) if caching else None
        return what

    @torch.no_grad()
    def reset_parameters(self):
        """nn.Linear's initialisation of a dense weight (then encoded), and of the bias."""
        device = (self.weight if self.dense_weight else self.weight_hat).device
        weight = torch.empty(self.out_features, self.in_features, dtype=torch.float64, device=device)
        nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
        self.set_weight(weight)
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0
            nn.init.uniform_(self.bias, -bound, bound)

    @torch.no_grad()
    def set_weight(self, weight):
        """Take a dense nn.Linear weight (out x in); encoded in float64 unless dense_weight."""
        if tuple(weight.shape) != (self.out_features, self.in_features):
            raise ValueError(f"weight must be {self.out_features} x {self.in_features}, got {tuple(weight.shape)}")
        if self.dense_weight:
            self.weight.copy_(weight)
            return
        w64 = weight.detach().to(device=self.weight_hat.device, dtype=torch.float64)
        from . import tiles
        self.weight_hat.copy_(tiles.encode(w64, self.enc.P_W.to(w64.device)).transpose(1, 2))

    @classmethod
    def from_linear(cls, linear, **kwargs):
        """An STLLinear computing STL(x, linear.weight^T) + linear.bias, on linear's device and dtype."""
        m = cls(linear.in_features, linear.out_features, bias=linear.bias is not None,
                device=linear.weight.device, dtype=linear.weight.dtype, **kwargs)
        m.set_weight(linear.weight)
        if linear.bias is not None:
            with torch.no_grad():
                m.bias.copy_(linear.bias)
        return m

    # ------------------------------------------------------------------ forward --------------------
    def forward(self, x):
        if x.shape[-1] != self.in_features:
            raise ValueError(f"expected input (..., {self.in_features}), got {tuple(x.shape)}")
        lead = x.shape[:-1]
        x2 = x.reshape(-1, self.in_features)
        if x2.is_cuda and _autocast_on():
            x2 = x2.to(_autocast_dtype())
        what = self.encoded_weight()
        if what.dtype != x2.dtype:
            what = what.to(x2.dtype)
        bias = None if self.bias is None else self.bias.to(x2.dtype)
        px = self._coef("x", x2)
        xhat = ops.encode(x2, px)
        if self.recompute_xhat and torch.is_grad_enabled() and not _compiling():
            with torch.autograd.graph.saved_tensors_hooks(*_recompute_hooks(xhat, x2, px)):
                zhat = torch.bmm(xhat, what)
        else:
            zhat = torch.bmm(xhat, what)
        y = ops.decode(zhat, self._coef("z", zhat), x2.shape[0], self.out_features, bias)
        return y.reshape(*lead, self.out_features)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}, "
                f"t={self.t}, r={self.r}, isotropic_error={self.enc.isotropic_error}, "
                f"dense_weight={self.dense_weight}, trainable_encoders={self.trainable_encoders}")


def _recompute_hooks(xhat, x, p):
    """Saved-tensor hooks for the batched GEMM: X̂ is stored as (x, P) and re-encoded when the
    backward needs it (for dWhat = X̂^T dẐ); every other saved tensor is kept as is."""
    def pack(s):
        if s.data_ptr() == xhat.data_ptr() and s.shape == xhat.shape:
            return ("xhat", x, p)
        return s

    def unpack(s):
        if isinstance(s, tuple):
            with torch.no_grad():
                return ops.encode(s[1], s[2])
        return s

    return pack, unpack


def _compiling():
    c = getattr(torch, "compiler", None)
    return bool(c is not None and hasattr(c, "is_compiling") and c.is_compiling())


def _autocast_on():
    try:
        return torch.is_autocast_enabled("cuda")
    except TypeError:  # PyTorch before 2.4: no device argument
        return torch.is_autocast_enabled()


def _autocast_dtype():
    if hasattr(torch, "get_autocast_dtype"):
        return torch.get_autocast_dtype("cuda")
    return torch.get_autocast_gpu_dtype()


def convert_linears(model, include=None, exclude=None, **kwargs):
    """Replace nn.Linear modules of model by STLLinear.from_linear(module, **kwargs), in place.

    include / exclude: glob patterns on the modules' qualified names ("layers.*.mlp.*"), a list of
    them, or a function (name, module) -> bool. A module is converted when include matches (or is
    None) and exclude does not. Returns the list of converted names.
    """
    def matcher(spec):
        if spec is None or callable(spec):
            return spec
        pats = [spec] if isinstance(spec, str) else list(spec)
        return lambda name, _m: any(fnmatch.fnmatchcase(name, p) for p in pats)

    inc, exc = matcher(include), matcher(exclude)
    chosen = [(name, m) for name, m in model.named_modules()
              if type(m) is nn.Linear and (inc is None or inc(name, m)) and not (exc is not None and exc(name, m))]
    for name, m in chosen:
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, STLLinear.from_linear(m, **kwargs))
    return [name for name, _ in chosen]
