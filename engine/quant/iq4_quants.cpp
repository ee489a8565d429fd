// The non-linear 4-bit formats, IQ4_NL (32-element blocks, an fp16 scale each)
// and IQ4_XS (256-element super-blocks, a 6-bit scale per 32 elements): each
// nibble indexes a 16-entry codebook (kvalues_iq4nl) rather than a uniform
// grid. Layouts from ggml-common.h. The quantizers follow ggml's
// quantize_iq4_nl / quantize_iq4_xs without an importance matrix (what
// ggml_quantize_chunk and so llama-quantize run), bit for bit.
#include "quant/block_codec.h"
#include "quant/iq_grids.h"
#include "quant/quant.h"

#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;
constexpr size_t iq4_nl_bytes = 2 + 16; // fp16 d, 16 nibble pairs
constexpr size_t iq4_xs_bytes = 2 + 2 + 4 + qk_k / 2; // fp16 d, scale high bits, scale low nibbles, nibbles

using iq::kvalues_iq4nl;

// Per 32 elements, byte j of 16 holds element j (low nibble) and j+16 (high);
// each nibble indexes the codebook.
inline void codebook32(const uint8_t* qs, int8_t* q) {
    i8x16 lo, hi;
    codebook_nibbles(kvalues_iq4nl, qs, &lo, &hi);
    std::memcpy(q, &lo, 16);
    std::memcpy(q + 16, &hi, 16);
}

MOE_DECODE void unpack_iq4_nl(const uint8_t* __restrict b, Levels<32>& L) {
    L.scale[0] = L.scale[1] = read_half(b);
    codebook32(b + 2, L.q);
}

// Sub-block ib's scale (6 bits, stored + 32): low nibble in scales_l[ib/2]
// (low nibble first), top two bits at bit 2*ib of the 16-bit scales_h.
MOE_DECODE void unpack_iq4_xs(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b);
    const uint16_t scales_h = read_u16(b + 2);
    const uint8_t* scales_l = b + 4;
    for (int ib = 0; ib < 8; ++ib) {
        const int ls = ((scales_l[ib / 2] >> (4 * (ib % 2))) & 0x0F) | (((scales_h >> (2 * ib)) & 3) << 4);
        L.scale[2 * ib] = L.scale[2 * ib + 1] = d * float(ls - 32);
        codebook32(b + 8 + 16 * ib, L.q + 32 * ib);
    }
}

// ---------------------------------------------------------------------------
// Quantizers.

// Index of the codebook value nearest to x (the lower one on a tie), by
// bisection over the sorted table.
int nearest_level(float x) {
    const int8_t* v = kvalues_iq4nl;
    if (x <= float(v[0])) return 0;
    if (x >= float(v[15])) return 15;
    int lo = 0, hi = 15;
    while (hi - lo > 1) {
        const int mid = (lo + hi) / 2;
        if (x < float(v[mid]))
            hi = mid;
        else
            lo = mid;
    }
    return x - float(v[hi - 1]) < float(v[hi]) - x ? hi - 1 : hi;
}

// Best scale for one 32-element block, weighting each element by x^2: put the
// largest magnitude on the codebook's end (-127), then try 15 neighbouring
// scales (ggml's ntry = 7), each refitted by weighted least squares, and keep
// the one with the largest (sum w q x)^2 / sum w q^2. L receives the levels of
// the first fit. 0 for an all-zero block.
float fit_block(const float* x, uint8_t* L) {
    constexpr int ntry = 7;
    float w[32];
    float amax = 0, vmax = 0;
    for (int j = 0; j < 32; ++j) {
        w[j] = x[j] * x[j];
        const float ax = std::fabs(x[j]);
        if (ax > amax) {
            amax = ax;
            vmax = x[j];
        }
    }
    if (amax < 1e-15f) return 0.0f; // ggml's GROUP_MAX_EPS
    const float v0 = float(kvalues_iq4nl[0]);
    float d = -vmax / v0;
    float id = 1 / d;
    float sumqx = 0, sumq2 = 0;
    for (int j = 0; j < 32; ++j) {
        const int l = nearest_level(id * x[j]);
        L[j] = uint8_t(l);
        const float q = float(kvalues_iq4nl[l]);
        sumqx += w[j] * q * x[j];
        sumq2 += w[j] * q * q;
    }
    d = sumq2 > 0 ? sumqx / sumq2 : 0.0f;
    float best = d * sumqx;
    for (int itry = -ntry; itry <= ntry; ++itry) {
        id = float(itry + kvalues_iq4nl[0]) / vmax;
        sumqx = sumq2 = 0;
        for (int j = 0; j < 32; ++j) {
            const float q = float(kvalues_iq4nl[nearest_level(id * x[j])]);
            sumqx += w[j] * q * x[j];
            sumq2 += w[j] * q * q;
        }
        if (sumq2 > 0 && sumqx * sumqx > best * sumq2) {
            d = sumqx / sumq2;
            best = d * sumqx;
        }
    }
    return d;
}

// Nibbles for 32 levels: element j low, j+16 high.
void pack_nibbles(const uint8_t* L, uint8_t* qs) {
    for (int j = 0; j < 16; ++j)
        qs[j] = uint8_t(L[j] | (L[16 + j] << 4));
}

void quantize_iq4_nl(const float* x, uint8_t* b) {
    uint8_t L[32];
    const float d = fit_block(x, L);
    write_u16(b, fp32_to_fp16(d));
    // levels against the unrounded scale, as ggml does
    const float id = d != 0.0f ? 1 / d : 0.0f;
    for (int j = 0; j < 32; ++j)
        L[j] = uint8_t(nearest_level(id * x[j]));
    pack_nibbles(L, b + 2);
}

void quantize_iq4_xs(const float* x, uint8_t* b) {
    uint8_t L[32];
    float scales[8];
    float max_scale = 0, amax_scale = 0;
    for (int ib = 0; ib < 8; ++ib) {
        scales[ib] = fit_block(x + 32 * ib, L);
        const float a = std::fabs(scales[ib]);
        if (a > amax_scale) {
            amax_scale = a;
            max_scale = scales[ib];
        }
    }
    // The largest scale goes to -32 in the 6-bit range; levels are then chosen
    // against each block's scale as stored (times the unrounded d).
    const float d = -max_scale / 32;
    write_u16(b, fp32_to_fp16(d));
    const float id = d != 0.0f ? 1 / d : 0.0f;
    uint16_t scales_h = 0;
    uint8_t* scales_l = b + 4;
    for (int ib = 0; ib < 8; ++ib) {
        const int l = std::clamp(nearest_int(id * scales[ib]), -32, 31);
        const float dl = d * float(l);
        const float idl = dl != 0.0f ? 1 / dl : 0.0f;
        for (int j = 0; j < 32; ++j)
            L[j] = uint8_t(nearest_level(idl * x[32 * ib + j]));
        pack_nibbles(L, b + 8 + 16 * ib);
        const int ls = l + 32;
        if (ib % 2 == 0)
            scales_l[ib / 2] = uint8_t(ls & 0x0F);
        else
            scales_l[ib / 2] = uint8_t(scales_l[ib / 2] | ((ls & 0x0F) << 4));
        scales_h = uint16_t(scales_h | ((ls >> 4) << (2 * ib)));
    }
    write_u16(b + 2, scales_h);
}

} // namespace

const BlockCodec codec_iq4_nl
    = MOE_LEVELS_CODEC(32, iq4_nl_bytes, unpack_iq4_nl, (&quantize_blocks<32, iq4_nl_bytes, quantize_iq4_nl>));
const BlockCodec codec_iq4_xs
    = MOE_LEVELS_CODEC(qk_k, iq4_xs_bytes, unpack_iq4_xs, (&quantize_blocks<qk_k, iq4_xs_bytes, quantize_iq4_xs>));

} // namespace moe::quant_detail
