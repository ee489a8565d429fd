#!/usr/bin/env python3
"""Regenerates tests/quant_goldens/*.bin from ggml itself (libggml-base.so of
llama.cpp v0.5.0, npm @node-llama-cpp/linux-x64@3.22.1), for tst_quant:

  dequant_<TYPE>.bin   random blocks and what ggml's to_float makes of them
  quantize_input.bin   rows of floats (zeros, constants, ties, outliers, ...)
  quantize_<TYPE>.bin  ggml_quantize_chunk(TYPE, input, imatrix=NULL)

Usage: make_goldens.py --lib DIR_OR_FILE [--out DIR]
  DIR_OR_FILE: libggml-base.so or the folder holding it, e.g.
  node_modules/@node-llama-cpp/linux-x64/bins/linux-x64 after
  `npm install --ignore-scripts @node-llama-cpp/linux-x64@3.22.1`.

dequant file layout (little-endian):
  char magic[8] = "MOEQDQ1\\0"; uint32 type, block_size, type_size, n_blocks, n_full
  uint8  blocks[n_blocks * type_size]
  float  values[n_full * block_size]        ggml's to_float of the first n_full blocks
  uint64 fnv1a[n_blocks]                    FNV-1a 64 of each block's to_float bytes
quantize files: char magic[8] = "MOEQQ1\\0\\0"; uint32 type, n_rows, n_per_row;
  then the quantized rows. quantize_input.bin: "MOEQIN1\\0"; uint32 n_rows,
  n_per_row; then the floats.
"""
import argparse
import ctypes
import math
import os
import random
import struct
import sys

# (name, ggml type id, blocks in the file, of which stored in full)
DEQUANT = [
    ("Q4_0", 2, 512, 16), ("Q4_1", 3, 512, 16), ("Q5_0", 6, 512, 16), ("Q5_1", 7, 512, 16),
    ("Q8_0", 8, 256, 16), ("Q2_K", 10, 128, 4), ("Q3_K", 11, 128, 4), ("Q4_K", 12, 64, 4),
    ("Q5_K", 13, 64, 4), ("Q6_K", 14, 64, 4), ("IQ2_XXS", 16, 256, 4), ("IQ2_XS", 17, 256, 4),
    ("IQ3_XXS", 18, 256, 4), ("IQ1_S", 19, 256, 4), ("IQ4_NL", 20, 512, 16), ("IQ3_S", 21, 256, 4),
    ("IQ2_S", 22, 256, 4), ("IQ4_XS", 23, 128, 4), ("IQ1_M", 29, 256, 4), ("TQ1_0", 34, 64, 4),
    ("TQ2_0", 35, 64, 4), ("MXFP4", 39, 512, 16), ("NVFP4", 40, 256, 8), ("Q1_0", 41, 128, 4),
    ("Q2_0", 42, 256, 8),
]
QUANTIZE = [("Q4_0", 2), ("Q8_0", 8), ("Q4_1", 3), ("Q5_0", 6), ("Q5_1", 7), ("Q2_K", 10), ("Q3_K", 11), ("IQ4_NL", 20),
            ("IQ4_XS", 23), ("MXFP4", 39), ("TQ1_0", 34), ("TQ2_0", 35),
            ("NVFP4", 40), ("Q1_0", 41), ("Q2_0", 42)]


class TypeTraits(ctypes.Structure):
    _fields_ = [("type_name", ctypes.c_char_p), ("blck_size", ctypes.c_int64),
                ("blck_size_interleave", ctypes.c_int64), ("type_size", ctypes.c_size_t),
                ("is_quantized", ctypes.c_bool), ("to_float", ctypes.c_void_p),
                ("from_float_ref", ctypes.c_void_p)]


TO_FLOAT = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.POINTER(ctypes.c_float), ctypes.c_int64)


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return h


def load(lib_arg):
    path = os.path.join(lib_arg, "libggml-base.so") if os.path.isdir(lib_arg) else lib_arg
    lib = ctypes.CDLL(path)
    lib.ggml_get_type_traits.restype = ctypes.POINTER(TypeTraits)
    lib.ggml_get_type_traits.argtypes = [ctypes.c_int]
    lib.ggml_quantize_chunk.restype = ctypes.c_size_t
    lib.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.POINTER(ctypes.c_float), ctypes.c_void_p,
                                        ctypes.c_int64, ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
    lib.ggml_quantize_requires_imatrix.restype = ctypes.c_bool
    lib.ggml_quantize_requires_imatrix.argtypes = [ctypes.c_int]
    return lib


def dequant_golden(lib, name, type_id, n_blocks, n_full, rng):
    t = lib.ggml_get_type_traits(type_id).contents
    if t.type_name.decode().upper() != name:
        sys.exit(f"type {type_id} is {t.type_name.decode()} in this ggml, expected {name}")
    block, size = int(t.blck_size), int(t.type_size)
    to_float = TO_FLOAT(t.to_float)
    out = (ctypes.c_float * block)()
    blocks, values, hashes = bytearray(), bytearray(), []
    while len(hashes) < n_blocks:
        # Random bytes are valid blocks of every format; redraw the rare block
        # whose fp16 scale is an Inf/NaN pattern (any non-finite output).
        b = bytes(rng.getrandbits(8) for _ in range(size))
        buf = ctypes.create_string_buffer(b, size)
        to_float(ctypes.cast(buf, ctypes.c_void_p), out, block)
        vals = bytes(out)
        if not all(math.isfinite(v) for v in struct.unpack(f"<{block}f", vals)):
            continue
        blocks += b
        if len(hashes) < n_full:
            values += vals
        hashes.append(fnv1a64(vals))
    head = b"MOEQDQ1\0" + struct.pack("<5I", type_id, block, size, n_blocks, n_full)
    return head + bytes(blocks) + bytes(values) + struct.pack(f"<{n_blocks}Q", *hashes)


def quantize_input(rng):
    n = 256
    g = lambda s=1.0: [rng.gauss(0.0, 1.0) * s for _ in range(n)]
    rows = [
        [0.0] * n,                                                  # all zero
        [0.75] * n,                                                 # constants
        [-1.5] * n,
        g(0.02),                                                    # typical weights
        g(1.0),
        [rng.gauss(0.0, 1.0) * 10.0 ** (i // 32 - 4) for i in range(n)],  # scale per 32 from 1e-4 to 1e3
        [rng.randint(-8, 8) * 0.25 for _ in range(n)],              # exact ties
        [v if i != 77 else 50.0 for i, v in enumerate(g(0.1))],     # one outlier
        [abs(v) for v in g(0.5)],                                   # all positive
        [-abs(v) for v in g(0.5)],                                  # all negative
        g(1e-20),                                                   # scales underflow fp16
        [v if rng.random() < 0.05 else 0.0 for v in g(1.0)],        # sparse
        g(0.1), g(0.1), g(3.0), [v + 0.5 for v in g(0.2)],
    ]
    flat = [struct.unpack("<f", struct.pack("<f", v))[0] for r in rows for v in r]  # to float32
    return len(rows), n, flat


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lib", required=True)
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    args = ap.parse_args()
    lib = load(args.lib)
    rng = random.Random(20261203)
    total = 0
    for name, type_id, n_blocks, n_full in DEQUANT:
        data = dequant_golden(lib, name, type_id, n_blocks, n_full, rng)
        with open(os.path.join(args.out, f"dequant_{name}.bin"), "wb") as f:
            f.write(data)
        total += len(data)
    n_rows, n_per_row, x = quantize_input(rng)
    data = b"MOEQIN1\0" + struct.pack("<2I", n_rows, n_per_row) + struct.pack(f"<{len(x)}f", *x)
    with open(os.path.join(args.out, "quantize_input.bin"), "wb") as f:
        f.write(data)
    total += len(data)
    src = (ctypes.c_float * len(x))(*x)
    for name, type_id in QUANTIZE:
        if lib.ggml_quantize_requires_imatrix(type_id):
            sys.exit(f"{name} needs an importance matrix in this ggml")
        t = lib.ggml_get_type_traits(type_id).contents
        row = n_per_row // int(t.blck_size) * int(t.type_size)
        dst = ctypes.create_string_buffer(row * n_rows)
        got = lib.ggml_quantize_chunk(type_id, src, dst, 0, n_rows, n_per_row, None)
        if got != row * n_rows:
            sys.exit(f"{name}: ggml_quantize_chunk wrote {got} bytes, expected {row * n_rows}")
        data = b"MOEQQ1\0\0" + struct.pack("<3I", type_id, n_rows, n_per_row) + dst.raw
        with open(os.path.join(args.out, f"quantize_{name}.bin"), "wb") as f:
            f.write(data)
        total += len(data)
    print(f"wrote {len(DEQUANT) + len(QUANTIZE) + 1} files, {total} bytes, to {args.out}")


if __name__ == "__main__":
    main()
