#!/usr/bin/env bash
# The llama.cpp reference, from the npm registry (issue 13).
#
#   tests/llamacpp/setup.sh [DIR]      (DIR defaults to build-llamacpp/ at the repository root)
#
# Installs node-llama-cpp@3.22.1 (llama.cpp v0.5.0 as a git bundle) and
# @node-llama-cpp/linux-x64@3.22.1 (its prebuilt CPU libraries) into DIR,
# clones the source from the bundle, and builds, each with one g++ call
# against the prebuilt libraries:
#   DIR/bin/llama-quantize  llama-imatrix  llama-bench  llama-perplexity   (llama.cpp's tools)
#   DIR/bin/llama-logits    (ours: tests/llamacpp/llama_logits.cpp, per-position NLL and routing as JSON)
#   DIR/bin/llama-tokenize-lines (ours: tests/llamacpp/llama_tokenize_lines.cpp, llama_tokenize over a corpus)
# DIR/bin also links the CPU variants (libggml-cpu-*.so) that ggml picks at run
# time from the executable's folder. DIR/src is the llama.cpp source (gguf-py,
# convert_hf_to_gguf.py, models/templates, models/ggml-vocab-*.gguf).
#
# Idempotent: what is there and up to date is kept. Exit status: 0 ready,
# 77 (CTest's skip) only when npm is missing or the registry cannot be reached,
# 1 for any other failure, with the reason on stderr.
set -euo pipefail

NLC_VERSION=3.22.1
LLAMA_TAG=v0.5.0
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
dir=${1:-$repo/build-llamacpp}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

say() { echo "setup.sh: $*" >&2; }
fail() { say "error: $*"; exit 1; }
skip() { say "SKIP: $*"; exit 77; }

command -v g++ >/dev/null || fail "g++ is not installed (packaging/install-deps.sh installs it)"
command -v git >/dev/null || fail "git is not installed (packaging/install-deps.sh installs it)"

# One set-up at a time per folder (tests may start it side by side).
exec 9>"$dir/.setup.lock"
flock 9

# --- npm packages --------------------------------------------------------------
pkg=$dir/node_modules/node-llama-cpp
bins=$dir/node_modules/@node-llama-cpp/linux-x64/bins/linux-x64
installed_version() { sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$1/package.json" 2>/dev/null | head -1; }
if [[ "$(installed_version "$pkg")" != "$NLC_VERSION" || ! -f "$bins/libllama.v0.5.0.so" ]]; then
    command -v npm >/dev/null || skip "npm is not installed, so the llama.cpp reference cannot be fetched (Debian: apt-get install npm)"
    say "installing node-llama-cpp@$NLC_VERSION and @node-llama-cpp/linux-x64@$NLC_VERSION into $dir (npm, about 120 MB)"
    [[ -f "$dir/package.json" ]] || echo '{"private": true}' >"$dir/package.json"
    log=$dir/npm-install.log
    if ! (cd "$dir" && npm install --ignore-scripts --no-audit --no-fund --loglevel=error \
            "node-llama-cpp@$NLC_VERSION" "@node-llama-cpp/linux-x64@$NLC_VERSION") >"$log" 2>&1; then
        tail -n 15 "$log" >&2
        if grep -qiE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|socket hang up' "$log"; then
            skip "the npm registry cannot be reached (see $log)"
        fi
        fail "npm install failed (see $log)"
    fi
    [[ -f "$bins/libllama.v0.5.0.so" ]] || fail "npm installed no $bins/libllama.v0.5.0.so (wrong platform package?)"
fi

# --- llama.cpp source from the bundle --------------------------------------------
src=$dir/src
if [[ ! -f "$src/include/llama.h" ]]; then
    say "cloning llama.cpp $LLAMA_TAG from $pkg/llama/gitRelease.bundle into $src"
    rm -rf "$src"
    git -c advice.detachedHead=false clone --quiet "$pkg/llama/gitRelease.bundle" "$src" >&2
    [[ -f "$src/include/llama.h" ]] || fail "cloning the bundle gave no include/llama.h"
fi

# --- the tools, one g++ call each ---------------------------------------------------
bin=$dir/bin
mkdir -p "$bin"
for so in "$bins"/libggml-cpu-*.so; do ln -sf "$so" "$bin/$(basename "$so")"; done

cxx_flags=(-std=c++17 -O2 -pthread -I "$src/include" -I "$src/ggml/include" -I "$src/common" -I "$src/vendor")
ld_flags=(-L "$bins" -l:libllama.v0.5.0.so -l:libllama-common.so -l:libggml.v0.5.0.so -l:libggml-base.so
          "-Wl,-rpath,$bins")

build() {  # build NAME SOURCES...
    local name=$1; shift
    local out=$bin/$name newest=0 s t
    for s in "$@"; do t=$(stat -c %Y "$s"); ((t > newest)) && newest=$t; done
    if [[ -x "$out" ]] && (( $(stat -c %Y "$out") >= newest )); then return; fi
    say "building $name"
    local t0=$SECONDS
    g++ "${cxx_flags[@]}" "$@" -o "$out.tmp" "${ld_flags[@]}" || fail "building $name failed (g++ output above)"
    mv "$out.tmp" "$out"
    say "built $name in $((SECONDS - t0)) s"
}

build llama-quantize "$src/tools/quantize/main.cpp" "$src/tools/quantize/quantize.cpp"
build llama-imatrix "$src/tools/imatrix/imatrix.cpp"
build llama-bench "$src/tools/llama-bench/main.cpp" "$src/tools/llama-bench/llama-bench.cpp"
build llama-perplexity "$src/tools/perplexity/main.cpp" "$src/tools/perplexity/perplexity.cpp"
cxx_flags+=("-DLLAMA_BINS_DIR=\"$bins\"")
build llama-logits "$here/llama_logits.cpp"
build llama-tokenize-lines "$here/llama_tokenize_lines.cpp"

"$bin/llama-logits" --version >/dev/null 2>&1 || fail "$bin/llama-logits does not run (libraries in $bins?)"
say "ready: llama.cpp $LLAMA_TAG tools in $bin"
echo "$bin"
