// int_dot.h: activation quantization, the portable kernels of every weight
// format with an integer path, and the choice between them and the AVX2 ones
// (int_dot_avx2.cpp). The portable kernels are the definition: plain loops
// over the block layouts of ggml-common.h, integer sums per block.
#include "quant/int_dot.h"

#include "error.h"
#include "quant/int_dot_affine32.h"
#include "quant/int_dot_blocks.h"
#include "quant/int_dot_iq.h"
#include "quant/int_dot_k_low.h"
#include "quant/iq_grids.h"
#include "quant/quant.h"

#include <cmath>
#include <string>

namespace moe {

namespace {

using namespace quant_detail;

constexpr int qk_k = 256;

// ---------------------------------------------------------------------------
// Activation quantization: scale = max|x| / 127, level = round(x / scale),
// ties to even (the AVX2 conversion's rounding, so both paths write the same
// bytes).

void quantize_act_block(const float* x, int n, float* d_out, int8_t* q) {
    float amax = 0.0f;
    for (int i = 0; i < n; ++i)
        amax = std::max(amax, std::fabs(x[i]));
    const float d = act_block_scale(amax, x, n);
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int i = 0; i < n; ++i)
        q[i] = int8_t(nearest_int(x[i] * id));
    *d_out = d;
}

void quantize_act32(const float* x, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / 32; ++b) {
        uint8_t* a = dst + size_t(b) * act32_bytes;
        float d;
        quantize_act_block(x + b * 32, 32, &d, reinterpret_cast<int8_t*>(a + 4));
        std::memcpy(a, &d, sizeof d);
    }
}

void quantize_act256(const float* x, uint8_t* dst, int64_t n) {
    for (int64_t b = 0; b < n / qk_k; ++b) {
        uint8_t* a = dst + size_t(b) * act256_bytes;
        int8_t* q = reinterpret_cast<int8_t*>(a + 36);
        float d;
        quantize_act_block(x + b * qk_k, qk_k, &d, q);
        std::memcpy(a, &d, sizeof d);
        for (int g = 0; g < 16; ++g) {
            int16_t s = 0;
            for (int j = 0; j < 16; ++j)
                s = int16_t(s + q[16 * g + j]);
            std::memcpy(a + 4 + 2 * g, &s, sizeof s);
        }
    }
}

// ---------------------------------------------------------------------------
// Portable kernels.

// The 32-element formats: Levels(block, q) writes the block's 32 signed
// levels and returns its scale.
template <size_t Bytes, float (*Levels)(const uint8_t*, int8_t*)>
float dot32(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    int8_t w[32];
    for (int64_t b = 0; b < n / 32; ++b) {
        const uint8_t* a = act + size_t(b) * act32_bytes;
        const float dw = Levels(row + size_t(b) * Bytes, w);
        const int8_t* x = act32_levels(a);
        int32_t s = 0;
        for (int j = 0; j < 32; ++j)
            s += int32_t(w[j]) * int32_t(x[j]);
        sum += dw * act_scale(a) * float(s);
    }
    return sum;
}

float levels_q8_0(const uint8_t* b, int8_t* w) {
    std::memcpy(w, b + 2, 32);
    return read_half(b);
}

float levels_q4_0(const uint8_t* b, int8_t* w) {
    for (int j = 0; j < 16; ++j) {
        w[j] = int8_t((b[2 + j] & 0x0F) - 8);
        w[j + 16] = int8_t((b[2 + j] >> 4) - 8);
    }
    return read_half(b);
}

// Bit j of the 32-bit qh is element j's fifth bit; levels are stored + 16.
float levels_q5_0(const uint8_t* b, int8_t* w) {
    const uint32_t qh = read_u32(b + 2);
    for (int j = 0; j < 16; ++j) {
        w[j] = int8_t(int((b[6 + j] & 0x0F) | (((qh >> j) & 1u) << 4)) - 16);
        w[j + 16] = int8_t(int((b[6 + j] >> 4) | (((qh >> (j + 16)) & 1u) << 4)) - 16);
    }
    return read_half(b);
}

template <const int8_t* Table> void codebook32(const uint8_t* qs, int8_t* w) {
    for (int j = 0; j < 16; ++j) {
        w[j] = Table[qs[j] & 0x0F];
        w[j + 16] = Table[qs[j] >> 4];
    }
}

float levels_iq4_nl(const uint8_t* b, int8_t* w) {
    codebook32<iq::kvalues_iq4nl>(b + 2, w);
    return read_half(b);
}

float levels_mxfp4(const uint8_t* b, int8_t* w) {
    codebook32<iq::kvalues_fp4>(b + 1, w);
    return e8m0_half(b[0]);
}

// Q4_K / Q5_K: value = d·sc_j·q - dmin·m_j per 32-element sub-block j, so
//   sum value·x = dx·(d·Σ sc_j·Σ q·xq - dmin·Σ m_j·Σ xq).
template <bool Five> float dot_k_affine(const uint8_t* row, const uint8_t* act, int64_t n) {
    constexpr size_t bytes = Five ? q5_k_block_bytes : q4_k_block_bytes;
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        const int8_t* x = act256_levels(a);
        uint8_t sc[8], mn[8];
        k_scales_mins(w + 4, sc, mn);
        const uint8_t* qh = w + 16;
        const uint8_t* qs = w + (Five ? 48 : 16);
        int32_t isum = 0, msum = 0;
        for (int c = 0; c < 4; ++c) {
            int32_t s_lo = 0, s_hi = 0;
            for (int l = 0; l < 32; ++l) {
                int lo = qs[32 * c + l] & 0x0F, hi = qs[32 * c + l] >> 4;
                if (Five) {
                    lo |= ((qh[l] >> (2 * c)) & 1) << 4;
                    hi |= ((qh[l] >> (2 * c + 1)) & 1) << 4;
                }
                s_lo += lo * x[64 * c + l];
                s_hi += hi * x[64 * c + 32 + l];
            }
            isum += sc[2 * c] * s_lo + sc[2 * c + 1] * s_hi;
        }
        for (int j = 0; j < 8; ++j)
            msum += mn[j] * (act256_bsum(a, 2 * j) + act256_bsum(a, 2 * j + 1));
        const float dx = act_scale(a);
        sum += read_half(w) * dx * float(isum) - read_half(w + 2) * dx * float(msum);
    }
    return sum;
}

// Q6_K: value = d·sc_g·(q - 32) per 16-element group g, q in [0, 63], so
//   sum value·x = dx·d·Σ sc_g·(Σ q·xq - 32·Σ xq).
float dot_q6_k(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * q6_k_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        const int8_t* sc = reinterpret_cast<const int8_t*>(w + 192);
        int32_t gsum[16] = {};
        for (int half = 0; half < 2; ++half) {
            const uint8_t* ql = w + 64 * half;
            const uint8_t* qh = w + 128 + 32 * half;
            const int8_t* x = act256_levels(a) + 128 * half;
            int32_t* gs = gsum + 8 * half;
            for (int l = 0; l < 32; ++l) {
                const int q1 = (ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4);
                const int q2 = (ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4);
                const int q3 = (ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4);
                const int q4 = (ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4);
                gs[l / 16] += q1 * x[l];
                gs[2 + l / 16] += q2 * x[l + 32];
                gs[4 + l / 16] += q3 * x[l + 64];
                gs[6 + l / 16] += q4 * x[l + 96];
            }
        }
        int32_t isum = 0;
        for (int g = 0; g < 16; ++g)
            isum += int32_t(sc[g]) * (gsum[g] - 32 * act256_bsum(a, g));
        sum += read_half(w + 208) * act_scale(a) * float(isum);
    }
    return sum;
}

// IQ4_XS: value = d·(ls_ib - 32)·kvalues[nibble] per 32-element sub-block.
float dot_iq4_xs(const uint8_t* row, const uint8_t* act, int64_t n) {
    float sum = 0.0f;
    int8_t q[32];
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* w = row + size_t(b) * iq4_xs_block_bytes;
        const uint8_t* a = act + size_t(b) * act256_bytes;
        const uint16_t scales_h = read_u16(w + 2);
        const uint32_t scales_l = read_u32(w + 4);
        int32_t isum = 0;
        for (int ib = 0; ib < 8; ++ib) {
            codebook32<iq::kvalues_iq4nl>(w + 8 + 16 * ib, q);
            const int8_t* x = act256_levels(a) + 32 * ib;
            int32_t s = 0;
            for (int j = 0; j < 32; ++j)
                s += int32_t(q[j]) * int32_t(x[j]);
            isum += iq4_xs_scale(scales_h, scales_l, ib) * s;
        }
        sum += read_half(w) * act_scale(a) * float(isum);
    }
    return sum;
}

// The portable tile: the portable single-row kernel per (row, token), which
// makes it equal to that kernel by construction.
template <IntDotFn F>
void portable_tile(const uint8_t* w, size_t w_stride, int n_rows, const uint8_t* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    for (int r = 0; r < n_rows; ++r) {
        for (int t = 0; t < n_tok; ++t) {
            const uint8_t* a = qx + size_t(index ? index[t] : t) * qx_stride;
            out[size_t(t) * ldo + size_t(r)] = F(w + size_t(r) * w_stride, a, n);
        }
    }
}

// A type's kernels: the portable ones from its single-row kernel F, the AVX2
// ones where this is x86.
template <IntDotFn F> constexpr IntDotKernels with_portable(IntDotFn avx2, IntTileFn avx2_tile) {
    return { F, &portable_tile<F>, avx2, avx2_tile };
}
#if defined(MOE_QUANT_X86)
#define MOE_INT_AVX2(t) &int_dot_##t##_avx2, &int_tile_##t##_avx2
#else
#define MOE_INT_AVX2(t) nullptr, nullptr
#endif

// nullptr for a type without an integer path (act_format none).
const IntDotKernels* kernels(uint32_t type) {
    static const IntDotKernels q8_0 = with_portable<&dot32<q8_0_block_bytes, levels_q8_0>>(MOE_INT_AVX2(q8_0));
    static const IntDotKernels q4_0 = with_portable<&dot32<q4_0_block_bytes, levels_q4_0>>(MOE_INT_AVX2(q4_0));
    static const IntDotKernels q5_0 = with_portable<&dot32<q5_0_block_bytes, levels_q5_0>>(MOE_INT_AVX2(q5_0));
    static const IntDotKernels iq4_nl = with_portable<&dot32<iq4_nl_block_bytes, levels_iq4_nl>>(MOE_INT_AVX2(iq4_nl));
    static const IntDotKernels mxfp4 = with_portable<&dot32<mxfp4_block_bytes, levels_mxfp4>>(MOE_INT_AVX2(mxfp4));
    static const IntDotKernels q4_k = with_portable<&dot_k_affine<false>>(MOE_INT_AVX2(q4_k));
    static const IntDotKernels q5_k = with_portable<&dot_k_affine<true>>(MOE_INT_AVX2(q5_k));
    static const IntDotKernels q6_k = with_portable<&dot_q6_k>(MOE_INT_AVX2(q6_k));
    static const IntDotKernels iq4_xs = with_portable<&dot_iq4_xs>(MOE_INT_AVX2(iq4_xs));
    // int_dot_k_low.cpp, int_dot_affine32.cpp and their _avx2 files
    static const IntDotKernels q2_k = with_portable<&int_dot_q2_k_portable>(MOE_INT_AVX2(q2_k));
    static const IntDotKernels q3_k = with_portable<&int_dot_q3_k_portable>(MOE_INT_AVX2(q3_k));
    static const IntDotKernels q4_1 = with_portable<&int_dot_q4_1_portable>(MOE_INT_AVX2(q4_1));
    static const IntDotKernels q5_1 = with_portable<&int_dot_q5_1_portable>(MOE_INT_AVX2(q5_1));
    // the lattice i-quants: int_dot_iq.cpp, int_dot_iq_avx2.cpp
    static const IntDotKernels iq2_xxs = with_portable<&int_dot_iq2_xxs_portable>(MOE_INT_AVX2(iq2_xxs));
    static const IntDotKernels iq2_xs = with_portable<&int_dot_iq2_xs_portable>(MOE_INT_AVX2(iq2_xs));
    static const IntDotKernels iq2_s = with_portable<&int_dot_iq2_s_portable>(MOE_INT_AVX2(iq2_s));
    static const IntDotKernels iq3_xxs = with_portable<&int_dot_iq3_xxs_portable>(MOE_INT_AVX2(iq3_xxs));
    static const IntDotKernels iq3_s = with_portable<&int_dot_iq3_s_portable>(MOE_INT_AVX2(iq3_s));
    static const IntDotKernels iq1_s = with_portable<&int_dot_iq1_s_portable>(MOE_INT_AVX2(iq1_s));
    static const IntDotKernels iq1_m = with_portable<&int_dot_iq1_m_portable>(MOE_INT_AVX2(iq1_m));
    switch (type) {
    case GGML_TYPE_Q8_0:
        return &q8_0;
    case GGML_TYPE_Q4_0:
        return &q4_0;
    case GGML_TYPE_Q5_0:
        return &q5_0;
    case GGML_TYPE_IQ4_NL:
        return &iq4_nl;
    case GGML_TYPE_MXFP4:
        return &mxfp4;
    case GGML_TYPE_Q4_K:
        return &q4_k;
    case GGML_TYPE_Q5_K:
        return &q5_k;
    case GGML_TYPE_Q6_K:
        return &q6_k;
    case GGML_TYPE_IQ4_XS:
        return &iq4_xs;
    case GGML_TYPE_Q2_K:
        return &q2_k;
    case GGML_TYPE_Q3_K:
        return &q3_k;
    case GGML_TYPE_Q4_1:
        return &q4_1;
    case GGML_TYPE_Q5_1:
        return &q5_1;
    case GGML_TYPE_IQ2_XXS:
        return &iq2_xxs;
    case GGML_TYPE_IQ2_XS:
        return &iq2_xs;
    case GGML_TYPE_IQ2_S:
        return &iq2_s;
    case GGML_TYPE_IQ3_XXS:
        return &iq3_xxs;
    case GGML_TYPE_IQ3_S:
        return &iq3_s;
    case GGML_TYPE_IQ1_S:
        return &iq1_s;
    case GGML_TYPE_IQ1_M:
        return &iq1_m;
    default:
        return nullptr;
    }
}

IntDotFn kernel(uint32_t type) {
    const IntDotKernels* k = kernels(type);
    if (!k) throw Error(std::string("int_dot: ") + type_name(type) + " has no integer dot product");
    return simd_enabled() && k->avx2 ? k->avx2 : k->portable;
}

IntTileFn tile_kernel(uint32_t type) {
    const IntDotKernels* k = kernels(type);
    if (!k) throw Error(std::string("int_dot: ") + type_name(type) + " has no integer dot product");
    return simd_enabled() && k->avx2_tile ? k->avx2_tile : k->portable_tile;
}

int64_t block_of(ActFormat f) {
    return f == ActFormat::q8_32 ? 32 : qk_k;
}

void check_length(ActFormat f, int64_t n, const char* op) {
    if (f == ActFormat::none) throw Error(std::string(op) + ": no activation format");
    if (n < 0 || n % block_of(f) != 0) {
        throw Error(std::string(op) + ": " + std::to_string(n) + " activations is not a whole number of blocks of "
            + std::to_string(block_of(f)));
    }
}

} // namespace

ActFormat act_format(uint32_t type) {
    switch (type) {
    case GGML_TYPE_Q8_0:
    case GGML_TYPE_Q4_0:
    case GGML_TYPE_Q5_0:
    case GGML_TYPE_IQ4_NL:
    case GGML_TYPE_MXFP4:
    case GGML_TYPE_Q4_1:
    case GGML_TYPE_Q5_1:
        return ActFormat::q8_32;
    case GGML_TYPE_Q4_K:
    case GGML_TYPE_Q5_K:
    case GGML_TYPE_Q6_K:
    case GGML_TYPE_IQ4_XS:
    case GGML_TYPE_Q2_K:
    case GGML_TYPE_Q3_K:
    case GGML_TYPE_IQ2_XXS:
    case GGML_TYPE_IQ2_XS:
    case GGML_TYPE_IQ2_S:
    case GGML_TYPE_IQ3_XXS:
    case GGML_TYPE_IQ3_S:
    case GGML_TYPE_IQ1_S:
    case GGML_TYPE_IQ1_M:
        return ActFormat::q8_256;
    default:
        return ActFormat::none;
    }
}

size_t act_row_bytes(ActFormat f, int64_t n) {
    switch (f) {
    case ActFormat::q8_32:
        return size_t(n / 32) * act32_bytes;
    case ActFormat::q8_256:
        return size_t(n / qk_k) * act256_bytes;
    case ActFormat::none:
        break;
    }
    return 0;
}

void quantize_act(ActFormat f, const float* x, void* dst, int64_t n) {
    check_length(f, n, "quantize_act");
    auto* out = static_cast<uint8_t*>(dst);
#if defined(MOE_QUANT_X86)
    if (simd_enabled()) {
        if (f == ActFormat::q8_32)
            quantize_act32_avx2(x, out, n);
        else
            quantize_act256_avx2(x, out, n);
        return;
    }
#endif
    if (f == ActFormat::q8_32)
        quantize_act32(x, out, n);
    else
        quantize_act256(x, out, n);
}

void dequantize_act(ActFormat f, const void* qx, float* dst, int64_t n) {
    check_length(f, n, "dequantize_act");
    const auto* a = static_cast<const uint8_t*>(qx);
    const int64_t block = block_of(f);
    const size_t bytes = f == ActFormat::q8_32 ? act32_bytes : act256_bytes;
    for (int64_t b = 0; b < n / block; ++b) {
        const uint8_t* ab = a + size_t(b) * bytes;
        const int8_t* q = f == ActFormat::q8_32 ? act32_levels(ab) : act256_levels(ab);
        for (int64_t j = 0; j < block; ++j)
            dst[b * block + j] = act_scale(ab) * float(q[j]);
    }
}

float int_dot(uint32_t type, const void* row, const void* qx, int64_t n) {
    check_length(act_format(type), n, "int_dot");
    return kernel(type)(static_cast<const uint8_t*>(row), static_cast<const uint8_t*>(qx), n);
}

IntDotRow int_dot_kernel(uint32_t type) {
    return kernel(type);
}

void int_dot_tokens(uint32_t type, const void* row, const void* qx, size_t qx_stride, int n_tok, int64_t n, float* out,
    size_t out_stride) {
    check_length(act_format(type), n, "int_dot_tokens");
    tile_kernel(type)(static_cast<const uint8_t*>(row), 0, 1, static_cast<const uint8_t*>(qx), qx_stride, nullptr,
        n_tok, n, out, out_stride);
}

void int_dot_tile(uint32_t type, const void* w, size_t w_stride, int n_rows, const void* qx, size_t qx_stride,
    const int32_t* index, int n_tok, int64_t n, float* out, size_t ldo) {
    check_length(act_format(type), n, "int_dot_tile");
    if (n_rows < 0 || n_tok < 0) {
        throw Error("int_dot_tile: " + std::to_string(n_rows) + " rows by " + std::to_string(n_tok) + " tokens");
    }
    tile_kernel(type)(static_cast<const uint8_t*>(w), w_stride, n_rows, static_cast<const uint8_t*>(qx), qx_stride,
        index, n_tok, n, out, ldo);
}

IntDotTile int_dot_tile_kernel(uint32_t type) {
    return tile_kernel(type);
}

} // namespace moe
