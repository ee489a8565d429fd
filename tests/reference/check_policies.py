#!/usr/bin/env python3
"""Routing policies of the engine against the independent float64 reference.

    python3 check_policies.py --cli PATH/TO/moe-cli --workdir DIR

For qwen3moe (renormalised top-k), qwen2moe (raw top-k mass, shared expert) and olmoe, tiny F32
models from `moe-cli make-model`, and each policy below:
  moe-cli score MODEL --tokens ... --json --backend cpu [--exact] --policy P --no-record
against moe_reference.forward with routing_policies.choose as its router (the policies written
from their definitions, in float64). Per position |NLL engine - NLL reference| <= 1e-4, and the
expert sets equal for every (token, layer) except near-ties: where a threshold of the policy
(p, skip, the entropy's rounding, the k-th probability) lies within 1e-5 of the decision; there
the reference follows the engine's set so that one flip does not cascade.

--perturb gives the reference a different policy than the engine, and the check must then
fail (CTest: reference_policies_fail_when_they_differ, WILL_FAIL).

Prints one line per case and `N passed, M failed`; exits 1 on a failure, 77 without numpy/torch.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _deps import ensure_deps  # noqa: E402

ensure_deps()

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402

import numpy as np  # noqa: E402

import moe_reference as ref  # noqa: E402
import routing_policies as rp  # noqa: E402

ARCHS = ["qwen3moe", "qwen2moe", "olmoe"]
POLICIES = [
    "top-k=1",
    "top-k=3",
    "top-p=1,min=1,max=2",        # the model's own top-2 through the policy path
    "top-p=0.5,min=1,max=4",
    "top-p=0.8,min=2,max=3",
    "entropy,min=1,max=4",
    "top-k=3,skip=0.3",
    "top-k=2,mask=1,mask=0:3",
    "top-p=0.7,min=1,max=3,force=2,mask=1:0",
]
TOL_NLL = 1e-4
NEAR = 1e-5


def near_tie(pol, layer, logits, engine_set, norm):
    """True when a decision of the policy is within NEAR of its threshold, so float32 and
    float64 may choose differently."""
    _, _, probs = rp.choose(pol, layer, logits, norm)
    variants = []
    for key in ("p", "skip"):
        for f in (1 - NEAR, 1 + NEAR):
            v = dict(pol)
            v[key] = pol[key] * f
            variants.append(v)
    for v in variants:
        ids, _, _ = rp.choose(v, layer, logits, norm)
        if sorted(ids) == sorted(engine_set):
            return True
    # the last expert taken and the first left out
    ranked = sorted(probs, reverse=True)
    n = len(engine_set)
    if 0 < n < len(ranked) and abs(ranked[n - 1] - ranked[n]) < NEAR:
        return True
    if pol["kind"] == "entropy":
        live = probs[probs > 0]
        h = -float(np.sum(live * np.log(live))) / np.log(len(live))
        x = h * (pol["k_max"] - pol["k_min"])
        if abs(x - np.floor(x) - 0.5) < NEAR:
            return True
    return False


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {r.stderr.strip()}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--perturb", action="store_true",
                    help="give the reference a different policy (p - 0.15, one expert fewer): the check must fail")
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    exact = ["--exact"] if "--exact" in run([a.cli, "score", "--help"]) else []
    tokens = [(i * 37 + 11) % 200 + 1 for i in range(24)]
    passed = failed = 0
    for arch in ARCHS:
        path = os.path.join(a.workdir, f"policy-{arch}.gguf")
        if not os.path.exists(path):
            run([a.cli, "make-model", "--arch", arch, "--preset", "tiny", "--quant", "F32", "--seed", "21",
                 "-o", path])
        m = ref.Model(path)
        norm = m.conv["norm_topk"]
        for spec in POLICIES:
            pol = rp.parse(spec, m.n_expert_used)
            if a.perturb:
                pol["p"] -= 0.15
                pol["k"] = max(1, pol["k"] - 1)
                pol["k_max"] = max(pol["k_min"], pol["k_max"] - 1)
            out = json.loads(run([a.cli, "score", path, "--tokens", ",".join(map(str, tokens)), "--json",
                                  "--backend", "cpu", "--no-record", "--policy", spec] + exact))
            engine_sets = {(t, e["layer"]): e["experts"] for t, row in enumerate(out["routing"]) for e in row}
            follow = {}
            differ = ties = 0

            def router(mm, layer, t, logits):
                return tuple(rp.choose(pol, layer, logits, norm, follow.get((t, layer)))[:2])

            # first pass: the reference's own choices; where they differ from the engine's at a
            # near-tie, follow the engine and run again
            res = ref.forward(m, tokens, router=router, want_probs=False)
            for t, row in enumerate(res["routing"]):
                for e in row:
                    mine, theirs = sorted(e["experts"]), sorted(engine_sets[(t, e["layer"])])
                    if mine != theirs:
                        differ += 1
                        follow[(t, e["layer"])] = theirs
            if follow:
                # a near-tie only where the reference, run along the engine's earlier choices, is at one
                logits_at = {}

                def recording_router(mm, layer, t, logits):
                    logits_at[(t, layer)] = np.array(logits)
                    return router(mm, layer, t, logits)

                res = ref.forward(m, tokens, router=recording_router, want_probs=False)
                for key, theirs in follow.items():
                    if near_tie(pol, key[1], logits_at[key], theirs, norm):
                        ties += 1
            nll_e = np.array(out["nll"])
            nll_r = np.array(res["nll"])
            dmax = float(np.max(np.abs(nll_e - nll_r)))
            used = np.mean([len(e["experts"]) for row in out["routing"] for e in row])
            ok = dmax <= TOL_NLL and ties == differ
            passed += ok
            failed += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {arch:9} {spec:40} max|dNLL| {dmax:.2e}  experts/token {used:.2f}  "
                  f"sets differing {differ} (near-ties {ties}) of {len(engine_sets)}", flush=True)
        del m
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
