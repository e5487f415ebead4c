#!/usr/bin/python3
"""Python half of scripts/torch-crosscheck.sh (run it through that script).

  torch_crosscheck.py inputs WORKDIR
      writes WORKDIR/{mlp,unet}-x.npy and -t.npy: seeded inputs x ~ N(0, 1) and times t spread
      over [1e-3, 1] (endpoints included), one time per row.
  torch_crosscheck.py compare PEER_BENCH WORKDIR NAME:ARCH:DIR ...
      loads the reference modules from PEER_BENCH (a path to bench_torch.py; imported, not
      copied), loads DIR/ema.safetensors into the reference network of ARCH with
      load_state_dict(strict=True), evaluates eps on the same inputs and prints the largest
      absolute difference from scoreflow's eps in WORKDIR/NAME-eps.npy; exits 1 when one
      exceeds 1e-4 (float32 rounding gives about 1e-6).

The safetensors file is read with the safetensors package where it is installed, else with
json + numpy (Debian 12 has no python3-safetensors package):
an 8-byte little-endian header length, a JSON header of name -> dtype, shape, data_offsets
(relative to the end of the header), then the raw little-endian data.
"""
import importlib.util
import json
import struct
import sys

import numpy as np

CASES = {"mlp": (512, (2,)), "unet": (32, (1, 28, 28))}
DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32}


def write_inputs(work):
    rng = np.random.default_rng(2026_12_02)
    for arch, (n, shape) in CASES.items():
        x = rng.standard_normal((n,) + shape).astype(np.float32)
        t = np.concatenate([[1e-3, 1.0], rng.uniform(1e-3, 1.0, n - 2)]).astype(np.float32)
        np.save(f"{work}/{arch}-x.npy", x)
        np.save(f"{work}/{arch}-t.npy", t)


def read_safetensors(path):
    """name -> tensor: with the safetensors package when it is installed, else parsed here."""
    import torch

    try:
        from safetensors.torch import load_file
        return load_file(path), "safetensors " + __import__("safetensors").__version__
    except ImportError:
        pass
    with open(path, "rb") as f:
        buf = f.read()
    (n,) = struct.unpack("<Q", buf[:8])
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        a = np.frombuffer(buf, dtype=dtype, count=(end - start) // dtype.itemsize, offset=8 + n + start)
        tensors[name] = torch.from_numpy(a.astype(dtype.newbyteorder("="), copy=True).reshape(info["shape"]))
    return tensors, "json + numpy"


def compare(peer, work, cases, tol=1e-4):
    import torch

    spec = importlib.util.spec_from_file_location("bench_torch", peer)
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)  # defines the modules; its main() runs only as a script
    torch.set_num_threads(2)
    print(f"torch {torch.__version__}, numpy {np.__version__}; reference modules from {peer}")
    failed = []
    for case in cases:
        name, arch, folder = case.split(":", 2)
        model = {"mlp": ref.ToyMLP, "unet": ref.UNetS}[arch]()
        state, reader = read_safetensors(f"{folder}/ema.safetensors")
        model.load_state_dict(state, strict=True)  # raises on any missing, extra or misshapen tensor
        model.eval()
        params = sum(p.numel() for p in model.parameters())
        x = torch.from_numpy(np.load(f"{work}/{arch}-x.npy"))
        t = torch.from_numpy(np.load(f"{work}/{arch}-t.npy"))
        with torch.no_grad():
            eps_torch = model(x, t).numpy().astype(np.float64)
        eps_sf = np.load(f"{work}/{name}-eps.npy").astype(np.float64)
        if eps_sf.shape != eps_torch.shape:
            sys.exit(f"{name}: scoreflow eps has shape {eps_sf.shape}, PyTorch {eps_torch.shape}")
        diff = np.abs(eps_sf - eps_torch)
        print(f"{name}: {arch}, {params:,} parameters, {len(state)} tensors (read with {reader}) loaded with strict=True; "
              f"{x.shape[0]} inputs, t in [{float(t.min()):g}, {float(t.max()):g}]; "
              f"max |eps| {np.abs(eps_torch).max():.3f}; "
              f"largest |scoreflow - PyTorch| = {diff.max():.3g} (mean {diff.mean():.3g})")
        if not diff.max() <= tol:
            failed.append(name)
    if failed:
        sys.exit(f"FAILED: {', '.join(failed)} differ(s) from the reference by more than {tol:g}")
    print(f"OK: both within {tol:g} of the reference")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "inputs":
        write_inputs(sys.argv[2])
    elif len(sys.argv) >= 5 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit(__doc__)
