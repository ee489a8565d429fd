#!/usr/bin/env python3
"""Evaluate the EXPORTED demo model (dequantized GGUF weights) in PyTorch (float64) and record
what the engine must reproduce.

    /usr/bin/python3 resources/models/eval_demo.py [--model resources/models/shakespeare-moe.gguf]
        [--data ../shared/data/tinyshakespeare.txt] [--windows 16] [--cli build/app/cli/moe-cli]

Writes resources/models/shakespeare-moe.reference.json:
  * the agreement windows: the first `--windows` non-overlapping 256-byte windows of the held-out
    10 % (token ids = bytes), each scored from an empty context as `moe-cli score` does, with
    NLL sum / count / perplexity and the top-k expert ids (descending gate order) of every token
    at every layer, plus the gap between the k-th and (k+1)-th router probability;
  * held-out perplexity over ALL non-overlapping 256-byte held-out windows, and the unigram
    baseline (byte frequencies of the training 90 %, add-one smoothed) on the same bytes;
  * token-class specialisation and load-balance metrics per layer over all held-out windows.
With --cli it also records sample generations (moe-cli generate) in
resources/models/shakespeare-moe.samples.json. --markdown prints the model-card tables.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

try:
    import numpy as np
    import torch
except ImportError:
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != "/usr/bin/python3" \
            and not os.environ.get("MOE_DEMO_REEXEC"):
        os.environ["MOE_DEMO_REEXEC"] = "1"
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    raise

sys.path.insert(0, HERE)
from export_gguf import load_into_model  # noqa: E402

CLASSES = ["lower", "upper", "space", "punct", "newline", "other"]


def byte_class(b):
    if 97 <= b <= 122:
        return 0
    if 65 <= b <= 90:
        return 1
    if b == 32:
        return 2
    if b == 10:
        return 4
    if 33 <= b <= 126 and not (48 <= b <= 57):
        return 3
    return 5


def speaker_mask(data: bytes):
    """1 for bytes on a speaker-tag line ("ROMEO:", "First Citizen:"): a line that ends with ':'
    and follows a blank line (or starts the text)."""
    m = np.zeros(len(data), dtype=bool)
    lines = data.split(b"\n")
    pos = 0
    prev_blank = True
    for ln in lines:
        if ln.endswith(b":") and prev_blank and 0 < len(ln) < 40:
            m[pos:pos + len(ln)] = True
        prev_blank = len(ln) == 0
        pos += len(ln) + 1
    return m


@torch.no_grad()
def run_windows(model, windows):
    """windows: (N, T) long -> nll (N, T-1) float64, topk ids (N, T, L, k), probs (N, T, L, E)."""
    nlls, tops, probs = [], [], []
    for i in range(0, len(windows), 8):
        idx = windows[i:i + 8]
        logits, aux = model(idx)
        lp = torch.log_softmax(logits[:, :-1], -1)
        nlls.append(-lp.gather(-1, idx[:, 1:, None])[..., 0])
        B, T = idx.shape
        tops.append(torch.stack([a["topi"].view(B, T, -1) for a in aux], 2))
        probs.append(torch.stack([a["probs"].view(B, T, -1) for a in aux], 2))
    return torch.cat(nlls).numpy(), torch.cat(tops).numpy(), torch.cat(probs).numpy()


def balance_metrics(counts, topk_seq, k):
    """counts: (E,) routed slots; topk_seq: (N, T, k) ids for one layer."""
    c = counts.astype(np.float64)
    E = len(c)
    share = c / c.sum()
    nz = share[share > 0]
    inter = [len(set(a) & set(b)) / k for w in topk_seq for a, b in zip(w[1:].tolist(), w[:-1].tolist())]
    return {
        "load_share": [round(float(s), 4) for s in share],
        "imbalance_max_over_mean": round(float(c.max() / c.mean()), 3),
        "balance_efficiency_mean_over_max": round(float(c.mean() / c.max()), 3),
        "cv_std_over_mean": round(float(c.std() / c.mean()), 3),
        "normalised_entropy": round(float(-(nz * np.log(nz)).sum() / math.log(E)), 4),
        "coverage": round(float((c > 0).mean()), 3),
        "coverage_1pct": round(float((share >= 0.01).mean()), 3),
        "routing_stability": round(float(np.mean(inter)), 4),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=os.path.join(HERE, "shakespeare-moe.gguf"))
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "tinyshakespeare.txt"))
    ap.add_argument("--out", default=os.path.join(HERE, "shakespeare-moe.reference.json"))
    ap.add_argument("--windows", type=int, default=16, help="agreement windows recorded for the test")
    ap.add_argument("--cli", help="moe-cli, to record sample generations")
    ap.add_argument("--samples-out", default=os.path.join(HERE, "shakespeare-moe.samples.json"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--heldout-windows", type=int, default=0, help="limit the held-out windows (0: all; for smoke tests)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)

    model, meta = load_into_model(args.model)
    model = model.double().eval()
    c = model.c
    T, k, E, L = c.n_ctx, c.n_expert_used, c.n_expert, c.n_layer
    raw = open(args.data, "rb").read()
    n_train = int(len(raw) * 0.9)
    train, held = raw[:n_train], raw[n_train:]
    n_win = len(held) // T
    if args.heldout_windows:
        n_win = min(n_win, args.heldout_windows)
    wins = torch.tensor(list(held[:n_win * T]), dtype=torch.long).view(n_win, T)
    nll, topk, probs = run_windows(model, wins)          # all held-out windows, float64

    # agreement windows (the first --windows of them)
    sp = np.sort(probs, axis=-1)[..., ::-1]
    gap = sp[..., k - 1] - sp[..., k]                      # (N, T, L)
    rec = []
    for w in range(args.windows):
        s = float(nll[w].sum())
        rec.append({"offset_in_heldout": w * T, "tokens": wins[w].tolist(), "nll_sum": s,
                    "n_pred": int(nll.shape[1]), "ppl": math.exp(s / nll.shape[1]),
                    "topk": topk[w].tolist(),
                    "gap": np.round(gap[w], 6).tolist()})
    agg_nll = sum(r["nll_sum"] for r in rec) / sum(r["n_pred"] for r in rec)

    # held-out perplexity and the unigram baseline on the same predicted bytes
    heldout_nll = float(nll.mean())
    cnt = np.bincount(np.frombuffer(train, dtype=np.uint8), minlength=256).astype(np.float64) + 1.0
    logp = np.log(cnt / cnt.sum())
    targets = wins[:, 1:].numpy()
    unigram_nll = float(-logp[targets].mean())

    # specialisation: token classes of the routed token, per expert vs the class's share of slots
    hb = np.frombuffer(held[:n_win * T], dtype=np.uint8).reshape(n_win, T)
    cls = np.vectorize(byte_class)(hb)                   # (N, T)
    spk = speaker_mask(held[:n_win * T]).reshape(n_win, T)
    spec, balance = [], []
    for il in range(L):
        ids = topk[:, :, il, :]                          # (N, T, k)
        M = np.zeros((E, len(CLASSES)))
        S = np.zeros(E)
        for j in range(k):
            np.add.at(M, (ids[..., j].ravel(), cls.ravel()), 1)
            np.add.at(S, ids[..., j].ravel(), spk.ravel())
        counts = M.sum(1)
        class_share = M.sum(0) / M.sum()
        spk_share = S.sum() / M.sum()
        experts = []
        for e in range(E):
            es = M[e] / max(counts[e], 1)
            ratio = es / np.maximum(class_share, 1e-12)
            sr = (S[e] / max(counts[e], 1)) / spk_share
            experts.append({"expert": e, "slots": int(counts[e]),
                            "class_share": {n: round(float(v), 4) for n, v in zip(CLASSES, es)},
                            "ratio": {n: round(float(v), 2) for n, v in zip(CLASSES, ratio)},
                            "speaker_tag_ratio": round(float(sr), 2),
                            "above_1_5x": [n for n, v in zip(CLASSES, ratio) if v > 1.5]
                                          + (["speaker-tag"] if sr > 1.5 else [])})
        spec.append({"layer": il, "class_share_of_slots": {n: round(float(v), 4) for n, v in zip(CLASSES, class_share)},
                     "speaker_tag_share_of_slots": round(float(spk_share), 4), "experts": experts})
        balance.append({"layer": il, **balance_metrics(counts, ids, k)})

    sha = hashlib.sha256(open(args.model, "rb").read()).hexdigest()
    out = {
        "model": os.path.basename(args.model),
        "model_sha256": sha,
        "computed_by": "resources/models/eval_demo.py: PyTorch float64 on the dequantized GGUF weights",
        "window_tokens": T,
        "top_k": k,
        "n_layer": L,
        "agreement": {"windows": rec, "nll_mean": agg_nll, "ppl": math.exp(agg_nll),
                      "n_pred": sum(r["n_pred"] for r in rec)},
        "heldout": {"windows": n_win, "bytes_predicted": int(nll.size), "nll_mean": heldout_nll,
                    "ppl": math.exp(heldout_nll), "unigram_nll_mean": unigram_nll,
                    "unigram_ppl": math.exp(unigram_nll),
                    "note": "non-overlapping 256-byte windows of the last 10 %, each from an empty context; "
                            "unigram: add-one smoothed byte frequencies of the training 90 %"},
        "specialisation": spec,
        "load_balance": balance,
    }
    with open(args.out, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    print(f"held-out: {n_win} windows, nll {heldout_nll:.4f} nats/byte, ppl {math.exp(heldout_nll):.4f}; "
          f"unigram nll {unigram_nll:.4f}, ppl {math.exp(unigram_nll):.4f}")
    print(f"agreement windows: {args.windows}, ppl {math.exp(agg_nll):.4f}; wrote {args.out}")

    if args.cli:
        samples = []
        for prompt, seed in (("ROMEO:\n", 1), ("First Citizen:\n", 2), ("KING RICHARD III:\nNow is the ", 3)):
            toks = ",".join(str(b) for b in prompt.encode())
            cmd = [args.cli, "generate", args.model, "--tokens", toks, "-n", "200", "--temp", "0.8",
                   "--seed", str(seed), "--json"]
            r = subprocess.run(cmd, capture_output=True, text=True, check=True)
            j = json.loads(r.stdout)
            toks = j["tokens"]
            samples.append({"prompt": prompt, "seed": seed,
                            "command": " ".join(cmd[1:]).replace(args.model, "MODEL"),
                            "result": {"tokens": toks, "stop": j.get("stop"),
                                       "text": prompt + bytes(t for t in toks if t < 256).decode("utf-8", "replace")}})
        with open(args.samples_out, "w") as f:
            json.dump(samples, f, indent=1)
        print(f"wrote {args.samples_out}")


if __name__ == "__main__":
    main()
