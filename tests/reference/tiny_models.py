"""Test helper: hand-built tiny random MoE models in GGUF, one per architecture, written
with this folder's own writer (never the engine). Metadata keys and tensor names follow
llama.cpp (src/llama-arch.cpp names, shapes as the loaders in src/models/*.cpp create them).
"""

from __future__ import annotations

import numpy as np

from gguf_writer import write_gguf

ARCH_LIST = ("qwen3moe", "qwen2moe", "llama", "olmoe")


def default_dims(arch):
    d = dict(n_vocab=96, n_embd=64, n_head=4, n_head_kv=2, head_dim=16, n_layer=2,
             n_expert=8, n_expert_used=2, n_ff_exp=32, n_ff_shexp=64, ctx=256,
             eps=1e-6, freq_base=10000.0)
    if arch == "qwen3moe":
        d.update(head_dim=32)              # head_dim != n_embd / n_head, as in real Qwen3 MoE
    if arch == "olmoe":
        d.update(eps=1e-5)
    if arch == "llama":
        d.update(freq_base=1e6, n_expert_used=2)
    return d


def make_weights(arch, seed=0, **over):
    """Returns (metadata, tensors) with tensors as float32 arrays in PyTorch (reversed ne) shape."""
    d = default_dims(arch)
    d.update(over)
    rng = np.random.default_rng(seed)
    D, H, Hkv, hd, E = d["n_embd"], d["n_head"], d["n_head_kv"], d["head_dim"], d["n_expert"]
    ff, V = d["n_ff_exp"], d["n_vocab"]

    def mat(out, inp, gain=1.0):
        return (rng.standard_normal((out, inp)) * gain / np.sqrt(inp)).astype(np.float32)

    def normw(n):
        return (1.0 + 0.2 * rng.standard_normal(n)).astype(np.float32)

    md = {
        "general.architecture": arch,
        "general.name": f"tiny-{arch}",
        f"{arch}.block_count": d["n_layer"],
        f"{arch}.context_length": d["ctx"],
        f"{arch}.embedding_length": D,
        f"{arch}.attention.head_count": H,
        f"{arch}.attention.head_count_kv": Hkv,
        f"{arch}.attention.layer_norm_rms_epsilon": float(d["eps"]),
        f"{arch}.rope.freq_base": float(d["freq_base"]),
        f"{arch}.expert_count": E,
        f"{arch}.expert_used_count": d["n_expert_used"],
    }
    if hd != D // H:
        md[f"{arch}.attention.key_length"] = hd
        md[f"{arch}.attention.value_length"] = hd
    if arch in ("qwen3moe", "qwen2moe"):
        md[f"{arch}.feed_forward_length"] = ff * 4
        md[f"{arch}.expert_feed_forward_length"] = ff
    else:
        md[f"{arch}.feed_forward_length"] = ff
    if arch == "qwen2moe":
        md[f"{arch}.expert_shared_feed_forward_length"] = d["n_ff_shexp"]

    t = {}
    t["token_embd.weight"] = rng.standard_normal((V, D)).astype(np.float32)
    for il in range(d["n_layer"]):
        p = f"blk.{il}."
        t[p + "attn_norm.weight"] = normw(D)
        t[p + "attn_q.weight"] = mat(H * hd, D)
        t[p + "attn_k.weight"] = mat(Hkv * hd, D)
        t[p + "attn_v.weight"] = mat(Hkv * hd, D)
        if arch == "qwen2moe":
            t[p + "attn_q.bias"] = (0.1 * rng.standard_normal(H * hd)).astype(np.float32)
            t[p + "attn_k.bias"] = (0.1 * rng.standard_normal(Hkv * hd)).astype(np.float32)
            t[p + "attn_v.bias"] = (0.1 * rng.standard_normal(Hkv * hd)).astype(np.float32)
        t[p + "attn_output.weight"] = mat(D, H * hd)
        if arch == "qwen3moe":
            t[p + "attn_q_norm.weight"] = normw(hd)
            t[p + "attn_k_norm.weight"] = normw(hd)
        if arch == "olmoe":
            t[p + "attn_q_norm.weight"] = normw(H * hd)
            t[p + "attn_k_norm.weight"] = normw(Hkv * hd)
        t[p + "ffn_norm.weight"] = normw(D)
        t[p + "ffn_gate_inp.weight"] = mat(E, D, gain=2.0)
        t[p + "ffn_gate_exps.weight"] = np.stack([mat(ff, D) for _ in range(E)])
        t[p + "ffn_up_exps.weight"] = np.stack([mat(ff, D) for _ in range(E)])
        t[p + "ffn_down_exps.weight"] = np.stack([mat(D, ff) for _ in range(E)])
        if arch == "qwen2moe":
            fs = d["n_ff_shexp"]
            t[p + "ffn_gate_inp_shexp.weight"] = mat(1, D, gain=2.0).reshape(D)
            t[p + "ffn_gate_shexp.weight"] = mat(fs, D)
            t[p + "ffn_up_shexp.weight"] = mat(fs, D)
            t[p + "ffn_down_shexp.weight"] = mat(D, fs)
    t["output_norm.weight"] = normw(D)
    if not d.get("tied", False):
        t["output.weight"] = mat(V, D, gain=3.0)
    return md, t, d


def quant_types(tensors, quant):
    """Matrices (2-D/3-D) get `quant`; 1-D tensors (norms, biases, shared gate) stay F32."""
    if quant == "F32":
        return {}
    return {n: quant for n, a in tensors.items() if a.ndim >= 2}


def make_tiny(path, arch, quant="F32", seed=0, **over):
    md, t, d = make_weights(arch, seed=seed, **over)
    write_gguf(path, md, t, quant_types(t, quant))
    return d
