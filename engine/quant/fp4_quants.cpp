// The 4-bit float formats: MXFP4 (OCP microscaling, one E8M0 power of two per
// 32 weights; gpt-oss ships its experts in it) and NVFP4 (an unsigned E4M3
// scale per 16 weights). Each nibble is an E2M1 code, a float in
// {0, 0.5, 1, 1.5, 2, 3, 4, 6} with a sign, held doubled in kvalues_fp4 so the
// table is integral; the scales are halved to match. Layouts from
// ggml-common.h; quantizers as ggml's reference ones (deterministic, no
// importance matrix), bit for bit.
#include "quant/block_codec.h"
#include "quant/iq_grids.h"

#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr size_t mxfp4_bytes = 1 + 16; // E8M0 exponent, 16 pairs of codes
constexpr size_t nvfp4_bytes = 4 + 32; // four UE4M3 scales, 32 pairs of codes

using iq::kvalues_fp4;

// UE4M3: 4 exponent bits (bias 7) and 3 mantissa bits; bit 7 is ignored and
// 0x7F (E4M3's NaN) reads as 0, as in ggml. Halved, as the codes are doubled:
// m * 2^-10 when the exponent field is 0, else (8 + m) * 2^(e-11). Every step
// is exact, so this equals ggml's ldexpf form.
inline float ue4m3_half(uint8_t x) {
    if (x == 0 || x == 0x7F) return 0.0f;
    const int e = (x >> 3) & 0x0F, m = x & 7;
    if (e == 0) return float(m) * 0x1p-10f;
    return float(8 + m) * std::bit_cast<float>(uint32_t(e - 11 + 127) << 23);
}

// Per 32 weights (MXFP4) or 16 (NVFP4 sub-block): byte j holds weight j in
// its low nibble and weight j + half in its high nibble. Decoding multiplies
// the scale by the code's value, as ggml does (value * d).
MOE_DECODE void unpack_mxfp4(const uint8_t* __restrict b, Levels<32>& L) {
    L.scale[0] = L.scale[1] = e8m0_half(b[0]);
    i8x16 lo, hi;
    codebook_nibbles(kvalues_fp4, b + 1, &lo, &hi);
    std::memcpy(L.q, &lo, 16);
    std::memcpy(L.q + 16, &hi, 16);
}

MOE_DECODE void unpack_nvfp4(const uint8_t* __restrict b, Levels<64>& L) {
    // codes for sub-blocks 0-1 (bytes 4-19) and 2-3 (20-35): each 8-byte half
    // holds one sub-block, low nibbles first
    for (int pair = 0; pair < 2; ++pair) {
        i8x16 lo, hi;
        codebook_nibbles(kvalues_fp4, b + 4 + 16 * pair, &lo, &hi);
        for (int h = 0; h < 2; ++h) {
            const int s = 2 * pair + h;
            L.scale[s] = ue4m3_half(b[s]);
            std::memcpy(L.q + 16 * s, reinterpret_cast<const char*>(&lo) + 8 * h, 8);
            std::memcpy(L.q + 16 * s + 8, reinterpret_cast<const char*>(&hi) + 8 * h, 8);
        }
    }
}

// ---------------------------------------------------------------------------
// Quantizers.

// The code nearest to x at scale d; the first of equally near codes.
int nearest_fp4(float x, float d) {
    int best = 0;
    float best_err = std::fabs(float(kvalues_fp4[0]) * d - x);
    for (int i = 1; i < 16; ++i) {
        const float err = std::fabs(float(kvalues_fp4[i]) * d - x);
        if (err < best_err) {
            best = i;
            best_err = err;
        }
    }
    return best;
}

float absmax(const float* x, int n) {
    float amax = 0.0f;
    for (int j = 0; j < n; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    return amax;
}

// The shared exponent puts the largest magnitude in [4, 8) times 2^(e-127):
// near the top codes (4, 6), above 6 clipping to it. ggml derives it with
// log2f, and so do we, to agree where log2f rounds up just below a power of two.
void quantize_mxfp4(const float* x, uint8_t* b) {
    const float amax = absmax(x, 32);
    int e = 0;
    if (amax > 0.0f) e = std::clamp(int(std::floor(std::log2(amax)) - 2.0f + 127.0f), 0, 255);
    b[0] = uint8_t(e);
    const float d = e8m0_half(uint8_t(e));
    for (int j = 0; j < 16; ++j)
        b[1 + j] = uint8_t(nearest_fp4(x[j], d) | (nearest_fp4(x[j + 16], d) << 4));
}

// UE4M3 nearest to x > 0 with the mantissa rounded half up (ggml's rounding,
// not ties-to-even), saturating at 448 (0x7E).
uint8_t to_ue4m3(float x) {
    if (!(x > 0.0f)) return 0;
    x = std::min(x, 448.0f);
    const uint32_t bits = std::bit_cast<uint32_t>(x);
    int e = int((bits >> 23) & 0xFF) - 127 + 7;
    if (e <= 0) { // subnormal: a multiple of 2^-9
        const int m = std::min(7, int(x * 512.0f + 0.5f));
        return m < 1 ? 0 : uint8_t(m);
    }
    if (e >= 15) return 0x7E;
    int m = int((bits >> 20) & 7) + int((bits >> 19) & 1);
    if (m > 7) {
        m = 0;
        if (++e >= 15) return 0x7E;
    }
    return uint8_t((e << 3) | m);
}

// Per 16 weights: the scale maps the largest magnitude onto the top code, 6.
void quantize_nvfp4(const float* x, uint8_t* b) {
    for (int s = 0; s < 4; ++s) {
        const float* xs = x + 16 * s;
        const uint8_t ue = to_ue4m3(absmax(xs, 16) / 6.0f);
        b[s] = ue;
        const float d = ue4m3_half(ue);
        for (int j = 0; j < 8; ++j)
            b[4 + 8 * s + j] = uint8_t(nearest_fp4(xs[j], d) | (nearest_fp4(xs[j + 8], d) << 4));
    }
}

} // namespace

const BlockCodec codec_mxfp4
    = MOE_LEVELS_CODEC(32, mxfp4_bytes, unpack_mxfp4, (&quantize_blocks<32, mxfp4_bytes, quantize_mxfp4>));
const BlockCodec codec_nvfp4
    = MOE_LEVELS_CODEC(64, nvfp4_bytes, unpack_nvfp4, (&quantize_blocks<64, nvfp4_bytes, quantize_nvfp4>));

} // namespace moe::quant_detail
