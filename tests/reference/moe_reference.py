#!/usr/bin/env python3
"""Independent float64 PyTorch reference forward pass for MoE GGUF models.

Supported general.architecture values: qwen3moe, qwen2moe, llama (Mixtral-style
experts), olmoe. Written from the model definitions (Hugging Face transformers'
modeling_{qwen3_moe,qwen2_moe,mixtral,olmoe}.py) and llama.cpp's GGUF
conventions (src/models/*.cpp, build_moe_ffn in src/llama-graph.cpp, rope types
in llama_model_rope_type); it shares no code with the engine.

One causal, teacher-forced pass over the whole sequence gives
  nll[i] = -log p(tokens[i+1] | tokens[0..i])   (natural log, length T-1)
  perplexity = exp(mean(nll))
and the routing of every (token, MoE layer): the top-k expert ids in descending
gate order, the gate weights as applied, and the full router probabilities.

    python3 moe_reference.py MODEL.gguf --tokens 1,2,3 [--top-k N] --json
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":
    from _deps import ensure_deps
    ensure_deps()

import numpy as np  # noqa: E402
import torch  # noqa: E402

import families as fam  # noqa: E402
import oss_granite as og  # noqa: E402
import family_llama4_ernie as l4e  # noqa: E402
from gguf_np import GGUFFile  # noqa: E402

DT = torch.float64

# Per-architecture conventions, as llama.cpp builds these graphs:
#   rope      "neox" rotates pairs (i, i + n_rot/2); "norm" rotates adjacent pairs (2i, 2i+1)
#             (llama_model_rope_type: LLAMA -> NORM; QWEN2MOE, QWEN3MOE, OLMOE -> NEOX)
#   norm_topk renormalise the k selected softmax probabilities to sum to 1
#             (build_moe_ffn's norm_w argument: llama true, qwen3moe true, qwen2moe false,
#             olmoe false; HF: Mixtral softmaxes the top-k logits, Qwen2-MoE and OLMoE
#             have norm_topk_prob=False)
#   qk_norm   None | "head" (RMSNorm over each head_dim slice, weight [head_dim]) |
#             "full" (RMSNorm over the whole q / k vector of a token, weight [n_head*head_dim])
#   shexp     sigmoid-gated shared expert (qwen2moe)
ARCHS = {
    "qwen3moe": dict(rope="neox", norm_topk=True, qk_norm="head", shexp=False, n_ff_exp_key=True),
    "qwen2moe": dict(rope="neox", norm_topk=False, qk_norm=None, shexp=True, n_ff_exp_key=True),
    "llama": dict(rope="norm", norm_topk=True, qk_norm=None, shexp=False, n_ff_exp_key=False),
    "olmoe": dict(rope="neox", norm_topk=False, qk_norm="full", shexp=False, n_ff_exp_key=False),
    # latent attention / partial rotary, leading dense blocks, shared experts, grouped and biased
    # routing: families.py (routing and norms read from the metadata there)
    "deepseek2": dict(rope="norm", norm_topk=False, qk_norm=None, shexp=False, n_ff_exp_key=True, family=True),
    "glm4moe": dict(rope="neox", norm_topk=False, qk_norm=None, shexp=False, n_ff_exp_key=True, family=True),
    # windows, sinks, biases and clamped SwiGLU; Granite's multipliers: oss_granite.py
    "gpt-oss": dict(rope="neox", norm_topk=True, qk_norm=None, shexp=False, n_ff_exp_key=True, family="oss_granite"),
    "granitemoe": dict(rope="norm", norm_topk=True, qk_norm=None, shexp=False, n_ff_exp_key=False,
                       family="oss_granite"),
    # interleaved dense and MoE blocks, shared experts; Llama 4's chunks, blocks without RoPE and
    # weighted expert inputs: family_llama4_ernie.py
    "llama4": dict(rope="norm", norm_topk=False, qk_norm=None, shexp=False, n_ff_exp_key=True,
                   family="llama4_ernie"),
    "ernie4_5-moe": dict(rope="norm", norm_topk=True, qk_norm=None, shexp=False, n_ff_exp_key=True,
                         family="llama4_ernie"),
}


class ReferenceError_(RuntimeError):
    pass


class Model:
    """Hyper-parameters from GGUF metadata plus lazy float64 tensor access."""

    def __init__(self, path):
        self.g = GGUFFile(path)
        md = self.g.metadata
        arch = md.get("general.architecture")
        if arch not in ARCHS:
            raise ReferenceError_(f"unsupported architecture {arch!r} (supported: {', '.join(ARCHS)})")
        self.arch = arch
        self.conv = ARCHS[arch]

        def key(k, default=None, required=False):
            full = f"{arch}.{k}"
            if full in md:
                return md[full]
            if required:
                raise ReferenceError_(f"missing metadata {full}")
            return default

        self.n_layer = int(key("block_count", required=True))
        self.n_embd = int(key("embedding_length", required=True))
        self.n_head = int(key("attention.head_count", required=True))
        self.n_head_kv = int(key("attention.head_count_kv", self.n_head))
        self.eps = float(key("attention.layer_norm_rms_epsilon", required=True))
        self.freq_base = float(key("rope.freq_base", 10000.0))
        self.head_dim_k = int(key("attention.key_length", self.n_embd // self.n_head))
        self.head_dim_v = int(key("attention.value_length", self.head_dim_k))
        self.n_rot = int(key("rope.dimension_count", self.head_dim_k))
        self.n_expert = int(key("expert_count", 0))
        self.n_expert_used = int(key("expert_used_count", 0))
        if self.n_expert <= 0 or self.n_expert_used <= 0:
            raise ReferenceError_(f"{arch}: expert_count / expert_used_count missing or zero")
        # expert ffn dim, as llama.cpp's loaders derive it (only used to cross-check the
        # tensor shapes, which are authoritative): qwen2moe/qwen3moe read
        # expert_feed_forward_length, falling back to feed_forward_length / expert_used_count;
        # llama and olmoe size their experts with feed_forward_length.
        n_ff = key("feed_forward_length", None)
        if self.conv["n_ff_exp_key"]:
            n_ff_exp = key("expert_feed_forward_length", None)
            if not n_ff_exp and n_ff:
                n_ff_exp = int(n_ff) // self.n_expert_used
        else:
            n_ff_exp = n_ff
        self.n_ff_exp = int(n_ff_exp) if n_ff_exp else None
        self.n_ff_shexp = key("expert_shared_feed_forward_length", None)
        self.expert_weights_scale = float(key("expert_weights_scale", 0.0) or 0.0)
        gating = key("expert_gating_func", None)
        self.family = bool(self.conv.get("family"))
        if gating not in (None, 0, 1) and not self.family:  # 1 = softmax in llama.cpp's enum; 0 = unset
            raise ReferenceError_(f"{arch}: expert_gating_func {gating} not supported (softmax only)")
        ewn = key("expert_weights_norm", None)
        if ewn is not None and bool(ewn) != self.conv["norm_topk"] and not self.family:
            # llama.cpp hard-codes the choice per architecture for these four; so does this reference
            print(f"moe_reference: warning: {arch}.expert_weights_norm={ewn} ignored; "
                  f"{arch} uses norm_topk={self.conv['norm_topk']}", file=sys.stderr)
        self.attn_scale = key("attention.scale", None)
        # RoPE scaling: only none / linear (freq_scale = 1/factor)
        scaling_type = key("rope.scaling.type", "none")
        factor = key("rope.scaling.factor", None)
        self.freq_scale = 1.0
        if scaling_type == "linear" and factor:
            self.freq_scale = 1.0 / float(factor)
        elif scaling_type not in ("none", "linear") and not (self.family and scaling_type == "yarn"):
            raise ReferenceError_(f"rope scaling {scaling_type!r} not supported")
        if self.n_rot > self.head_dim_k or self.n_rot % 2:
            raise ReferenceError_(f"rope.dimension_count {self.n_rot} invalid for head_dim {self.head_dim_k}")
        if self.n_head % self.n_head_kv:
            raise ReferenceError_(f"head_count {self.n_head} not a multiple of head_count_kv {self.n_head_kv}")
        self.n_moe_layer = self.n_layer
        if self.conv.get("family") == "llama4_ernie":
            l4e.configure(self, key)    # sets n_moe_layer: MoE blocks may be interleaved
        elif self.family:
            (og if self.conv["family"] == "oss_granite" else fam).configure(self, key)
            self.n_moe_layer = self.n_layer - self.n_dense_lead
        emb = self.g.tensors.get("token_embd.weight")
        if emb is None:
            raise ReferenceError_("missing tensor token_embd.weight")
        self.n_vocab = int(emb.ne[1])

    # -- tensors --------------------------------------------------------------
    def has(self, name):
        return name in self.g.tensors

    def t(self, name, shape=None):
        if name not in self.g.tensors:
            raise ReferenceError_(f"missing tensor {name}")
        a = torch.from_numpy(np.array(self.g.tensor(name), dtype=np.float64))
        if shape is not None and tuple(a.shape) != tuple(shape):
            raise ReferenceError_(f"tensor {name}: shape {tuple(a.shape)} (reversed ne), expected {tuple(shape)}")
        return a

    def opt(self, name, shape=None):
        return self.t(name, shape) if self.has(name) else None

    def experts(self, il, which):
        """(n_expert, out, in) weights of blk.il.ffn_{which}_exps, or stacked legacy
        per-expert tensors blk.il.ffn_{which}.E.weight."""
        name = f"blk.{il}.ffn_{which}_exps.weight"
        if self.has(name):
            return self.t(name)
        legacy = [f"blk.{il}.ffn_{which}.{e}.weight" for e in range(self.n_expert)]
        if all(self.has(n) for n in legacy):
            return torch.stack([self.t(n) for n in legacy])
        raise ReferenceError_(f"missing tensor {name}")


# ---------------------------------------------------------------------------
# building blocks (float64)
# ---------------------------------------------------------------------------

def rms_norm(x, w, eps):
    """x / sqrt(mean(x^2) + eps) * w over the last axis."""
    y = x / torch.sqrt((x * x).mean(dim=-1, keepdim=True) + eps)
    return y * w if w is not None else y


def rope(x, pos, n_rot, base, mode, freq_scale=1.0, freq_factors=None):
    """Rotate the first n_rot dims of each head. x: (T, H, D); pos: (T,) float64.
    Angle of pair j (j = 0..n_rot/2-1) at position p: p*freq_scale * base^(-2j/n_rot) [/ factor_j].
    mode "neox": pairs (j, j + n_rot/2); mode "norm": pairs (2j, 2j+1)."""
    half = n_rot // 2
    j = torch.arange(half, dtype=DT)
    inv = base ** (-2.0 * j / n_rot)
    if freq_factors is not None:
        inv = inv / freq_factors
    ang = (pos.to(DT) * freq_scale)[:, None] * inv[None, :]          # (T, half)
    cos = torch.cos(ang)[:, None, :]
    sin = torch.sin(ang)[:, None, :]
    out = x.clone()
    if mode == "neox":
        a = x[..., :half]
        b = x[..., half:n_rot]
    else:
        a = x[..., 0:n_rot:2]
        b = x[..., 1:n_rot:2]
    ra = a * cos - b * sin
    rb = a * sin + b * cos
    if mode == "neox":
        out[..., :half] = ra
        out[..., half:n_rot] = rb
    else:
        out[..., 0:n_rot:2] = ra
        out[..., 1:n_rot:2] = rb
    return out


def linear(x, w, b=None):
    y = x @ w.T
    return y + b if b is not None else y


def silu(x):
    return x * torch.sigmoid(x)


# ---------------------------------------------------------------------------
# forward
# ---------------------------------------------------------------------------

def route(m: Model, probs_row: np.ndarray, k: int, forced=None):
    """Top-k of one token's router probabilities -> (ids in descending gate order, weights as
    applied). Ties are broken towards the lower expert id. `forced`: an explicit expert set to
    use instead (used to follow the engine through an exact near-tie)."""
    ids = fam.top_ids(probs_row, k, forced)
    if forced is not None and len(ids) != k:
        raise ReferenceError_(f"forced routing {forced} does not have {k} distinct experts")
    w = np.array([probs_row[e] for e in ids], dtype=np.float64)
    if m.conv["norm_topk"]:
        w = w / max(w.sum(), 6.103515625e-5)   # llama.cpp clamps the sum (f16 min normal)
    if m.expert_weights_scale not in (0.0, 1.0):
        w = w * m.expert_weights_scale
    return ids, w


def forward(m: Model, tokens, top_k=None, forced_routing=None, want_probs=True, router=None):
    """Teacher-forced causal pass over `tokens`.

    forced_routing: optional {(token_pos, layer): iterable of expert ids} to override the
    selection at those points (weights are still this reference's probabilities).
    router: optional router(m, layer, position, logits_row) -> (ids, weights as applied) replacing the
    top-k selection (routing policies: routing_policies.py).
    Returns a dict shaped like the engine's `score --json` output, plus `router_probs`
    inside every routing entry (when want_probs)."""
    tokens = [int(t) for t in tokens]
    T = len(tokens)
    if T < 1:
        raise ReferenceError_("need at least one token")
    for t in tokens:
        if not 0 <= t < m.n_vocab:
            raise ReferenceError_(f"token {t} outside vocabulary of {m.n_vocab}")
    k = int(top_k) if top_k else m.n_expert_used
    if not 1 <= k <= m.n_expert:
        raise ReferenceError_(f"top-k {k} outside 1..{m.n_expert}")
    forced_routing = forced_routing or {}
    conv = m.conv
    D, H, Hkv, dk, dv = m.n_embd, m.n_head, m.n_head_kv, m.head_dim_k, m.head_dim_v
    group = H // Hkv
    pos = torch.arange(T, dtype=DT)
    scale = float(m.attn_scale) if m.attn_scale else 1.0 / math.sqrt(dk)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    freq_factors = m.opt("rope_freqs.weight")

    # token embedding rows
    x = m.t("token_embd.weight", (m.n_vocab, D))[tokens]              # (T, D)
    x = x * getattr(m, "embd_scale", 1.0)                             # Granite's embedding multiplier
    routing = [[] for _ in range(T)]

    for il in range(m.n_layer):
        p = f"blk.{il}."
        # attention rmsnorm
        h_in = rms_norm(x, m.t(p + "attn_norm.weight", (D,)), m.eps)
        if m.family:
            x = family_block(m, il, x, h_in, k, forced_routing, routing, want_probs)
            continue
        # qkv projections (+ optional biases)
        q = linear(h_in, m.t(p + "attn_q.weight", (H * dk, D)), m.opt(p + "attn_q.bias", (H * dk,)))
        kk = linear(h_in, m.t(p + "attn_k.weight", (Hkv * dk, D)), m.opt(p + "attn_k.bias", (Hkv * dk,)))
        v = linear(h_in, m.t(p + "attn_v.weight", (Hkv * dv, D)), m.opt(p + "attn_v.bias", (Hkv * dv,)))
        # q/k norms
        if conv["qk_norm"] == "full":
            q = rms_norm(q, m.t(p + "attn_q_norm.weight", (H * dk,)), m.eps)
            kk = rms_norm(kk, m.t(p + "attn_k_norm.weight", (Hkv * dk,)), m.eps)
        q = q.reshape(T, H, dk)
        kk = kk.reshape(T, Hkv, dk)
        v = v.reshape(T, Hkv, dv)
        if conv["qk_norm"] == "head":
            q = rms_norm(q, m.t(p + "attn_q_norm.weight", (dk,)), m.eps)
            kk = rms_norm(kk, m.t(p + "attn_k_norm.weight", (dk,)), m.eps)
        # rope
        q = rope(q, pos, m.n_rot, m.freq_base, conv["rope"], m.freq_scale, freq_factors)
        kk = rope(kk, pos, m.n_rot, m.freq_base, conv["rope"], m.freq_scale, freq_factors)
        # causal softmax attention; q head h reads kv head h // (H / Hkv)
        kx = kk.repeat_interleave(group, dim=1)                          # (T, H, dk)
        vx = v.repeat_interleave(group, dim=1)
        scores = torch.einsum("thd,shd->hts", q, kx) * scale              # (H, T, T)
        scores = scores.masked_fill(~causal[None], float("-inf"))
        att = torch.softmax(scores, dim=-1)
        o = torch.einsum("hts,shd->thd", att, vx).reshape(T, H * dv)
        attn_out = linear(o, m.t(p + "attn_output.weight", (D, H * dv)), m.opt(p + "attn_output.bias", (D,)))
        h = x + attn_out

        # MoE: router softmax over all experts -> top-k -> weighted sum of SwiGLU experts
        f_in = rms_norm(h, m.t(p + "ffn_norm.weight", (D,)), m.eps)
        logits = linear(f_in, m.t(p + "ffn_gate_inp.weight", (m.n_expert, D)))
        probs = torch.softmax(logits, dim=-1).numpy()                     # (T, E)
        logits_np = logits.numpy()
        w_gate = m.experts(il, "gate")                                    # (E, ff, D)
        w_up = m.experts(il, "up")                                        # (E, ff, D)
        w_down = m.experts(il, "down")                                    # (E, D, ff)
        E, n_ff, _ = w_gate.shape
        if E != m.n_expert or tuple(w_up.shape) != (E, n_ff, D) or tuple(w_down.shape) != (E, D, n_ff):
            raise ReferenceError_(f"layer {il}: expert tensor shapes {tuple(w_gate.shape)}, "
                                  f"{tuple(w_up.shape)}, {tuple(w_down.shape)} disagree with "
                                  f"n_expert={m.n_expert}, n_embd={D}")
        if m.n_ff_exp is not None and n_ff != m.n_ff_exp:
            raise ReferenceError_(f"layer {il}: expert ffn dim {n_ff}, metadata says {m.n_ff_exp}")
        moe = torch.zeros_like(f_in)
        for t in range(T):
            if router is not None:
                ids, w = router(m, il, t, logits_np[t])
            else:
                ids, w = route(m, probs[t], k, forced_routing.get((t, il)))
            entry = {"layer": il, "experts": ids, "weights": [float(a) for a in w]}
            if want_probs:
                entry["router_probs"] = [float(a) for a in probs[t]]
            routing[t].append(entry)
            xt = f_in[t]
            for e, we in zip(ids, w):
                act = silu(w_gate[e] @ xt) * (w_up[e] @ xt)
                moe[t] += float(we) * (w_down[e] @ act)
        if conv["shexp"]:
            # shared expert, gated by sigmoid of one logit: ffn_gate_inp_shexp has ne [n_embd]
            g_inp = m.t(p + "ffn_gate_inp_shexp.weight").reshape(-1)
            if g_inp.numel() != D:
                raise ReferenceError_(f"{p}ffn_gate_inp_shexp.weight has {g_inp.numel()} elements, expected {D}")
            sg = m.t(p + "ffn_gate_shexp.weight")                         # (ff_sh, D)
            su = m.t(p + "ffn_up_shexp.weight", tuple(sg.shape))
            sd = m.t(p + "ffn_down_shexp.weight", (D, sg.shape[0]))
            if m.n_ff_shexp and sg.shape[0] != int(m.n_ff_shexp):
                raise ReferenceError_(f"{p}ffn_gate_shexp: dim {sg.shape[0]}, metadata says {m.n_ff_shexp}")
            gate = torch.sigmoid(f_in @ g_inp)                             # (T,)
            shared = linear(silu(linear(f_in, sg)) * linear(f_in, su), sd)
            moe = moe + gate[:, None] * shared
        x = h + moe
        del w_gate, w_up, w_down

    # output rmsnorm and lm head (tied to token_embd when output.weight is absent)
    xo = rms_norm(x, m.t("output_norm.weight", (D,)), m.eps)
    w_out = m.t("output.weight", (m.n_vocab, D)) if m.has("output.weight") else m.t("token_embd.weight", (m.n_vocab, D))
    logits = linear(xo, w_out) / getattr(m, "logit_scale", 1.0)           # (T, V); Granite divides
    logp = torch.log_softmax(logits, dim=-1)
    nll = [float(-logp[i, tokens[i + 1]]) for i in range(T - 1)]
    ppl = float(math.exp(sum(nll) / len(nll))) if nll else float("nan")
    return {"n_tokens": T, "nll": nll, "perplexity": ppl, "top_k": k, "routing": routing,
            "arch": m.arch, "family": m.family, "n_vocab": m.n_vocab, "n_layer": m.n_moe_layer,
            "n_expert": m.n_expert,
            "logits": logits}


def family_block(m: Model, il, x, h_in, k, forced_routing, routing, want_probs):
    """One deepseek2/glm4moe block (families.py): attention, then a dense FFN for the leading
    blocks, else routed experts plus the always-on shared experts. Routing entries are numbered
    by MoE block (the leading dense blocks have none)."""
    if m.conv["family"] == "llama4_ernie":
        return l4e.block(m, il, x, h_in, k, forced_routing, routing, want_probs, rope, rms_norm)
    if m.conv["family"] == "oss_granite":
        return og.block(m, il, x, h_in, k, forced_routing, routing, want_probs, rms_norm, rope)
    p = f"blk.{il}."
    D = m.n_embd
    attend = fam.mla_attention if m.arch == "deepseek2" else fam.glm_attention
    h = x + attend(m, il, h_in, rms_norm)
    norm = "post_attention_norm.weight" if m.arch == "glm4moe" else "ffn_norm.weight"
    f_in = rms_norm(h, m.t(p + norm, (D,)), m.eps)
    if il < m.n_dense_lead:
        return h + fam.dense_ffn(m, il, f_in)
    mi = il - m.n_dense_lead
    scores = fam.gate_scores(m, linear(f_in, m.t(p + "ffn_gate_inp.weight", (m.n_expert, D))))
    choice = fam.choice_scores(m, il, scores)
    probs = scores.numpy()
    w_gate, w_up, w_down = m.experts(il, "gate"), m.experts(il, "up"), m.experts(il, "down")
    moe = torch.zeros_like(f_in)
    for t in range(f_in.shape[0]):
        ids = fam.top_ids(choice[t], k, forced_routing.get((t, mi)))
        w = fam.topk_weights(m, probs[t], ids)
        entry = {"layer": mi, "experts": ids, "weights": [float(a) for a in w]}
        if want_probs:
            entry["router_probs"] = [float(a) for a in choice[t]]   # what the choice ranks
        routing[t].append(entry)
        for e, we in zip(ids, w):
            moe[t] += float(we) * (w_down[e] @ (silu(w_gate[e] @ f_in[t]) * (w_up[e] @ f_in[t])))
    return h + moe + fam.shared_experts(m, il, f_in)


def run(path, tokens, top_k=None, forced_routing=None, want_probs=True):
    m = Model(path)
    try:
        return forward(m, tokens, top_k=top_k, forced_routing=forced_routing, want_probs=want_probs)
    finally:
        del m


def to_json_dict(res):
    return {k: v for k, v in res.items() if k != "logits"}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("--tokens", required=True, help="comma-separated token ids")
    ap.add_argument("--top-k", type=int, default=None, help="override experts used per token")
    ap.add_argument("--json", action="store_true", help="print the result as one JSON object")
    ap.add_argument("--no-router-probs", action="store_true", help="omit the full router probabilities")
    a = ap.parse_args(argv)
    tokens = [int(s) for s in a.tokens.replace(" ", "").split(",") if s != ""]
    try:
        res = run(a.model, tokens, top_k=a.top_k, want_probs=not a.no_router_probs)
    except (ReferenceError_, ValueError, OSError) as e:
        print(f"moe_reference: {e}", file=sys.stderr)
        return 1
    if a.json:
        json.dump(to_json_dict(res), sys.stdout)
        sys.stdout.write("\n")
    else:
        print(f"arch {res['arch']}  tokens {res['n_tokens']}  top-k {res['top_k']}")
        print(f"perplexity {res['perplexity']:.6f}")
        for i, v in enumerate(res["nll"]):
            print(f"nll[{i}] = {v:.8f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
