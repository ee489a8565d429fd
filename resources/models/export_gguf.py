#!/usr/bin/env python3
"""Export the trained demo checkpoint to GGUF (qwen3moe layout), and read it back.

    /usr/bin/python3 resources/models/export_gguf.py [--ckpt resources/models/work/checkpoint.pt]
        [--out resources/models/shakespeare-moe.gguf] [--type Q8_0|F16|F32]

Matrices (embedding, attention, experts, output head) are stored as Q8_0 (ggml's reference
rounding: d = amax/127 stored as f16, q = round(x/d) with the f32 d); norms and the router
stay F32, as llama.cpp's quantizer keeps them. The vocabulary is byte-level in GPT-2's
bytes_to_unicode alphabet (token id == byte value) plus <|endoftext|> at id 256.

`read_gguf(path)` (numpy only) returns (metadata, {name: float32 array in PyTorch (out, in)
order}); eval_demo.py uses it to evaluate exactly the exported weights.
"""

from __future__ import annotations

import argparse
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# GGUF metadata value types
U8, I8, U16, I16, U32, I32, F32V, BOOL, STR, ARR, U64, I64, F64V = range(13)
_SCALAR = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32V: "<f", BOOL: "<?",
           U64: "<Q", I64: "<q", F64V: "<d"}
# ggml tensor types: id -> (name, block size, bytes per block)
GGML = {0: ("F32", 1, 4), 1: ("F16", 1, 2), 8: ("Q8_0", 32, 34)}
GGML_ID = {v[0]: k for k, v in GGML.items()}
FILE_TYPE = {"F32": 0, "F16": 1, "Q8_0": 7}   # llama_ftype: ALL_F32, MOSTLY_F16, MOSTLY_Q8_0

CHAT_TEMPLATE = "{% for message in messages %}{{ message['content'] }}{% endfor %}"


def bytes_to_unicode():
    """GPT-2's byte -> printable unicode table; index = byte value."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAC + 1)) + list(range(0xAE, 0xFF + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    table = dict(zip(bs, cs))
    return [chr(table[b]) for b in range(256)]


# ---------------------------------------------------------------------------
# quantizers
# ---------------------------------------------------------------------------

def quant_q8_0(x):
    """float array (..., n) with n % 32 == 0 -> Q8_0 bytes, as ggml's quantize_row_q8_0_ref."""
    x = np.ascontiguousarray(x, dtype=np.float32).reshape(-1, 32)
    amax = np.abs(x).max(axis=1, keepdims=True)
    d = amax / np.float32(127.0)
    with np.errstate(divide="ignore"):
        idv = np.where(d > 0, np.float32(1.0) / d, np.float32(0.0)).astype(np.float32)
    v = x * idv
    q = (np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))).astype(np.int8)   # roundf
    out = np.empty((x.shape[0], 34), dtype=np.uint8)
    out[:, 0:2] = d.astype("<f2").view(np.uint8)
    out[:, 2:] = q.view(np.uint8)
    return out.tobytes()


def encode_tensor(a, type_name):
    a = np.ascontiguousarray(a, dtype=np.float32)
    if type_name == "F32":
        return a.astype("<f4").tobytes()
    if type_name == "F16":
        return a.astype("<f2").tobytes()
    if type_name == "Q8_0":
        if a.shape[-1] % 32:
            raise ValueError(f"Q8_0 needs rows that are a multiple of 32, got {a.shape}")
        return quant_q8_0(a)
    raise ValueError(type_name)


def decode_tensor(raw, type_id, ne):
    n = int(np.prod(ne))
    if type_id == 0:
        a = np.frombuffer(raw, dtype="<f4", count=n).astype(np.float32)
    elif type_id == 1:
        a = np.frombuffer(raw, dtype="<f2", count=n).astype(np.float32)
    elif type_id == 8:
        blk = np.frombuffer(raw, dtype=np.uint8, count=n // 32 * 34).reshape(-1, 34)
        d = blk[:, 0:2].copy().view("<f2").astype(np.float32)
        q = blk[:, 2:].copy().view(np.int8).astype(np.float32)
        a = (q * d).reshape(-1)
    else:
        raise ValueError(f"tensor type {type_id} not supported by this reader")
    return a.reshape(tuple(reversed([int(x) for x in ne])))


# ---------------------------------------------------------------------------
# GGUF v3 writer / reader
# ---------------------------------------------------------------------------

def _s(s):
    b = s.encode("utf-8")
    return struct.pack("<Q", len(b)) + b


def _kv(key, vt, value, elem_type=None):
    out = _s(key) + struct.pack("<I", vt)
    if vt == STR:
        return out + _s(value)
    if vt == ARR:
        out += struct.pack("<IQ", elem_type, len(value))
        if elem_type == STR:
            return out + b"".join(_s(v) for v in value)
        return out + b"".join(struct.pack(_SCALAR[elem_type], v) for v in value)
    return out + struct.pack(_SCALAR[vt], value)


def write_gguf(path, kvs, tensors, alignment=32):
    """kvs: list of (key, value_type, value[, elem_type]); tensors: list of (name, array in
    PyTorch order (out, in) / (E, out, in), type name)."""
    header = b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs))
    header += b"".join(_kv(*kv) for kv in kvs)
    blobs, off = [], 0
    for name, arr, tname in tensors:
        ne = list(reversed(arr.shape))
        blob = encode_tensor(arr, tname)
        header += _s(name) + struct.pack("<I", len(ne)) + b"".join(struct.pack("<Q", x) for x in ne)
        header += struct.pack("<IQ", GGML_ID[tname], off)
        blobs.append((off, blob))
        off += (len(blob) + alignment - 1) // alignment * alignment
    header += b"\0" * ((-len(header)) % alignment)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(header)
        pos = 0
        for o, blob in blobs:
            f.write(b"\0" * (o - pos))
            f.write(blob)
            pos = o + len(blob)
        f.write(b"\0" * ((-pos) % alignment))
    os.replace(tmp, path)


def read_gguf(path):
    """-> (metadata dict, {name: float32 ndarray in PyTorch order}). F32/F16/Q8_0 only."""
    data = open(path, "rb").read()
    if data[:4] != b"GGUF":
        raise ValueError(f"{path}: not a GGUF file")
    version, n_t, n_kv = struct.unpack_from("<IQQ", data, 4)
    pos = 24

    def rd_str():
        nonlocal pos
        (n,) = struct.unpack_from("<Q", data, pos)
        s = data[pos + 8:pos + 8 + n].decode("utf-8")
        pos += 8 + n
        return s

    def rd_val(vt):
        nonlocal pos
        if vt == STR:
            return rd_str()
        if vt == ARR:
            et, n = struct.unpack_from("<IQ", data, pos)
            pos += 12
            return [rd_val(et) for _ in range(n)]
        fmt = _SCALAR[vt]
        (v,) = struct.unpack_from(fmt, data, pos)
        pos += struct.calcsize(fmt)
        return v

    meta = {}
    for _ in range(n_kv):
        k = rd_str()
        (vt,) = struct.unpack_from("<I", data, pos)
        pos += 4
        meta[k] = rd_val(vt)
    infos = []
    for _ in range(n_t):
        name = rd_str()
        (nd,) = struct.unpack_from("<I", data, pos)
        ne = struct.unpack_from("<" + "Q" * nd, data, pos + 4)
        t, off = struct.unpack_from("<IQ", data, pos + 4 + 8 * nd)
        pos += 4 + 8 * nd + 12
        infos.append((name, ne, t, off))
    align = meta.get("general.alignment", 32)
    base = (pos + align - 1) // align * align
    tensors = {}
    for name, ne, t, off in infos:
        _, bs, ts = GGML[t]
        nbytes = int(np.prod(ne)) // bs * ts
        tensors[name] = decode_tensor(data[base + off:base + off + nbytes], t, ne)
    return meta, tensors


# ---------------------------------------------------------------------------
# checkpoint -> GGUF
# ---------------------------------------------------------------------------

def export(ckpt_path, out_path, qtype="Q8_0", train_log=None):
    import torch  # only the export direction needs torch
    ck = torch.load(ckpt_path, map_location="cpu")
    c = ck["config"]
    sd = {k: v.detach().float().numpy() for k, v in ck["state_dict"].items()}
    a = "qwen3moe"
    V, L = c["n_vocab"], c["n_layer"]
    if V != 257:
        raise ValueError("the byte-level vocabulary has 257 tokens")
    tokens = bytes_to_unicode() + ["<|endoftext|>"]
    types = [1] * 256 + [3]
    desc = ("Byte-level MoE language model trained on Tiny Shakespeare with resources/models/train_demo.py "
            "(MoE Workbench demo model)")
    kvs = [
        ("general.architecture", STR, a),
        ("general.name", STR, "Shakespeare MoE demo (8x top-2, byte-level)"),
        ("general.description", STR, desc),
        ("general.license", STR, "MIT"),
        ("general.file_type", U32, FILE_TYPE[qtype]),
        ("general.quantization_version", U32, 2),
        (a + ".block_count", U32, L),
        (a + ".context_length", U32, c["n_ctx"]),
        (a + ".embedding_length", U32, c["n_embd"]),
        (a + ".feed_forward_length", U32, c["n_ff_exp"]),
        (a + ".attention.head_count", U32, c["n_head"]),
        (a + ".attention.head_count_kv", U32, c["n_head_kv"]),
        (a + ".attention.key_length", U32, c["head_dim"]),
        (a + ".attention.value_length", U32, c["head_dim"]),
        (a + ".attention.layer_norm_rms_epsilon", F32V, c["rms_eps"]),
        (a + ".rope.freq_base", F32V, c["rope_theta"]),
        (a + ".expert_count", U32, c["n_expert"]),
        (a + ".expert_used_count", U32, c["n_expert_used"]),
        (a + ".expert_feed_forward_length", U32, c["n_ff_exp"]),
        ("tokenizer.ggml.model", STR, "gpt2"),
        ("tokenizer.ggml.pre", STR, "default"),
        ("tokenizer.ggml.tokens", ARR, tokens, STR),
        ("tokenizer.ggml.token_type", ARR, types, I32),
        ("tokenizer.ggml.merges", ARR, [], STR),
        ("tokenizer.ggml.bos_token_id", U32, 256),
        ("tokenizer.ggml.eos_token_id", U32, 256),
        ("tokenizer.ggml.add_bos_token", BOOL, False),
        ("tokenizer.chat_template", STR, CHAT_TEMPLATE),
    ]
    Q = qtype
    T = [("token_embd.weight", sd["tok_embd.weight"], Q),
         ("output_norm.weight", sd["out_norm.weight"], "F32"),
         ("output.weight", sd["output.weight"], Q)]
    for il in range(L):
        p, s = f"blk.{il}.", f"blocks.{il}."
        T += [(p + "attn_norm.weight", sd[s + "attn_norm.weight"], "F32"),
              (p + "attn_q.weight", sd[s + "attn.wq.weight"], Q),
              (p + "attn_k.weight", sd[s + "attn.wk.weight"], Q),
              (p + "attn_v.weight", sd[s + "attn.wv.weight"], Q),
              (p + "attn_output.weight", sd[s + "attn.wo.weight"], Q),
              (p + "attn_q_norm.weight", sd[s + "attn.q_norm.weight"], "F32"),
              (p + "attn_k_norm.weight", sd[s + "attn.k_norm.weight"], "F32"),
              (p + "ffn_norm.weight", sd[s + "ffn_norm.weight"], "F32"),
              (p + "ffn_gate_inp.weight", sd[s + "moe.router.weight"], "F32"),
              (p + "ffn_gate_exps.weight", sd[s + "moe.w_gate"], Q),
              (p + "ffn_up_exps.weight", sd[s + "moe.w_up"], Q),
              (p + "ffn_down_exps.weight", sd[s + "moe.w_down"], Q)]
    write_gguf(out_path, kvs, T)
    return os.path.getsize(out_path)


def load_into_model(path):
    """Build a demo_model.MoELM holding the (dequantized) weights of an exported GGUF."""
    import torch
    sys.path.insert(0, HERE)
    from demo_model import Config, MoELM
    meta, t = read_gguf(path)
    a = meta["general.architecture"]
    cfg = Config(n_vocab=t["token_embd.weight"].shape[0], n_embd=meta[a + ".embedding_length"],
                 n_layer=meta[a + ".block_count"], n_head=meta[a + ".attention.head_count"],
                 n_head_kv=meta[a + ".attention.head_count_kv"], head_dim=meta[a + ".attention.key_length"],
                 n_expert=meta[a + ".expert_count"], n_expert_used=meta[a + ".expert_used_count"],
                 n_ff_exp=meta[a + ".expert_feed_forward_length"], n_ctx=meta[a + ".context_length"],
                 rms_eps=meta[a + ".attention.layer_norm_rms_epsilon"], rope_theta=meta[a + ".rope.freq_base"])
    m = MoELM(cfg)
    sd = {"tok_embd.weight": t["token_embd.weight"], "out_norm.weight": t["output_norm.weight"],
          "output.weight": t["output.weight"]}
    for il in range(cfg.n_layer):
        p, s = f"blk.{il}.", f"blocks.{il}."
        sd.update({s + "attn_norm.weight": t[p + "attn_norm.weight"], s + "attn.wq.weight": t[p + "attn_q.weight"],
                   s + "attn.wk.weight": t[p + "attn_k.weight"], s + "attn.wv.weight": t[p + "attn_v.weight"],
                   s + "attn.wo.weight": t[p + "attn_output.weight"],
                   s + "attn.q_norm.weight": t[p + "attn_q_norm.weight"],
                   s + "attn.k_norm.weight": t[p + "attn_k_norm.weight"],
                   s + "ffn_norm.weight": t[p + "ffn_norm.weight"],
                   s + "moe.router.weight": t[p + "ffn_gate_inp.weight"],
                   s + "moe.w_gate": t[p + "ffn_gate_exps.weight"], s + "moe.w_up": t[p + "ffn_up_exps.weight"],
                   s + "moe.w_down": t[p + "ffn_down_exps.weight"]})
    m.load_state_dict({k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in sd.items()}, strict=True)
    return m, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ckpt", default=os.path.join(HERE, "work", "checkpoint.pt"))
    ap.add_argument("--out", default=os.path.join(HERE, "shakespeare-moe.gguf"))
    ap.add_argument("--type", default="Q8_0", choices=["Q8_0", "F16", "F32"])
    args = ap.parse_args()
    size = export(args.ckpt, args.out, args.type)
    print(f"wrote {args.out}: {size:,} bytes ({size / 2**20:.2f} MiB)")
    meta, t = read_gguf(args.out)   # round trip check
    print(f"read back {len(t)} tensors, {sum(v.size for v in t.values()):,} parameters")


if __name__ == "__main__":
    try:
        import torch  # noqa: F401
    except ImportError:
        if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3" \
                and not os.environ.get("MOE_DEMO_REEXEC"):
            os.environ["MOE_DEMO_REEXEC"] = "1"
            os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    main()
