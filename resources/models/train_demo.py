#!/usr/bin/env python3
"""Train the bundled demo MoE model on Tiny Shakespeare (byte-level), on CPU.

    nice -n 10 /usr/bin/python3 resources/models/train_demo.py \
        [--data ../shared/data/tinyshakespeare.txt] [--steps N] [--out resources/models/work]

Split: first 90 % of the bytes for training, last 10 % held out (never trained on).
Seeded and deterministic (fixed seed, fixed batch sampling order, deterministic algorithms,
fixed thread count). Writes OUT/checkpoint.pt and resources/models/shakespeare-moe.train.json
(settings, seed, step losses, final train/held-out loss, wall time, threads, CPU model).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))


def _ensure_torch():
    try:
        import torch  # noqa: F401
    except ImportError:
        system = "/usr/bin/python3"
        if os.path.exists(system) and os.path.realpath(sys.executable) != os.path.realpath(system):
            os.execv(system, [system] + sys.argv)
        sys.exit("train_demo.py needs PyTorch (Debian: apt install python3-torch)")


_ensure_torch()
import torch  # noqa: E402

sys.path.insert(0, HERE)
from demo_model import Config, MoELM, count_params  # noqa: E402


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def blas_library():
    """The BLAS shared object this process loaded (Debian's alternatives: netlib reference
    BLAS is ~5x slower than OpenBLAS for these matrix sizes)."""
    try:
        with open("/proc/self/maps") as f:
            libs = sorted({line.split()[-1] for line in f if "blas" in line.lower() and ".so" in line})
        return [os.path.realpath(p) for p in libs]
    except OSError:
        return []


def load_split(path):
    data = open(path, "rb").read()
    n_train = int(len(data) * 0.9)
    return data, torch.tensor(list(data[:n_train]), dtype=torch.long), torch.tensor(list(data[n_train:]), dtype=torch.long)


@torch.no_grad()
def evaluate(model, data, T, max_windows=None, batch=16):
    """Mean NLL (nats/byte) over non-overlapping windows of T+1 bytes (each scored from an
    empty context, as moe-cli score does)."""
    model.eval()
    n = (len(data) - 1) // T
    if max_windows:
        n = min(n, max_windows)
    tot, cnt = 0.0, 0
    for i in range(0, n, batch):
        idx = torch.stack([data[j * T:j * T + T + 1] for j in range(i, min(n, i + batch))])
        logits, _ = model(idx[:, :-1])
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), idx[:, 1:].reshape(-1),
                                                 reduction="sum")
        tot += float(loss)
        cnt += idx[:, 1:].numel()
    model.train()
    return tot / cnt


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(REPO, "..", "shared", "data", "tinyshakespeare.txt"))
    ap.add_argument("--out", default=os.path.join(HERE, "work"))
    ap.add_argument("--log", default=os.path.join(HERE, "shakespeare-moe.train.json"))
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=40)
    ap.add_argument("--wd", type=float, default=0.1)
    ap.add_argument("--aux-coef", type=float, default=0.01)
    ap.add_argument("--z-coef", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-ff-exp", type=int, default=256)
    ap.add_argument("--n-ctx", type=int, default=256)
    ap.add_argument("--log-every", type=int, default=25)
    ap.add_argument("--eval-every", type=int, default=150)
    ap.add_argument("--probe", type=int, default=0, help="time this many steps and exit")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)

    cfg = Config(n_embd=args.n_embd, n_layer=args.n_layer, n_ff_exp=args.n_ff_exp, n_ctx=args.n_ctx)
    raw, train, held = load_split(os.path.abspath(args.data))
    model = MoELM(cfg)
    total, active = count_params(cfg)
    assert total == sum(p.numel() for p in model.parameters()), "param count formula out of date"
    print(f"params total {total:,} active {active:,}; train {len(train):,} B, held-out {len(held):,} B", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "router" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "router" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.wd},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    def lr_at(step):
        if step < args.warmup:
            return args.lr * (step + 1) / args.warmup
        p = (step - args.warmup) / max(1, args.steps - args.warmup)
        return args.lr * (args.min_lr_frac + (1 - args.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))

    gen = torch.Generator().manual_seed(args.seed + 1)
    T, B = cfg.n_ctx, args.batch
    steps = args.probe or args.steps
    log_steps = []
    evals = []
    t0 = time.time()
    for step in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        off = torch.randint(0, len(train) - T - 1, (B,), generator=gen)
        idx = torch.stack([train[o:o + T + 1] for o in off.tolist()])
        logits, auxes = model(idx[:, :-1])
        ce = torch.nn.functional.cross_entropy(logits.reshape(-1, cfg.n_vocab), idx[:, 1:].reshape(-1))
        lb = sum(a["lb"] for a in auxes) / cfg.n_layer
        z = sum(a["z"] for a in auxes) / cfg.n_layer
        loss = ce + args.aux_coef * lb + args.z_coef * z
        opt.zero_grad(set_to_none=True)
        loss.backward()
        gnorm = torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % args.log_every == 0 or step == steps - 1:
            el = time.time() - t0
            rec = {"step": step, "ce": round(float(ce), 4), "lb": round(float(lb), 4), "z": round(float(z), 3),
                   "gnorm": round(float(gnorm), 3), "lr": round(lr_at(step), 6), "elapsed_s": round(el, 1)}
            log_steps.append(rec)
            print(json.dumps(rec), flush=True)
        if args.eval_every and step > 0 and step % args.eval_every == 0 and not args.probe:
            hl = evaluate(model, held, T, max_windows=64)
            evals.append({"step": step, "heldout_ce_64w": round(hl, 4)})
            print(json.dumps(evals[-1]), flush=True)
    wall = time.time() - t0
    if args.probe:
        print(f"{steps} steps in {wall:.1f}s = {wall / steps:.2f}s/step")
        return

    os.makedirs(args.out, exist_ok=True)
    ckpt = os.path.join(args.out, "checkpoint.pt")
    torch.save({"config": cfg.to_dict(), "state_dict": model.state_dict(), "seed": args.seed}, ckpt)
    print("evaluating ...", flush=True)
    t1 = time.time()
    final_train = evaluate(model, train[:len(held)], T)   # same number of bytes as held-out
    final_held = evaluate(model, held, T)
    eval_s = time.time() - t1
    log = {
        "model": "shakespeare-moe",
        "config": cfg.to_dict(),
        "params_total": total,
        "params_active": active,
        "data": {"path": os.path.basename(args.data), "bytes": len(raw), "train_bytes": len(train),
                 "heldout_bytes": len(held), "split": "first 90% train, last 10% held out"},
        "settings": {k: v for k, v in vars(args).items() if k not in ("data", "out", "log", "probe")},
        "optimizer": "AdamW(betas=(0.9,0.95), eps=1e-8), weight decay on matrices except router; "
                     "linear warmup then cosine to min_lr_frac*lr; grad clip 1.0",
        "loss": "cross-entropy + aux_coef * mean_layers(E * sum_e f_e P_e) + z_coef * mean_layers(z-loss)",
        "step_log": log_steps,
        "heldout_evals": evals,
        "final": {"train_ce_nats_per_byte": round(final_train, 4),
                  "heldout_ce_nats_per_byte": round(final_held, 4),
                  "heldout_ppl": round(math.exp(final_held), 4),
                  "eval_windows": f"non-overlapping {T}-byte windows scored from an empty context; "
                                  f"train figure on the first {len(held):,} training bytes"},
        "wall_time_s": round(wall, 1),
        "eval_time_s": round(eval_s, 1),
        "threads": args.threads,
        "blas": blas_library(),
        "env": {k: os.environ.get(k) for k in ("OPENBLAS_NUM_THREADS", "OMP_WAIT_POLICY", "LD_LIBRARY_PATH")
                if os.environ.get(k)},
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "torch": torch.__version__,
    }
    with open(args.log, "w") as f:
        json.dump(log, f, indent=1)
    print(json.dumps(log["final"]), f"wall {wall:.0f}s", flush=True)


if __name__ == "__main__":
    main()
