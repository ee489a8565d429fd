#!/usr/bin/env python3
"""Print the model card's measured tables (markdown) from the recorded JSON files:
shakespeare-moe.train.json, shakespeare-moe.reference.json, shakespeare-moe.samples.json.
Standard library only."""

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    base = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "shakespeare-moe")
    ref = json.load(open(base + ".reference.json"))
    tr = json.load(open(base + ".train.json"))
    h = ref["heldout"]
    print("## Losses\n")
    f = tr["final"]
    print(f"- final training-batch CE (last logged step): {tr['step_log'][-1]['ce']} nats/byte")
    print(f"- train CE (PyTorch float32 checkpoint; {f['eval_windows']}): {f['train_ce_nats_per_byte']}")
    print(f"- held-out CE (float32 checkpoint): {f['heldout_ce_nats_per_byte']} (ppl {f['heldout_ppl']})")
    print(f"- held-out CE (exported Q8_0 weights, float64): {h['nll_mean']:.4f} (ppl {h['ppl']:.4f}); "
          f"unigram {h['unigram_nll_mean']:.4f} (ppl {h['unigram_ppl']:.4f})\n")
    print("## Specialisation (ratio = expert's share of a class / the class's share of all routed slots; "
          "classes > 1.5x listed)\n")
    for layer in ref["specialisation"]:
        cs = layer["class_share_of_slots"]
        print(f"Layer {layer['layer']} (class shares of slots: " +
              ", ".join(f"{k} {100 * v:.1f} %" for k, v in cs.items()) +
              f"; speaker-tag lines {100 * layer['speaker_tag_share_of_slots']:.1f} %)\n")
        print("| expert | load | lower | upper | space | punct | newline | speaker tag | above 1.5x |")
        print("|---|---|---|---|---|---|---|---|---|")
        tot = sum(e["slots"] for e in layer["experts"])
        for e in layer["experts"]:
            r = e["ratio"]
            print(f"| {e['expert']} | {100 * e['slots'] / tot:.1f} % | {r['lower']:.2f} | {r['upper']:.2f} | "
                  f"{r['space']:.2f} | {r['punct']:.2f} | {r['newline']:.2f} | {e['speaker_tag_ratio']:.2f} | "
                  f"{', '.join(e['above_1_5x']) or '-'} |")
        print()
    print("## Load balance (held-out)\n")
    print("| layer | load share per expert (%) | max/mean | mean/max | CV | H/ln E | coverage | stability |")
    print("|---|---|---|---|---|---|---|---|")
    for b in ref["load_balance"]:
        print(f"| {b['layer']} | {' '.join(f'{100 * s:.1f}' for s in b['load_share'])} | "
              f"{b['imbalance_max_over_mean']:.2f} | {b['balance_efficiency_mean_over_max']:.2f} | "
              f"{b['cv_std_over_mean']:.2f} | {b['normalised_entropy']:.3f} | {b['coverage']:.2f} | "
              f"{b['routing_stability']:.3f} |")
    sp = base + ".samples.json"
    if os.path.exists(sp):
        print("\n## Samples\n")
        for s in json.load(open(sp)):
            r = s["result"]
            print(f"`moe-cli {s['command']}`\n\n```\n{r['text']}\n```\n")


if __name__ == "__main__":
    main()
