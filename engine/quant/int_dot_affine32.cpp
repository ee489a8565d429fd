// The portable integer kernels of Q4_1 and Q5_1 (int_dot_affine32.h): per
// block the integer sums Σ q·xq and Σ xq, then d·dx and m·dx times them.
// They are the definition the AVX2 kernels (int_dot_affine32_avx2.cpp)
// match: the same integers, float additions in another order.
#include "quant/int_dot_affine32.h"
#include "quant/int_dot_blocks.h"

namespace moe::quant_detail {

namespace {

// The 32 unsigned levels of a block: nibbles at qs, fifth bits from qh
// (zero for Q4_1).
void levels(const uint8_t* qs, uint32_t qh, int* q) {
    for (int j = 0; j < 16; ++j) {
        q[j] = (qs[j] & 0x0F) | int(((qh >> j) & 1u) << 4);
        q[j + 16] = (qs[j] >> 4) | int(((qh >> (j + 16)) & 1u) << 4);
    }
}

template <bool Five> float dot_affine32(const uint8_t* row, const uint8_t* act, int64_t n) {
    constexpr size_t bytes = Five ? q5_1_block_bytes : q4_1_block_bytes;
    float sum = 0.0f;
    int q[32];
    for (int64_t b = 0; b < n / 32; ++b) {
        const uint8_t* w = row + size_t(b) * bytes;
        const uint8_t* a = act + size_t(b) * act32_bytes;
        levels(w + (Five ? 8 : 4), Five ? read_u32(w + 4) : 0u, q);
        const int8_t* x = act32_levels(a);
        int32_t s = 0, xs = 0;
        for (int j = 0; j < 32; ++j) {
            s += q[j] * int32_t(x[j]);
            xs += x[j];
        }
        const float dx = act_scale(a);
        sum += read_half(w) * dx * float(s) + read_half(w + 2) * dx * float(xs);
    }
    return sum;
}

} // namespace

float int_dot_q4_1_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_affine32<false>(row, act, n);
}

float int_dot_q5_1_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_affine32<true>(row, act, n);
}

} // namespace moe::quant_detail
