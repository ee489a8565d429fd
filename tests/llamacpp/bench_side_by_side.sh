#!/usr/bin/env bash
# moe-cli and llama.cpp side by side on the same GGUF files, in one run (a benchmark, not a test).
#
#   tests/llamacpp/bench_side_by_side.sh [--cli PATH/TO/moe-cli] [-p 512] [-n 128] [-r 2] [--exact] MODEL.gguf...
#
# For each file, alternating which goes first: `moe-cli bench -p P -n 1 -r R --batch min(P,512)`
# then `-p 1 -n N -r R` (the prompt, then the decode from an empty context, as llama-bench's
# pp and tg tests; --no-record; the default fast path, --exact: the float-activation path) and llama.cpp's
# `llama-bench -p P -n N -r R -t $(nproc)` (built by setup.sh from the npm release; its
# default batch of 2048/512 takes the whole prompt at once), both on all cores. Prints one
# markdown table: file, test, both speeds, the ratio, the share of the measured read
# bandwidth each engine's decode reaches (weights read per token, as moe-cli counts them,
# times tokens/s, over the bandwidth moe-cli measures at start) and the 1-minute load
# average before each run, with the CPU model. The machine should be otherwise idle.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
cli=""
P=512 N=128 R=2
exact=()
models=()
while [[ $# -gt 0 ]]; do
    case $1 in
        --cli) cli=$2; shift 2 ;;
        -p) P=$2; shift 2 ;;
        -n) N=$2; shift 2 ;;
        -r) R=$2; shift 2 ;;
        --exact) exact=(--exact); shift ;;
        -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
        *) models+=("$1"); shift ;;
    esac
done
[[ ${#models[@]} -gt 0 ]] || { echo "usage: $0 [--cli moe-cli] [-p P] [-n N] [-r R] [--exact] MODEL.gguf..." >&2; exit 2; }
if [[ -z $cli ]]; then
    for c in "$repo/build/app/cli/moe-cli" "$repo"/build-*/app/cli/moe-cli; do
        [[ -x $c ]] && { cli=$c; break; }
    done
fi
[[ -x $cli ]] || { echo "bench_side_by_side: no moe-cli found; pass --cli PATH" >&2; exit 2; }

bin=$("$here/setup.sh" | tail -1)
threads=$(nproc)
batch=$(( P < 512 ? P : 512 ))
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

load() { cut -d' ' -f1 /proc/loadavg; }
# Two runs, as llama-bench's two tests: the prompt (P tokens, one decoded)
# and the decode from an empty context (1 prompt token, N decoded). Decoding
# after the P-token prompt would attend over P more positions than
# llama-bench's tg test does.
run_moe() {  # file index
    load >"$tmp/moe-$2.load"
    "$cli" bench "$1" -p "$P" -n 1 -r "$R" -t "$threads" --batch "$batch" "${exact[@]}" --no-record --json \
        >"$tmp/moe-$2.pp.json" 2>"$tmp/moe-$2.err" &&
    "$cli" bench "$1" -p 1 -n "$N" -r "$R" -t "$threads" "${exact[@]}" --no-record --json \
        >"$tmp/moe-$2.json" 2>>"$tmp/moe-$2.err" ||
        { echo "moe-cli bench failed on $1:" >&2; tail -5 "$tmp/moe-$2.err" >&2; exit 1; }
}
run_llama() {
    load >"$tmp/llama-$2.load"
    "$bin/llama-bench" -m "$1" -p "$P" -n "$N" -r "$R" -t "$threads" -o json >"$tmp/llama-$2.json" 2>"$tmp/llama-$2.err" ||
        { echo "llama-bench failed on $1:" >&2; tail -5 "$tmp/llama-$2.err" >&2; exit 1; }
}

i=0
for m in "${models[@]}"; do
    echo "bench_side_by_side: $(basename "$m") ($(( $(stat -c %s "$m") / 1000000 )) MB), load $(load)" >&2
    if (( i % 2 == 0 )); then run_moe "$m" $i; run_llama "$m" $i; else run_llama "$m" $i; run_moe "$m" $i; fi
    i=$((i + 1))
done

python3 - "$tmp" "$P" "$N" "$R" "${#exact[@]}" "${models[@]}" <<'EOF'
import json, os, sys
tmp, P, N, R, exact, models = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "unknown CPU")
bw = []
rows = []
for i, m in enumerate(models):
    moe = json.load(open(f"{tmp}/moe-{i}.json"))  # the decode run
    moe_pp = json.load(open(f"{tmp}/moe-{i}.pp.json"))
    lla = json.load(open(f"{tmp}/llama-{i}.json"))
    load_moe = open(f"{tmp}/moe-{i}.load").read().strip()
    load_lla = open(f"{tmp}/llama-{i}.load").read().strip()
    gbs = max(moe["memory_bandwidth"]["gb_per_s"], moe_pp["memory_bandwidth"]["gb_per_s"])
    bw.append(gbs)
    bytes_tok = moe.get("weight_bytes_per_token") or 0
    ll = {}
    for r in lla:
        if r.get("n_prompt") and not r.get("n_gen"):
            ll[f"pp{r['n_prompt']}"] = r["avg_ts"]
        elif r.get("n_gen") and not r.get("n_prompt"):
            ll[f"tg{r['n_gen']}"] = r["avg_ts"]
    size = os.path.getsize(m) / 1e9
    name = f"{os.path.basename(m)} ({size:.2f} GB)" if size >= 0.1 else f"{os.path.basename(m)} ({size * 1000:.0f} MB)"
    for test, ours in ((f"pp{P}", moe_pp["prompt_tokens_per_s"]["mean"]), (f"tg{N}", moe["gen_tokens_per_s"]["mean"])):
        theirs = ll.get(test)
        ratio = f"{ours / theirs:.2f}" if theirs else "n/a"
        share_ours = share_theirs = ""
        if test.startswith("tg") and bytes_tok and gbs:
            share_ours = f"{100 * ours * bytes_tok / (gbs * 1e9):.0f} %"
            if theirs:
                share_theirs = f"{100 * theirs * bytes_tok / (gbs * 1e9):.0f} %"
        rows.append(f"| {name} | {test} | {ours:.2f} | {theirs:.2f} | {ratio} | {share_ours} | {share_theirs} "
                    f"| {load_moe} / {load_lla} |" if theirs else
                    f"| {name} | {test} | {ours:.2f} | n/a | n/a | {share_ours} | | {load_moe} / {load_lla} |")
        name = '"'
load = os.getloadavg()[0]
path = "exact path (--exact)" if exact else "fast path"
print(f"CPU: {cpu}, {os.cpu_count()} threads (load average {load:.1f} at the end); read bandwidth measured by "
      f"moe-cli bench: {max(bw):.1f} GB/s (best of the runs). llama.cpp v0.5.0 (npm @node-llama-cpp/linux-x64@3.22.1, "
      f"llama-bench -r {R} -t {os.cpu_count()}); moe-cli bench -r {R} --batch {min(P, 512)}, {path}; alternating per file.\n")
print("| file | test | moe-cli tok/s | llama.cpp tok/s | ratio | moe-cli bandwidth share | llama.cpp bandwidth share "
      "| load (moe / llama) |")
print("|---|---|---|---|---|---|---|---|")
print("\n".join(rows))
EOF
