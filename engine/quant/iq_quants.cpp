// The lattice i-quants: IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M.
// Groups of 8 (or 4) weights are stored as an index into a fixed grid of
// magnitude patterns (iq_grids.cpp) plus signs and a small per-32 scale, on
// 256-element super-blocks with one fp16 scale. Layouts from ggml-common.h;
// decoding only: ggml's quantizers for these need an importance matrix.
#include "quant/block_codec.h"
#include "quant/iq_grids.h"

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;
constexpr size_t iq2_xxs_bytes = 2 + 64;         // d; per 32: 4 grid bytes, then 4x7 sign bits + 4-bit scale
constexpr size_t iq2_xs_bytes = 2 + 64 + 8;      // d; 32 uint16 (9-bit grid index, 7 sign bits); 2 scales per byte
constexpr size_t iq2_s_bytes = 2 + 32 + 32 + 8 + 8; // d; grid low bytes; sign bytes; grid high bits; scales
constexpr size_t iq3_xxs_bytes = 2 + 64 + 32;    // d; 64 grid bytes; per 32: 4x7 sign bits + 4-bit scale
constexpr size_t iq3_s_bytes = 2 + 64 + 8 + 32 + 4; // d; grid low bytes; grid high bits; signs; scales
constexpr size_t iq1_s_bytes = 2 + 32 + 16;      // d; grid low bytes; per 32 a uint16 (high bits, scale, delta sign)
constexpr size_t iq1_m_bytes = 32 + 16 + 8;      // grid low bytes; high bits + delta signs; scales (and d's bits)

using iq::ksigns_iq2xs;

// 8 weights: db * grid byte, negated where the sign byte has the bit set.
// (ggml multiplies by -1.f or 1.f, which is exactly a negation; flipping the
// sign bit does the same without a branch, which random signs would
// mispredict half the time.)
MOE_DECODE void signed_grid8(float db, uint64_t entry, uint8_t signs, float* __restrict y) {
    u8x8 g;
    std::memcpy(&g, &entry, sizeof g);
    const f32x8 v = db * to_f32x8(g);
    const u32x8 bit = {1, 2, 4, 8, 16, 32, 64, 128};
    const u32x8 neg = u32x8(((u32x8{} + signs) & bit) == bit) & 0x80000000u;
    store8(y, f32x8(u32x8(v) ^ neg));
}

// Two 4-byte grid entries side by side (the IQ3 formats).
inline uint64_t join4(uint32_t a, uint32_t b) { return uint64_t(a) | (uint64_t(b) << 32); }

// IQ2_XXS: per 32 weights, 4 bytes of grid indices (8 weights each) and a
// uint32 whose top 4 bits are the scale and whose 4 x 7 low bits index the
// even-parity sign patterns.
MOE_DECODE void decode_iq2_xxs(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    for (int ib = 0; ib < 8; ++ib) {
        const uint8_t* q = b + 2 + 8 * ib;
        const uint32_t aux = read_u32(q + 4);
        const float db = d * (0.5f + float(aux >> 28)) * 0.25f;
        for (int l = 0; l < 4; ++l, y += 8) {
            signed_grid8(db, iq::iq2xxs_grid[q[l]], ksigns_iq2xs[(aux >> (7 * l)) & 127], y);
        }
    }
}

// IQ2_XS: a uint16 per 8 weights (9-bit grid index, 7-bit sign index) and a
// 4-bit scale per 16 weights.
MOE_DECODE void decode_iq2_xs(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* scales = b + 66;
    for (int ib = 0; ib < 8; ++ib) {
        const float db[2] = {d * (0.5f + float(scales[ib] & 0x0F)) * 0.25f,
                             d * (0.5f + float(scales[ib] >> 4)) * 0.25f};
        for (int l = 0; l < 4; ++l, y += 8) {
            const uint16_t q = read_u16(b + 2 + 2 * (4 * ib + l));
            signed_grid8(db[l / 2], iq::iq2xs_grid[q & 511], ksigns_iq2xs[q >> 9], y);
        }
    }
}

// IQ2_S: 10-bit grid indices (low byte in qs, 2 high bits per group in
// qh[ib]), a full sign byte per 8 weights, a 4-bit scale per 16 weights.
MOE_DECODE void decode_iq2_s(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* signs = b + 34;
    const uint8_t* qh = b + 66;
    const uint8_t* scales = b + 74;
    for (int ib = 0; ib < 8; ++ib, qs += 4, signs += 4) {
        const float db[2] = {d * (0.5f + float(scales[ib] & 0x0F)) * 0.25f,
                             d * (0.5f + float(scales[ib] >> 4)) * 0.25f};
        for (int l = 0; l < 4; ++l, y += 8) {
            const int idx = qs[l] | ((qh[ib] << (8 - 2 * l)) & 0x300);
            signed_grid8(db[l / 2], iq::iq2s_grid[idx], signs[l], y);
        }
    }
}

// IQ3_XXS: a byte per 4 weights indexes a grid of 4-byte patterns; per 32
// weights a uint32 of 4 x 7 sign bits and a 4-bit scale, as IQ2_XXS.
MOE_DECODE void decode_iq3_xxs(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* scales_and_signs = b + 66;
    for (int ib = 0; ib < 8; ++ib, qs += 8) {
        const uint32_t aux = read_u32(scales_and_signs + 4 * ib);
        const float db = d * (0.5f + float(aux >> 28)) * 0.5f;
        for (int l = 0; l < 4; ++l, y += 8) {
            const uint64_t entry = join4(iq::iq3xxs_grid[qs[2 * l]], iq::iq3xxs_grid[qs[2 * l + 1]]);
            signed_grid8(db, entry, ksigns_iq2xs[(aux >> (7 * l)) & 127], y);
        }
    }
}

// IQ3_S: 9-bit grid indices (low byte in qs, high bit from qh: one qh byte per
// 32 weights, bit k for the k-th group of 4), a sign byte per 8 weights and a
// 4-bit odd scale (1 + 2s) per 32 weights.
MOE_DECODE void decode_iq3_s(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* qh = b + 66;
    const uint8_t* signs = b + 74;
    const uint8_t* scales = b + 106;
    for (int ib = 0; ib < 8; ++ib, qs += 8, signs += 4) {
        const int s = ib % 2 == 0 ? scales[ib / 2] & 0x0F : scales[ib / 2] >> 4;
        const float db = d * float(1 + 2 * s);
        for (int l = 0; l < 4; ++l, y += 8) {
            const int i1 = qs[2 * l] | ((qh[ib] << (8 - 2 * l)) & 256);
            const int i2 = qs[2 * l + 1] | ((qh[ib] << (7 - 2 * l)) & 256);
            signed_grid8(db, join4(iq::iq3s_grid[i1], iq::iq3s_grid[i2]), signs[l], y);
        }
    }
}

// 8 weights of the 1-bit formats: dl * (grid value in {-1, 0, 1} + delta).
MOE_DECODE void grid1_8(float dl, float delta, uint64_t entry, float* __restrict y) {
    i8x8 g;
    std::memcpy(&g, &entry, sizeof g);
    store8(y, dl * (to_f32x8(g) + delta));
}

constexpr float iq1_delta = 0.125f; // ggml's IQ1S_DELTA (= IQ1M_DELTA)

// IQ1_S: 11-bit grid indices (low byte in qs, 3 high bits each from the
// per-32 uint16 qh), which also holds a 3-bit odd scale (bits 12-14) and the
// sign of the shared offset delta (bit 15).
MOE_DECODE void decode_iq1_s(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    for (int ib = 0; ib < 8; ++ib, qs += 4) {
        const uint16_t qh = read_u16(b + 34 + 2 * ib);
        const float dl = d * float(2 * ((qh >> 12) & 7) + 1);
        const float delta = qh & 0x8000 ? -iq1_delta : iq1_delta;
        for (int l = 0; l < 4; ++l, y += 8) grid1_8(dl, delta, iq::iq1s_grid[qs[l] | (((qh >> (3 * l)) & 7) << 8)], y);
    }
}

// IQ1_M: as IQ1_S, but each qh nibble holds one group's 3 high index bits and
// its own delta sign, the odd scales are 3 bits per 16 weights, and the fp16
// super-block scale is spread over the top nibbles of the four uint16 scales.
MOE_DECODE void decode_iq1_m(const uint8_t* __restrict b, float* __restrict y) {
    const uint8_t* qs = b;
    const uint8_t* qh = b + 32;
    uint16_t sc[4];
    std::memcpy(sc, b + 48, sizeof sc);
    const uint16_t dbits = uint16_t((sc[0] >> 12) | ((sc[1] >> 8) & 0x00F0) | ((sc[2] >> 4) & 0x0F00) | (sc[3] & 0xF000));
    const float d = half_to_float(dbits);
    for (int ib = 0; ib < 8; ++ib, qs += 4, qh += 2) {
        const int shift = 6 * (ib % 2);
        const float dl1 = d * float(2 * ((sc[ib / 2] >> shift) & 7) + 1);
        const float dl2 = d * float(2 * ((sc[ib / 2] >> (shift + 3)) & 7) + 1);
        for (int l = 0; l < 4; ++l, y += 8) {
            const uint8_t h = uint8_t(qh[l / 2] >> (4 * (l % 2))); // this group's nibble
            const int idx = qs[l] | ((h & 7) << 8);
            const float delta = h & 0x08 ? -iq1_delta : iq1_delta;
            grid1_8(l < 2 ? dl1 : dl2, delta, iq::iq1s_grid[idx], y);
        }
    }
}

} // namespace

const BlockCodec codec_iq2_xxs = MOE_BLOCK_CODEC(qk_k, iq2_xxs_bytes, decode_iq2_xxs, nullptr);
const BlockCodec codec_iq2_xs = MOE_BLOCK_CODEC(qk_k, iq2_xs_bytes, decode_iq2_xs, nullptr);
const BlockCodec codec_iq2_s = MOE_BLOCK_CODEC(qk_k, iq2_s_bytes, decode_iq2_s, nullptr);
const BlockCodec codec_iq3_xxs = MOE_BLOCK_CODEC(qk_k, iq3_xxs_bytes, decode_iq3_xxs, nullptr);
const BlockCodec codec_iq3_s = MOE_BLOCK_CODEC(qk_k, iq3_s_bytes, decode_iq3_s, nullptr);
const BlockCodec codec_iq1_s = MOE_BLOCK_CODEC(qk_k, iq1_s_bytes, decode_iq1_s, nullptr);
const BlockCodec codec_iq1_m = MOE_BLOCK_CODEC(qk_k, iq1_m_bytes, decode_iq1_m, nullptr);

} // namespace moe::quant_detail
