// The portable integer kernels of the lattice i-quants (int_dot_iq.h): per
// sub-block, the 32 signed levels times the activation levels, summed per 16
// and weighted by the integer scales; one float product per super-block.
// They are the definition the AVX2 kernels (int_dot_iq_avx2.cpp) match: the
// same integers, float additions in another order.
#include "quant/int_dot_iq.h"
#include "quant/int_dot_blocks.h"

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;

// The 32 signed levels of a sub-block (int_dot_iq.h).
template <class F> void sub_levels(const IqSub& s, int8_t* q) {
    for (int l = 0; l < 4; ++l) {
        for (int j = 0; j < 8; ++j) {
            const int g = int(int8_t(uint8_t(s.grid[l] >> (8 * j))));
            bool neg;
            if constexpr (F::signs_form == IqSigns::pm_bytes)
                neg = (s.sign[l] >> (8 * j)) & 0x80u;
            else if constexpr (F::signs_form == IqSigns::bits)
                neg = (s.signs >> (8 * l + j)) & 1u;
            else
                neg = (s.signs >> (4 * l + 3)) & 1u;
            q[8 * l + j] = int8_t(F::ternary ? 8 * g + (neg ? -1 : 1) : (neg ? -g : g));
        }
    }
}

template <class F> float dot_lattice(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * F::bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        int32_t isum = 0;
        for (int ib = 0; ib < 8; ++ib) {
            IqSub s;
            F::sub(w, ib, s);
            int8_t q[32];
            sub_levels<F>(s, q);
            const int8_t* x = act256_levels(a) + 32 * ib;
            int32_t h0 = 0, h1 = 0;
            for (int j = 0; j < 16; ++j) {
                h0 += int32_t(q[j]) * int32_t(x[j]);
                h1 += int32_t(q[16 + j]) * int32_t(x[16 + j]);
            }
            isum += s.ls0 * h0 + s.ls1 * h1;
        }
        sum += half_to_float(F::d_bits(w)) * F::k * act_scale(a) * float(isum);
    }
    return sum;
}

} // namespace

float int_dot_iq2_xxs_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq2Xxs>(row, act, n);
}
float int_dot_iq2_xs_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq2Xs>(row, act, n);
}
float int_dot_iq2_s_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq2S>(row, act, n);
}
float int_dot_iq3_xxs_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq3Xxs>(row, act, n);
}
float int_dot_iq3_s_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq3S>(row, act, n);
}
float int_dot_iq1_s_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq1S>(row, act, n);
}
float int_dot_iq1_m_portable(const uint8_t* row, const uint8_t* act, int64_t n) {
    return dot_lattice<Iq1M>(row, act, n);
}

} // namespace moe::quant_detail
