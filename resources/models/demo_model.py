"""The demo MoE language model (qwen3moe layout), shared by train/export/eval.

Byte-level: token id == byte value (0..255), id 256 = <|endoftext|> (unused in training).
Layout follows llama.cpp's qwen3moe graph so the exported GGUF runs unchanged in the engine:
RMSNorm pre-norm blocks, per-head q/k RMSNorm, NEOX RoPE, GQA attention, softmax router over
all experts -> top-k -> renormalised weights, SwiGLU experts, final RMSNorm, untied output head.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class Config:
    n_vocab: int = 257
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    n_head_kv: int = 2
    head_dim: int = 32
    n_expert: int = 8
    n_expert_used: int = 2
    n_ff_exp: int = 256
    n_ctx: int = 256
    rms_eps: float = 1e-6
    rope_theta: float = 10000.0

    def to_dict(self):
        return asdict(self)


class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope_tables(T, head_dim, theta, dtype=torch.float32):
    half = head_dim // 2
    inv = theta ** (-2.0 * torch.arange(half, dtype=torch.float64) / head_dim)
    ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).to(dtype), torch.sin(ang).to(dtype)


def apply_rope(x, cos, sin):
    # x: (B, H, T, D); NEOX: pairs (j, j + D/2)
    half = x.shape[-1] // 2
    a, b = x[..., :half], x[..., half:]
    return torch.cat([a * cos - b * sin, a * sin + b * cos], dim=-1)


class Attention(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.wq = nn.Linear(c.n_embd, c.n_head * c.head_dim, bias=False)
        self.wk = nn.Linear(c.n_embd, c.n_head_kv * c.head_dim, bias=False)
        self.wv = nn.Linear(c.n_embd, c.n_head_kv * c.head_dim, bias=False)
        self.wo = nn.Linear(c.n_head * c.head_dim, c.n_embd, bias=False)
        self.q_norm = RMSNorm(c.head_dim, c.rms_eps)
        self.k_norm = RMSNorm(c.head_dim, c.rms_eps)

    def forward(self, x, cos, sin, mask_bias):
        """mask_bias: (T, T) additive causal mask (0 / -inf)."""
        c = self.c
        B, T, _ = x.shape
        g = c.n_head // c.n_head_kv
        q = self.q_norm(self.wq(x).view(B, T, c.n_head, c.head_dim)).transpose(1, 2)
        k = self.k_norm(self.wk(x).view(B, T, c.n_head_kv, c.head_dim)).transpose(1, 2)
        v = self.wv(x).view(B, T, c.n_head_kv, c.head_dim).transpose(1, 2)
        q = apply_rope(q, cos, sin)
        k = apply_rope(k, cos, sin)
        # GQA without copying k/v: q heads h = kv*g + j share kv head `kv`; stack the g query
        # heads of a group along the time axis -> one (g*T, T) score matrix per kv head.
        qg = q.reshape(B * c.n_head_kv, g * T, c.head_dim)
        kg = k.reshape(B * c.n_head_kv, T, c.head_dim)
        vg = v.reshape(B * c.n_head_kv, T, c.head_dim)
        bias = mask_bias.repeat(g, 1)                                   # (g*T, T)
        att = torch.baddbmm(bias, qg, kg.transpose(1, 2), alpha=1.0 / math.sqrt(c.head_dim))
        att = att.softmax(-1)
        o = torch.bmm(att, vg).view(B, c.n_head, T, c.head_dim)
        o = o.transpose(1, 2).reshape(B, T, c.n_head * c.head_dim)
        return self.wo(o)


class MoE(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        E, D, F_ = c.n_expert, c.n_embd, c.n_ff_exp
        self.router = nn.Linear(D, E, bias=False)
        self.w_gate = nn.Parameter(torch.randn(E, F_, D) / math.sqrt(D))
        self.w_up = nn.Parameter(torch.randn(E, F_, D) / math.sqrt(D))
        self.w_down = nn.Parameter(torch.randn(E, D, F_) / math.sqrt(F_))

    def forward(self, x):
        """x: (N, D) -> out (N, D), aux dict."""
        c = self.c
        N, D = x.shape
        logits = self.router(x)                                # (N, E)
        probs = logits.softmax(-1)
        topw, topi = probs.topk(c.n_expert_used, dim=-1)       # descending
        topw = topw / topw.sum(-1, keepdim=True)
        out = torch.zeros_like(x)
        flat_e = topi.reshape(-1)
        flat_w = topw.reshape(-1)
        tok = torch.arange(N, device=x.device).repeat_interleave(c.n_expert_used)
        order = torch.argsort(flat_e, stable=True)
        counts = torch.bincount(flat_e, minlength=c.n_expert)
        start = 0
        for e in range(c.n_expert):
            n = int(counts[e])
            if n == 0:
                continue
            sel = order[start:start + n]
            start += n
            ti = tok[sel]
            xe = x[ti]
            h = F.silu(xe @ self.w_gate[e].t()) * (xe @ self.w_up[e].t())
            ye = (h @ self.w_down[e].t()) * flat_w[sel, None]
            out.index_add_(0, ti, ye)
        # Switch/Mixtral load-balancing loss: E * sum_e f_e * P_e (f_e: share of routed slots)
        f = counts.float() / float(N * c.n_expert_used)
        P = probs.mean(0)
        lb = c.n_expert * (f * P).sum()
        z = torch.logsumexp(logits, dim=-1).pow(2).mean()
        return out, {"lb": lb, "z": z, "topi": topi, "probs": probs}


class Block(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.attn_norm = RMSNorm(c.n_embd, c.rms_eps)
        self.attn = Attention(c)
        self.ffn_norm = RMSNorm(c.n_embd, c.rms_eps)
        self.moe = MoE(c)

    def forward(self, x, cos, sin, mask):
        x = x + self.attn(self.attn_norm(x), cos, sin, mask)
        B, T, D = x.shape
        y, aux = self.moe(self.ffn_norm(x).reshape(B * T, D))
        return x + y.view(B, T, D), aux


class MoELM(nn.Module):
    def __init__(self, c: Config):
        super().__init__()
        self.c = c
        self.tok_embd = nn.Embedding(c.n_vocab, c.n_embd)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.n_layer)])
        self.out_norm = RMSNorm(c.n_embd, c.rms_eps)
        self.output = nn.Linear(c.n_embd, c.n_vocab, bias=False)
        self.reset_parameters()

    def reset_parameters(self):
        c = self.c
        nn.init.normal_(self.tok_embd.weight, std=1.0)
        for blk in self.blocks:
            for lin in (blk.attn.wq, blk.attn.wk, blk.attn.wv):
                nn.init.normal_(lin.weight, std=1.0 / math.sqrt(c.n_embd))
            # residual-branch outputs scaled down with depth (GPT-2 style)
            nn.init.normal_(blk.attn.wo.weight, std=1.0 / math.sqrt(c.n_head * c.head_dim * 2 * c.n_layer))
            nn.init.normal_(blk.moe.router.weight, std=0.02)
            with torch.no_grad():
                blk.moe.w_down.normal_(std=1.0 / math.sqrt(c.n_ff_exp * 2 * c.n_layer))
        nn.init.normal_(self.output.weight, std=1.0 / math.sqrt(c.n_embd))

    def forward(self, idx):
        """idx: (B, T) -> logits (B, T, V), list of per-layer aux dicts."""
        B, T = idx.shape
        dt = self.tok_embd.weight.dtype
        cos, sin = rope_tables(T, self.c.head_dim, self.c.rope_theta, dt)
        mask = torch.zeros(T, T, dtype=dt).masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1), float("-inf"))
        x = self.tok_embd(idx)
        auxes = []
        for blk in self.blocks:
            x, aux = blk(x, cos, sin, mask)
            auxes.append(aux)
        return self.output(self.out_norm(x)), auxes


def count_params(c: Config):
    D, L, E, K = c.n_embd, c.n_layer, c.n_expert, c.n_expert_used
    qd, kvd = c.n_head * c.head_dim, c.n_head_kv * c.head_dim
    attn = D * qd + 2 * D * kvd + qd * D + 2 * c.head_dim + 2 * D
    expert = 3 * D * c.n_ff_exp
    router = D * E
    total = 2 * c.n_vocab * D + D + L * (attn + router + E * expert)
    active = 2 * c.n_vocab * D + D + L * (attn + router + K * expert)
    return total, active
