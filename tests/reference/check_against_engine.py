#!/usr/bin/env python3
"""Compare the engine's `moe-cli score --json` with the independent float64 reference.

    python3 check_against_engine.py --cli PATH/TO/moe-cli --workdir DIR
    python3 check_against_engine.py --reference-only --workdir DIR [--cli PATH]

For each arch in [qwen3moe, qwen2moe, llama, olmoe] and quant in [F32, Q8_0]:
  moe-cli make-model --arch ARCH --preset tiny --quant QUANT --seed S -o DIR/ARCH-QUANT.gguf
  moe-cli score DIR/ARCH-QUANT.gguf --tokens t0,t1,... --json --backend cpu --exact
and the reference (moe_reference.py) on the same file and tokens; then
  max |nll_engine - nll_ref|      <= 1e-4 (F32) / 2e-2 (Q8_0)
  top-k expert sets equal for every (token, layer), except exact near-ties: where the
    reference's router probabilities of the experts that differ are within 1e-6 (F32) /
    1e-3 (Q8_0) (for a single swap: the k-th and (k+1)-th probabilities). Such near-ties
    are counted and reported, and the reference is re-run following the engine's choice
    there, so that a legitimate tie flip does not cascade into false NLL failures.
  gate weights within 1e-4 (F32) / 1e-2 (Q8_0), per expert id, where the sets match.
Plus `--top-k 1` and `--top-k 4` overrides on one arch (F32).

--reference-only skips the engine's `score`: models come from `moe-cli make-model` when
--cli is given, else from this folder's own GGUF writer, and the reference is checked for
self-consistency (prefix/causality, routing invariants, top-k override behaviour).

Prints one line per case and finally `N passed, M failed`; exits 1 if any case failed,
77 (CTest SKIP_RETURN_CODE) if numpy/torch are not available.
"""

from __future__ import annotations

import os
import sys


sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _deps import ensure_deps  # noqa: E402

ensure_deps()

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import moe_reference as ref  # noqa: E402

ARCHS = ["qwen3moe", "qwen2moe", "llama", "olmoe"]
QUANTS = ["F32", "Q8_0"]
TOL = {
    # quant: (nll, near-tie on router probability, gate weight)
    "F32": (1e-4, 1e-6, 1e-4),
    "Q8_0": (2e-2, 1e-3, 1e-2),
    # The other block formats run on the "small" preset (rows of 256). Both
    # sides multiply the same dequantized values, so the bounds stay tight:
    # this checks the engine's dequantization and dot products against the
    # reference's independent numpy dequantizers.
    "F16": (1e-4, 1e-5, 1e-4),
    "BF16": (1e-4, 1e-5, 1e-4),
    "Q4_0": (1e-4, 1e-5, 1e-4),
    "Q4_K": (1e-4, 1e-5, 1e-4),
    "Q5_K": (1e-4, 1e-5, 1e-4),
    "Q6_K": (1e-4, 1e-5, 1e-4),
}
# block formats checked on the small preset, and the archs they run on
BLOCK_QUANTS = ["F16", "BF16", "Q4_0", "Q4_K", "Q5_K", "Q6_K"]
BLOCK_ARCHS = ["qwen3moe", "qwen2moe", "llama", "olmoe"]
# deepseek2 / glm4moe (families.py) as arch:preset, each at every --quants format: V3-like (low-rank
# query, sigmoid + bias, 4 groups, YaRN), V2-Lite-like (full query, softmax), the single attn_kv_b
# of older files, GLM-4.5-Air-like (biases, partial rotary, a skipped next-token block) and
# GLM-4.5-like with q/k norms
FAMILIES = ["deepseek2:tiny", "deepseek2:tiny-lite", "deepseek2:tiny-kvb", "glm4moe:tiny", "glm4moe:small"]
# gpt-oss (windows of 8, sinks, biases, clamped SwiGLU, YaRN) and Granite MoE (multipliers; with a shared expert)
FAMILIES += ["gpt-oss:tiny", "granitemoe:tiny", "granitemoe:tiny-shared"]
# Llama 4 (chunks of 16 and a temperature stepping every 8 positions inside the sequence, a block
# without RoPE, dense blocks between MoE ones, top-2 of sigmoid on the expert input, a shared expert)
# and ERNIE 4.5 (a leading dense block, two shared experts, selection bias, tied embeddings; and MoE
# in every second block)
FAMILIES += ["llama4:tiny-chunk", "ernie4_5-moe:tiny", "ernie4_5-moe:tiny-step2"]
# and on the K-quant rows of the small presets
FAMILY_BLOCK = ["deepseek2:small:Q4_K", "glm4moe:small:Q6_K"]


class CaseFailure(Exception):
    pass


# ---------------------------------------------------------------------------
# engine
# ---------------------------------------------------------------------------

def run_cmd(cmd, timeout):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise CaseFailure(f"timed out after {timeout}s: {' '.join(cmd)}")
    except OSError as e:
        raise CaseFailure(f"cannot run {cmd[0]}: {e}")
    if p.returncode != 0:
        tail = (p.stderr or p.stdout or "").strip().splitlines()[-8:]
        raise CaseFailure(f"exit {p.returncode}: {' '.join(cmd[:3])} ...\n      " + "\n      ".join(tail))
    return p.stdout, time.time() - t0


def parse_engine_json(text):
    """The contract: one JSON object on stdout. Tolerate stray log lines around it."""
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    dec = json.JSONDecoder()
    for i, ch in enumerate(text):
        if ch == "{":
            try:
                obj, _ = dec.raw_decode(text[i:])
                if isinstance(obj, dict) and "nll" in obj:
                    return obj
            except json.JSONDecodeError:
                continue
    raise CaseFailure(f"no JSON object with 'nll' on stdout (first 200 chars: {text[:200]!r})")


def make_model(args, arch, quant, seed, path, preset="tiny"):
    if args.cli:
        run_cmd([args.cli, "make-model", "--arch", arch, "--preset", preset, "--quant", quant,
                 "--seed", str(seed), "-o", path], args.timeout)
        if not os.path.exists(path):
            raise CaseFailure(f"make-model reported success but wrote no {path}")
    else:
        from tiny_models import make_tiny
        make_tiny(path, arch, quant, seed=seed)


def engine_score(args, path, tokens, top_k):
    # --exact: float activations, the path the float64 reference is compared with
    cmd = [args.cli, "score", path, "--tokens", ",".join(map(str, tokens)), "--json", "--backend", "cpu", "--exact"]
    if top_k:
        cmd += ["--top-k", str(top_k)]
    out, secs = run_cmd(cmd, args.timeout)
    return parse_engine_json(out), secs


# ---------------------------------------------------------------------------
# comparison
# ---------------------------------------------------------------------------

def check_engine_shape(eng, T, k, n_layer):
    problems = []
    if eng.get("n_tokens") != T:
        problems.append(f"n_tokens {eng.get('n_tokens')} != {T}")
    nll = eng.get("nll")
    if not isinstance(nll, list) or len(nll) != T - 1:
        problems.append(f"nll has {len(nll) if isinstance(nll, list) else type(nll).__name__} entries, expected {T - 1}")
    elif not all(isinstance(v, (int, float)) and math.isfinite(v) for v in nll):
        problems.append("nll has non-finite entries")
    if eng.get("top_k") != k:
        problems.append(f"top_k {eng.get('top_k')} != {k}")
    rt = eng.get("routing")
    if not isinstance(rt, list) or len(rt) != T:
        problems.append(f"routing has {len(rt) if isinstance(rt, list) else type(rt).__name__} positions, expected {T}")
    else:
        for t, layers in enumerate(rt):
            if not isinstance(layers, list) or len(layers) != n_layer:
                problems.append(f"routing[{t}] has {len(layers) if isinstance(layers, list) else '?'} layers, expected {n_layer}")
                break
            got = [ent.get("layer") if isinstance(ent, dict) else None for ent in layers]
            if sorted(x for x in got if isinstance(x, int)) != list(range(n_layer)):
                problems.append(f"routing[{t}] layer ids {got}, expected 0..{n_layer - 1}")
                break
            for ent in layers:
                ex, w = ent.get("experts"), ent.get("weights")
                if not isinstance(ex, list) or not isinstance(w, list) or len(ex) != k or len(w) != k:
                    problems.append(f"routing[{t}] layer {ent.get('layer')}: need {k} experts and {k} weights, got {ex} / {w}")
                    break
                if len(set(ex)) != k:
                    problems.append(f"routing[{t}] layer {ent.get('layer')}: repeated expert in {ex}")
                    break
            else:
                continue
            break
    if not problems and isinstance(eng.get("perplexity"), (int, float)) and nll:
        mean = sum(nll) / len(nll)
        lp = math.log(eng["perplexity"]) if eng["perplexity"] > 0 else float("-inf")
        if abs(lp - mean) > 1e-4:
            problems.append(f"perplexity {eng['perplexity']} != exp(mean nll) = {math.exp(mean)}")
    elif "perplexity" not in eng:
        problems.append("no perplexity")
    return problems


def compare(refres, eng, quant, k):
    """Returns (problems, stats, new_ties) where new_ties maps (t, layer) -> engine expert set
    for set mismatches that are exact near-ties in the reference."""
    tol_nll, tol_tie, tol_w = TOL[quant]
    problems = []
    nr = np.array(refres["nll"])
    ne = np.array(eng["nll"], dtype=np.float64)
    dn = np.abs(nr - ne)
    max_dnll = float(dn.max()) if dn.size else 0.0
    if max_dnll > tol_nll:
        i = int(dn.argmax())
        problems.append(f"max |dnll| {max_dnll:.3e} > {tol_nll:g} at position {i} "
                        f"(engine {ne[i]:.6f}, reference {nr[i]:.6f})")
    dppl = abs(math.log(eng["perplexity"]) - math.log(refres["perplexity"]))
    if dppl > tol_nll:
        problems.append(f"|log ppl_engine - log ppl_ref| {dppl:.3e} > {tol_nll:g}")
    n_cmp = n_equal = 0
    max_dw = 0.0
    new_ties = {}
    bad_sets = []
    not_desc = []
    for t, (rl, el) in enumerate(zip(refres["routing"], eng["routing"])):
        emap = {int(e["layer"]): e for e in el}
        for r in rl:
            L = r["layer"]
            e = emap.get(L)
            if e is None:
                problems.append(f"engine routing[{t}] has no layer {L}")
                continue
            n_cmp += 1
            ew = [float(v) for v in e["weights"]]
            # with a selection bias (families.py) the order is that of the biased choice scores
            order = [r["router_probs"][int(x)] for x in e["experts"]] if refres.get("family") else ew
            if any(order[i] < order[i + 1] - tol_w for i in range(len(order) - 1)):
                not_desc.append((t, L, ew))
            rs, es = set(r["experts"]), set(int(v) for v in e["experts"])
            if rs == es:
                n_equal += 1
                rw = dict(zip(r["experts"], r["weights"]))
                for ex, w in zip(e["experts"], ew):
                    max_dw = max(max_dw, abs(w - rw[int(ex)]))
                continue
            probs = r["router_probs"]
            lost = [probs[x] for x in rs - es]       # in the reference's top-k, not the engine's
            gained = [probs[x] for x in es - rs]     # chosen by the engine only
            gap = max(lost) - min(gained)
            if gap < tol_tie:
                new_ties[(t, L)] = sorted(es)
            else:
                srt = sorted(probs, reverse=True)
                bad_sets.append(f"token {t} layer {L}: engine {sorted(es)} vs reference {sorted(rs)} "
                                f"(gap {gap:.2e}; p_k={srt[k - 1]:.6f}"
                                + (f", p_k+1={srt[k]:.6f}" if k < len(srt) else "") + ")")
    if bad_sets:
        problems.append(f"{len(bad_sets)} expert-set mismatches beyond near-ties; first: {bad_sets[0]}")
    if max_dw > tol_w:
        problems.append(f"max |dweight| {max_dw:.3e} > {tol_w:g}")
    if not_desc:
        t, L, w = not_desc[0]
        problems.append(f"{len(not_desc)} routing entries not in descending gate order; first token {t} layer {L}: {w}")
    stats = dict(max_dnll=max_dnll, n_cmp=n_cmp, n_equal=n_equal, max_dw=max_dw)
    return problems, stats, new_ties


def reference_invariants(m, res, tokens, k):
    """Self-consistency of the reference's own output."""
    problems = []
    T = len(tokens)
    nll = res["nll"]
    if len(nll) != T - 1 or not all(math.isfinite(v) and v >= 0 for v in nll):
        problems.append("nll length/finiteness")
    if abs(math.log(res["perplexity"]) - sum(nll) / len(nll)) > 1e-12:
        problems.append("perplexity != exp(mean nll)")
    for t in range(T):
        if len(res["routing"][t]) != m.n_moe_layer:
            problems.append(f"routing[{t}] layers")
            break
        for ent in res["routing"][t]:
            ex, w, p = ent["experts"], ent["weights"], ent["router_probs"]
            if len(ex) != k or len(set(ex)) != k:
                problems.append(f"routing[{t}] layer {ent['layer']}: {ex}")
            if m.family:  # biased, grouped choice scores (families.py): checked against the engine only
                continue
            if abs(sum(p) - 1.0) > 1e-12:
                problems.append("router probabilities do not sum to 1")
            if any(w[i] < w[i + 1] for i in range(k - 1)):
                problems.append("weights not descending")
            thr = sorted(p, reverse=True)[k - 1]
            if any(p[e] < thr for e in ex):
                problems.append("selected experts are not the top-k probabilities")
            if m.conv["norm_topk"] and abs(sum(w) - 1.0) > 1e-12:
                problems.append("renormalised weights do not sum to 1")
            if not m.conv["norm_topk"] and any(abs(w[i] - p[e]) > 1e-15 for i, e in enumerate(ex)):
                problems.append("un-normalised weights differ from the router probabilities")
            if problems:
                return problems
    # causality: a prefix gives the same numbers
    h = max(2, T // 2)
    pre = ref.forward(m, tokens[:h], top_k=k)
    if max(abs(a - b) for a, b in zip(pre["nll"], nll[:h - 1])) > 1e-9:
        problems.append("prefix run disagrees (causality)")
    for t in range(h):
        if [e["experts"] for e in pre["routing"][t]] != [e["experts"] for e in res["routing"][t]]:
            problems.append("prefix routing disagrees")
            break
    return problems


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

def pick_tokens(n_vocab, n, seed):
    rng = np.random.default_rng(seed)
    return [int(v) for v in rng.integers(0, n_vocab, size=n)]


def run_case(args, name, path, arch_idx, quant, top_k):
    m = ref.Model(path)
    tokens = pick_tokens(m.n_vocab, args.n_tokens, 7919 * (arch_idx + 1) + (top_k or 0))
    k = top_k or m.n_expert_used
    if k > m.n_expert:
        raise CaseFailure(f"top-k {k} exceeds the model's {m.n_expert} experts")
    t0 = time.time()
    res = ref.forward(m, tokens, top_k=top_k)
    t_ref = time.time() - t0
    if args.reference_only:
        problems = reference_invariants(m, res, tokens, k)
        if problems:
            raise CaseFailure("; ".join(problems))
        return (f"reference-only: T={len(tokens)} k={k} layers={m.n_layer} experts={m.n_expert} "
                f"ppl={res['perplexity']:.4f} ({t_ref:.1f}s)")
    eng, t_eng = engine_score(args, path, tokens, top_k)
    shape = check_engine_shape(eng, len(tokens), k, m.n_moe_layer)
    if shape:
        raise CaseFailure("engine JSON: " + "; ".join(shape[:4]))
    forced = {}
    for _ in range(1 + len(tokens) * m.n_moe_layer):
        problems, st, new_ties = compare(res, eng, quant, k)
        new = {key: v for key, v in new_ties.items() if forced.get(key) != v}
        if not new:
            break
        forced.update(new)
        res = ref.forward(m, tokens, top_k=top_k, forced_routing=forced)
    tol_nll, tol_tie, tol_w = TOL[quant]
    detail = (f"max|dnll|={st['max_dnll']:.2e} (tol {tol_nll:g}), sets {st['n_equal']}/{st['n_cmp']} equal, "
              f"near-ties {len(forced)} (tol {tol_tie:g})"
              + (f" at {sorted(forced)[:4]}" if forced else "")
              + f", max|dw|={st['max_dw']:.2e} (tol {tol_w:g}), ppl engine {eng['perplexity']:.4f} "
                f"ref {res['perplexity']:.4f} [engine {t_eng:.1f}s, ref {t_ref:.1f}s]")
    if problems:
        raise CaseFailure("; ".join(problems) + "\n      " + detail)
    return detail


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", help="path to moe-cli")
    ap.add_argument("--workdir", required=True, help="folder for the generated models")
    ap.add_argument("--reference-only", action="store_true", help="skip the engine's score; self-check the reference")
    ap.add_argument("--archs", default=",".join(ARCHS))
    ap.add_argument("--quants", default=",".join(QUANTS))
    ap.add_argument("--block-quants", default=",".join(BLOCK_QUANTS),
                    help="formats checked on the small preset (empty: none)")
    ap.add_argument("--families", default=",".join(FAMILIES),
                    help="deepseek2/glm4moe arch:preset models, made by moe-cli (empty: none)")
    ap.add_argument("--seed", type=int, default=1234, help="base seed for make-model (arch i uses seed+i)")
    ap.add_argument("--n-tokens", type=int, default=48)
    ap.add_argument("--override-arch", default=None, help="arch for the --top-k 1/4 cases (default: first with >= 4 experts)")
    ap.add_argument("--timeout", type=int, default=600, help="seconds per moe-cli call")
    args = ap.parse_args(argv)
    if not args.reference_only and not args.cli:
        ap.error("--cli is required unless --reference-only")
    if args.cli:
        args.cli = os.path.abspath(args.cli)
        if not os.path.exists(args.cli):
            print(f"FAIL: moe-cli not found at {args.cli}")
            print("0 passed, 1 failed")
            return 1
    os.makedirs(args.workdir, exist_ok=True)
    archs = [a for a in args.archs.split(",") if a]
    quants = [q for q in args.quants.split(",") if q]
    for q in quants:
        if q not in TOL:
            ap.error(f"no tolerances for quant {q} (known: {', '.join(TOL)})")

    passed = failed = 0

    def report(ok, name, msg):
        nonlocal passed, failed
        if ok:
            passed += 1
        else:
            failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}: {msg}", flush=True)

    print(f"mode: {'reference-only' if args.reference_only else 'engine vs reference'}; "
          f"models from {'moe-cli make-model' if args.cli else 'tests/reference writer'}; "
          f"workdir {args.workdir}", flush=True)
    made = {}
    for ai, arch in enumerate(archs):
        for quant in quants:
            name = f"{arch} {quant}"
            path = os.path.join(args.workdir, f"{arch}-{quant}.gguf")
            try:
                make_model(args, arch, quant, args.seed + ai, path)
                made[(arch, quant)] = path
                report(True, name, run_case(args, name, path, ai, quant, None))
            except (CaseFailure, ref.ReferenceError_, ValueError, OSError) as e:
                report(False, name, str(e))
            except Exception as e:  # malformed engine output must fail the case, not the run
                report(False, name, f"{type(e).__name__}: {e}")

    # every other block format, on rows of 256 (one arch per format, in turn)
    if args.cli and not args.reference_only:
        for qi, quant in enumerate(q for q in args.block_quants.split(",") if q):
            arch = BLOCK_ARCHS[qi % len(BLOCK_ARCHS)]
            name = f"{arch} small {quant}"
            path = os.path.join(args.workdir, f"{arch}-small-{quant}.gguf")
            try:
                make_model(args, arch, quant, args.seed + 100 + qi, path, preset="small")
                report(True, name, run_case(args, name, path, qi, quant, None))
            except (CaseFailure, ref.ReferenceError_, ValueError, OSError) as e:
                report(False, name, str(e))
            except Exception as e:
                report(False, name, f"{type(e).__name__}: {e}")

    # the latent-attention and grouped-routing families (moe-cli make-model only)
    if args.cli:
        cases = [(f, q) for f in args.families.split(",") if f for q in quants]
        if not args.reference_only and args.families:
            cases += [(":".join(f.split(":")[:2]), f.split(":")[2]) for f in FAMILY_BLOCK]
        for fi, (fam, quant) in enumerate(cases):
            arch, preset = fam.split(":")
            name = f"{arch} {preset} {quant}"
            path = os.path.join(args.workdir, f"{arch}-{preset}-{quant}.gguf")
            try:
                make_model(args, arch, quant, args.seed + 200 + fi, path, preset=preset)
                report(True, name, run_case(args, name, path, 10 + fi, quant, None))
            except (CaseFailure, ref.ReferenceError_, ValueError, OSError) as e:
                report(False, name, str(e))
            except Exception as e:
                report(False, name, f"{type(e).__name__}: {e}")

    # --top-k overrides on one arch
    ov_quant = "F32" if "F32" in quants else quants[0]
    cands = [args.override_arch] if args.override_arch else archs
    ov_arch = None
    for a in cands:
        p = made.get((a, ov_quant))
        if p and ref.Model(p).n_expert >= 4:
            ov_arch = a
            break
    for kk in (1, 4) if cands else ():  # (no --archs: only the families were asked for)
        name = f"{ov_arch or cands[0]} {ov_quant} --top-k {kk}"
        if ov_arch is None:
            report(False, name, "no generated model with at least 4 experts for the top-k override cases")
            continue
        try:
            report(True, name, run_case(args, name, made[(ov_arch, ov_quant)], archs.index(ov_arch), ov_quant, kk))
        except (CaseFailure, ref.ReferenceError_, ValueError, OSError) as e:
            report(False, name, str(e))
        except Exception as e:
            report(False, name, f"{type(e).__name__}: {e}")

    print(f"{passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
