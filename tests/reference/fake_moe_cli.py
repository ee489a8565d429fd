#!/usr/bin/env python3
"""Test helper only: a stand-in for `moe-cli` that speaks the same command-line and JSON
contract, so that check_against_engine.py can be exercised end to end before (or without)
the real engine. It is never used to produce reference numbers.

  fake_moe_cli.py make-model --arch A --preset tiny --quant Q --seed S -o PATH
  fake_moe_cli.py score PATH --tokens 1,2,3 --json --backend cpu [--exact] [--top-k N]

FAKE_MOE_BUG=<name> makes `score` wrong on purpose, to prove the checker catches it:
  nll      adds 1e-3 to every nll
  norm     flips the arch's top-k renormalisation
  rope     uses the other RoPE pairing
  order    reports the experts in ascending gate order
  count    drops the last token's routing entry
  flip     swaps the k-th and (k+1)-th expert at one (token, layer) and follows that choice
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
if __name__ == "__main__":
    from _deps import ensure_deps
    ensure_deps()

import moe_reference as ref  # noqa: E402
from tiny_models import make_tiny  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    mk = sub.add_parser("make-model")
    mk.add_argument("--arch", required=True)
    mk.add_argument("--preset", default="tiny")
    mk.add_argument("--quant", default="F32")
    mk.add_argument("--seed", type=int, default=0)
    mk.add_argument("-o", required=True)
    sc = sub.add_parser("score")
    sc.add_argument("model")
    sc.add_argument("--tokens", required=True)
    sc.add_argument("--json", action="store_true")
    sc.add_argument("--backend", default="cpu")
    sc.add_argument("--top-k", type=int, default=None)
    sc.add_argument("--exact", action="store_true")  # the reference is always exact
    a = ap.parse_args()
    if a.cmd == "make-model":
        make_tiny(a.o, a.arch, a.quant, seed=a.seed)
        print(f"wrote {a.o}", file=sys.stderr)
        return 0
    bug = os.environ.get("FAKE_MOE_BUG", "")
    m = ref.Model(a.model)
    if bug == "norm":
        m.conv = dict(m.conv, norm_topk=not m.conv["norm_topk"])
    if bug == "rope":
        m.conv = dict(m.conv, rope="norm" if m.conv["rope"] == "neox" else "neox")
    tokens = [int(s) for s in a.tokens.split(",")]
    forced = {}
    if bug == "flip":
        # swap the k-th expert for the (k+1)-th at the middle token, layer 0, and follow it
        base = ref.forward(m, tokens, top_k=a.top_k)
        ent = base["routing"][len(tokens) // 2][0]
        order = sorted(range(len(ent["router_probs"])), key=lambda i: -ent["router_probs"][i])
        k = len(ent["experts"])
        forced[(len(tokens) // 2, 0)] = order[:k - 1] + [order[k]]
    res = ref.forward(m, tokens, top_k=a.top_k, forced_routing=forced, want_probs=False)
    out = ref.to_json_dict(res)
    for k in ("arch", "n_vocab", "n_layer", "n_expert"):
        out.pop(k)
    # float32-like noise, as an engine computing in single precision would show
    out["nll"] = [v * (1 + 3e-7) for v in out["nll"]]
    if bug == "nll":
        out["nll"] = [v + 1e-3 for v in out["nll"]]
    if bug == "order":
        for layers in out["routing"]:
            for e in layers:
                e["experts"].reverse()
                e["weights"].reverse()
    if bug == "count":
        out["routing"][-1].pop()
    print("loading model ... (a log line the checker must skip)")
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
