#!/usr/bin/env bash
# Builds the GPU check's bundle on a development machine: a stripped Release
# moe-cli for sm_90 (H100/H200) and every shared library it needs that a
# machine with only the CUDA toolkit lacks, found with ldd, in one
# git-ignored folder (gpu-bundle/, under 60 MB) that travels to the GPU
# machine beside the source tree. Then proves the bundle starts from a clean
# environment (env -i) with nothing but that folder: see gpu_check.py --dry-run.
#
#   kernels/gpu_check/make_bundle.sh [BUILD_DIR]      (default build-gpu-bundle)
#
# Left out on purpose: glibc (libc, libm, ld-linux, ...), which every Linux
# has, and cuBLAS, which the CUDA toolkit there has (libcublasLt alone is
# ~500 MB). libstdc++ and libgcc_s go to lib/fallback, used only when the
# machine's own are older than the build's (gpu_check.py decides).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$ROOT/build-gpu-bundle}
BUNDLE=$ROOT/gpu-bundle
LIMIT=$((60 * 1000 * 1000))
export PATH="/usr/local/cuda/bin:$PATH"

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_CUDA_COMPILER_LAUNCHER=ccache)
cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DMOE_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES=90 \
    -DMOE_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
cmake --build "$BUILD" -j"$(nproc)" --target moe-cli

rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/lib/fallback"
strip -o "$BUNDLE/moe-cli" "$BUILD/app/cli/moe-cli"

# every library ldd resolves, except glibc's and the CUDA toolkit's
system='^(linux-vdso|ld-linux|libc\.|libm\.|libpthread\.|libdl\.|librt\.|libresolv\.|libcublas|libcublasLt|libcuda\.)'
ldd "$BUNDLE/moe-cli" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }' | while read -r name path; do
    if [[ $name =~ $system ]]; then continue; fi
    case $name in
        libstdc++*|libgcc_s*) cp -L "$path" "$BUNDLE/lib/fallback/$name" ;;
        *) cp -L "$path" "$BUNDLE/lib/$name" ;;
    esac
done
strip --strip-unneeded "$BUNDLE"/lib/*.so* "$BUNDLE"/lib/fallback/*.so* 2>/dev/null || true

{
    "$BUNDLE/moe-cli" --version 2>/dev/null | head -n1
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m), nvcc $(nvcc --version | sed -n 's/.*release \([0-9.]*\).*/\1/p'), sm_90, Release"
    echo "git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "libraries: $(cd "$BUNDLE/lib" && ls *.so* 2>/dev/null | tr '\n' ' ')"
    echo "fallback: $(cd "$BUNDLE/lib/fallback" && ls 2>/dev/null | tr '\n' ' ')"
} > "$BUNDLE/MANIFEST"

size=$(du -sb "$BUNDLE" | cut -f1)
echo "gpu-bundle: $((size / 1000000)) MB ($(ls "$BUNDLE/lib" | grep -c '\.so') libraries + fallback)"
cat "$BUNDLE/MANIFEST"
if [ "$size" -gt "$LIMIT" ]; then
    echo "gpu-bundle is over 60 MB" >&2
    exit 1
fi
