"""The DeepSeek-V2/V3 (GGUF `deepseek2`) and GLM-4.5 (`glm4moe`) parts of the float64 reference.

Written from the model definitions, not from the engine: Hugging Face's
modeling_deepseek.py (DeepSeek-V2-Lite and DeepSeek-V3 repositories:
DeepseekV2Attention with its YaRN rotary embedding, MoEGate with
`greedy`/`noaux_tc` top-k), transformers' modeling_glm4_moe.py (partial rotary,
Glm4MoeTopkRouter), and the GGUF names and metadata of llama.cpp's converter
(conversion/deepseek.py, glm.py; gguf-py constants).

Latent attention is computed here the way the paper writes it, *without* the
absorption trick the engine uses: every head's keys and values are decompressed
from the cached latent (k_nope = W_UK c, v = W_UV c), concatenated with the
shared RoPE key, and attended as ordinary multi-head attention.
"""

from __future__ import annotations

import math

import numpy as np
import torch

DT = torch.float64


class FamilyError(RuntimeError):
    pass


def configure(m, key):
    """Sets the attributes moe_reference.forward reads for deepseek2/glm4moe on Model `m`;
    `key(suffix, default, required)` reads `{arch}.{suffix}`."""
    m.n_nextn = int(key("nextn_predict_layers", 0))
    m.n_layer -= m.n_nextn                      # GLM's next-token-prediction blocks are not run
    m.n_dense_lead = int(key("leading_dense_block_count", 0))
    m.n_shared = int(key("expert_shared_count", 0))
    g = int(key("expert_gating_func", 0))
    m.gating = {0: "sigmoid" if m.arch == "glm4moe" else "softmax", 1: "softmax", 2: "sigmoid"}.get(g)
    if m.gating is None:
        raise FamilyError(f"expert_gating_func {g} not supported")
    m.norm_topk = bool(key("expert_weights_norm", False))
    m.routed_scale = float(key("expert_weights_scale", 0.0) or 1.0)
    m.n_group = int(key("expert_group_count", 1) or 1)
    m.topk_group = int(key("expert_group_used_count", m.n_group) or m.n_group)
    # YaRN (DeepseekV2YarnRotaryEmbedding); GGUF keeps mscale_all_dim as 0.1 * mscale_all_dim
    m.yarn = None
    if key("rope.scaling.type", "none") == "yarn":
        log_mul = key("rope.scaling.yarn_log_multiplier", None)
        m.yarn = dict(factor=float(key("rope.scaling.factor", required=True)),
                      orig=int(key("rope.scaling.original_context_length", key("context_length", 4096))),
                      beta_fast=float(key("rope.scaling.yarn_beta_fast", 32.0)),
                      beta_slow=float(key("rope.scaling.yarn_beta_slow", 1.0)),
                      mscale_all_dim=(float(log_mul) / 0.1) if log_mul is not None else 1.0)
    if m.arch == "deepseek2":
        m.q_lora_rank = int(key("attention.q_lora_rank", 0) or 0)
        m.kv_lora_rank = int(key("attention.kv_lora_rank", required=True))
        m.qk_rope = int(key("rope.dimension_count", required=True))
        if key("attention.key_length_mla", None) is not None:
            m.qk_head = int(key("attention.key_length_mla"))
            m.v_head = int(key("attention.value_length_mla"))
        else:
            m.qk_head = int(key("attention.key_length"))
            m.v_head = int(key("attention.value_length"))
        m.qk_nope = m.qk_head - m.qk_rope
    else:
        m.head_dim = m.head_dim_k
        m.rot_dim = int(key("rope.dimension_count", m.head_dim))


# ---------------------------------------------------------------------------
# rotary embeddings, in HF's formulation (cos/sin of cat(freqs, freqs), rotate_half)
# ---------------------------------------------------------------------------

def _rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def _yarn_inv_freq(dim, base, y):
    def corr_dim(num_rot):
        return (dim * math.log(y["orig"] / (num_rot * 2 * math.pi))) / (2 * math.log(base))
    low = max(math.floor(corr_dim(y["beta_fast"])), 0)
    high = min(math.ceil(corr_dim(y["beta_slow"])), dim - 1)
    if low == high:
        high += 0.001
    freq_extra = 1.0 / (base ** (torch.arange(0, dim, 2, dtype=DT) / dim))
    freq_inter = freq_extra / y["factor"]
    ramp = torch.clamp((torch.arange(dim // 2, dtype=DT) - low) / (high - low), 0, 1)
    mask = 1.0 - ramp
    return freq_inter * (1 - mask) + freq_extra * mask


def _cos_sin(T, dim, base, yarn):
    inv = _yarn_inv_freq(dim, base, yarn) if yarn else 1.0 / (base ** (torch.arange(0, dim, 2, dtype=DT) / dim))
    freqs = torch.outer(torch.arange(T, dtype=DT), inv)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()                  # (T, dim); HF's _mscale is 1 as mscale == mscale_all_dim


def _rope_interleaved(x, cos, sin):
    """DeepSeek's apply_rotary_pos_emb: de-interleave (d/2, 2) -> halves, then rotate_half. x (T, H, d)."""
    T, H, d = x.shape
    x = x.view(T, H, d // 2, 2).transpose(3, 2).reshape(T, H, d)
    return x * cos[:, None, :] + _rotate_half(x) * sin[:, None, :]


def _rope_partial_halves(x, cos, sin, rot):
    """GLM-4.5: rotate_half over the first `rot` dims, the rest passes through. x (T, H, d)."""
    xr, xp = x[..., :rot], x[..., rot:]
    xr = xr * cos[:, None, :] + _rotate_half(xr) * sin[:, None, :]
    return torch.cat((xr, xp), dim=-1)


def _softmax_attention(q, k, v, scale):
    T = q.shape[0]
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    s = torch.einsum("thd,shd->hts", q, k) * scale
    s = s.masked_fill(~causal[None], float("-inf"))
    a = torch.softmax(s, dim=-1)
    return torch.einsum("hts,shd->thd", a, v).reshape(T, -1)


# ---------------------------------------------------------------------------
# attention
# ---------------------------------------------------------------------------

def mla_attention(m, il, x, rms_norm):
    """DeepseekV2Attention.forward for a whole sequence. x (T, D) normed input."""
    p = f"blk.{il}."
    T, D = x.shape
    H, R, nope, rope, dv = m.n_head, m.kv_lora_rank, m.qk_nope, m.qk_rope, m.v_head
    if m.q_lora_rank > 0:
        qa = x @ m.t(p + "attn_q_a.weight", (m.q_lora_rank, D)).T
        qa = rms_norm(qa, m.t(p + "attn_q_a_norm.weight", (m.q_lora_rank,)), m.eps)
        q = qa @ m.t(p + "attn_q_b.weight", (H * (nope + rope), m.q_lora_rank)).T
    else:
        q = x @ m.t(p + "attn_q.weight", (H * (nope + rope), D)).T
    q = q.view(T, H, nope + rope)
    q_nope, q_pe = q[..., :nope], q[..., nope:]
    ckv = x @ m.t(p + "attn_kv_a_mqa.weight", (R + rope, D)).T
    c, k_pe = ckv[:, :R], ckv[:, R:].reshape(T, 1, rope)
    c = rms_norm(c, m.t(p + "attn_kv_a_norm.weight", (R,)), m.eps)
    # kv_b_proj (H*(nope+v), R): from the split GGUF form or the single one
    if m.has(p + "attn_kv_b.weight"):
        kv_b = m.t(p + "attn_kv_b.weight", (H * (nope + dv), R)).view(H, nope + dv, R)
        w_uk, w_uv = kv_b[:, :nope, :], kv_b[:, nope:, :]
    else:
        w_uk = m.t(p + "attn_k_b.weight", (H, R, nope)).transpose(1, 2)     # stored transposed per head
        w_uv = m.t(p + "attn_v_b.weight", (H, dv, R))
    k_nope = torch.einsum("hdr,tr->thd", w_uk, c)
    v = torch.einsum("hdr,tr->thd", w_uv, c)
    cos, sin = _cos_sin(T, rope, m.freq_base, m.yarn)
    q_pe = _rope_interleaved(q_pe, cos, sin)
    k_pe = _rope_interleaved(k_pe, cos, sin)
    qh = torch.cat((q_nope, q_pe), dim=-1)
    kh = torch.cat((k_nope, k_pe.expand(T, H, rope)), dim=-1)
    scale = (nope + rope) ** -0.5
    if m.yarn and m.yarn["factor"] > 1:
        ms = 0.1 * m.yarn["mscale_all_dim"] * math.log(m.yarn["factor"]) + 1.0
        scale = scale * ms * ms
    o = _softmax_attention(qh, kh, v, scale)
    return o @ m.t(p + "attn_output.weight", (D, H * dv)).T


def glm_attention(m, il, x, rms_norm):
    """Glm4MoeAttention.forward: biases, optional per-head q/k norm, partial rotary (halves)."""
    p = f"blk.{il}."
    T, D = x.shape
    H, Hkv, hd = m.n_head, m.n_head_kv, m.head_dim

    def lin(name, rows):
        y = x @ m.t(p + name + ".weight", (rows, D)).T
        b = m.opt(p + name + ".bias", (rows,))
        return y + b if b is not None else y
    q = lin("attn_q", H * hd).view(T, H, hd)
    k = lin("attn_k", Hkv * hd).view(T, Hkv, hd)
    v = lin("attn_v", Hkv * hd).view(T, Hkv, hd)
    if m.has(p + "attn_q_norm.weight"):
        q = rms_norm(q, m.t(p + "attn_q_norm.weight", (hd,)), m.eps)
        k = rms_norm(k, m.t(p + "attn_k_norm.weight", (hd,)), m.eps)
    cos, sin = _cos_sin(T, m.rot_dim, m.freq_base, None)
    q = _rope_partial_halves(q, cos, sin, m.rot_dim)
    k = _rope_partial_halves(k, cos, sin, m.rot_dim)
    rep = H // Hkv
    o = _softmax_attention(q, k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1), hd ** -0.5)
    return o @ m.t(p + "attn_output.weight", (D, H * hd)).T


# ---------------------------------------------------------------------------
# FFN and routing
# ---------------------------------------------------------------------------

def swiglu(x, gate, up, down):
    return (torch.nn.functional.silu(x @ gate.T) * (x @ up.T)) @ down.T


def dense_ffn(m, il, x):
    p = f"blk.{il}."
    return swiglu(x, m.t(p + "ffn_gate.weight"), m.t(p + "ffn_up.weight"), m.t(p + "ffn_down.weight"))


def shared_experts(m, il, x):
    p = f"blk.{il}."
    if m.n_shared == 0:
        return torch.zeros_like(x)
    return swiglu(x, m.t(p + "ffn_gate_shexp.weight"), m.t(p + "ffn_up_shexp.weight"),
                  m.t(p + "ffn_down_shexp.weight"))


def gate_scores(m, logits):
    """MoEGate: scores from router logits (T, E)."""
    return torch.sigmoid(logits) if m.gating == "sigmoid" else torch.softmax(logits, dim=-1)


def top_ids(choice_row, k, forced=None):
    """The k experts a token takes, by descending choice score, ties to the lower id; or
    `forced` (an explicit set, to follow the engine through an exact near-tie) in that order."""
    if forced is not None:
        return sorted(set(int(e) for e in forced), key=lambda e: (-choice_row[e], e))
    return [int(e) for e in np.argsort(-choice_row, kind="stable")[:k]]


def choice_scores(m, il, scores):
    """noaux_tc: scores + e_score_correction_bias, groups outside the best topk_group set to -inf
    (HF fills 0.0; with sigmoid scores and small biases every kept score is positive, so the
    choice is the same, and -inf also holds for softmax scores). Returns numpy (T, E)."""
    b = m.opt(f"blk.{il}.exp_probs_b.bias", (m.n_expert,))
    s = scores + b if b is not None else scores.clone()
    if m.n_group > 1:
        T, E = s.shape
        grouped = s.view(T, m.n_group, E // m.n_group)
        group_scores = grouped.topk(2, dim=-1)[0].sum(dim=-1)                # (T, n_group)
        idx = group_scores.topk(m.topk_group, dim=-1)[1]
        keep = torch.zeros_like(group_scores, dtype=torch.bool).scatter_(1, idx, True)
        keep = keep[:, :, None].expand(T, m.n_group, E // m.n_group).reshape(T, E)
        s = s.masked_fill(~keep, float("-inf"))
    return s.numpy()


def topk_weights(m, scores_row, ids):
    w = np.array([scores_row[e] for e in ids], dtype=np.float64)
    if m.norm_topk:
        w = w / max(w.sum(), 6.103515625e-5)   # llama.cpp's floor; HF adds 1e-20
    return w * m.routed_scale
