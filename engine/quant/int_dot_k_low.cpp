// The portable integer kernels of Q2_K and Q3_K (int_dot_k_low.h): per
// 16-element group the integer sum of level products, weighted by the
// group's integer scale, the offsets (Q2_K's mins, Q3_K's -4) through the
// activation sums; one float product per super-block. They are the
// definition the AVX2 kernels (int_dot_k_low_avx2.cpp) match: the same
// integers, float additions in another order.
#include "quant/int_dot_k_low.h"
#include "quant/int_dot_blocks.h"

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

// Σ u·xq per group of one super-block, u the 2-bit level from qs plus, for
// Q3_K, 4 times the hmask bit.
template <bool Three> void group_sums(const uint8_t* qs, const uint8_t* hmask, const int8_t* x, int32_t* gsum) {
    for (int half = 0; half < 2; ++half) {
        const uint8_t* q = qs + 32 * half;
        for (int s = 0; s < 4; ++s) {
            const int bit = 4 * half + s;
            for (int l = 0; l < 32; ++l) {
                int u = (q[l] >> (2 * s)) & 3;
                if (Three) u |= ((hmask[l] >> bit) & 1) << 2;
                gsum[8 * half + 2 * s + l / 16] += u * x[128 * half + 32 * s + l];
            }
        }
    }
}

} // namespace

float int_dot_q2_k_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * q2_k_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        int32_t gsum[16] = {};
        group_sums<false>(w + 16, nullptr, act256_levels(a), gsum);
        int32_t isum = 0, msum = 0;
        for (int g = 0; g < 16; ++g) {
            isum += (w[g] & 0x0F) * gsum[g];
            msum += (w[g] >> 4) * act256_bsum(a, g);
        }
        const float dx = act_scale(a);
        sum += read_half(w + 80) * dx * float(isum) - read_half(w + 82) * dx * float(msum);
    }
    return sum;
}

float int_dot_q3_k_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * q3_k_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        int32_t gsum[16] = {};
        group_sums<true>(w + 32, w, act256_levels(a), gsum);
        const Q3kScaleWords sw = q3_k_scale_words(w + 96);
        int32_t isum = 0;
        for (int g = 0; g < 16; ++g) {
            const int sc = int((sw.w[g / 4] >> (8 * (g % 4))) & 0xFF) - 32;
            isum += sc * (gsum[g] - 4 * act256_bsum(a, g));
        }
        sum += read_half(w + 108) * act_scale(a) * float(isum);
    }
    return sum;
}

} // namespace moe::quant_detail
