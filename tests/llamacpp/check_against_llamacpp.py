#!/usr/bin/env python3
"""Our engine against llama.cpp itself (v0.5.0 from npm; tests/llamacpp/setup.sh).

    check_against_llamacpp.py --cli PATH/TO/moe-cli --workdir DIR [--llama-dir DIR]
                              [--parts archs,types,mixed,families,fast[,long]] [--types Q4_0,IQ2_XXS,...]
    check_against_llamacpp.py --cli ... --workdir DIR --flip-scale-bit [--types Q8_0,Q4_K,Q6_K]

archs   A small random model of every architecture (`make-model --preset tiny --quant F32`):
        llama.cpp must load it (names and metadata as its converter writes them), and
        per-position NLL from `moe-cli score --json` and from llama-logits (F32 KV cache,
        flash attention off) agree within 1e-4; the top-k expert sets agree for every
        (token, layer) except exact near-ties (llama.cpp's router probabilities of the
        experts that differ within 1e-6).
types   For every tensor type llama-quantize offers (read from its own list): the `small`
        F32 model (rows of 256: every block size) quantized with `--pure` (the IQ types with
        an imatrix from llama-imatrix on imatrix-text.txt, their embedding and output Q8_0)
        and dequantized back with `llama-quantize --allow-requantize Q.gguf D.gguf F32`:
          engine(Q) vs engine(D) <= 1e-4 per position  (our decoding of every block)
          engine(Q) vs llama.cpp(D) <= 1e-4, expert sets as above (1e-5)
        and, for information, engine(Q) vs llama.cpp(Q), where llama.cpp quantizes the
        activations to 8 bits (median |dNLL|, share of equal expert sets).
        A type moe-cli refuses as "not supported" is reported as such, not failed.
        The same for deepseek2 and glm4moe (FAMILIES: tiny V3-like, tiny-lite V2-Lite-like,
        tiny-kvb with the older single attn_kv_b, GLM tiny and small); the engine numbers
        routing by MoE block, llama.cpp by block (they differ by the leading dense blocks).
families deepseek2 and glm4moe `small` models quantized Q8_0 and Q4_K_M by llama-quantize;
        the types check below on each.
mixed   Files that mix types: llama-quantize's K/IQ mixes (Q4_K_M = Q4_K + Q6_K, ...) on
        several architectures, and --tensor-type overrides; the same checks.
fast    The checks above run moe-cli with --exact (float activations). This part runs its
        default fast path (8-bit activations, integer dot products) on the types that have
        one (pure files, and Q4_K_M on qwen3moe and olmoe) against llama.cpp on the same
        file: median |dNLL| <= 3e-2 and equal expert sets on >= 90 % of (token, layer) pairs.

--flip-scale-bit: the twin. For each type, one bit of one block's scale is flipped in a
copy of the quantized file (the lowest exponent bit: the block's values double or halve);
the types check must then fail. Exits 0 when every flip was caught, 1 otherwise.

Quantized files are cached in the workdir, keyed by the F32 model's hash and the command.
Prints one line per case and `N passed, M not supported yet, K failed`. Exits 1 if any
case failed, 77 (CTest's skip) when setup.sh skips (no npm, or no network).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gguf_header import GGML_TYPES, read_header, type_counts  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SKIP = 77

ARCHS = ["qwen3moe", "qwen2moe", "olmoe", "llama"]
# deepseek2 and glm4moe presets (engine/model/synth_families.cpp) checked like the archs above:
# V3-like (low-rank query, sigmoid + bias, groups, YaRN), V2-Lite-like (softmax, full query),
# the single attn_kv_b of older files, GLM-4.5-Air-like and GLM-4.5-like (q/k norms)
FAMILIES = [("deepseek2", "tiny"), ("deepseek2", "tiny-lite"), ("deepseek2", "tiny-kvb"), ("glm4moe", "tiny"),
            ("glm4moe", "small")]
# and quantized by llama-quantize (the types check: engine(Q) vs llama.cpp on its dequantization)
FAMILY_QUANTS = [("deepseek2", "small", "Q8_0"), ("deepseek2", "small", "Q4_K_M"), ("glm4moe", "small", "Q8_0"),
                 ("glm4moe", "small", "Q4_K_M")]
# gpt-oss (windows of 8 over the 64 tokens, sinks, biases, clamped SwiGLU, YaRN) and Granite MoE
# (multipliers, tied output; tiny-shared with GraniteMoeShared's shared expert); gpt-oss's native
# experts type through llama-quantize's MXFP4_MOE (the experts MXFP4, the rest left as they are)
FAMILIES += [("gpt-oss", "tiny"), ("granitemoe", "tiny"), ("granitemoe", "tiny-shared")]
FAMILY_QUANTS += [("gpt-oss", "small", "Q8_0"), ("gpt-oss", "small", "MXFP4_MOE"), ("granitemoe", "small", "Q8_0"),
                  ("gpt-oss", "tiny-mxfp4", "native")]   # MXFP4 experts as make-model writes them
# Llama 4 (dense blocks between MoE ones, top-1 sigmoid weight on the expert input, a shared expert,
# a 4th block without RoPE, q/k L2 norms, rope_freqs factors) and ERNIE 4.5 (a leading dense block,
# two shared experts, selection bias, tied embeddings)
FAMILIES += [("llama4", "tiny"), ("ernie4_5-moe", "tiny")]
FAMILY_QUANTS += [("llama4", "small", "Q8_0"), ("ernie4_5-moe", "small", "Q8_0")]
# long  llama.cpp v0.5.0 attends in chunks of 8192 in Llama 4's RoPE blocks and scales q by
# 1 + 0.1 ln(floor((pos + 1) / 8192) + 1) in the others, whatever the file says: one sequence past
# the first chunk on the tiny model (F32), the same checks as `archs`
LONG = [("llama4", "tiny", 8320)]
TOL_NLL = 1e-4
TIE_F32 = 1e-6      # router probabilities this close may order either way
TIE_DEQ = 1e-5
N_TOKENS = 64
SEED = 7

# llama-quantize's names for a file type that are not themselves a ggml type name but
# stand for one (aliases); every other name that is no ggml type is a mix.
ALIASES = {"Q3_K": "Q3_K", "Q4_K": "Q4_K", "Q5_K": "Q5_K", "MXFP4_MOE": "MXFP4"}
GGML_NAMES = {v[0] for v in GGML_TYPES.values()}
# The twin's bit: (byte offset of the block's scale, byte within it, bit mask). ggml-common.h:
# fp16 d first in the legacy and most IQ blocks; after scales/qs in Q2_K, Q3_K, Q6_K, TQ*;
# MXFP4's scale is one E8M0 byte. 0x04 of the fp16's high byte is its lowest exponent bit.
SCALE_BIT = {
    "Q4_0": 0, "Q4_1": 0, "Q5_0": 0, "Q5_1": 0, "Q8_0": 0, "Q4_K": 0, "Q5_K": 0,
    "Q2_K": 80, "Q3_K": 108, "Q6_K": 208, "TQ1_0": 52, "TQ2_0": 64,
    "IQ2_XXS": 0, "IQ2_XS": 0, "IQ2_S": 0, "IQ3_XXS": 0, "IQ3_S": 0, "IQ1_S": 0,
    "IQ4_NL": 0, "IQ4_XS": 0, "Q1_0": 0, "Q2_0": 0,
}


class Unsupported(Exception):
    pass


class Failure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def run(cmd, timeout=900, what=None):
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failure(f"timed out after {timeout}s: {' '.join(cmd)}")
    if p.returncode != 0:
        tail = "\n      ".join((p.stderr or p.stdout).strip().splitlines()[-6:])
        raise Failure(f"{what or os.path.basename(cmd[0])} failed (exit {p.returncode}): {' '.join(cmd)}\n      {tail}")
    return p.stdout


def first_json(text):
    dec = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                return dec.raw_decode(text[i:])[0]
            except json.JSONDecodeError:
                continue
    raise Failure(f"no JSON on stdout: {text[:200]!r}")


class Tools:
    def __init__(self, args):
        self.cli = args.cli
        self.bin = args.bin
        self.threads = str(os.cpu_count() or 2)
        help_text = subprocess.run([self.cli, "score", "--help"], capture_output=True, text=True).stdout
        # the exact F32-activation path, where moe-cli has a faster one beside it
        self.exact = ["--exact"] if "--exact" in help_text else []

    def tool(self, name):
        return os.path.join(self.bin, name)

    def engine(self, path, tokens, exact=True, extra=()):
        cmd = [self.cli, "score", path, "--tokens", ",".join(map(str, tokens)), "--json", "--backend", "cpu",
               "--no-record"] + (self.exact if exact else []) + list(extra)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
        if p.returncode != 0:
            msg = (p.stderr or p.stdout).strip().splitlines()
            msg = msg[-1] if msg else f"exit {p.returncode}"
            if "not supported" in msg:
                raise Unsupported(msg)
            raise Failure(f"moe-cli score {os.path.basename(path)}: {msg}")
        return first_json(p.stdout)

    def llama(self, path, tokens):
        out = run([self.tool("llama-logits"), path, "--tokens", ",".join(map(str, tokens)), "--threads", self.threads],
                  what="llama-logits (llama.cpp)")
        return first_json(out)

    def quantize(self, src, dst, qtype, extra):
        run([self.tool("llama-quantize")] + extra + [src, dst, qtype, self.threads], what="llama-quantize")


def sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()[:16]


def cached(path, key, make):
    """Runs make() unless path exists with the same key beside it."""
    stamp = path + ".key"
    if os.path.exists(path) and os.path.exists(stamp) and open(stamp).read() == key:
        return path
    for p in (path, stamp):
        if os.path.exists(p):
            os.remove(p)
    make()
    with open(stamp, "w") as f:
        f.write(key)
    return path


# ---------------------------------------------------------------------------
# comparisons
# ---------------------------------------------------------------------------

def nll_diff(a, b):
    na, nb = a["nll"], b["nll"]
    if len(na) != len(nb):
        raise Failure(f"{len(na)} vs {len(nb)} NLL positions")
    return [abs(x - y) for x, y in zip(na, nb)]


def routing_agreement(eng, lla, tie, first_moe=0):
    """(equal pairs, compared pairs, near-ties, first real mismatch or None). The engine numbers
    its routing by MoE block, llama.cpp by block: first_moe is the first MoE block, or the block
    of every MoE layer (first_moe_block)."""
    n = equal = ties = 0
    bad = None
    for t, (el, ll) in enumerate(zip(eng["routing"], lla["routing"])):
        emap = {(first_moe[int(e["layer"])] if isinstance(first_moe, list) else int(e["layer"]) + first_moe): e
                for e in el}
        for r in ll:
            e = emap.get(r["layer"])
            if e is None:
                raise Failure(f"engine routing at token {t} has no layer {r['layer']}")
            n += 1
            es, ls = set(map(int, e["experts"])), set(r["experts"])
            if es == ls:
                equal += 1
                continue
            p = r["probs"]
            gap = max(p[x] for x in ls - es) - min(p[x] for x in es - ls) if p else float("inf")
            if gap < tie:
                ties += 1
            elif bad is None:
                bad = f"token {t} layer {r['layer']}: engine {sorted(es)}, llama.cpp {sorted(ls)} (probability gap {gap:.2e})"
    if n == 0:
        raise Failure("no routing to compare (llama.cpp reported no ffn_moe_topk tensors)")
    return equal, n, ties, bad


def check_pair(label, eng, lla, tie, first_moe=0):
    """Engine vs llama.cpp on the same weights: NLL within TOL_NLL, same expert sets."""
    d = nll_diff(eng, lla)
    equal, n, ties, bad = routing_agreement(eng, lla, tie, first_moe)
    problems = []
    if max(d) > TOL_NLL:
        i = d.index(max(d))
        problems.append(f"{label}: max |dNLL| {max(d):.2e} > {TOL_NLL:g} at position {i} "
                        f"(engine {eng['nll'][i]:.6f}, llama.cpp {lla['nll'][i]:.6f})")
    if bad:
        problems.append(f"{label}: {n - equal - ties} expert-set mismatches; first {bad}")
    return max(d), f"{equal}/{n}" + (f" (+{ties} near-ties)" if ties else ""), problems


# ---------------------------------------------------------------------------
# parts
# ---------------------------------------------------------------------------

def tokens_for(n_vocab, n=N_TOKENS, seed=SEED):
    rng = random.Random(seed)
    return [rng.randrange(3, n_vocab - 3) for _ in range(n)]


def make_model(tools, work, arch, preset):
    path = os.path.join(work, f"{arch}-{preset}-F32.gguf")
    run([tools.cli, "make-model", "--arch", arch, "--preset", preset, "--quant", "F32", "--seed", str(SEED),
         "-o", path], what="moe-cli make-model")
    return path


def first_moe_block(meta):
    """The model block of each MoE layer (the engine numbers routing by MoE layer, llama.cpp by
    block): after the leading dense blocks, every interleave_moe_layer_step-th (llama4, ernie4_5-moe)."""
    a = meta["general.architecture"]
    lead = int(meta.get(f"{a}.leading_dense_block_count", 0))
    step = int(meta.get(f"{a}.interleave_moe_layer_step", 1) or 1)
    return [il for il in range(int(meta[f"{a}.block_count"])) if il >= lead and (il + 1) % step == 0]


def check_f32_model(tools, work, results, label, arch, preset, n=N_TOKENS, extra=()):
    """One F32 model of make-model: per-position NLL and expert sets against llama.cpp."""
    t0 = time.time()
    try:
        path = make_model(tools, work, arch, preset)
        meta, _ = read_header(path)
        tokens = tokens_for(len(meta["tokenizer.ggml.tokens"]), n)
        eng = tools.engine(path, tokens, extra=extra)
        lla = tools.llama(path, tokens)
        dmax, agree, problems = check_pair(label, eng, lla, TIE_F32, first_moe_block(meta))
        if problems:
            raise Failure("; ".join(problems))
        results.append(("pass", label))
        log(f"ok    {label}: max |dNLL| {dmax:.1e} over {len(eng['nll'])} positions, "
            f"expert sets equal {agree}  [{time.time() - t0:.1f}s]")
    except Failure as e:
        results.append(("fail", label))
        log(f"FAIL  {label}: {e}")
    except Unsupported as e:
        results.append(("fail", label))
        log(f"FAIL  {label}: the F32 model is refused: {e}")


def part_archs(tools, work, results):
    for arch, preset in [(a, "tiny") for a in ARCHS] + FAMILIES:
        check_f32_model(tools, work, results, f"arch {arch:<8} {preset} F32", arch, preset)


def part_long(tools, work, results):
    for arch, preset, n in LONG:
        check_f32_model(tools, work, results, f"long  {arch:<8} {preset} F32, {n} tokens", arch, preset, n,
                        ["--ctx", str(n)])


class Base:
    """An F32 `small` model with its imatrix, and the files llama-quantize makes of it."""

    def __init__(self, tools, work, arch, preset="small"):
        self.tools, self.work, self.arch = tools, work, arch
        self.f32 = make_model(tools, work, arch, preset)
        self.key = sha(self.f32)
        meta, _ = read_header(self.f32)
        self.tokens = tokens_for(len(meta["tokenizer.ggml.tokens"]))
        self._imatrix = None

    def imatrix(self):
        if self._imatrix is None:
            out = os.path.join(self.work, f"{self.arch}-small.imatrix.gguf")
            cmd = [self.tools.tool("llama-imatrix"), "-m", self.f32, "-f", IMATRIX_TEXT, "-o", out, "-c", "128",
                   "--chunks", "8", "-t", self.tools.threads]
            self._imatrix = cached(out, self.key + " ".join(cmd[3:]), lambda: run(cmd, what="llama-imatrix"))
        return self._imatrix

    def native(self):
        """(the file as make-model wrote it, its F32 dequantization by llama-quantize)."""
        d = self.f32.replace(".gguf", ".deq-F32.gguf")
        cached(d, self.key, lambda: self.tools.quantize(self.f32, d, "F32", ["--allow-requantize"]))
        return self.f32, d

    def quantized(self, name, qtype, extra):
        """(quantized file, its F32 dequantization by llama-quantize)."""
        if any(a == "--imatrix" for a in extra):
            extra = [self.imatrix() if a == "--imatrix=" else a for a in extra]
        q = os.path.join(self.work, f"{self.arch}-small-{name}.gguf")
        d = os.path.join(self.work, f"{self.arch}-small-{name}.deq-F32.gguf")
        key = self.key + " " + " ".join(extra + [qtype])
        cached(q, key, lambda: self.tools.quantize(self.f32, q, qtype, extra))
        cached(d, key, lambda: self.tools.quantize(q, d, "F32", ["--allow-requantize"]))
        return q, d


def part_family_quants(tools, work, results):
    """deepseek2 / glm4moe small models quantized by llama-quantize: the types check."""
    bases = {}
    for arch, preset, qtype in FAMILY_QUANTS:
        label = f"family {arch} {preset} {qtype}"
        try:
            base = bases.setdefault((arch, preset), Base(tools, work, arch, preset))
            q, d = base.native() if qtype == "native" else base.quantized(qtype, qtype, [])
            check_quantized(tools, label, q, d, base.tokens, results)
        except (Failure, Unsupported) as e:
            results.append(("fail", label))
            log(f"FAIL  {label}: {e}")


def imatrix_args(name):
    # IQ types want an importance matrix (some refuse to run without it); the embedding
    # and output rows have none (the embedding is not a matrix product), so they stay Q8_0.
    if name.startswith("IQ") or name == "Q2_K_S":
        return ["--imatrix", "--imatrix="]
    return []


def check_quantized(tools, label, q, d, tokens, results, q_override=None):
    """The types check on one file; returns (status, detail)."""
    counts = type_counts(read_header(q)[1])
    kinds = ", ".join(f"{t} x{n}" for t, n in sorted(counts.items(), key=lambda kv: -kv[1]))
    try:
        eq = tools.engine(q_override or q, tokens)
    except Unsupported as e:
        results.append(("unsupported", label))
        log(f"n/s   {label} [{kinds}]: not supported yet: {e}")
        return "unsupported", None
    ed = tools.engine(d, tokens)
    ld = tools.llama(d, tokens)
    problems = []
    dq = nll_diff(eq, ed)
    if max(dq) > TOL_NLL:
        i = dq.index(max(dq))
        problems.append(f"engine on the quantized file vs engine on its dequantization: max |dNLL| {max(dq):.2e} "
                        f"> {TOL_NLL:g} at position {i}")
    first_moe = first_moe_block(read_header(q)[0])
    dl, agree, p2 = check_pair("engine(Q) vs llama.cpp(dequantized)", eq, ld, TIE_DEQ, first_moe)
    problems += p2
    info = ""
    try:
        if q_override:
            raise Failure("not run on a file altered on purpose")
        lq = tools.llama(q, tokens)
        dd = nll_diff(eq, lq)
        e2, n2, _, _ = routing_agreement(eq, lq, 0.0, first_moe)
        info = f"; llama.cpp on Q (8-bit activations): median |dNLL| {statistics.median(dd):.1e}, sets {100.0 * e2 / n2:.0f}%"
    except Failure as e:
        info = f"; llama.cpp on Q: {str(e).splitlines()[0]}"
    detail = (f"[{kinds}] engine Q vs D {max(dq):.1e}, vs llama.cpp D {dl:.1e}, expert sets {agree}{info}")
    if problems:
        results.append(("fail", label))
        log(f"FAIL  {label} {detail}\n      " + "\n      ".join(problems))
        return "fail", detail
    results.append(("pass", label))
    log(f"ok    {label} {detail}")
    return "pass", detail


def quantize_offers(tools):
    """llama-quantize's own list of target names (without F32 and COPY)."""
    p = subprocess.run([tools.tool("llama-quantize"), "--help"], capture_output=True, text=True)
    names = re.findall(r"^\s+\d+\s+or\s+(\S+)\s+:", p.stdout + p.stderr, re.M)
    seen = []
    for n in names:
        if n not in seen and n not in ("F32", "COPY"):
            seen.append(n)
    if not seen:
        raise Failure("could not read the list of types from llama-quantize --help")
    return seen


def pure_types(offers):
    """[(llama-quantize file type name, ggml type)] for the offered names that are one type."""
    out = []
    for n in offers:
        t = n if n in GGML_NAMES else ALIASES.get(n)
        if t and t not in [x[1] for x in out]:
            out.append((n, t))
    return out


def mixes(offers):
    return [n for n in offers if n not in GGML_NAMES and n not in ALIASES]


def pure_args(name, gtype):
    """Every quantizable tensor of one type: the file type's own choices (IQ2_S writes
    IQ2_XS, for one) overridden by --tensor-type ("weight" matches every tensor name).
    The IQ types' embedding and output rows have no imatrix data (the embedding is no
    matrix product), so those two stay Q8_0 there."""
    extra = ["--pure", "--tensor-type", f"weight={gtype.lower()}"]
    if imatrix_args(name):
        extra += imatrix_args(name) + ["--token-embedding-type", "q8_0", "--output-tensor-type", "q8_0"]
    return extra


def part_types(tools, work, results, only):
    base = Base(tools, work, "qwen3moe")
    for name, gtype in pure_types(quantize_offers(tools)):
        if only and gtype not in only and name not in only:
            continue
        label = f"type  {gtype:<8}"
        t0 = time.time()
        try:
            q, d = base.quantized(f"pure-{gtype}", name, pure_args(name, gtype))
            check_quantized(tools, label, q, d, base.tokens, results)
        except Failure as e:
            results.append(("fail", label))
            log(f"FAIL  {label}: {e}")
        log(f"      [{time.time() - t0:.1f}s]")


def part_mixed(tools, work, results, only):
    cases = []
    qwen3 = Base(tools, work, "qwen3moe")
    for name in mixes(quantize_offers(tools)):
        if not only or name in only:
            cases.append((qwen3, name, name, imatrix_args(name)))
    if not only:
        cases.append((Base(tools, work, "qwen2moe"), "Q4_K_M", "Q4_K_M", []))
        cases.append((Base(tools, work, "llama"), "Q4_K_M", "Q4_K_M", []))
        overrides = ["attn_q=q8_0", "attn_k=q4_0", "attn_v=q5_1", "ffn_gate_exps=q4_k", "ffn_up_exps=q5_0",
                     "ffn_down_exps=q6_k", "output=q4_1"]
        extra = []
        for o in overrides:
            extra += ["--tensor-type", o]
        cases.append((Base(tools, work, "olmoe"), "Q5_K_M+tensor-type", "Q5_K_M", extra))
    for base, name, qtype, extra in cases:
        label = f"mixed {base.arch} {name}"
        t0 = time.time()
        try:
            q, d = base.quantized("mix-" + re.sub(r"[^A-Za-z0-9_]+", "-", name), qtype, extra)
            check_quantized(tools, label, q, d, base.tokens, results)
        except Failure as e:
            results.append(("fail", label))
            log(f"FAIL  {label}: {e}")
        log(f"      [{time.time() - t0:.1f}s]")


# The types with an integer fast path in moe-cli (engine/quant/int_dot.h), and the bounds its
# default path must meet against llama.cpp on the same file: llama.cpp's own 8-bit activations
# sit about this far from exact arithmetic (issue 17).
FAST_TYPES = ["Q8_0", "Q4_0", "Q5_0", "IQ4_NL", "MXFP4", "Q4_1", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K",
              "IQ4_XS", "IQ2_XXS", "IQ2_XS", "IQ2_S", "IQ3_XXS", "IQ3_S", "IQ1_S", "IQ1_M"]
FAST_MEDIAN = 3e-2
FAST_SETS = 0.90


def part_fast(tools, work, results, only):
    """moe-cli's default fast path (no --exact) vs llama.cpp on the same quantized file, both
    with 8-bit activations: median |dNLL| <= FAST_MEDIAN, equal expert sets on >= FAST_SETS of
    (token, layer) pairs; with llama.cpp vs our exact path beside it for scale."""
    if not tools.exact:
        log("n/s   fast path: this moe-cli has no --exact, so no separate fast path to check")
        return
    cases = []
    offered = dict((t, n) for n, t in pure_types(quantize_offers(tools)))
    qwen3 = Base(tools, work, "qwen3moe")
    for gtype in FAST_TYPES:
        if gtype in offered and (not only or gtype in only):
            cases.append((qwen3, f"pure-{gtype}", offered[gtype], pure_args(offered[gtype], gtype)))
    if not only:
        for arch in ("qwen3moe", "olmoe"):
            cases.append((qwen3 if arch == "qwen3moe" else Base(tools, work, arch), "mix-Q4_K_M", "Q4_K_M", []))
    for base, name, qtype, extra in cases:
        label = f"fast  {base.arch} {name[5:] if name.startswith('pure-') else name}"
        t0 = time.time()
        try:
            q, _ = base.quantized(name, qtype, extra)
            first_moe = first_moe_block(read_header(q)[0])
            fast = tools.engine(q, base.tokens, exact=False)
            exact = tools.engine(q, base.tokens)
            lq = tools.llama(q, base.tokens)
            d = statistics.median(nll_diff(fast, lq))
            e, n, _, _ = routing_agreement(fast, lq, 0.0, first_moe)
            d_ref = statistics.median(nll_diff(exact, lq))
            e_ref, _, _, _ = routing_agreement(exact, lq, 0.0, first_moe)
            detail = (f"fast vs llama.cpp: median |dNLL| {d:.1e}, sets {e}/{n}; "
                      f"(exact vs llama.cpp: {d_ref:.1e}, sets {e_ref}/{n})  [{time.time() - t0:.1f}s]")
            if d > FAST_MEDIAN or e < FAST_SETS * n:
                results.append(("fail", label))
                log(f"FAIL  {label}: {detail}; bounds {FAST_MEDIAN:g} and {FAST_SETS:.0%}")
            else:
                results.append(("pass", label))
                log(f"ok    {label}: {detail}")
        except Unsupported as e:
            results.append(("unsupported", label))
            log(f"n/s   {label}: {e}")
        except Failure as e:
            results.append(("fail", label))
            log(f"FAIL  {label}: {e}")


def flip_scale_bit(src, dst, gtype, tokens):
    """Copy src to dst with one scale bit flipped in the first block of a row that the
    sequence uses: output.weight's row of the first target token, else blk.0.attn_q's row 0."""
    _, tensors = read_header(src)
    for name, row in (("output.weight", tokens[1]), ("blk.0.attn_q.weight", 0)):
        t = tensors.get(name)
        if t is not None and t.type_name == gtype:
            break
    else:
        raise Failure(f"neither output.weight nor blk.0.attn_q.weight is {gtype}")
    shutil.copyfile(src, dst)
    if gtype == "MXFP4":
        at, mask = t.offset + row * t.row_bytes, 0x01          # E8M0 exponent byte
    else:
        at, mask = t.offset + row * t.row_bytes + SCALE_BIT[gtype] + 1, 0x04  # fp16 exponent's lowest bit
    with open(dst, "r+b") as f:
        f.seek(at)
        b = f.read(1)[0]
        f.seek(at)
        f.write(bytes([b ^ mask]))
    return f"{name} row {row} block 0 byte {at - t.offset - row * t.row_bytes}, mask 0x{mask:02x}"


def part_flip(tools, work, types):
    base = Base(tools, work, "qwen3moe")
    caught = missed = 0
    offered = dict((t, n) for n, t in pure_types(quantize_offers(tools)))
    for gtype in types:
        if gtype not in offered:
            raise Failure(f"llama-quantize offers no {gtype}")
        name = offered[gtype]
        q, d = base.quantized(f"pure-{gtype}", name, pure_args(name, gtype))
        flipped = os.path.join(work, f"flipped-{gtype}.gguf")
        where = flip_scale_bit(q, flipped, gtype, base.tokens)
        results = []
        log(f"flip  {gtype}: {where}")
        status, _ = check_quantized(tools, f"type  {gtype:<8} (one scale bit flipped)", q, d, base.tokens, results,
                                    q_override=flipped)
        os.remove(flipped)
        if status == "unsupported":
            continue
        if status == "fail":
            caught += 1
            log(f"      caught: the check fails on the flipped file, as it must")
        else:
            missed += 1
            log(f"      MISSED: the check passes although a scale bit is flipped")
    log(f"{caught} flips caught, {missed} missed")
    if caught + missed == 0:
        log("SKIP: none of the types is supported by moe-cli")
        return SKIP
    return 1 if missed else 0


# the first 24 kB of Tiny Shakespeare (Karpathy's char-rnn data): text for llama-imatrix
IMATRIX_TEXT = os.path.join(HERE, "imatrix-text.txt")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--llama-dir", default=os.path.join(REPO, "build-llamacpp"))
    ap.add_argument("--parts", default="archs,types,mixed,families,fast",
                    help="add long for the 8,320-token Llama 4 check (ctest llamacpp_reference_long, label slow)")
    ap.add_argument("--types", default="", help="comma-separated types or llama-quantize names to restrict to")
    ap.add_argument("--flip-scale-bit", action="store_true")
    args = ap.parse_args()

    setup = subprocess.run(["bash", os.path.join(HERE, "setup.sh"), args.llama_dir], stdout=subprocess.PIPE, text=True)
    if setup.returncode == SKIP:
        return SKIP
    if setup.returncode != 0:
        log(f"FAIL  setup.sh exited {setup.returncode}")
        return 1
    args.bin = setup.stdout.strip().splitlines()[-1]
    os.makedirs(args.workdir, exist_ok=True)
    tools = Tools(args)
    only = [t.strip() for t in args.types.split(",") if t.strip()]
    t0 = time.time()

    if args.flip_scale_bit:
        try:
            return part_flip(tools, args.workdir, only or ["Q8_0", "Q4_K", "Q6_K"])
        except Failure as e:
            log(f"FAIL  {e}")
            return 1

    results = []
    parts = args.parts.split(",")
    if "archs" in parts:
        part_archs(tools, args.workdir, results)
    if "types" in parts:
        part_types(tools, args.workdir, results, only)
    if "mixed" in parts:
        part_mixed(tools, args.workdir, results, only)
    if "families" in parts:
        part_family_quants(tools, args.workdir, results)
    if "fast" in parts:
        part_fast(tools, args.workdir, results, only)
    if "long" in parts:
        part_long(tools, args.workdir, results)
    n = {s: sum(1 for r in results if r[0] == s) for s in ("pass", "unsupported", "fail")}
    log(f"{n['pass']} passed, {n['unsupported']} not supported yet, {n['fail']} failed  [{time.time() - t0:.0f}s]")
    if n["unsupported"]:
        log("not supported yet: " + "; ".join(" ".join(r[1].split()) for r in results if r[0] == "unsupported"))
    return 1 if n["fail"] else 0


if __name__ == "__main__":
    sys.exit(main())
