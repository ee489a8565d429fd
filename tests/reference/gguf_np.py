"""Minimal, independent GGUF v2/v3 reader with numpy dequantizers.

Written from the published GGUF layout (ggml docs/gguf.md) and the block
layouts of ggml-common.h; it shares no code with the engine and does not use
the `gguf` Python package.

File layout (little endian):
  magic "GGUF" | u32 version | u64 n_tensors | u64 n_kv
  n_kv x (string key, u32 value_type, value)
  n_tensors x (string name, u32 n_dims, u64 ne[n_dims], u32 ggml_type, u64 offset)
  padding to general.alignment (default 32), then the data section; each tensor's
  offset is relative to the start of the data section.
A string is u64 length + bytes (no terminator). An array is u32 element type,
u64 count, elements.

Shapes: GGUF lists ne = [ne0, ne1, ...] with ne0 the fastest-varying dimension.
Arrays returned here have the reversed shape (..., ne1, ne0), so a matmul weight
with ne = [n_in, n_out] comes back as (n_out, n_in), the PyTorch convention.
"""

from __future__ import annotations

import mmap
import struct
from dataclasses import dataclass

import numpy as np

GGUF_MAGIC = b"GGUF"

# --- metadata value types -------------------------------------------------
VT_UINT8, VT_INT8, VT_UINT16, VT_INT16, VT_UINT32, VT_INT32, VT_FLOAT32, VT_BOOL, \
    VT_STRING, VT_ARRAY, VT_UINT64, VT_INT64, VT_FLOAT64 = range(13)

_SCALAR_FMT = {
    VT_UINT8: "<B", VT_INT8: "<b", VT_UINT16: "<H", VT_INT16: "<h",
    VT_UINT32: "<I", VT_INT32: "<i", VT_FLOAT32: "<f", VT_BOOL: "<?",
    VT_UINT64: "<Q", VT_INT64: "<q", VT_FLOAT64: "<d",
}
_SCALAR_NP = {
    VT_UINT8: np.uint8, VT_INT8: np.int8, VT_UINT16: np.uint16, VT_INT16: np.int16,
    VT_UINT32: np.uint32, VT_INT32: np.int32, VT_FLOAT32: np.float32, VT_BOOL: np.bool_,
    VT_UINT64: np.uint64, VT_INT64: np.int64, VT_FLOAT64: np.float64,
}

# --- tensor types (ggml_type ids) -----------------------------------------
GGML_F32, GGML_F16, GGML_Q4_0 = 0, 1, 2
GGML_Q8_0 = 8
GGML_Q4_K, GGML_Q5_K, GGML_Q6_K = 12, 13, 14
GGML_BF16 = 30
QK_K = 256

# id -> (name, elements per block, bytes per block)
GGML_TYPES = {
    GGML_F32: ("F32", 1, 4),
    GGML_F16: ("F16", 1, 2),
    GGML_Q4_0: ("Q4_0", 32, 2 + 16),
    GGML_Q8_0: ("Q8_0", 32, 2 + 32),
    GGML_Q4_K: ("Q4_K", QK_K, 2 + 2 + 12 + QK_K // 2),
    GGML_Q5_K: ("Q5_K", QK_K, 2 + 2 + 12 + QK_K // 8 + QK_K // 2),
    GGML_Q6_K: ("Q6_K", QK_K, QK_K // 2 + QK_K // 4 + QK_K // 16 + 2),
    GGML_BF16: ("BF16", 1, 2),
}
GGML_TYPE_BY_NAME = {v[0]: k for k, v in GGML_TYPES.items()}


class GGUFError(ValueError):
    pass


# --------------------------------------------------------------------------
# dequantizers: each takes a uint8 array of whole blocks (n_blocks, type_size)
# and returns float32 (n_blocks, block_size). Arithmetic is float32 in the
# order ggml's reference dequantize_row_* functions use.
# --------------------------------------------------------------------------

def _f16(b: np.ndarray) -> np.ndarray:
    """Two bytes per value (last axis of size 2) -> float32."""
    return np.ascontiguousarray(b).view("<f2").astype(np.float32)


def dequant_f32(blocks: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(blocks).view("<f4").astype(np.float32)


def dequant_f16(blocks: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(blocks).view("<f2").astype(np.float32)


def dequant_bf16(blocks: np.ndarray) -> np.ndarray:
    # bf16 is the high half of an IEEE float32
    u16 = np.ascontiguousarray(blocks).view("<u2").astype(np.uint32)
    return (u16 << np.uint32(16)).view(np.float32)


def dequant_q8_0(blocks: np.ndarray) -> np.ndarray:
    # block_q8_0 { f16 d; int8 qs[32]; }  x = d * q
    d = _f16(blocks[:, 0:2])                         # (n, 1)
    q = blocks[:, 2:34].view(np.int8).astype(np.float32)
    return d * q


def dequant_q4_0(blocks: np.ndarray) -> np.ndarray:
    # block_q4_0 { f16 d; u8 qs[16]; }  x[j] = (lo(qs[j]) - 8) d, x[j+16] = (hi(qs[j]) - 8) d
    d = _f16(blocks[:, 0:2])
    qs = blocks[:, 2:18]
    lo = (qs & 0x0F).astype(np.int16) - 8
    hi = (qs >> 4).astype(np.int16) - 8
    return d * np.concatenate([lo, hi], axis=1).astype(np.float32)


def _k4_scales_mins(sc: np.ndarray):
    """Unpack the 12-byte 6-bit (scale, min) table of Q4_K/Q5_K into two (n, 8) arrays.

    Entries 0..3: scale = sc[j] & 63, min = sc[j+4] & 63.
    Entries 4..7: scale = (sc[j+4] & 15) | (sc[j-4] >> 6) << 4,
                  min   = (sc[j+4] >> 4) | (sc[j]   >> 6) << 4.
    """
    sc = sc.astype(np.uint8)
    scales = np.empty((sc.shape[0], 8), dtype=np.uint8)
    mins = np.empty((sc.shape[0], 8), dtype=np.uint8)
    scales[:, 0:4] = sc[:, 0:4] & 63
    mins[:, 0:4] = sc[:, 4:8] & 63
    scales[:, 4:8] = (sc[:, 8:12] & 0x0F) | ((sc[:, 0:4] >> 6) << 4)
    mins[:, 4:8] = (sc[:, 8:12] >> 4) | ((sc[:, 4:8] >> 6) << 4)
    return scales.astype(np.float32), mins.astype(np.float32)


def dequant_q4_k(blocks: np.ndarray) -> np.ndarray:
    # block_q4_K { f16 d; f16 dmin; u8 scales[12]; u8 qs[128]; }
    # 4 chunks of 64 values; chunk c uses sub-blocks 2c (low nibbles of qs[32c:32c+32])
    # and 2c+1 (high nibbles). y = d*sc*q - dmin*m.
    n = blocks.shape[0]
    d = _f16(blocks[:, 0:2])
    dmin = _f16(blocks[:, 2:4])
    scales, mins = _k4_scales_mins(blocks[:, 4:16])
    qs = blocks[:, 16:144].reshape(n, 4, 32)
    q = np.stack([qs & 0x0F, qs >> 4], axis=2).reshape(n, 8, 32).astype(np.float32)
    dl = (d * scales)[:, :, None]
    ml = (dmin * mins)[:, :, None]
    return (dl * q - ml).reshape(n, QK_K)


def dequant_q5_k(blocks: np.ndarray) -> np.ndarray:
    # block_q5_K { f16 d; f16 dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]; }
    # as Q4_K plus a fifth bit: for sub-block s (0..7) value l (0..31) the high bit is
    # bit s of qh[l].
    n = blocks.shape[0]
    d = _f16(blocks[:, 0:2])
    dmin = _f16(blocks[:, 2:4])
    scales, mins = _k4_scales_mins(blocks[:, 4:16])
    qh = blocks[:, 16:48]                                   # (n, 32)
    qs = blocks[:, 48:176].reshape(n, 4, 32)
    ql = np.stack([qs & 0x0F, qs >> 4], axis=2).reshape(n, 8, 32)
    bits = np.arange(8, dtype=np.uint8)[None, :, None]
    hb = (qh[:, None, :] >> bits) & 1                       # (n, 8, 32)
    q = (ql + (hb << 4)).astype(np.float32)
    dl = (d * scales)[:, :, None]
    ml = (dmin * mins)[:, :, None]
    return (dl * q - ml).reshape(n, QK_K)


def dequant_q6_k(blocks: np.ndarray) -> np.ndarray:
    # block_q6_K { u8 ql[128]; u8 qh[64]; int8 scales[16]; f16 d; }
    # Two halves of 128 values; half h uses ql[64h:64h+64], qh[32h:32h+32], scales[8h:8h+8].
    # Within a half, for l in 0..31:
    #   y[l]    = d*sc[l/16 + 0] * ((ql[l]    & 15 | ((qh[l] >> 0) & 3) << 4) - 32)
    #   y[l+32] = d*sc[l/16 + 2] * ((ql[l+32] & 15 | ((qh[l] >> 2) & 3) << 4) - 32)
    #   y[l+64] = d*sc[l/16 + 4] * ((ql[l]    >> 4 | ((qh[l] >> 4) & 3) << 4) - 32)
    #   y[l+96] = d*sc[l/16 + 6] * ((ql[l+32] >> 4 | ((qh[l] >> 6) & 3) << 4) - 32)
    n = blocks.shape[0]
    ql = blocks[:, 0:128].reshape(n, 2, 64)
    qh = blocks[:, 128:192].reshape(n, 2, 32)
    sc = blocks[:, 192:208].view(np.int8).astype(np.float32).reshape(n, 2, 8)
    d = _f16(blocks[:, 208:210]).reshape(n, 1, 1)
    lo_a, lo_b = ql[:, :, 0:32], ql[:, :, 32:64]
    parts = [
        (lo_a & 0x0F) | (((qh >> 0) & 3) << 4),
        (lo_b & 0x0F) | (((qh >> 2) & 3) << 4),
        (lo_a >> 4) | (((qh >> 4) & 3) << 4),
        (lo_b >> 4) | (((qh >> 6) & 3) << 4),
    ]
    q = np.stack(parts, axis=2).astype(np.int16) - 32          # (n, 2, 4, 32)
    q = q.astype(np.float32).reshape(n, 2, 4, 2, 16)           # split l into l/16, l%16
    # scale index within the half: l/16 + 2*part
    sidx = (np.arange(4)[:, None] * 2 + np.arange(2)[None, :])  # (4, 2)
    s = sc[:, :, sidx]                                          # (n, 2, 4, 2)
    y = (d[..., None, None] * s[..., None]) * q
    return y.reshape(n, QK_K)


DEQUANTIZERS = {
    GGML_F32: dequant_f32,
    GGML_F16: dequant_f16,
    GGML_BF16: dequant_bf16,
    GGML_Q8_0: dequant_q8_0,
    GGML_Q4_0: dequant_q4_0,
    GGML_Q4_K: dequant_q4_k,
    GGML_Q5_K: dequant_q5_k,
    GGML_Q6_K: dequant_q6_k,
}


def dequantize(raw: np.ndarray, ggml_type: int, ne) -> np.ndarray:
    """Dequantize the raw bytes of a tensor with GGUF dims `ne` (ne0 first) to float32,
    returning the reversed shape."""
    if ggml_type not in GGML_TYPES:
        raise GGUFError(f"unsupported ggml type {ggml_type}")
    _, bs, ts = GGML_TYPES[ggml_type]
    n_el = int(np.prod(ne, dtype=np.int64))
    if ne[0] % bs:
        raise GGUFError(f"row size {ne[0]} is not a multiple of block size {bs}")
    nb = n_el // bs
    blocks = np.asarray(raw, dtype=np.uint8).reshape(nb, ts)
    out = DEQUANTIZERS[ggml_type](blocks)
    return out.reshape(tuple(int(x) for x in reversed(ne)))


# --------------------------------------------------------------------------
# reader
# --------------------------------------------------------------------------

@dataclass
class TensorInfo:
    name: str
    ne: tuple            # GGUF order, ne0 first
    ggml_type: int
    offset: int          # relative to the data section
    nbytes: int

    @property
    def shape(self):
        """numpy/PyTorch shape (reversed ne)."""
        return tuple(reversed(self.ne))

    @property
    def type_name(self):
        return GGML_TYPES.get(self.ggml_type, (f"type{self.ggml_type}",))[0]


class _Cursor:
    def __init__(self, buf, size):
        self.buf, self.size, self.pos = buf, size, 0

    def take(self, n):
        if n < 0 or self.pos + n > self.size:
            raise GGUFError(f"truncated file: need {n} bytes at offset {self.pos}, size {self.size}")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def scalar(self, vt):
        fmt = _SCALAR_FMT[vt]
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def u32(self):
        return self.scalar(VT_UINT32)

    def u64(self):
        return self.scalar(VT_UINT64)

    def string(self):
        n = self.u64()
        if n > self.size:
            raise GGUFError(f"string length {n} at offset {self.pos - 8} exceeds file size")
        return bytes(self.take(n)).decode("utf-8", errors="replace")

    def value(self, vt):
        if vt in _SCALAR_FMT:
            return self.scalar(vt)
        if vt == VT_STRING:
            return self.string()
        if vt == VT_ARRAY:
            et = self.u32()
            n = self.u64()
            if et in _SCALAR_NP:
                item = np.dtype(_SCALAR_NP[et]).itemsize
                if n * item > self.size:
                    raise GGUFError(f"array of {n} elements exceeds file size")
                arr = np.frombuffer(self.take(n * item), dtype=np.dtype(_SCALAR_NP[et]).newbyteorder("<"))
                return arr.tolist()
            if n > self.size:
                raise GGUFError(f"array of {n} elements exceeds file size")
            return [self.value(et) for _ in range(n)]
        raise GGUFError(f"unknown metadata value type {vt} at offset {self.pos - 4}")


class GGUFFile:
    """A memory-mapped GGUF file: `metadata` (dict) and `tensors` (name -> TensorInfo)."""

    def __init__(self, path):
        self.path = str(path)
        with open(self.path, "rb") as f:
            size = f.seek(0, 2)
            if size < 24:
                raise GGUFError(f"not a GGUF file: {size} bytes")
            self._mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        buf = memoryview(self._mm)
        cur = _Cursor(buf, size)
        magic = bytes(cur.take(4))
        if magic != GGUF_MAGIC:
            raise GGUFError(f"bad magic {magic!r}")
        self.version = cur.u32()
        if self.version not in (2, 3):
            raise GGUFError(f"unsupported GGUF version {self.version}")
        n_tensors = cur.u64()
        n_kv = cur.u64()
        if n_tensors > size or n_kv > size:
            raise GGUFError("tensor/kv counts exceed file size")
        self.metadata = {}
        self.metadata_types = {}
        for _ in range(n_kv):
            key = cur.string()
            vt = cur.u32()
            if key in self.metadata:
                raise GGUFError(f"duplicate key {key}")
            self.metadata[key] = cur.value(vt)
            self.metadata_types[key] = vt
        infos = []
        for _ in range(n_tensors):
            name = cur.string()
            n_dims = cur.u32()
            if not 1 <= n_dims <= 4:
                raise GGUFError(f"tensor {name}: n_dims {n_dims}")
            ne = tuple(cur.u64() for _ in range(n_dims))
            t = cur.u32()
            off = cur.u64()
            if t not in GGML_TYPES:
                raise GGUFError(f"tensor {name}: unsupported ggml type {t}")
            _, bs, ts = GGML_TYPES[t]
            if ne[0] % bs:
                raise GGUFError(f"tensor {name}: ne0 {ne[0]} not a multiple of block size {bs}")
            n_el = int(np.prod(ne, dtype=np.int64))
            infos.append(TensorInfo(name, ne, t, off, n_el // bs * ts))
        self.alignment = int(self.metadata.get("general.alignment", 32))
        self.data_offset = (cur.pos + self.alignment - 1) // self.alignment * self.alignment
        self.tensors = {}
        for ti in infos:
            if ti.name in self.tensors:
                raise GGUFError(f"duplicate tensor {ti.name}")
            if ti.offset % self.alignment:
                raise GGUFError(f"tensor {ti.name}: offset {ti.offset} not aligned")
            if self.data_offset + ti.offset + ti.nbytes > size:
                raise GGUFError(f"tensor {ti.name}: data past end of file")
            self.tensors[ti.name] = ti
        self._buf = buf
        self._size = size

    # -- access ------------------------------------------------------------
    def __contains__(self, name):
        return name in self.tensors

    def raw(self, name) -> np.ndarray:
        ti = self.tensors[name]
        start = self.data_offset + ti.offset
        return np.frombuffer(self._mm, dtype=np.uint8, count=ti.nbytes, offset=start)

    def tensor(self, name) -> np.ndarray:
        """Dequantized float32 array with reversed (PyTorch) shape."""
        ti = self.tensors[name]
        return dequantize(self.raw(name), ti.ggml_type, ti.ne)

    def get(self, key, default=None):
        return self.metadata.get(key, default)

    def close(self):
        self._buf.release()
        self._mm.close()


def read_gguf(path, dequant=True):
    """Convenience: (metadata dict, {name: float32 array (reversed shape)})."""
    g = GGUFFile(path)
    tensors = {n: (g.tensor(n) if dequant else g.raw(n)) for n in g.tensors}
    return g.metadata, tensors
