#!/usr/bin/env bash
# Regenerates tests/tokenizer/goldens/llamacpp-{kimi-k2,glm4,dbrx}.jsonl: llama.cpp v0.5.0's own
# llama_tokenize on the 2,663-line corpus, for vocabularies written with those pre-tokenizer names
# (see tests/tst_pretokenizers.cpp), and checks the engine against them.
#
#   tests/llamacpp/make_pretokenizer_goldens.sh [BUILD_DIR]   (default: build)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${1:-$repo/build}
"$here/setup.sh" >/dev/null
cmake --build "$build" --target tst_pretokenizers
MOE_WRITE_GOLDENS=1 "$build/tests/tst_pretokenizers"
