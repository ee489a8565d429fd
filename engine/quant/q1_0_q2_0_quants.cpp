// Q1_0 and Q2_0, ggml's newest plain formats (llama.cpp v0.5.0): Q1_0 keeps
// only each weight's sign times the block's mean magnitude (128 weights a
// block), Q2_0 four levels {-1, 0, 1, 2} times the block's largest magnitude
// (64 weights). Layouts from ggml-common.h; quantizers as ggml's reference
// ones, bit for bit.
#include "quant/block_codec.h"
#include "quant/quant.h"

#include <array>
#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr size_t q1_0_bytes = 2 + 16; // fp16 d, one bit per weight (weight j: bit j%8 of byte j/8)
constexpr size_t q2_0_bytes = 2 + 16; // fp16 d, two bits per weight (weight j: bits 2(j%4) of byte j/4)

// As levels: Q1_0's bit set is +1, clear -1 (d * -1 is ggml's -d exactly);
// Q2_0's fields are stored + 1.
MOE_DECODE void unpack_q1_0(const uint8_t* __restrict b, Levels<128>& L) {
    const float d = read_half(b);
    for (float& s : L.scale)
        s = d;
    for (int i = 0; i < 16; ++i) {
        // per byte: 0x01 (+1) where the bit is set, 0xFF (-1) where clear
        const uint64_t v = ~k_sign_masks[b[2 + i]] | 0x0101010101010101ull;
        std::memcpy(L.q + 8 * i, &v, 8);
    }
}

// The four levels of each possible Q2_0 byte, as four int8 in one word.
constexpr std::array<uint32_t, 256> make_q2_0_levels() {
    std::array<uint32_t, 256> t {};
    for (int v = 0; v < 256; ++v) {
        for (int k = 0; k < 4; ++k)
            t[size_t(v)] |= uint32_t(uint8_t(((v >> (2 * k)) & 3) - 1)) << (8 * k);
    }
    return t;
}
constexpr std::array<uint32_t, 256> k_q2_0_levels = make_q2_0_levels();

MOE_DECODE void unpack_q2_0(const uint8_t* __restrict b, Levels<64>& L) {
    const float d = read_half(b);
    for (float& s : L.scale)
        s = d;
    for (int i = 0; i < 16; ++i)
        std::memcpy(L.q + 4 * i, &k_q2_0_levels[b[2 + i]], 4);
}

void quantize_q1_0(const float* x, uint8_t* b) {
    float sum_abs = 0.0f;
    for (int j = 0; j < 128; ++j)
        sum_abs += std::fabs(x[j]);
    write_u16(b, fp32_to_fp16(sum_abs / 128.0f));
    std::memset(b + 2, 0, 16);
    for (int j = 0; j < 128; ++j) {
        if (x[j] >= 0.0f) b[2 + j / 8] = uint8_t(b[2 + j / 8] | (1 << (j % 8)));
    }
}

void quantize_q2_0(const float* x, uint8_t* b) {
    float amax = 0.0f;
    for (int j = 0; j < 64; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    const float id = amax > 0.0f ? 1.0f / amax : 0.0f;
    write_u16(b, fp32_to_fp16(amax));
    std::memset(b + 2, 0, 16);
    for (int j = 0; j < 64; ++j) {
        // round half away from zero (roundf), then store level + 1
        const int q = std::clamp(int(std::round(x[j] * id)) + 1, 0, 3);
        b[2 + j / 4] = uint8_t(b[2 + j / 4] | (q << (2 * (j % 4))));
    }
}

} // namespace

const BlockCodec codec_q1_0
    = MOE_LEVELS_CODEC(128, q1_0_bytes, unpack_q1_0, (&quantize_blocks<128, q1_0_bytes, quantize_q1_0>));
const BlockCodec codec_q2_0
    = MOE_LEVELS_CODEC(64, q2_0_bytes, unpack_q2_0, (&quantize_blocks<64, q2_0_bytes, quantize_q2_0>));

} // namespace moe::quant_detail
