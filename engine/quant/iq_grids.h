#pragma once
// Lookup tables that define ggml's i-quant and FP4 formats, extracted from
// llama.cpp's ggml-common.h into iq_grids.cpp by extract_iq_grids.py.
#include <cstdint>

namespace moe::iq {

// The 128 sign patterns of 8 values with an even number of minus signs: bits
// 0-6 are stored, bit 7 restores even parity. Bit j set: element j negative.
extern const uint8_t ksigns_iq2xs[128];
// IQ4_NL / IQ4_XS levels (a 16-entry non-uniform codebook).
extern const int8_t kvalues_iq4nl[16];
// E2M1 (FP4) values doubled, so they are integers: MXFP4's codebook.
extern const int8_t kvalues_fp4[16];
// Lattice points: each entry packs 8 (uint64) or 4 (uint32) byte magnitudes,
// element 0 in the lowest byte.
extern const uint64_t iq2xxs_grid[256];
extern const uint64_t iq2xs_grid[512];
extern const uint64_t iq2s_grid[1024];
extern const uint32_t iq3xxs_grid[256];
extern const uint32_t iq3s_grid[512];
// IQ1_S / IQ1_M: 8 int8 values in {-1, 0, 1} per entry.
extern const uint64_t iq1s_grid[2048];

} // namespace moe::iq
