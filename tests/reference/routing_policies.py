"""Routing policies written from their definitions (README "Routing lab"), apart from the
engine's C++ (engine/runtime/routing_policy.cpp), in float64 numpy:

  mask       masked experts leave the router's distribution (logit -inf: softmax over the rest)
  top-k      the k most probable (ties to the lower id)
  top-p      the fewest experts whose probabilities sum to at least p of the (unmasked) total,
             clamped to [min, max]
  entropy    k = min + round(H / ln(n_unmasked) * (max - min)), H the router's entropy
  force      forced experts are always among the chosen, which are at least as many
  skip       after choosing: drop experts whose weight, renormalised over the chosen, is under
             the threshold (never the largest, never a forced one)
  weights    the family's rule: renormalised over the chosen (norm_topk) or the raw probabilities

A policy is a dict: kind, k, p, k_min, k_max, skip, mask, force (lists of (layer or None, expert)),
parsed from the engine's text (top-p=0.8,min=1,max=4,mask=1:3,...) by parse().
"""

from __future__ import annotations

import numpy as np


def parse(text: str, model_k: int) -> dict:
    pol = {"kind": "top-k", "k": model_k, "p": 0.9, "k_min": 1, "k_max": model_k, "skip": 0.0,
           "mask": [], "force": []}
    for item in [s.strip() for s in text.split(",") if s.strip()]:
        key, _, val = item.partition("=")
        if key == "top-k":
            pol["kind"], pol["k"] = "top-k", int(val)
        elif key == "top-p":
            pol["kind"], pol["p"] = "top-p", float(val)
        elif key == "entropy":
            pol["kind"] = "entropy"
        elif key == "min":
            pol["k_min"] = int(val)
        elif key == "max":
            pol["k_max"] = int(val)
        elif key == "skip":
            pol["skip"] = float(val)
        elif key in ("mask", "force"):
            layer, _, e = val.rpartition(":")
            pol[key].append((int(layer) if layer else None, int(e)))
        else:
            raise ValueError(f"unknown policy key {key}")
    return pol


def applies(ref, layer):
    return ref[0] is None or ref[0] == layer


def choose(pol: dict, layer: int, logits: np.ndarray, norm_topk: bool, follow=None):
    """-> (ids by descending weight, weights as applied, probabilities). `follow`: an expert
    set to take instead of the choice (to follow the engine through an exact near-tie)."""
    logits = np.asarray(logits, dtype=np.float64)
    n = logits.shape[0]
    masked = {e for (l, e) in pol["mask"] if l is None or l == layer}
    live = np.array([e not in masked for e in range(n)])
    z = np.where(live, logits, -np.inf)
    probs = np.exp(z - z[live].max())
    probs = probs / probs.sum()
    forced = sorted({e for (l, e) in pol["force"] if l is None or l == layer})
    ranked = sorted([e for e in range(n) if live[e]], key=lambda e: (-probs[e], e))
    if pol["kind"] == "top-k":
        count = pol["k"]
    elif pol["kind"] == "top-p":
        total = probs[live].sum()
        cum, count = 0.0, len(ranked)
        for i, e in enumerate(ranked):
            cum += probs[e]
            if cum >= pol["p"] * total:
                count = i + 1
                break
        count = min(max(count, pol["k_min"]), pol["k_max"])
    else:
        q = probs[live] / probs[live].sum()
        h = -float(np.sum(q[q > 0] * np.log(q[q > 0])))
        hn = h / np.log(len(ranked)) if len(ranked) > 1 else 0.0
        count = pol["k_min"] + int(np.floor(hn * (pol["k_max"] - pol["k_min"]) + 0.5))
    count = min(max(count, len(forced)), len(ranked))
    chosen = list(forced)
    for e in ranked:
        if len(chosen) >= count:
            break
        if e not in chosen:
            chosen.append(e)
    if follow is not None:  # the engine's final set (after skip)
        chosen = sorted((int(e) for e in follow), key=lambda e: (-probs[e], e))
        w = np.array([probs[e] for e in chosen])
        return chosen, (w / w.sum() if norm_topk else w), probs
    chosen.sort(key=lambda e: (-probs[e], e))
    if pol["skip"] > 0:
        s = sum(probs[e] for e in chosen)
        chosen = [e for j, e in enumerate(chosen) if j == 0 or e in forced or probs[e] / s >= pol["skip"]]
    w = np.array([probs[e] for e in chosen])
    if norm_topk:
        w = w / w.sum()
    return chosen, w, probs
