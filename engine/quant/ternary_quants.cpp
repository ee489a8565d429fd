// The ternary formats TQ1_0 and TQ2_0 (BitNet b1.58 / TriLM weights in
// {-1, 0, 1} times one fp16 scale per 256). Layouts from ggml-common.h;
// quantizers as ggml's reference ones (the weights' largest magnitude is the
// scale, every weight rounds to the nearest of -d, 0, d).
#include "quant/block_codec.h"
#include "quant/quant.h"

#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;
constexpr size_t tq1_0_bytes = 48 + 4 + 2; // 240 weights 5 per byte, 16 weights 4 per byte, fp16 d
constexpr size_t tq2_0_bytes = 64 + 2; // 2 bits per weight, fp16 d

// TQ1_0 packs trits base 3 as a fixed-point fraction of 256: a byte q holds
// t0 t1 t2 t3 t4 (t0 most significant) as ceil(value * 256 / 243), so the
// n-th trit is the integer part of 3 * frac(q * 3^n / 256), i.e.
// ((q * 3^n mod 256) * 3) >> 8.
inline int trit(uint8_t q, int n) {
    constexpr uint8_t pow3[5] = { 1, 3, 9, 27, 81 };
    const uint8_t shifted = uint8_t(q * pow3[n]);
    return ((uint16_t(shifted) * 3) >> 8) - 1;
}

// Weights in order: bytes 0-31 hold weights 32n + m (n-th trit of byte m) for
// the first 160, bytes 32-47 the next 80 the same way in runs of 16, and the
// four qh bytes the last 16 (trit n of byte j is weight 240 + 4n + j).
MOE_DECODE void unpack_tq1_0(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const uint8_t* qs = b;
    const uint8_t* qh = b + 48;
    const float d = read_half(b + 52);
    for (float& s : L.scale)
        s = d;
    int8_t* q = L.q;
    for (int n = 0; n < 5; ++n) {
        for (int m = 0; m < 32; ++m)
            *q++ = int8_t(trit(qs[m], n));
    }
    for (int n = 0; n < 5; ++n) {
        for (int m = 0; m < 16; ++m)
            *q++ = int8_t(trit(qs[32 + m], n));
    }
    for (int n = 0; n < 4; ++n) {
        for (int j = 0; j < 4; ++j)
            *q++ = int8_t(trit(qh[j], n));
    }
}

// TQ2_0: per 128 weights, byte m of 32 holds weights m, m+32, m+64, m+96 in
// its 2-bit fields from the lowest up, each stored + 1.
MOE_DECODE void unpack_tq2_0(const uint8_t* __restrict b, Levels<qk_k>& L) {
    const float d = read_half(b + 64);
    for (float& s : L.scale)
        s = d;
    for (int half = 0; half < 2; ++half) {
        const uint8_t* q = b + 32 * half;
        for (int l = 0; l < 4; ++l) {
            for (int m = 0; m < 32; ++m)
                L.q[128 * half + 32 * l + m] = int8_t(((q[m] >> (2 * l)) & 3) - 1);
        }
    }
}

// Largest magnitude of the block, the scale of both formats.
float absmax(const float* x) {
    float amax = 0.0f;
    for (int j = 0; j < qk_k; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    return amax;
}

// -1, 0, 1 as 0, 1, 2 (ggml rounds with lroundf: half away from zero).
inline int trit_of(float v, float id) {
    return int(std::lround(v * id)) + 1;
}

// k trits (the first most significant), scaled to a fraction of 256 rounded up.
uint8_t pack_trits(const float* x, int stride, int k, float id) {
    uint8_t q = 0;
    for (int n = 0; n < k; ++n)
        q = uint8_t(q * 3 + trit_of(x[n * stride], id));
    for (int n = k; n < 5; ++n)
        q = uint8_t(q * 3);
    return uint8_t((uint16_t(q) * 256 + 242) / 243);
}

void quantize_tq1_0(const float* x, uint8_t* b) {
    const float d = absmax(x);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b + 52, fp32_to_fp16(d));
    for (int m = 0; m < 32; ++m)
        b[m] = pack_trits(x + m, 32, 5, id);
    for (int m = 0; m < 16; ++m)
        b[32 + m] = pack_trits(x + 160 + m, 16, 5, id);
    for (int j = 0; j < 4; ++j)
        b[48 + j] = pack_trits(x + 240 + j, 4, 4, id);
}

void quantize_tq2_0(const float* x, uint8_t* b) {
    const float d = absmax(x);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b + 64, fp32_to_fp16(d));
    for (int half = 0; half < 2; ++half) {
        const float* xh = x + 128 * half;
        for (int m = 0; m < 32; ++m) {
            int q = 0;
            for (int n = 0; n < 4; ++n)
                q += (trit_of(xh[m + 32 * n], id) & 3) << (2 * n);
            b[32 * half + m] = uint8_t(q);
        }
    }
}

} // namespace

const BlockCodec codec_tq1_0
    = MOE_LEVELS_CODEC(qk_k, tq1_0_bytes, unpack_tq1_0, (&quantize_blocks<qk_k, tq1_0_bytes, quantize_tq1_0>));
const BlockCodec codec_tq2_0
    = MOE_LEVELS_CODEC(qk_k, tq2_0_bytes, unpack_tq2_0, (&quantize_blocks<qk_k, tq2_0_bytes, quantize_tq2_0>));

} // namespace moe::quant_detail
