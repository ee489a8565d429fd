// The lattice i-quants: IQ2_XXS, IQ2_XS, IQ2_S, IQ3_XXS, IQ3_S, IQ1_S, IQ1_M.
// Groups of 8 (or 4) weights are stored as an index into a fixed grid of
// magnitude patterns (iq_grids.cpp) plus signs and a small per-32 scale, on
// 256-element super-blocks with one fp16 scale. Layouts from ggml-common.h;
// decoding only: ggml's quantizers for these need an importance matrix.
#include "quant/block_codec.h"
#include "quant/iq_grids.h"

#include <array>

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;
constexpr size_t iq2_xxs_bytes = 2 + 64; // d; per 32: 4 grid bytes, then 4x7 sign bits + 4-bit scale
constexpr size_t iq2_xs_bytes = 2 + 64 + 8; // d; 32 uint16 (9-bit grid index, 7 sign bits); 2 scales per byte
constexpr size_t iq2_s_bytes = 2 + 32 + 32 + 8 + 8; // d; grid low bytes; sign bytes; grid high bits; scales
constexpr size_t iq3_xxs_bytes = 2 + 64 + 32; // d; 64 grid bytes; per 32: 4x7 sign bits + 4-bit scale
constexpr size_t iq3_s_bytes = 2 + 64 + 8 + 32 + 4; // d; grid low bytes; grid high bits; signs; scales
constexpr size_t iq1_s_bytes = 2 + 32 + 16; // d; grid low bytes; per 32 a uint16 (high bits, scale, delta sign)
constexpr size_t iq1_m_bytes = 32 + 16 + 8; // grid low bytes; high bits + delta signs; scales (and d's bits)

using iq::ksigns_iq2xs;

// The lattice formats are first unpacked to what they mean: 256 signed int8
// levels (for the sign-and-grid formats, grid magnitude with its sign) and a
// float scale per 16 weights. Decoding multiplies them out; ggml computes db * grid * (+-1), and
// db * (+-grid) is the same float, as rounding is symmetric. The AVX2 dot
// multiplies the levels into x directly.
// 8 grid magnitudes (1..127, one per byte) negated where the sign byte says,
// all at once: two's complement per byte, (g ^ 0xFF) + 1, never carries into
// the next byte because g > 0.
inline void signed8(uint64_t grid, uint8_t signs, int8_t* q) {
    const uint64_t m = k_sign_masks[signs];
    const uint64_t v = (grid ^ m) + (m & 0x0101010101010101ull);
    std::memcpy(q, &v, 8);
}

// Two 4-byte grid entries side by side (the IQ3 formats).
inline uint64_t join4(uint32_t a, uint32_t b) {
    return uint64_t(a) | (uint64_t(b) << 32);
}

// IQ2_XXS: per 32 weights, 4 bytes of grid indices (8 weights each) and a
// uint32 whose top 4 bits are the scale and whose 4 x 7 low bits index the
// even-parity sign patterns.
MOE_DECODE void unpack_iq2_xxs(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    for (int ib = 0; ib < 8; ++ib) {
        const uint8_t* q = b + 2 + 8 * ib;
        const uint32_t aux = read_u32(q + 4);
        L.scale[2 * ib] = L.scale[2 * ib + 1] = d * (0.5f + float(aux >> 28)) * 0.25f;
        for (int l = 0; l < 4; ++l)
            signed8(iq::iq2xxs_grid[q[l]], ksigns_iq2xs[(aux >> (7 * l)) & 127], L.q + 32 * ib + 8 * l);
    }
}

// IQ2_XS: a uint16 per 8 weights (9-bit grid index, 7-bit sign index) and a
// 4-bit scale per 16 weights.
MOE_DECODE void unpack_iq2_xs(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint8_t* scales = b + 66;
    for (int ib = 0; ib < 8; ++ib) {
        L.scale[2 * ib] = d * (0.5f + float(scales[ib] & 0x0F)) * 0.25f;
        L.scale[2 * ib + 1] = d * (0.5f + float(scales[ib] >> 4)) * 0.25f;
        for (int l = 0; l < 4; ++l) {
            const uint16_t q = read_u16(b + 2 + 2 * (4 * ib + l));
            signed8(iq::iq2xs_grid[q & 511], ksigns_iq2xs[q >> 9], L.q + 32 * ib + 8 * l);
        }
    }
}

// IQ2_S: 10-bit grid indices (low byte in qs, 2 high bits per group in
// qh[ib]), a full sign byte per 8 weights, a 4-bit scale per 16 weights.
MOE_DECODE void unpack_iq2_s(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* signs = b + 34;
    const uint8_t* qh = b + 66;
    const uint8_t* scales = b + 74;
    for (int ib = 0; ib < 8; ++ib, qs += 4, signs += 4) {
        L.scale[2 * ib] = d * (0.5f + float(scales[ib] & 0x0F)) * 0.25f;
        L.scale[2 * ib + 1] = d * (0.5f + float(scales[ib] >> 4)) * 0.25f;
        for (int l = 0; l < 4; ++l) {
            const int idx = qs[l] | ((qh[ib] << (8 - 2 * l)) & 0x300);
            signed8(iq::iq2s_grid[idx], signs[l], L.q + 32 * ib + 8 * l);
        }
    }
}

// IQ3_XXS: a byte per 4 weights indexes a grid of 4-byte patterns; per 32
// weights a uint32 of 4 x 7 sign bits and a 4-bit scale, as IQ2_XXS.
MOE_DECODE void unpack_iq3_xxs(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* scales_and_signs = b + 66;
    for (int ib = 0; ib < 8; ++ib, qs += 8) {
        const uint32_t aux = read_u32(scales_and_signs + 4 * ib);
        L.scale[2 * ib] = L.scale[2 * ib + 1] = d * (0.5f + float(aux >> 28)) * 0.5f;
        for (int l = 0; l < 4; ++l) {
            const uint64_t entry = join4(iq::iq3xxs_grid[qs[2 * l]], iq::iq3xxs_grid[qs[2 * l + 1]]);
            signed8(entry, ksigns_iq2xs[(aux >> (7 * l)) & 127], L.q + 32 * ib + 8 * l);
        }
    }
}

// IQ3_S: 9-bit grid indices (low byte in qs, high bit from qh: one qh byte per
// 32 weights, bit k for the k-th group of 4), a sign byte per 8 weights and a
// 4-bit odd scale (1 + 2s) per 32 weights.
MOE_DECODE void unpack_iq3_s(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    const uint8_t* qh = b + 66;
    const uint8_t* signs = b + 74;
    const uint8_t* scales = b + 106;
    for (int ib = 0; ib < 8; ++ib, qs += 8, signs += 4) {
        const int s = ib % 2 == 0 ? scales[ib / 2] & 0x0F : scales[ib / 2] >> 4;
        L.scale[2 * ib] = L.scale[2 * ib + 1] = d * float(1 + 2 * s);
        for (int l = 0; l < 4; ++l) {
            const int i1 = qs[2 * l] | ((qh[ib] << (8 - 2 * l)) & 256);
            const int i2 = qs[2 * l + 1] | ((qh[ib] << (7 - 2 * l)) & 256);
            signed8(join4(iq::iq3s_grid[i1], iq::iq3s_grid[i2]), signs[l], L.q + 32 * ib + 8 * l);
        }
    }
}

// The codec of a lattice format (decode only: its quantizer needs an importance matrix).
#define MOE_IQ_CODEC(Bytes, Unpack) MOE_LEVELS_CODEC(qk_k, Bytes, Unpack, nullptr)

// The 1-bit formats: dl * (grid value in {-1, 0, 1} + delta), delta = +-1/8
// per group of 8, as levels 8g +- 1 at scale dl/8. Dividing by 8 is exact and
// (dl/8) * (8g +- 1) rounds the same real number as ggml's dl * (g +- 1/8),
// so the decoded floats still match it bit for bit.
inline void grid1_levels(uint64_t entry, bool negative_delta, int8_t* q) {
    int8_t g[8];
    std::memcpy(g, &entry, 8);
    const int delta = negative_delta ? -1 : 1;
    for (int j = 0; j < 8; ++j)
        q[j] = int8_t(8 * g[j] + delta);
}

// IQ1_S: 11-bit grid indices (low byte in qs, 3 high bits each from the
// per-32 uint16 qh), which also holds a 3-bit odd scale (bits 12-14) and the
// sign of the shared offset delta (bit 15).
MOE_DECODE void unpack_iq1_s(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    for (int ib = 0; ib < 8; ++ib, qs += 4) {
        const uint16_t qh = read_u16(b + 34 + 2 * ib);
        L.scale[2 * ib] = L.scale[2 * ib + 1] = d * float(2 * ((qh >> 12) & 7) + 1) * 0.125f;
        for (int l = 0; l < 4; ++l) {
            grid1_levels(iq::iq1s_grid[qs[l] | (((qh >> (3 * l)) & 7) << 8)], qh & 0x8000, L.q + 32 * ib + 8 * l);
        }
    }
}

// IQ1_M: as IQ1_S, but each qh nibble holds one group's 3 high index bits and
// its own delta sign, the odd scales are 3 bits per 16 weights, and the fp16
// super-block scale is spread over the top nibbles of the four uint16 scales.
MOE_DECODE void unpack_iq1_m(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const uint8_t* qs = b;
    const uint8_t* qh = b + 32;
    uint16_t sc[4];
    std::memcpy(sc, b + 48, sizeof sc);
    const uint16_t dbits
        = uint16_t((sc[0] >> 12) | ((sc[1] >> 8) & 0x00F0) | ((sc[2] >> 4) & 0x0F00) | (sc[3] & 0xF000));
    const float d = half_to_float(dbits);
    for (int ib = 0; ib < 8; ++ib, qs += 4, qh += 2) {
        const int shift = 6 * (ib % 2);
        L.scale[2 * ib] = d * float(2 * ((sc[ib / 2] >> shift) & 7) + 1) * 0.125f;
        L.scale[2 * ib + 1] = d * float(2 * ((sc[ib / 2] >> (shift + 3)) & 7) + 1) * 0.125f;
        for (int l = 0; l < 4; ++l) {
            const uint8_t h = uint8_t(qh[l / 2] >> (4 * (l % 2))); // this group's nibble
            grid1_levels(iq::iq1s_grid[qs[l] | ((h & 7) << 8)], h & 0x08, L.q + 32 * ib + 8 * l);
        }
    }
}

} // namespace

const BlockCodec codec_iq2_xxs = MOE_IQ_CODEC(iq2_xxs_bytes, unpack_iq2_xxs);
const BlockCodec codec_iq2_xs = MOE_IQ_CODEC(iq2_xs_bytes, unpack_iq2_xs);
const BlockCodec codec_iq2_s = MOE_IQ_CODEC(iq2_s_bytes, unpack_iq2_s);
const BlockCodec codec_iq3_xxs = MOE_IQ_CODEC(iq3_xxs_bytes, unpack_iq3_xxs);
const BlockCodec codec_iq3_s = MOE_IQ_CODEC(iq3_s_bytes, unpack_iq3_s);
const BlockCodec codec_iq1_s = MOE_IQ_CODEC(iq1_s_bytes, unpack_iq1_s);
const BlockCodec codec_iq1_m = MOE_IQ_CODEC(iq1_m_bytes, unpack_iq1_m);

} // namespace moe::quant_detail
