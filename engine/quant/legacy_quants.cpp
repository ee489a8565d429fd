// The 32-element integer formats beside Q4_0 and Q8_0 (quant.cpp): Q4_1,
// Q5_0 and Q5_1, ggml's first formats.
// Layouts from ggml-common.h; the quantizers follow ggml's reference ones
// (quantize_row_*_ref), which ggml_quantize_chunk uses when there is no
// importance matrix, so `make-model --quant` writes the same bytes as
// llama-quantize would.
#include "quant/block_codec.h"
#include "quant/quant.h"

#include <cfloat>
#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr size_t q4_1_bytes = 2 + 2 + 16; // fp16 d, fp16 m, 16 nibble pairs
constexpr size_t q5_0_bytes = 2 + 4 + 16; // fp16 d, 32 fifth bits, 16 nibble pairs
constexpr size_t q5_1_bytes = 2 + 2 + 4 + 16; // fp16 d, fp16 m, fifth bits, nibbles

// In all three, byte j of the nibbles holds element j (low) and j+16 (high).

MOE_DECODE void decode_q4_1(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b), m = read_half(b + 2);
    const uint8_t* qs = b + 4;
    for (int j = 0; j < 16; ++j) {
        y[j] = float(qs[j] & 0x0F) * d + m;
        y[j + 16] = float(qs[j] >> 4) * d + m;
    }
}

// Bit j of the 32-bit qh is the fifth bit of element j; levels are stored + 16.
MOE_DECODE void unpack_q5_0(const uint8_t* __restrict b, Levels<32>& L) {
    L.scale[0] = L.scale[1] = read_half(b);
    const uint32_t qh = read_u32(b + 2);
    const uint8_t* qs = b + 6;
    for (int j = 0; j < 16; ++j) {
        L.q[j] = int8_t(int((qs[j] & 0x0F) | (((qh >> j) & 1u) << 4)) - 16);
        L.q[j + 16] = int8_t(int((qs[j] >> 4) | (((qh >> (j + 16)) & 1u) << 4)) - 16);
    }
}

MOE_DECODE void decode_q5_1(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b), m = read_half(b + 2);
    const uint32_t qh = read_u32(b + 4);
    const uint8_t* qs = b + 8;
    for (int j = 0; j < 16; ++j) {
        const uint32_t lo = (qs[j] & 0x0F) | (((qh >> j) & 1u) << 4);
        const uint32_t hi = (qs[j] >> 4) | (((qh >> (j + 16)) & 1u) << 4);
        y[j] = float(lo) * d + m;
        y[j + 16] = float(hi) * d + m;
    }
}

// ---------------------------------------------------------------------------
// Quantizers. The float expressions keep ggml's operation order: the bytes
// must come out identical, ties included.

void quantize_q4_1(const float* x, uint8_t* b) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    for (int j = 0; j < 32; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
    const float d = (hi - lo) / 15.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b, fp32_to_fp16(d));
    write_u16(b + 2, fp32_to_fp16(lo));
    for (int j = 0; j < 16; ++j) {
        // truncation of v + 0.5 (v >= 0): rounds half up, as ggml does
        const int q0 = std::min(15, int((x[j] - lo) * id + 0.5f));
        const int q1 = std::min(15, int((x[j + 16] - lo) * id + 0.5f));
        b[4 + j] = uint8_t(q0 | (q1 << 4));
    }
}

// Q5_0: as Q4_0, the value of largest magnitude maps to level -16 exactly.
void quantize_q5_0(const float* x, uint8_t* b) {
    float amax = 0.0f, vmax = 0.0f;
    for (int j = 0; j < 32; ++j) {
        if (amax < std::fabs(x[j])) {
            amax = std::fabs(x[j]);
            vmax = x[j];
        }
    }
    const float d = vmax / -16.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b, fp32_to_fp16(d));
    uint32_t qh = 0;
    for (int j = 0; j < 16; ++j) {
        const int q0 = std::min(31, int(x[j] * id + 16.5f));
        const int q1 = std::min(31, int(x[j + 16] * id + 16.5f));
        b[6 + j] = uint8_t((q0 & 0x0F) | ((q1 & 0x0F) << 4));
        qh |= uint32_t(q0 >> 4) << j;
        qh |= uint32_t(q1 >> 4) << (j + 16);
    }
    std::memcpy(b + 2, &qh, 4);
}

void quantize_q5_1(const float* x, uint8_t* b) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    for (int j = 0; j < 32; ++j) {
        lo = std::min(lo, x[j]);
        hi = std::max(hi, x[j]);
    }
    const float d = (hi - lo) / 31.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b, fp32_to_fp16(d));
    write_u16(b + 2, fp32_to_fp16(lo));
    uint32_t qh = 0;
    for (int j = 0; j < 16; ++j) {
        // ggml does not clamp here: (hi - lo) * id + 0.5 stays below 32
        const int q0 = int((x[j] - lo) * id + 0.5f) & 31;
        const int q1 = int((x[j + 16] - lo) * id + 0.5f) & 31;
        b[8 + j] = uint8_t((q0 & 0x0F) | ((q1 & 0x0F) << 4));
        qh |= uint32_t(q0 >> 4) << j;
        qh |= uint32_t(q1 >> 4) << (j + 16);
    }
    std::memcpy(b + 4, &qh, 4);
}

} // namespace

const BlockCodec codec_q4_1
    = MOE_BLOCK_CODEC(32, q4_1_bytes, decode_q4_1, (&quantize_blocks<32, q4_1_bytes, quantize_q4_1>));
const BlockCodec codec_q5_0
    = MOE_LEVELS_CODEC(32, q5_0_bytes, unpack_q5_0, (&quantize_blocks<32, q5_0_bytes, quantize_q5_0>));
const BlockCodec codec_q5_1
    = MOE_BLOCK_CODEC(32, q5_1_bytes, decode_q5_1, (&quantize_blocks<32, q5_1_bytes, quantize_q5_1>));

} // namespace moe::quant_detail
