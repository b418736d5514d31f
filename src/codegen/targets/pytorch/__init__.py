"""STL layers for PyTorch, exported by `stlkit export pytorch`.

    from <this package> import STLLinear, convert_linears
    convert_linears(model, include="*.mlp.*")      # nn.Linear -> STLLinear, in place
    STLLinear.from_linear(linear)                  # one layer

Modules: encoders (the scheme's coefficients, stl_encoders.safetensors), tiles (plain-torch encode /
decode and the float64 reference), triton_kernels (the CUDA kernels), ops (the differentiable
operators and the choice of path), layer (STLLinear, convert_linears), fitdata (samples for
`stlkit fit`). EXPORTED describes the scheme.
"""
from .encoders import DEFAULT_PATH, Encoders
from .fitdata import save_fit_data
from .layer import STLLinear, convert_linears, load_encoders
from .ops import backend_for

_enc = load_encoders()
EXPORTED = {**_enc.metadata, "t": _enc.t, "r": _enc.r}
del _enc

__all__ = ["STLLinear", "convert_linears", "load_encoders", "save_fit_data", "backend_for", "Encoders",
           "DEFAULT_PATH", "EXPORTED"]
