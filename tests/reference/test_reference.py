#!/usr/bin/env python3
"""Self-tests of the reference (no engine needed):  python3 -m unittest test_reference  (from
this folder), or  python3 test_reference.py.

1. GGUF reader vs this folder's writer: metadata of every value type, tensors of every
   supported type, 1-D..3-D shapes (reversed), alignment.
2. Vectorised dequantizers vs scalar loops transcribed from ggml's dequantize_row_* on
   random blocks, and quantize -> dequantize round trips.
3. The batched PyTorch forward vs a second, independent implementation below: numpy,
   token-by-token with a KV cache, written in Hugging Face's formulation (rotate_half RoPE on
   HF-layout weights: for `llama` the q/k rows are un-permuted as convert_hf_to_gguf.py's
   permute() stored them; Mixtral routing as softmax over the top-k logits; Qwen2-MoE's
   sigmoid-gated shared expert; OLMoE's full-width q/k norm; Qwen3-MoE's per-head q/k norm).
4. check_against_engine.py end to end against fake_moe_cli.py, including deliberate bugs.
"""

from __future__ import annotations

import json
import math
import os
import stat
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
if __name__ == "__main__":
    from _deps import ensure_deps
    ensure_deps()

import numpy as np  # noqa: E402

import check_against_engine as chk  # noqa: E402
import gguf_np  # noqa: E402
import moe_reference as ref  # noqa: E402
from gguf_writer import quantize, write_gguf  # noqa: E402
from tiny_models import ARCH_LIST, make_tiny, make_weights, quant_types  # noqa: E402


# ---------------------------------------------------------------------------
# scalar dequantizers, one block at a time, following ggml's reference C loops
# ---------------------------------------------------------------------------

def h2f(b, o):
    return float(np.frombuffer(bytes(b[o:o + 2]), dtype="<f2")[0])


def scalar_q8_0(b):
    d = h2f(b, 0)
    return [d * (int(b[2 + j]) - 256 if b[2 + j] > 127 else int(b[2 + j])) for j in range(32)]


def scalar_q4_0(b):
    d = h2f(b, 0)
    y = [0.0] * 32
    for j in range(16):
        y[j] = ((b[2 + j] & 0x0F) - 8) * d
        y[j + 16] = ((b[2 + j] >> 4) - 8) * d
    return y


def get_scale_min_k4(j, q):
    if j < 4:
        return q[j] & 63, q[j + 4] & 63
    return (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4), (q[j + 4] >> 4) | ((q[j] >> 6) << 4)


def scalar_q4_k(b):
    d, dmin = h2f(b, 0), h2f(b, 2)
    scales = b[4:16]
    q = b[16:144]
    y = []
    is_ = 0
    qo = 0
    for _ in range(0, 256, 64):
        sc, m = get_scale_min_k4(is_, scales)
        d1, m1 = d * sc, dmin * m
        sc, m = get_scale_min_k4(is_ + 1, scales)
        d2, m2 = d * sc, dmin * m
        y += [d1 * (q[qo + l] & 0xF) - m1 for l in range(32)]
        y += [d2 * (q[qo + l] >> 4) - m2 for l in range(32)]
        qo += 32
        is_ += 2
    return y


def scalar_q5_k(b):
    d, dmin = h2f(b, 0), h2f(b, 2)
    scales = b[4:16]
    qh = b[16:48]
    ql = b[48:176]
    y = []
    is_ = 0
    qo = 0
    u1, u2 = 1, 2
    for _ in range(0, 256, 64):
        sc, m = get_scale_min_k4(is_, scales)
        d1, m1 = d * sc, dmin * m
        sc, m = get_scale_min_k4(is_ + 1, scales)
        d2, m2 = d * sc, dmin * m
        y += [d1 * ((ql[qo + l] & 0xF) + (16 if qh[l] & u1 else 0)) - m1 for l in range(32)]
        y += [d2 * ((ql[qo + l] >> 4) + (16 if qh[l] & u2 else 0)) - m2 for l in range(32)]
        qo += 32
        is_ += 2
        u1 <<= 2
        u2 <<= 2
    return y


def scalar_q6_k(b):
    ql = b[0:128]
    qh = b[128:192]
    sc = [int(v) - 256 if v > 127 else int(v) for v in b[192:208]]
    d = h2f(b, 208)
    y = [0.0] * 256
    for n in range(2):
        lo, ho, so, yo = 64 * n, 32 * n, 8 * n, 128 * n
        for l in range(32):
            is_ = l // 16
            q1 = ((ql[lo + l] & 0xF) | (((qh[ho + l] >> 0) & 3) << 4)) - 32
            q2 = ((ql[lo + l + 32] & 0xF) | (((qh[ho + l] >> 2) & 3) << 4)) - 32
            q3 = ((ql[lo + l] >> 4) | (((qh[ho + l] >> 4) & 3) << 4)) - 32
            q4 = ((ql[lo + l + 32] >> 4) | (((qh[ho + l] >> 6) & 3) << 4)) - 32
            y[yo + l] = d * sc[so + is_ + 0] * q1
            y[yo + l + 32] = d * sc[so + is_ + 2] * q2
            y[yo + l + 64] = d * sc[so + is_ + 4] * q3
            y[yo + l + 96] = d * sc[so + is_ + 6] * q4
    return y


SCALAR = {"Q8_0": scalar_q8_0, "Q4_0": scalar_q4_0, "Q4_K": scalar_q4_k,
          "Q5_K": scalar_q5_k, "Q6_K": scalar_q6_k}
# byte offsets of the f16 fields in each block, to keep random blocks finite
F16_FIELDS = {"Q8_0": [0], "Q4_0": [0], "Q4_K": [0, 2], "Q5_K": [0, 2], "Q6_K": [208]}


def random_blocks(tname, n, rng):
    t = gguf_np.GGML_TYPE_BY_NAME[tname]
    _, bs, ts = gguf_np.GGML_TYPES[t]
    raw = rng.integers(0, 256, size=(n, ts), dtype=np.uint8)
    for o in F16_FIELDS[tname]:
        raw[:, o:o + 2] = np.asarray(rng.uniform(-0.05, 0.05, size=n), dtype="<f2").reshape(n, 1).view(np.uint8)
        raw[0, o:o + 2] = np.asarray([0.0], dtype="<f2").view(np.uint8)      # a zero scale too
    return raw, bs


class TestDequant(unittest.TestCase):
    def test_scalar_vs_vectorised(self):
        rng = np.random.default_rng(5)
        for tname, fn in SCALAR.items():
            raw, bs = random_blocks(tname, 6, rng)
            t = gguf_np.GGML_TYPE_BY_NAME[tname]
            vec = gguf_np.dequantize(raw.reshape(-1), t, (bs, 6))
            exp = np.array([fn(list(map(int, raw[i]))) for i in range(6)], dtype=np.float64)
            np.testing.assert_allclose(vec.astype(np.float64), exp, rtol=1e-6, atol=1e-9, err_msg=tname)

    def test_roundtrip(self):
        rng = np.random.default_rng(6)
        x = rng.standard_normal((4, 512)).astype(np.float32)
        # expected worst-case relative-to-range errors of simple quantizers
        bounds = {"F32": 0, "F16": 1e-3, "BF16": 1e-2, "Q8_0": 0.01, "Q4_0": 0.2, "Q4_K": 0.25,
                  "Q5_K": 0.12, "Q6_K": 0.06}
        for tname, bound in bounds.items():
            raw = np.frombuffer(quantize(x, tname), dtype=np.uint8)
            y = gguf_np.dequantize(raw, gguf_np.GGML_TYPE_BY_NAME[tname], (512, 4))
            self.assertEqual(y.shape, (4, 512))
            err = np.abs(y - x).max() / np.abs(x).max()
            self.assertLessEqual(err, bound + 1e-7, f"{tname}: {err}")

    def test_bf16_exact(self):
        x = np.array([1.0, -2.5, 3.140625, 0.0, -0.0, 65280.0], dtype=np.float32)
        raw = np.frombuffer(quantize(x, "BF16"), dtype=np.uint8)
        np.testing.assert_array_equal(gguf_np.dequantize(raw, gguf_np.GGML_BF16, (6,)), x)


class TestReader(unittest.TestCase):
    def test_metadata_and_tensors(self):
        rng = np.random.default_rng(1)
        md = {
            "general.architecture": "llama",
            "u8": (7, gguf_np.VT_UINT8), "i8": (-7, gguf_np.VT_INT8),
            "u16": (700, gguf_np.VT_UINT16), "i16": (-700, gguf_np.VT_INT16),
            "u32": 70000, "i32": (-70000, gguf_np.VT_INT32), "f32": 0.5, "b": True,
            "u64": (2 ** 40, gguf_np.VT_UINT64), "i64": (-2 ** 40, gguf_np.VT_INT64),
            "f64": (0.1, gguf_np.VT_FLOAT64), "s": "héllo",
            "arr_i": [1, 2, 3], "arr_s": ["a", "bc", ""], "arr_f": [0.25, 0.5],
        }
        ts = {
            "a": rng.standard_normal(64).astype(np.float32),
            "b": rng.standard_normal((3, 64)).astype(np.float32),
            "c": rng.standard_normal((2, 3, 64)).astype(np.float32),
            "d": rng.standard_normal((5, 32)).astype(np.float32),
            "e": rng.standard_normal((2, 256)).astype(np.float32),
        }
        types = {"a": "F32", "b": "F16", "c": "Q8_0", "d": "Q4_0", "e": "Q6_K"}
        for align in (32, 64):
            with tempfile.TemporaryDirectory() as td:
                p = os.path.join(td, "t.gguf")
                write_gguf(p, md, ts, types, alignment=align)
                g = gguf_np.GGUFFile(p)
                self.assertEqual(g.version, 3)
                self.assertEqual(g.alignment, align)
                self.assertEqual(g.metadata["u8"], 7)
                self.assertEqual(g.metadata["i8"], -7)
                self.assertEqual(g.metadata["i16"], -700)
                self.assertEqual(g.metadata["i32"], -70000)
                self.assertEqual(g.metadata["u64"], 2 ** 40)
                self.assertEqual(g.metadata["i64"], -2 ** 40)
                self.assertAlmostEqual(g.metadata["f64"], 0.1, places=15)
                self.assertEqual(g.metadata["s"], "héllo")
                self.assertIs(g.metadata["b"], True)
                self.assertEqual(g.metadata["arr_i"], [1, 2, 3])
                self.assertEqual(g.metadata["arr_s"], ["a", "bc", ""])
                self.assertEqual(g.metadata["arr_f"], [0.25, 0.5])
                self.assertEqual(g.tensors["c"].ne, (64, 3, 2))
                for n, a in ts.items():
                    y = g.tensor(n)
                    self.assertEqual(y.shape, a.shape, n)
                    tol = {"F32": 0, "F16": 2e-3, "Q8_0": 0.03, "Q4_0": 0.5, "Q6_K": 0.2}[types[n]]
                    self.assertLessEqual(np.abs(y - a).max(), tol, n)

    def test_rejects(self):
        with tempfile.TemporaryDirectory() as td:
            p = os.path.join(td, "bad.gguf")
            with open(p, "wb") as f:
                f.write(b"GGUX" + b"\0" * 40)
            with self.assertRaises(gguf_np.GGUFError):
                gguf_np.GGUFFile(p)
            write_gguf(p, {"x": 1}, {"t": np.zeros((4, 32), np.float32)})
            with open(p, "rb") as f:
                data = f.read()
            with open(p, "wb") as f:
                f.write(data[:-40])
            with self.assertRaises(gguf_np.GGUFError):
                gguf_np.GGUFFile(p)


# ---------------------------------------------------------------------------
# the independent, token-by-token implementation (numpy float64, HF formulation)
# ---------------------------------------------------------------------------

def unpermute(w, n_head):
    """Inverse of convert_hf_to_gguf's permute(): GGUF rows (2i, 2i+1) of a head are HF
    rows (i, i + d/2)."""
    rows = w.shape[0]
    return w.reshape(n_head, rows // n_head // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def hf_rms(x, w, eps):
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return np.concatenate([-x[..., h:], x[..., :h]], axis=-1)


def hf_forward(path, tokens, top_k=None):
    g = gguf_np.GGUFFile(path)
    md = g.metadata
    arch = md["general.architecture"]
    W = {n: g.tensor(n).astype(np.float64) for n in g.tensors}
    a = lambda k, d=None: md.get(f"{arch}.{k}", d)  # noqa: E731
    L, D, H = a("block_count"), a("embedding_length"), a("attention.head_count")
    Hkv = a("attention.head_count_kv", H)
    hd = a("attention.key_length", D // H)
    eps, base = a("attention.layer_norm_rms_epsilon"), a("rope.freq_base", 10000.0)
    E, k = a("expert_count"), top_k or a("expert_used_count")
    inv_freq = 1.0 / (base ** (np.arange(0, hd, 2, dtype=np.float64) / hd))
    cache = [([], []) for _ in range(L)]
    logits_all, routing = [], []
    for t, tok in enumerate(tokens):
        x = W["token_embd.weight"][tok].copy()
        freqs = t * inv_freq
        cos = np.cos(np.concatenate([freqs, freqs]))
        sin = np.sin(np.concatenate([freqs, freqs]))
        rt = []
        for il in range(L):
            p = f"blk.{il}."
            wq, wk = W[p + "attn_q.weight"], W[p + "attn_k.weight"]
            if arch == "llama":
                wq, wk = unpermute(wq, H), unpermute(wk, Hkv)
            hn = hf_rms(x, W[p + "attn_norm.weight"], eps)
            q, kk, v = wq @ hn, wk @ hn, W[p + "attn_v.weight"] @ hn
            if arch == "qwen2moe":
                q, kk, v = q + W[p + "attn_q.bias"], kk + W[p + "attn_k.bias"], v + W[p + "attn_v.bias"]
            if arch == "olmoe":           # OlmoeAttention: q_norm(q_proj(x)), k_norm(k_proj(x))
                q = hf_rms(q, W[p + "attn_q_norm.weight"], eps)
                kk = hf_rms(kk, W[p + "attn_k_norm.weight"], eps)
            q, kk, v = q.reshape(H, hd), kk.reshape(Hkv, hd), v.reshape(Hkv, hd)
            if arch == "qwen3moe":        # Qwen3MoeAttention: q_norm(q.view(..., head_dim))
                q = hf_rms(q, W[p + "attn_q_norm.weight"], eps)
                kk = hf_rms(kk, W[p + "attn_k_norm.weight"], eps)
            q = q * cos + rotate_half(q) * sin
            kk = kk * cos + rotate_half(kk) * sin
            cache[il][0].append(kk)
            cache[il][1].append(v)
            Ks, Vs = np.stack(cache[il][0]), np.stack(cache[il][1])     # (t+1, Hkv, hd)
            o = np.zeros((H, hd))
            for hh in range(H):
                kv = hh // (H // Hkv)
                s = Ks[:, kv, :] @ q[hh] / math.sqrt(hd)
                s = np.exp(s - s.max())
                s /= s.sum()
                o[hh] = s @ Vs[:, kv, :]
            h = x + W[p + "attn_output.weight"] @ o.reshape(-1)
            f = hf_rms(h, W[p + "ffn_norm.weight"], eps)
            rl = W[p + "ffn_gate_inp.weight"] @ f
            pr = np.exp(rl - rl.max())
            pr /= pr.sum()
            sel = list(np.argsort(-pr)[:k])
            if arch == "llama":           # Mixtral: softmax over the selected logits
                wsel = np.exp(rl[sel] - rl[sel].max())
                wsel /= wsel.sum()
            elif arch == "qwen3moe":      # norm_topk_prob=True
                wsel = pr[sel] / pr[sel].sum()
            else:                         # qwen2moe, olmoe: norm_topk_prob=False
                wsel = pr[sel]
            out = np.zeros(D)
            for e, we in zip(sel, wsel):
                gt = W[p + "ffn_gate_exps.weight"][e] @ f
                up = W[p + "ffn_up_exps.weight"][e] @ f
                out += we * (W[p + "ffn_down_exps.weight"][e] @ (gt / (1 + np.exp(-gt)) * up))
            if arch == "qwen2moe":        # shared_expert_gate: Linear(hidden, 1), sigmoid
                gs = 1 / (1 + np.exp(-(W[p + "ffn_gate_inp_shexp.weight"] @ f)))
                sg = W[p + "ffn_gate_shexp.weight"] @ f
                su = W[p + "ffn_up_shexp.weight"] @ f
                out += gs * (W[p + "ffn_down_shexp.weight"] @ (sg / (1 + np.exp(-sg)) * su))
            x = h + out
            rt.append((sorted(int(e) for e in sel), dict(zip(map(int, sel), wsel))))
        xo = hf_rms(x, W["output_norm.weight"], eps)
        wout = W.get("output.weight", W["token_embd.weight"])
        logits_all.append(wout @ xo)
        routing.append(rt)
    lg = np.stack(logits_all)
    lse = np.log(np.exp(lg - lg.max(axis=1, keepdims=True)).sum(axis=1)) + lg.max(axis=1)
    nll = [float(lse[i] - lg[i, tokens[i + 1]]) for i in range(len(tokens) - 1)]
    return lg, nll, routing


class TestForward(unittest.TestCase):
    def setUp(self):
        self.td = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.td.cleanup()

    def check_model(self, path, tokens, top_k=None, tol=1e-9):
        res = ref.run(path, tokens, top_k=top_k)
        lg, nll, routing = hf_forward(path, tokens, top_k=top_k)
        np.testing.assert_allclose(res["logits"].numpy(), lg, rtol=0, atol=tol * 100)
        np.testing.assert_allclose(res["nll"], nll, rtol=0, atol=tol)
        for t in range(len(tokens)):
            for il, (sel, wmap) in enumerate(routing[t]):
                ent = res["routing"][t][il]
                self.assertEqual(ent["layer"], il)
                self.assertEqual(sorted(ent["experts"]), sel, (t, il))
                for e, w in zip(ent["experts"], ent["weights"]):
                    self.assertAlmostEqual(w, wmap[e], delta=1e-12)
                self.assertEqual(ent["weights"], sorted(ent["weights"], reverse=True))
        return res

    def test_archs_against_independent(self):
        tokens = [3, 17, 90, 4, 4, 55, 0, 95, 12, 60, 33, 2]
        for arch in ARCH_LIST:
            for quant in ("F32", "Q8_0"):
                with self.subTest(arch=arch, quant=quant):
                    p = os.path.join(self.td.name, f"{arch}-{quant}.gguf")
                    make_tiny(p, arch, quant, seed=11)
                    self.check_model(p, tokens)
            with self.subTest(arch=arch, top_k="1,4,8"):
                p = os.path.join(self.td.name, f"{arch}-F32.gguf")
                for kk in (1, 4, 8):
                    res = self.check_model(p, tokens, top_k=kk)
                    self.assertEqual(res["top_k"], kk)

    def test_kquants_tied_output_mha(self):
        # K-quant matrices need ne0 % 256 == 0; no output.weight (tied); n_head_kv == n_head
        tokens = [1, 2, 3, 40, 41, 7, 8]
        for arch, quant in (("qwen3moe", "Q4_K"), ("llama", "Q6_K"), ("olmoe", "Q5_K"), ("qwen2moe", "Q4_0")):
            with self.subTest(arch=arch, quant=quant):
                md, t, d = make_weights(arch, seed=3, n_embd=256, n_head=4, n_head_kv=4, head_dim=64,
                                        n_ff_exp=256, n_ff_shexp=256, tied=True)
                p = os.path.join(self.td.name, f"{arch}-{quant}.gguf")
                types = quant_types(t, quant)
                write_gguf(p, md, t, types)
                self.assertNotIn("output.weight", gguf_np.GGUFFile(p).tensors)
                self.check_model(p, tokens)

    def test_llama_rope_convention(self):
        """NORM rope on GGUF (permuted) weights must equal HF rotate_half on the original
        weights, and NEOX rope on the same GGUF must not."""
        p = os.path.join(self.td.name, "llama.gguf")
        make_tiny(p, "llama", "F32", seed=2)
        tokens = [5, 6, 7, 8, 9, 10]
        self.check_model(p, tokens)
        m = ref.Model(p)
        m.conv = dict(m.conv, rope="neox")
        wrong = ref.forward(m, tokens)
        _, nll, _ = hf_forward(p, tokens)
        self.assertGreater(max(abs(a - b) for a, b in zip(wrong["nll"], nll)), 1e-3)

    def test_forced_routing(self):
        p = os.path.join(self.td.name, "q.gguf")
        make_tiny(p, "qwen3moe", "F32", seed=4)
        tokens = [1, 2, 3, 4, 5]
        base = ref.run(p, tokens)
        e = base["routing"][2][1]
        probs = e["router_probs"]
        third = sorted(range(len(probs)), key=lambda i: -probs[i])[2]
        forced = {(2, 1): [e["experts"][0], third]}
        res = ref.run(p, tokens, forced_routing=forced)
        self.assertEqual(sorted(res["routing"][2][1]["experts"]), sorted(forced[(2, 1)]))
        self.assertEqual(res["nll"][:2], base["nll"][:2])       # earlier positions untouched
        self.assertNotEqual(res["nll"][2], base["nll"][2])

    def test_cli_json(self):
        p = os.path.join(self.td.name, "o.gguf")
        make_tiny(p, "olmoe", "Q8_0", seed=9)
        out = subprocess.run([sys.executable, os.path.join(HERE, "moe_reference.py"), p,
                              "--tokens", "1,2,3,4", "--top-k", "3", "--json"],
                             capture_output=True, text=True, check=True).stdout
        obj = json.loads(out)
        self.assertEqual(obj["n_tokens"], 4)
        self.assertEqual(len(obj["nll"]), 3)
        self.assertEqual(obj["top_k"], 3)
        self.assertAlmostEqual(obj["perplexity"], math.exp(sum(obj["nll"]) / 3), places=9)
        self.assertEqual(len(obj["routing"]), 4)
        self.assertEqual([e["layer"] for e in obj["routing"][0]], [0, 1])
        self.assertEqual(len(obj["routing"][0][0]["experts"]), 3)
        self.assertEqual(len(obj["routing"][0][0]["router_probs"]), 8)


# ---------------------------------------------------------------------------
# the checker, end to end against the fake CLI
# ---------------------------------------------------------------------------

class TestChecker(unittest.TestCase):
    def setUp(self):
        self.td = tempfile.TemporaryDirectory()
        self.cli = os.path.join(self.td.name, "moe-cli")
        with open(self.cli, "w") as f:
            f.write(f"#!/bin/sh\nexec '{sys.executable}' '{os.path.join(HERE, 'fake_moe_cli.py')}' \"$@\"\n")
        os.chmod(self.cli, os.stat(self.cli).st_mode | stat.S_IEXEC)

    def tearDown(self):
        self.td.cleanup()

    def run_checker(self, bug="", extra=()):
        env = dict(os.environ, FAKE_MOE_BUG=bug)
        p = subprocess.run([sys.executable, os.path.join(HERE, "check_against_engine.py"), "--cli", self.cli,
                            "--workdir", os.path.join(self.td.name, "w"), "--n-tokens", "24",
                            "--block-quants=", "--families=", *extra],
                           capture_output=True, text=True, env=env)
        return p.returncode, p.stdout

    def test_all_pass(self):
        rc, out = self.run_checker()
        self.assertEqual(rc, 0, out)
        self.assertEqual(out.strip().splitlines()[-1], "10 passed, 0 failed")

    def test_bugs_detected(self):
        for bug in ("nll", "norm", "rope", "order", "count"):
            with self.subTest(bug=bug):
                rc, out = self.run_checker(bug, ("--archs", "qwen2moe,llama", "--quants", "F32"))
                self.assertEqual(rc, 1, out)
                self.assertRegex(out.strip().splitlines()[-1], r"^\d+ passed, [1-9]\d* failed$")

    def test_reference_only_with_cli_models(self):
        p = subprocess.run([sys.executable, os.path.join(HERE, "check_against_engine.py"), "--reference-only",
                            "--cli", self.cli, "--workdir", os.path.join(self.td.name, "r"), "--n-tokens", "16",
                            "--families="],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(p.stdout.strip().splitlines()[-1], "10 passed, 0 failed")

    def test_near_tie_followed(self):
        """An engine that flips one selection at a near-tie, and whose later numbers follow
        that flip, passes once the tie tolerance covers the gap: the checker re-runs the
        reference along the engine's choice. With the real tolerance the same flip fails."""
        env_bug = os.environ.get("FAKE_MOE_BUG")
        os.environ["FAKE_MOE_BUG"] = "flip"
        saved = dict(chk.TOL)
        try:
            args = chk.argparse.Namespace(cli=self.cli, reference_only=False, n_tokens=12, timeout=120)
            path = os.path.join(self.td.name, "f.gguf")
            make_tiny(path, "qwen3moe", "F32", seed=8)
            with self.assertRaises(chk.CaseFailure) as cm:
                chk.run_case(args, "flip", path, 0, "F32", None)
            self.assertIn("mismatch", str(cm.exception))
            chk.TOL["F32"] = (1e-4, 1.0, 1e-4)
            detail = chk.run_case(args, "flip", path, 0, "F32", None)
            self.assertIn("near-ties 1", detail)
        finally:
            chk.TOL.clear()
            chk.TOL.update(saved)
            if env_bug is None:
                os.environ.pop("FAKE_MOE_BUG")
            else:
                os.environ["FAKE_MOE_BUG"] = env_bug

    def test_near_tie_rule(self):
        probs = [0.4, 0.3 + 2e-7, 0.3 - 2e-7, 0.0]
        r = {"nll": [1.0], "perplexity": math.e, "routing": [
            [{"layer": 0, "experts": [0, 1], "weights": [0.4, 0.3], "router_probs": probs}]]}
        e = {"nll": [1.0], "perplexity": math.e, "routing": [
            [{"layer": 0, "experts": [0, 2], "weights": [0.4, 0.3]}]]}
        problems, st, ties = chk.compare(r, e, "F32", 2)
        self.assertEqual(problems, [])
        self.assertEqual(ties, {(0, 0): [0, 2]})
        probs2 = [0.4, 0.31, 0.29, 0.0]
        r["routing"][0][0]["router_probs"] = probs2
        problems, _, ties = chk.compare(r, e, "F32", 2)
        self.assertEqual(ties, {})
        self.assertTrue(any("mismatch" in s for s in problems), problems)
        problems, _, ties = chk.compare(r, e, "Q8_0", 2)      # gap 0.02 > 1e-3 still fails
        self.assertTrue(problems)


if __name__ == "__main__":
    unittest.main()
