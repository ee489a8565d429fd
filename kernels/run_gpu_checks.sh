#!/usr/bin/env bash
# The GPU checks of the CUDA backend, one command each, for a machine with an
# NVIDIA GPU and the CUDA toolkit (nvcc, cuBLAS) but without Qt: builds the
# engine and moe-cli only (MOE_BUILD_TESTS=OFF), then runs the stages asked for.
#
#   kernels/run_gpu_checks.sh [--deps PREFIX] [--out DIR] [--build DIR] STAGE...
#
# Stages (default: build selftest bench-all):
#   build                     configure and build moe-cli with MOE_CUDA=ON
#   selftest                  moe-cli selftest --backend cuda (per-op checks + parity of every arch/type)
#   bench PRESET QUANT        make-model --preset PRESET --quant QUANT, then
#                             moe-cli bench -p 512 -n 128 -r 5 --json on the GPU (and delete the model)
#   bench-all                 bench for olmoe-1b-7b and qwen3-30b-a3b at Q8_0 and Q4_K
#
# --deps PREFIX: an unpacked `dpkg -x` tree of the Debian libraries the engine
#   needs (spdlog, fmt, sqlite3, pcre2, zstd, xxhash, utf8proc, nlohmann-json,
#   CLI11 and their -dev packages); used for CMAKE_PREFIX_PATH, PKG_CONFIG_PATH
#   (with PKG_CONFIG_SYSROOT_DIR) and LD_LIBRARY_PATH. Env MOE_DEPS_PREFIX works too.
# --out DIR: where results go (default: $OUT when set, else ./gpu-results).
# Every stage writes its log to DIR; the exit status is non-zero if a stage failed.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEPS=${MOE_DEPS_PREFIX:-}
RESULTS=${OUT:-$ROOT/gpu-results}
BUILD=$ROOT/build-gpu
MODELS=${MOE_MODEL_DIR:-/tmp/moe-gpu-models}
stages=()
while [ $# -gt 0 ]; do
  case "$1" in
    --deps) DEPS=$(cd "$2" && pwd); shift 2 ;;
    --out) RESULTS=$2; shift 2 ;;
    --build) BUILD=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) stages+=("$1"); shift ;;
  esac
done
[ ${#stages[@]} -eq 0 ] && stages=(build selftest bench-all)
mkdir -p "$RESULTS" "$MODELS"

if [ -n "$DEPS" ]; then
  multi=usr/lib/x86_64-linux-gnu
  export CMAKE_PREFIX_PATH="$DEPS/usr${CMAKE_PREFIX_PATH:+:$CMAKE_PREFIX_PATH}"
  export PKG_CONFIG_PATH="$DEPS/$multi/pkgconfig:$DEPS/usr/share/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  export PKG_CONFIG_SYSROOT_DIR="$DEPS"
  export LD_LIBRARY_PATH="$DEPS/$multi:$DEPS/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
export PATH="/usr/local/cuda/bin:$PATH"
CLI=$BUILD/app/cli/moe-cli
status=0

do_build() {
  local gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S "$ROOT" -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DMOE_BUILD_TESTS=OFF -DMOE_CUDA=ON \
      -DCMAKE_CUDA_ARCHITECTURES="${MOE_CUDA_ARCHS:-90}" 2>&1 | tee "$RESULTS/configure.log" || return 1
  fi
  cmake --build "$BUILD" -j"$(nproc)" --target moe-cli 2>&1 | tee "$RESULTS/build.log" | grep -E "error|warning: |Linking" ; test -x "$CLI"
}

do_selftest() {
  { nvidia-smi || true; } > "$RESULTS/nvidia-smi.txt" 2>&1
  "$CLI" selftest --backend cuda 2>&1 | tee "$RESULTS/selftest.txt"
  return "${PIPESTATUS[0]}"
}

do_bench() {
  local preset=$1 quant=$2 model="$MODELS/$1-$2.gguf"
  if [ ! -f "$model" ]; then
    "$CLI" make-model --preset "$preset" --quant "$quant" -t "$(nproc)" -o "$model" 2>&1 | tail -n 2 || return 1
  fi
  "$CLI" bench "$model" --backend cuda -p 512 -n 128 -r 5 --json --no-record \
      > "$RESULTS/bench-$preset-$quant.json" 2> "$RESULTS/bench-$preset-$quant.log"
  local rc=$?
  cat "$RESULTS/bench-$preset-$quant.json"; tail -n 5 "$RESULTS/bench-$preset-$quant.log"
  [ -n "${MOE_KEEP_MODELS:-}" ] || rm -f "$model"
  return $rc
}

run_stage() {  # name, command...
  local name=$1; shift
  echo "=== $name"
  local t0=$SECONDS
  "$@"; local rc=$?
  echo "=== $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)") in $((SECONDS - t0)) s"
  [ $rc -eq 0 ] || status=1
}

i=0
while [ $i -lt ${#stages[@]} ]; do
  s=${stages[$i]}
  case "$s" in
    build) run_stage build do_build ;;
    selftest) [ -x "$CLI" ] || run_stage build do_build; run_stage selftest do_selftest ;;
    bench)
      p=${stages[$((i+1))]:-}; q=${stages[$((i+2))]:-}; i=$((i+2))
      [ -x "$CLI" ] || run_stage build do_build
      run_stage "bench $p $q" do_bench "$p" "$q" ;;
    bench-all)
      [ -x "$CLI" ] || run_stage build do_build
      for p in olmoe-1b-7b qwen3-30b-a3b; do for q in Q8_0 Q4_K; do run_stage "bench $p $q" do_bench "$p" "$q"; done; done ;;
    *) echo "unknown stage '$s' (build, selftest, bench PRESET QUANT, bench-all)"; exit 2 ;;
  esac
  i=$((i+1))
done
exit $status
