"""The Llama 4 (GGUF `llama4`) and ERNIE 4.5 MoE (`ernie4_5-moe`) parts of the float64 reference.

Written from the model definitions, not from the engine: transformers'
modeling_llama4.py (Llama4TextAttention: RoPE on adjacent pairs, L2 norm of q/k
after RoPE, attention temperature in the blocks without RoPE, chunked attention
in the blocks with it; Llama4TextMoe: top-k of the router logits, sigmoid of the
chosen ones multiplying the expert's *input*, a shared expert always added;
dense Llama4TextMLP blocks between the MoE ones) and modeling_ernie4_5_moe.py
(softmax router, e_score_correction_bias for the choice only, weights
renormalised, shared experts, dense blocks before moe_layer_start_index and off
the moe_layer_interval), with the GGUF names and metadata of llama.cpp's
converter (conversion/llama.py Llama4Model, conversion/ernie.py). Where the
converter leaves a value out, llama.cpp's choice: chunks of 8192, temperature
floor 8192 and scale 0.1, every 4th block without RoPE, q/k norm unless 128
experts. `attention.sliding_window` (nonzero) and `attention.temperature_length`
override the chunk and the floor (llama.cpp v0.5.0 does not read them; the
small test models use them to put chunks inside a short sequence).
"""

from __future__ import annotations

import math

import numpy as np
import torch

import families as fam

DT = torch.float64


def configure(m, key):
    """Sets what block() reads on moe_reference.Model `m`; `key(suffix, default, required)`."""
    m.moe_step = int(key("interleave_moe_layer_step", required=True))
    m.n_dense_lead = int(key("leading_dense_block_count", 0))
    m.moe_blocks = [il for il in range(m.n_layer) if il >= m.n_dense_lead and (il + 1) % m.moe_step == 0]
    m.n_moe_layer = len(m.moe_blocks)
    m.routed_scale = float(key("expert_weights_scale", 0.0) or 1.0)
    if m.arch == "ernie4_5-moe":
        return
    sw = key("attention.sliding_window", None)
    no_chunks = sw is not None and int(sw) == 0
    m.chunk = None if no_chunks else int(sw or 8192)
    m.no_rope_step = m.n_layer if no_chunks else 4
    m.temp_scale = 0.0 if no_chunks else float(key("attention.temperature_scale", 0.1))
    m.temp_floor = int(key("attention.temperature_length", 8192))
    m.qk_norm = m.n_expert != 128


def _l2norm(x, eps):
    return x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + eps)


def _attention(q, k, v, mask, scale):
    s = torch.einsum("thd,shd->hts", q, k) * scale
    s = s.masked_fill(~mask[None], float("-inf"))
    return torch.einsum("hts,shd->thd", torch.softmax(s, dim=-1), v)


def attention(m, il, x, rope):
    """Llama4TextAttention / Ernie4_5_MoeAttention over the whole sequence. x (T, D) normed."""
    p = f"blk.{il}."
    T, D = x.shape
    H, Hkv, hd = m.n_head, m.n_head_kv, m.head_dim_k
    q = (x @ m.t(p + "attn_q.weight", (H * hd, D)).T).view(T, H, hd)
    k = (x @ m.t(p + "attn_k.weight", (Hkv * hd, D)).T).view(T, Hkv, hd)
    v = (x @ m.t(p + "attn_v.weight", (Hkv * hd, D)).T).view(T, Hkv, hd)
    pos = torch.arange(T, dtype=DT)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    use_rope = m.arch != "llama4" or (il + 1) % m.no_rope_step != 0
    if use_rope:
        factors = m.opt("rope_freqs.weight", (hd // 2,))
        q = rope(q, pos, hd, m.freq_base, "norm", 1.0, factors)
        k = rope(k, pos, hd, m.freq_base, "norm", 1.0, factors)
        if m.arch == "llama4" and m.qk_norm:
            q, k = _l2norm(q, m.eps), _l2norm(k, m.eps)
    else:
        scales = torch.log(torch.floor((pos + 1.0) / m.temp_floor) + 1.0) * m.temp_scale + 1.0
        q = q * scales[:, None, None]
    mask = causal
    if m.arch == "llama4" and use_rope and m.chunk:
        chunk_of = torch.div(torch.arange(T), m.chunk, rounding_mode="floor")
        mask = causal & (chunk_of[:, None] == chunk_of[None, :])
    rep = H // Hkv
    o = _attention(q, k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1), mask, hd ** -0.5)
    return o.reshape(T, H * hd) @ m.t(p + "attn_output.weight", (D, H * hd)).T


def swiglu(x, gate, up, down):
    return (torch.nn.functional.silu(x @ gate.T) * (x @ up.T)) @ down.T


def block(m, il, x, h_in, k, forced_routing, routing, want_probs, rope, rms_norm):
    """One block: attention, then a dense FFN or routed experts plus the shared ones.
    Routing entries are numbered by MoE block."""
    p = f"blk.{il}."
    D = m.n_embd
    h = x + attention(m, il, h_in, rope)
    f_in = rms_norm(h, m.t(p + "ffn_norm.weight", (D,)), m.eps)
    if il not in m.moe_blocks:
        return h + swiglu(f_in, m.t(p + "ffn_gate.weight"), m.t(p + "ffn_up.weight"), m.t(p + "ffn_down.weight"))
    mi = m.moe_blocks.index(il)
    logits = f_in @ m.t(p + "ffn_gate_inp.weight", (m.n_expert, D)).T
    if m.arch == "llama4":
        scores = torch.sigmoid(logits)             # chosen by logit, the same order
        choice = logits.numpy()
    else:
        scores = torch.softmax(logits, dim=-1)
        b = m.opt(p + "exp_probs_b.bias", (m.n_expert,))
        choice = (scores + b if b is not None else scores).numpy()
    probs = scores.numpy()
    w_gate, w_up, w_down = m.experts(il, "gate"), m.experts(il, "up"), m.experts(il, "down")
    moe = torch.zeros_like(f_in)
    for t in range(f_in.shape[0]):
        ids = fam.top_ids(choice[t], k, forced_routing.get((t, mi)))
        w = np.array([probs[t][e] for e in ids], dtype=np.float64)
        if m.arch == "ernie4_5-moe":
            w = w / max(w.sum(), 6.103515625e-5)   # llama.cpp's floor; HF clamps at norm_min
        w = w * m.routed_scale
        entry = {"layer": mi, "experts": ids, "weights": [float(a) for a in w]}
        if want_probs:
            # what the choice ranks (llama4: the sigmoid, in the logits' order; ernie: score + bias)
            entry["router_probs"] = [float(a) for a in (probs[t] if m.arch == "llama4" else choice[t])]
        routing[t].append(entry)
        for e, we in zip(ids, w):
            if m.arch == "llama4":    # the weight scales the expert's input
                xe = f_in[t] * float(we)
                moe[t] += w_down[e] @ (torch.nn.functional.silu(w_gate[e] @ xe) * (w_up[e] @ xe))
            else:
                moe[t] += float(we) * (w_down[e] @ (torch.nn.functional.silu(w_gate[e] @ f_in[t]) * (w_up[e] @ f_in[t])))
    shared = swiglu(f_in, m.t(p + "ffn_gate_shexp.weight"), m.t(p + "ffn_up_shexp.weight"),
                    m.t(p + "ffn_down_shexp.weight")) if m.has(p + "ffn_gate_shexp.weight") else 0.0
    return h + moe + shared
