"""Test helper: a small GGUF v3 writer and block quantizers (numpy).

Only used to make hand-built models for testing the reference itself
(`test_reference.py`, `check_against_engine.py --reference-only`). The
quantizers aim for valid, reasonable blocks, not for ggml's exact rounding:
the reference only ever reads what a file stores.
"""

from __future__ import annotations

import struct

import numpy as np

from gguf_np import (GGML_TYPES, GGML_TYPE_BY_NAME, QK_K, VT_ARRAY, VT_BOOL, VT_FLOAT32,
                     VT_FLOAT64, VT_INT32, VT_STRING, VT_UINT32, VT_UINT64, _SCALAR_FMT)


# --------------------------------------------------------------------------
# quantizers: float32 (n_blocks, block_size) -> uint8 (n_blocks, type_size)
# --------------------------------------------------------------------------

def _f16_bytes(x):
    return np.asarray(x, dtype="<f2").reshape(-1, 1).view(np.uint8)


def quant_q8_0(x):
    x = x.reshape(-1, 32).astype(np.float32)
    amax = np.abs(x).max(axis=1, keepdims=True)
    d = (amax / 127.0).astype(np.float16).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(d > 0, np.round(x / d), 0)
    q = np.clip(q, -127, 127).astype(np.int8)
    return np.concatenate([_f16_bytes(d), q.view(np.uint8)], axis=1)


def quant_q4_0(x):
    x = x.reshape(-1, 32).astype(np.float32)
    idx = np.abs(x).argmax(axis=1)
    mx = x[np.arange(x.shape[0]), idx][:, None]
    d = (mx / -8.0).astype(np.float16).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(d != 0, np.round(x / d) + 8, 8)
    q = np.clip(q, 0, 15).astype(np.uint8)
    packed = q[:, :16] | (q[:, 16:] << 4)
    return np.concatenate([_f16_bytes(d), packed], axis=1)


def _pack_k4_scales(sc, mn):
    """Inverse of the 6-bit (scale, min) unpacking of Q4_K/Q5_K. sc, mn: (n, 8) ints < 64."""
    sc = sc.astype(np.uint8)
    mn = mn.astype(np.uint8)
    out = np.zeros((sc.shape[0], 12), dtype=np.uint8)
    out[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    out[:, 4:8] = (mn[:, 0:4] & 63) | ((mn[:, 4:8] >> 4) << 6)
    out[:, 8:12] = (sc[:, 4:8] & 15) | ((mn[:, 4:8] & 15) << 4)
    return out


def _k_affine(x, nbits):
    """Per 32-value sub-block affine fit y = dl*q - ml (q in [0, 2^nbits-1]), with 6-bit
    sub-scales/mins under f16 super-scales. Returns d, dmin, sc, mn, q."""
    n = x.shape[0]
    xs = x.reshape(n, 8, 32)
    qmax = (1 << nbits) - 1
    lo = np.minimum(xs.min(axis=2), 0.0)          # min <= 0 so the offset m >= 0
    hi = xs.max(axis=2)
    scale = (hi - lo) / qmax
    minv = -lo
    d = (scale.max(axis=1) / 63.0).astype(np.float16).astype(np.float32)
    dmin = (minv.max(axis=1) / 63.0).astype(np.float16).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d[:, None] > 0, np.round(scale / d[:, None]), 0)
        mn = np.where(dmin[:, None] > 0, np.round(minv / dmin[:, None]), 0)
    sc = np.clip(sc, 0, 63)
    mn = np.clip(mn, 0, 63)
    dl = (d[:, None] * sc)[:, :, None]
    ml = (dmin[:, None] * mn)[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(dl > 0, np.round((xs + ml) / dl), 0)
    q = np.clip(q, 0, qmax).astype(np.uint8)
    return d, dmin, sc.astype(np.uint8), mn.astype(np.uint8), q


def quant_q4_k(x):
    x = x.reshape(-1, QK_K).astype(np.float32)
    n = x.shape[0]
    d, dmin, sc, mn, q = _k_affine(x, 4)
    q = q.reshape(n, 4, 2, 32)
    qs = (q[:, :, 0, :] | (q[:, :, 1, :] << 4)).reshape(n, 128)
    return np.concatenate([_f16_bytes(d), _f16_bytes(dmin), _pack_k4_scales(sc, mn), qs], axis=1)


def quant_q5_k(x):
    x = x.reshape(-1, QK_K).astype(np.float32)
    n = x.shape[0]
    d, dmin, sc, mn, q = _k_affine(x, 5)          # q: (n, 8, 32)
    low = q & 15
    high = (q >> 4) & 1
    qh = np.zeros((n, 32), dtype=np.uint8)
    for s in range(8):
        qh |= (high[:, s, :] << s).astype(np.uint8)
    low = low.reshape(n, 4, 2, 32)
    qs = (low[:, :, 0, :] | (low[:, :, 1, :] << 4)).reshape(n, 128)
    return np.concatenate([_f16_bytes(d), _f16_bytes(dmin), _pack_k4_scales(sc, mn), qh, qs], axis=1)


def quant_q6_k(x):
    x = x.reshape(-1, QK_K).astype(np.float32)
    n = x.shape[0]
    xs = x.reshape(n, 16, 16)
    amax = np.abs(xs).max(axis=2)                    # per 16-value group
    gscale = amax / 31.0
    d = (gscale.max(axis=1) / 127.0).astype(np.float16).astype(np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        sc = np.where(d[:, None] > 0, np.round(gscale / d[:, None]), 0)
    sc = np.clip(sc, -128, 127).astype(np.int8)
    dl = (d[:, None] * sc.astype(np.float32))[:, :, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        q = np.where(dl != 0, np.round(xs / dl), 0)
    q = (np.clip(q, -32, 31) + 32).astype(np.uint8).reshape(n, 256)
    ql = np.zeros((n, 128), dtype=np.uint8)
    qh = np.zeros((n, 64), dtype=np.uint8)
    for h in range(2):
        y = q[:, 128 * h:128 * h + 128]
        for l in range(32):
            q1, q2, q3, q4 = y[:, l], y[:, l + 32], y[:, l + 64], y[:, l + 96]
            ql[:, 64 * h + l] = (q1 & 15) | ((q3 & 15) << 4)
            ql[:, 64 * h + l + 32] = (q2 & 15) | ((q4 & 15) << 4)
            qh[:, 32 * h + l] = (q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6)
    return np.concatenate([ql, qh, sc.view(np.uint8), _f16_bytes(d)], axis=1)


def quantize(arr, type_name):
    """numpy array (reversed shape, last axis = ne0) -> raw bytes for `type_name`."""
    a = np.asarray(arr, dtype=np.float32)
    if type_name == "F32":
        return a.astype("<f4").tobytes()
    if type_name == "F16":
        return a.astype("<f2").tobytes()
    if type_name == "BF16":
        u = a.astype(np.float32).view(np.uint32)
        r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype("<u2")
        return r.tobytes()
    fn = {"Q8_0": quant_q8_0, "Q4_0": quant_q4_0, "Q4_K": quant_q4_k,
          "Q5_K": quant_q5_k, "Q6_K": quant_q6_k}[type_name]
    return fn(a.reshape(-1)).tobytes()


# --------------------------------------------------------------------------
# writer
# --------------------------------------------------------------------------

def _str(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def _value(v, vt=None):
    """Encode a metadata value; returns (value_type, bytes). Python ints -> u32 (or u64 if
    large), floats -> f32, str -> string, bool -> bool, lists -> arrays."""
    if vt is None:
        if isinstance(v, bool):
            vt = VT_BOOL
        elif isinstance(v, int):
            vt = VT_UINT32 if 0 <= v < 2 ** 32 else (VT_INT32 if -2 ** 31 <= v < 0 else VT_UINT64)
        elif isinstance(v, float):
            vt = VT_FLOAT32
        elif isinstance(v, str):
            vt = VT_STRING
        elif isinstance(v, (list, tuple)):
            vt = VT_ARRAY
        else:
            raise TypeError(type(v))
    if vt == VT_STRING:
        return vt, _str(v)
    if vt == VT_ARRAY:
        et, _ = _value(v[0]) if len(v) else (VT_INT32, b"")
        body = b"".join(_value(x, et)[1] for x in v)
        return vt, struct.pack("<IQ", et, len(v)) + body
    return vt, struct.pack(_SCALAR_FMT[vt], v)


def write_gguf(path, metadata: dict, tensors: dict, types: dict | None = None,
               alignment: int = 32, version: int = 3):
    """metadata: key -> value (or (value, value_type)); tensors: name -> float array with
    reversed shape; types: name -> type name ("F32", "Q8_0", ...), default F32."""
    types = types or {}
    md = dict(metadata)
    if alignment != 32:
        md["general.alignment"] = alignment
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), len(md))
    kv = b""
    for k, v in md.items():
        if isinstance(v, tuple) and len(v) == 2 and isinstance(v[1], int) and not isinstance(v[0], (list, tuple)):
            vt, body = _value(v[0], v[1])
        else:
            vt, body = _value(v)
        kv += _str(k) + struct.pack("<I", vt) + body
    infos = b""
    blobs = []
    off = 0
    for name, arr in tensors.items():
        arr = np.asarray(arr)
        tname = types.get(name, "F32")
        t = GGML_TYPE_BY_NAME[tname]
        ne = tuple(reversed(arr.shape))
        blob = quantize(arr, tname)
        _, bs, ts = GGML_TYPES[t]
        assert len(blob) == int(np.prod(ne)) // bs * ts, (name, tname)
        infos += _str(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", x) for x in ne)
        infos += struct.pack("<IQ", t, off)
        blobs.append((off, blob))
        off += (len(blob) + alignment - 1) // alignment * alignment
    header = head + kv + infos
    pad = (-len(header)) % alignment
    with open(path, "wb") as f:
        f.write(header + b"\0" * pad)
        pos = 0
        for o, blob in blobs:
            f.write(b"\0" * (o - pos))
            f.write(blob)
            pos = o + len(blob)
        f.write(b"\0" * ((-pos) % alignment))
