#!/usr/bin/env python3
"""The bundled demo model: the engine (moe-cli score) against recorded PyTorch values.

    python3 tests/demo_model/check_demo_model.py --cli build/app/cli/moe-cli \
        --model resources/models/shakespeare-moe.gguf [--reference ...reference.json] [--top-k N]

The reference JSON (resources/models/eval_demo.py: PyTorch float64 on the dequantized GGUF
weights) holds held-out windows of token ids (= bytes), their NLL sums and the top-k expert
ids of every (token, layer). For every window this runs `moe-cli score --tokens ... --json`
and requires:
  * perplexity over all windows within 1 % of PyTorch's (and each window within 2 %);
  * top-k expert SETS identical on >= 99 % of (token, layer) pairs.
`--top-k N` passes a different top-k to the engine: with N != the model's it must fail
(`--expect-failure` turns that into the test of the test). Standard library only; exit 0 pass, 1 fail, 77 skip.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys
import time

SKIP = 77


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    repo = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", default=os.path.join(repo, "resources", "models", "shakespeare-moe.gguf"))
    ap.add_argument("--reference", help="default: MODEL with .gguf replaced by .reference.json")
    ap.add_argument("--top-k", type=int, help="force the engine's top-k (to show the check can fail)")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ppl-tol", type=float, default=0.01)
    ap.add_argument("--window-ppl-tol", type=float, default=0.02)
    ap.add_argument("--min-topk-agreement", type=float, default=0.99)
    ap.add_argument("--max-windows", type=int, default=0)
    ap.add_argument("--expect-failure", action="store_true",
                    help="invert the verdict (exit 0 when the check fails): the test of the test")
    args = ap.parse_args()

    ref_path = args.reference or os.path.splitext(args.model)[0] + ".reference.json"
    for p in (args.cli, args.model, ref_path):
        if not os.path.exists(p):
            print(f"SKIP: {p} not found")
            return SKIP
    ref = json.load(open(ref_path))
    sha = hashlib.sha256(open(args.model, "rb").read()).hexdigest()
    if sha != ref["model_sha256"]:
        print(f"FAIL: {args.model} is not the file the reference was computed from "
              f"(sha256 {sha[:16]}..., reference {ref['model_sha256'][:16]}...); re-run eval_demo.py")
        return 1

    windows = ref["agreement"]["windows"]
    if args.max_windows:
        windows = windows[:args.max_windows]
    t0 = time.time()
    eng_nll = ref_nll = 0.0
    n_pred = 0
    pairs = agree = 0
    near_tie_flips = 0
    worst_win = 0.0
    failures = []
    for wi, w in enumerate(windows):
        cmd = [args.cli, "score", args.model, "--tokens", ",".join(map(str, w["tokens"])), "--json",
               "--backend", args.backend, "-t", str(args.threads), "--exact"]  # the float-activation path
        if args.top_k:
            cmd += ["--top-k", str(args.top_k)]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL: window {wi}: {' '.join(cmd[:3])} ... exited {r.returncode}\n{r.stderr[-2000:]}")
            return 1
        j = json.loads(r.stdout)
        if len(j["nll"]) != w["n_pred"]:
            print(f"FAIL: window {wi}: engine scored {len(j['nll'])} positions, reference {w['n_pred']}")
            return 1
        s = float(sum(j["nll"]))
        eng_nll += s
        ref_nll += w["nll_sum"]
        n_pred += w["n_pred"]
        rel = abs(math.exp(s / w["n_pred"]) / w["ppl"] - 1.0)
        worst_win = max(worst_win, rel)
        if rel > args.window_ppl_tol:
            failures.append(f"window {wi}: perplexity {math.exp(s / w['n_pred']):.4f} vs PyTorch {w['ppl']:.4f}")
        for t, (eng_t, ref_t) in enumerate(zip(j["routing"], w["topk"])):
            for layer, ref_ids in enumerate(ref_t):
                e = eng_t[layer]
                pairs += 1
                if set(e["experts"]) == set(ref_ids):
                    agree += 1
                elif w["gap"][t][layer] < 1e-3:
                    near_tie_flips += 1
    eng_ppl = math.exp(eng_nll / n_pred)
    ref_ppl = math.exp(ref_nll / n_pred)
    ppl_rel = abs(eng_ppl / ref_ppl - 1.0)
    agreement = agree / pairs
    print(f"{len(windows)} windows, {n_pred} predicted tokens, {time.time() - t0:.1f}s")
    print(f"perplexity: engine {eng_ppl:.5f}, PyTorch {ref_ppl:.5f}, relative difference {100 * ppl_rel:.2e} % "
          f"(limit {100 * args.ppl_tol:g} %); worst window {100 * worst_win:.2e} %")
    print(f"top-k expert sets: {agree}/{pairs} (token, layer) pairs agree = {100 * agreement:.3f} % "
          f"(limit {100 * args.min_topk_agreement:g} %); disagreements at near-ties (gap < 1e-3): "
          f"{near_tie_flips} of {pairs - agree}")
    if ppl_rel > args.ppl_tol:
        failures.append(f"perplexity differs by {100 * ppl_rel:.3f} %")
    if agreement < args.min_topk_agreement:
        failures.append(f"top-k agreement {100 * agreement:.2f} % below {100 * args.min_topk_agreement:g} %")
    for f in failures[:20]:
        print("FAIL:", f)
    print("PASS" if not failures else f"FAILED ({len(failures)} problems)")
    if args.expect_failure:
        print("expected a failure:", "got one (ok)" if failures else "the check passed (bad)")
        return 0 if failures else 1
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
