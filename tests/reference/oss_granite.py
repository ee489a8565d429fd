"""The gpt-oss (GGUF `gpt-oss`) and Granite MoE (`granitemoe`) parts of the float64 reference.

Written from the model definitions, not from the engine: transformers'
modeling_gpt_oss.py (GptOssAttention with its sinks and the eager attention that
appends them as one more column of the scores, sliding-window layers from
config.layer_types: "sliding_attention" on even layers, GptOssTopKRouter: top-k of
the biased router logits then a softmax over those k, GptOssExperts: biased
gate/up, gate clamped above at 7, up clamped to [-7, 7], gate·sigmoid(1.702·gate)·(up + 1),
biased down) and modeling_granitemoe.py / modeling_granitemoeshared.py (embedding,
attention, residual multipliers and logits_scaling, GraniteMoeTopKGating: softmax over
the top-k logits, the shared MLP added unscaled by a gate); the GGUF names and metadata
of llama.cpp's converter (conversion/gpt_oss.py, granite.py): gate_up split into
ffn_gate_exps / ffn_up_exps with their biases as [n_ff, n_expert], sinks as
attn_sinks.weight, the multipliers as {arch}.embedding_scale, attention.scale,
residual_scale, logit_scale, Granite's q/k permuted for adjacent-pair RoPE.

YaRN (gpt-oss): the frequencies of families.py (the correction range floored and
ceiled, as GGUF files carry no `truncate` and llama.cpp always rounds it; Hugging
Face's gpt-oss config says truncate=false), cos and sin multiplied by
attention_factor = 0.1·ln(factor) + 1 as HF's _compute_yarn_parameters does.
"""

from __future__ import annotations

import math

import numpy as np
import torch

import families as fam

DT = torch.float64


def configure(m, key):
    """The attributes block() and moe_reference.forward read, on Model `m`."""
    m.n_dense_lead = 0
    m.n_shared = 0
    m.embd_scale = 1.0
    m.logit_scale = 1.0
    if m.arch == "gpt-oss":
        m.head_dim = m.head_dim_k
        m.n_swa = int(key("attention.sliding_window", required=True))
        pattern = key("attention.sliding_window_pattern", None)
        if isinstance(pattern, (list, tuple)):
            m.swa_layers = [bool(v) for v in pattern]
        else:  # config.layer_types of the published models: sliding on even layers
            period = int(pattern) if pattern is not None else 2
            m.swa_layers = [period == 0 or i % period < period - 1 for i in range(m.n_layer)]
        m.yarn = None
        if key("rope.scaling.type", "none") == "yarn":
            m.yarn = dict(factor=float(key("rope.scaling.factor", required=True)),
                          orig=int(key("rope.scaling.original_context_length", key("context_length", 4096))),
                          beta_fast=float(key("rope.scaling.yarn_beta_fast", 32.0)),
                          beta_slow=float(key("rope.scaling.yarn_beta_slow", 1.0)))
    else:
        m.head_dim = m.head_dim_k
        m.embd_scale = float(key("embedding_scale", 0.0) or 1.0)
        m.residual_scale = float(key("residual_scale", 0.0) or 1.0)
        m.logit_scale = float(key("logit_scale", 0.0) or 1.0)
        m.granite_attn_scale = float(key("attention.scale", 0.0) or 0.0) or m.head_dim ** -0.5
        m.n_ff_shexp = int(key("expert_shared_feed_forward_length", 0) or 0)


def _attention(q, k, v, scale, window, sinks):
    """Causal attention, q (T, H, d), k/v (T, H, d) already repeated per q head; keys more than
    window - 1 positions back masked (window 0: none); sinks (H,) appended as a column."""
    T = q.shape[0]
    i = torch.arange(T)[:, None]
    j = torch.arange(T)[None, :]
    allowed = j <= i
    if window:
        allowed = allowed & (i - j < window)
    s = torch.einsum("thd,shd->hts", q, k) * scale
    s = s.masked_fill(~allowed[None], float("-inf"))
    if sinks is not None:
        s = torch.cat((s, sinks[:, None, None].expand(-1, T, 1)), dim=-1)
        a = torch.softmax(s - s.max(dim=-1, keepdim=True).values, dim=-1)[..., :-1]
    else:
        a = torch.softmax(s, dim=-1)
    return torch.einsum("hts,shd->thd", a, v).reshape(T, -1)


def oss_attention(m, il, x, rms_norm):
    """GptOssAttention.forward for a whole sequence. x (T, D) normed input."""
    p = f"blk.{il}."
    T, D = x.shape
    H, Hkv, hd = m.n_head, m.n_head_kv, m.head_dim

    def lin(name, rows, cols, inp):
        return inp @ m.t(p + name + ".weight", (rows, cols)).T + m.t(p + name + ".bias", (rows,))
    q = lin("attn_q", H * hd, D, x).view(T, H, hd)
    k = lin("attn_k", Hkv * hd, D, x).view(T, Hkv, hd)
    v = lin("attn_v", Hkv * hd, D, x).view(T, Hkv, hd)
    cos, sin = fam._cos_sin(T, hd, m.freq_base, m.yarn)
    att = 0.1 * math.log(m.yarn["factor"]) + 1.0 if m.yarn and m.yarn["factor"] > 1 else 1.0
    cos, sin = cos * att, sin * att
    q = q * cos[:, None, :] + fam._rotate_half(q) * sin[:, None, :]
    k = k * cos[:, None, :] + fam._rotate_half(k) * sin[:, None, :]
    rep = H // Hkv
    window = m.n_swa if m.swa_layers[il] else 0
    o = _attention(q, k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1), hd ** -0.5, window,
                   m.t(p + "attn_sinks.weight", (H,)))
    return lin("attn_output", D, H * hd, o)


def granite_attention(m, il, x, rms_norm, rope):
    """GraniteMoeAttention.forward (q/k permuted by the converter: adjacent-pair RoPE)."""
    p = f"blk.{il}."
    T, D = x.shape
    H, Hkv, hd = m.n_head, m.n_head_kv, m.head_dim
    pos = torch.arange(T, dtype=DT)
    q = (x @ m.t(p + "attn_q.weight", (H * hd, D)).T).view(T, H, hd)
    k = (x @ m.t(p + "attn_k.weight", (Hkv * hd, D)).T).view(T, Hkv, hd)
    v = (x @ m.t(p + "attn_v.weight", (Hkv * hd, D)).T).view(T, Hkv, hd)
    q = rope(q, pos, hd, m.freq_base, "norm")
    k = rope(k, pos, hd, m.freq_base, "norm")
    rep = H // Hkv
    o = _attention(q, k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1), m.granite_attn_scale, 0, None)
    out = o @ m.t(p + "attn_output.weight", (D, H * hd)).T
    b = m.opt(p + "attn_output.bias", (D,))
    return out + b if b is not None else out


def block(m, il, x, h_in, k, forced_routing, routing, want_probs, rms_norm, rope):
    """One gpt-oss or granitemoe block: attention, then the routed experts (and Granite's
    shared MLP), each branch scaled by Granite's residual multiplier before it is added."""
    p = f"blk.{il}."
    D = m.n_embd
    oss = m.arch == "gpt-oss"
    r = 1.0 if oss else m.residual_scale
    attn = oss_attention(m, il, h_in, rms_norm) if oss else granite_attention(m, il, h_in, rms_norm, rope)
    h = x + r * attn
    f_in = rms_norm(h, m.t(p + ("post_attention_norm.weight" if oss else "ffn_norm.weight"), (D,)), m.eps)
    logits = f_in @ m.t(p + "ffn_gate_inp.weight", (m.n_expert, D)).T
    if oss:
        logits = logits + m.t(p + "ffn_gate_inp.bias", (m.n_expert,))
    probs = torch.softmax(logits, dim=-1).numpy()      # ranks as the logits do
    w_gate, w_up, w_down = m.experts(il, "gate"), m.experts(il, "up"), m.experts(il, "down")
    if oss:
        F = w_gate.shape[1]
        b_gate = m.t(p + "ffn_gate_exps.bias", (m.n_expert, F))
        b_up = m.t(p + "ffn_up_exps.bias", (m.n_expert, F))
        b_down = m.t(p + "ffn_down_exps.bias", (m.n_expert, D))
    moe = torch.zeros_like(f_in)
    lg = logits.numpy()
    for t in range(f_in.shape[0]):
        ids = fam.top_ids(lg[t], k, forced_routing.get((t, il)))
        sel = torch.tensor([lg[t][e] for e in ids], dtype=DT)
        w = torch.softmax(sel, dim=0).numpy()            # softmax over the k chosen logits
        entry = {"layer": il, "experts": ids, "weights": [float(a) for a in w]}
        if want_probs:
            entry["router_probs"] = [float(a) for a in probs[t]]
        routing[t].append(entry)
        xt = f_in[t]
        for e, we in zip(ids, w):
            if oss:
                g = (w_gate[e] @ xt + b_gate[e]).clamp(max=7.0)
                u = (w_up[e] @ xt + b_up[e]).clamp(min=-7.0, max=7.0)
                y = w_down[e] @ (g * torch.sigmoid(1.702 * g) * (u + 1.0)) + b_down[e]
            else:
                y = w_down[e] @ (torch.nn.functional.silu(w_gate[e] @ xt) * (w_up[e] @ xt))
            moe[t] += float(we) * y
    if not oss and m.n_ff_shexp > 0:
        moe = moe + fam.swiglu(f_in, m.t(p + "ffn_gate_shexp.weight"), m.t(p + "ffn_up_shexp.weight"),
                               m.t(p + "ffn_down_shexp.weight"))
    return h + r * moe
