"""Just enough of a GGUF reader for the llama.cpp checks: the metadata keys and
the tensor table (name, shape, ggml type, absolute byte offset), without numpy.
Written from the GGUF specification (ggml's docs/gguf.md)."""

from __future__ import annotations

import struct

# ggml type id -> (name, elements per block, bytes per block); ggml.h / ggml.c
GGML_TYPES = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
    26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18), 42: ("Q2_0", 64, 18),
}

_SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class Tensor:
    def __init__(self, name, shape, type_id, offset):
        self.name, self.shape, self.type_id, self.offset = name, shape, type_id, offset

    @property
    def type_name(self):
        return GGML_TYPES.get(self.type_id, (f"type {self.type_id}", 1, 0))[0]

    @property
    def row_bytes(self):
        _, block, size = GGML_TYPES[self.type_id]
        return self.shape[0] // block * size

    @property
    def n_elements(self):
        n = 1
        for d in self.shape:
            n *= d
        return n


class Reader:
    def __init__(self, data: bytes):
        self.d, self.p = data, 0

    def take(self, fmt):
        v = struct.unpack_from(fmt, self.d, self.p)[0]
        self.p += struct.calcsize(fmt)
        return v

    def string(self):
        n = self.take("<Q")
        s = self.d[self.p:self.p + n].decode("utf-8", errors="replace")
        self.p += n
        return s

    def value(self, vtype):
        if vtype in _SCALAR:
            return self.take(_SCALAR[vtype])
        if vtype == 8:
            return self.string()
        if vtype == 9:
            etype, n = self.take("<I"), self.take("<Q")
            return [self.value(etype) for _ in range(n)]
        raise ValueError(f"unknown GGUF value type {vtype} at byte {self.p}")


def read_header(path, max_bytes=64 << 20):
    """Returns (metadata dict, {name: Tensor}) with absolute tensor offsets."""
    with open(path, "rb") as f:
        data = f.read(max_bytes)
    r = Reader(data)
    if r.take("<4s") != b"GGUF":
        raise ValueError(f"{path} is not a GGUF file")
    version = r.take("<I")
    n_tensors, n_kv = r.take("<Q"), r.take("<Q")
    meta = {"_version": version}
    for _ in range(n_kv):
        key = r.string()
        meta[key] = r.value(r.take("<I"))
    tensors = {}
    for _ in range(n_tensors):
        name = r.string()
        n_dims = r.take("<I")
        shape = [r.take("<Q") for _ in range(n_dims)]
        type_id, rel = r.take("<I"), r.take("<Q")
        tensors[name] = Tensor(name, shape, type_id, rel)
    align = int(meta.get("general.alignment", 32))
    data_start = (r.p + align - 1) // align * align
    for t in tensors.values():
        t.offset += data_start
    return meta, tensors


def type_counts(tensors):
    """{type name: number of tensors} over the 2-D-or-more tensors (the weights that get quantized)."""
    out = {}
    for t in tensors.values():
        if len(t.shape) >= 2:
            out[t.type_name] = out.get(t.type_name, 0) + 1
    return out
