// libFuzzer entry point for the GGUF reader: any byte string must either
// parse or be refused with a GgufError, never crash or read past the buffer.
// Build: cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DMOE_FUZZ=ON
// Run:   build-fuzz/tests/fuzz_gguf -max_total_time=60
#include "gguf/gguf.h"

#include <cstdint>
#include <cstring>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // an exact-size heap copy, so ASan sees any read past the end
    std::unique_ptr<uint8_t[]> copy(new uint8_t[size ? size : 1]);
    if (size) std::memcpy(copy.get(), data, size);
    try {
        moe::GgufFile f = moe::GgufFile::from_memory(copy.get(), size, "fuzz");
        // touch what a loader would: every tensor's bytes and every key
        volatile uint8_t sink = 0;
        for (const auto& t : f.tensors()) {
            if (t.nbytes) sink = sink ^ t.data[0] ^ t.data[t.nbytes - 1];
        }
        for (const auto& kv : f.kvs())
            sink = sink ^ uint8_t(kv.key.size());
    } catch (const moe::GgufError&) { }
    return 0;
}
