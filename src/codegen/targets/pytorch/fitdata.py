"""Samples for data-aware encoders: the recipe is

    1. in Python: save_fit_data(model.layers[0].mlp.up_proj, x_samples, "fit/")
       (x_samples: inputs of that nn.Linear captured from real data, (..., in_features))
    2. npx stlkit fit --scheme SCHEME.json --data fit/acts.npy fit/weights.npy -o fitted.json
       npx stlkit export pytorch fitted.json -o out/pt_fitted
then convert with the package in out/pt_fitted. The arrays are float32 .npy files written here
directly (no numpy needed): acts (rows x in_features) and weights W = weight^T (in x out).
"""
import os
import struct

import torch


def _write_npy(path, A):
    A = A.detach().to(device="cpu", dtype=torch.float32).contiguous()
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }" % "".join(f"{n}, " for n in A.shape)
    header += " " * (63 - (len(header) + 10) % 64) + "\n"  # data starts on a 64-byte boundary
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1"))
        try:
            f.write(A.numpy().tobytes())
        except RuntimeError:  # torch built without numpy
            f.write(struct.pack(f"<{A.numel()}f", *A.flatten().tolist()))


def save_fit_data(linear, x_samples, directory):
    """Write directory/acts.npy (x_samples as rows x in_features) and directory/weights.npy (weight^T)
    for `stlkit fit`; linear is an nn.Linear (or anything with .weight, out x in). Returns the paths."""
    os.makedirs(directory, exist_ok=True)
    weight = linear.weight
    x = x_samples.reshape(-1, weight.shape[1])
    paths = [os.path.join(directory, "acts.npy"), os.path.join(directory, "weights.npy")]
    _write_npy(paths[0], x)
    _write_npy(paths[1], weight.T)
    return paths
