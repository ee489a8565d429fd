#include "quant/quant.h"

#include "error.h"
#include "quant/block_codec.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#if defined(MOE_QUANT_X86)
#include <cpuid.h>
#endif

namespace moe {

namespace {

using namespace quant_detail;

// Elements per K-quant super-block.
constexpr int qk_k = 256;

// Bytes per block of the formats we implement (ggml-common.h layouts).
constexpr size_t q4_0_bytes = 2 + 16; // fp16 d, 16 nibble pairs
constexpr size_t q8_0_bytes = 2 + 32; // fp16 d, 32 int8
constexpr size_t q4_k_bytes = 2 + 2 + 12 + 128; // d, dmin, scales, qs
constexpr size_t q5_k_bytes = 2 + 2 + 12 + 32 + 128; // d, dmin, scales, qh, qs
constexpr size_t q6_k_bytes = 128 + 64 + 16 + 2; // ql, qh, int8 scales, d

constexpr std::array<TypeTraits, GGML_TYPE_COUNT> make_traits() {
    // Entries left value-initialised (name == nullptr) are ids ggml never
    // assigned or has withdrawn from GGUF (4, 5, 31-33, 36-38).
    std::array<TypeTraits, GGML_TYPE_COUNT> t {};
    t[GGML_TYPE_F32] = { "F32", 1, 4, true, true };
    t[GGML_TYPE_F16] = { "F16", 1, 2, true, true };
    t[GGML_TYPE_Q4_0] = { "Q4_0", 32, q4_0_bytes, true, true };
    t[GGML_TYPE_Q4_1] = { "Q4_1", 32, 20, true, true };
    t[GGML_TYPE_Q5_0] = { "Q5_0", 32, 22, true, true };
    t[GGML_TYPE_Q5_1] = { "Q5_1", 32, 24, true, true };
    t[GGML_TYPE_Q8_0] = { "Q8_0", 32, q8_0_bytes, true, true };
    t[GGML_TYPE_Q8_1] = { "Q8_1", 32, 36, false, false };
    t[GGML_TYPE_Q2_K] = { "Q2_K", qk_k, 84, true, true };
    t[GGML_TYPE_Q3_K] = { "Q3_K", qk_k, 110, true, true };
    t[GGML_TYPE_Q4_K] = { "Q4_K", qk_k, q4_k_bytes, true, true };
    t[GGML_TYPE_Q5_K] = { "Q5_K", qk_k, q5_k_bytes, true, true };
    t[GGML_TYPE_Q6_K] = { "Q6_K", qk_k, q6_k_bytes, true, true };
    // Q8_K is ggml's intermediate for activations; it never appears in files.
    t[GGML_TYPE_Q8_K] = { "Q8_K", qk_k, 292, false, false };
    // The i-quants' quantizers search their grids under an importance
    // matrix; we only decode them (IQ4_NL and IQ4_XS need none).
    t[GGML_TYPE_IQ2_XXS] = { "IQ2_XXS", qk_k, 66, true, false };
    t[GGML_TYPE_IQ2_XS] = { "IQ2_XS", qk_k, 74, true, false };
    t[GGML_TYPE_IQ3_XXS] = { "IQ3_XXS", qk_k, 98, true, false };
    t[GGML_TYPE_IQ1_S] = { "IQ1_S", qk_k, 50, true, false };
    t[GGML_TYPE_IQ4_NL] = { "IQ4_NL", 32, 18, true, true };
    t[GGML_TYPE_IQ3_S] = { "IQ3_S", qk_k, 110, true, false };
    t[GGML_TYPE_IQ2_S] = { "IQ2_S", qk_k, 82, true, false };
    t[GGML_TYPE_IQ4_XS] = { "IQ4_XS", qk_k, 136, true, true };
    // Integer and F64 tensors: sized and named so a file using them is
    // refused with a useful message rather than as an unknown number.
    t[24] = { "I8", 1, 1, false, false };
    t[25] = { "I16", 1, 2, false, false };
    t[26] = { "I32", 1, 4, false, false };
    t[27] = { "I64", 1, 8, false, false };
    t[28] = { "F64", 1, 8, false, false };
    t[GGML_TYPE_IQ1_M] = { "IQ1_M", qk_k, 56, true, false };
    t[GGML_TYPE_BF16] = { "BF16", 1, 2, true, true };
    t[GGML_TYPE_TQ1_0] = { "TQ1_0", qk_k, 54, true, true };
    t[GGML_TYPE_TQ2_0] = { "TQ2_0", qk_k, 66, true, true };
    t[GGML_TYPE_MXFP4] = { "MXFP4", 32, 17, true, true };
    t[GGML_TYPE_NVFP4] = { "NVFP4", 64, 36, true, true };
    t[GGML_TYPE_Q1_0] = { "Q1_0", 128, 18, true, true };
    t[GGML_TYPE_Q2_0] = { "Q2_0", 64, 18, true, true };
    return t;
}

constexpr std::array<TypeTraits, GGML_TYPE_COUNT> k_traits = make_traits();

[[noreturn]] void fail(const std::string& what) {
    throw Error(what);
}

const TypeTraits& supported_traits(uint32_t type, int64_t n, const char* op) {
    const TypeTraits* t = type_traits(type);
    if (!t || !t->supported) fail(std::string(op) + ": tensor type " + type_name(type) + " is not supported");
    if (n < 0 || n % t->block_size != 0) {
        fail(std::string(op) + ": " + std::to_string(n) + " elements is not a whole number of " + t->name + " blocks");
    }
    return *t;
}

// Round half away from zero, as ggml's quantizers do (roundf), then clamp.
inline int round_clamp(float v, int lo, int hi) {
    const float r = std::round(v);
    if (!(r >= float(lo))) return lo; // also maps NaN to lo
    if (r > float(hi)) return hi;
    return int(r);
}

// Round to nearest (ties to even) and clamp, for the K-quant searches, which
// call it tens of times per element: adding 1.5 * 2^23 leaves the integer in
// the low mantissa bits, with no libm call. The clamp comes first so huge
// values and NaN cannot break the trick.
inline int level(float v, int lo, int hi) {
    v = v > float(lo) ? v : float(lo);
    v = v < float(hi) ? v : float(hi);
    return int(std::bit_cast<uint32_t>(v + 12582912.0f) & 0x7FFFFFu) - 0x400000;
}

// ---------------------------------------------------------------------------
// Block decoders (reference, scalar). They evaluate products in the same
// order as ggml so dequantized values match it bit for bit.

void dequant_q8_0(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const int8_t* q = reinterpret_cast<const int8_t*>(b + 2);
    for (int j = 0; j < 32; ++j)
        y[j] = float(q[j]) * d;
}

void dequant_q4_0(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const uint8_t* qs = b + 2;
    for (int j = 0; j < 16; ++j) {
        y[j] = float((qs[j] & 0x0F) - 8) * d;
        y[j + 16] = float((qs[j] >> 4) - 8) * d;
    }
}

// Sub-block j's 6-bit scale and min from the 12 packed bytes: j < 4 sit in the
// low 6 bits of bytes j and j+4; j >= 4 are split into a nibble in bytes 8..11
// and two high bits borrowed from the top of bytes j-4 and j.
inline void k_scale_min(const uint8_t* s, int j, int* sc, int* mn) {
    if (j < 4) {
        *sc = s[j] & 63;
        *mn = s[j + 4] & 63;
    } else {
        *sc = (s[j + 4] & 0x0F) | ((s[j - 4] >> 6) << 4);
        *mn = (s[j + 4] >> 4) | ((s[j] >> 6) << 4);
    }
}

void k_pack_scale_min(const int* sc, const int* mn, uint8_t* s) {
    for (int j = 0; j < 4; ++j) {
        s[j] = uint8_t(sc[j] | ((sc[j + 4] >> 4) << 6));
        s[j + 4] = uint8_t(mn[j] | ((mn[j + 4] >> 4) << 6));
        s[j + 8] = uint8_t((sc[j + 4] & 0x0F) | ((mn[j + 4] & 0x0F) << 4));
    }
}

void dequant_q4_k(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const float dmin = read_half(b + 2);
    const uint8_t* scales = b + 4;
    const uint8_t* qs = b + 16;
    // Each 32-byte run of qs holds 64 elements: low nibbles first, then high.
    for (int c = 0; c < 4; ++c) {
        int sc, mn;
        k_scale_min(scales, 2 * c, &sc, &mn);
        const float d1 = d * float(sc), m1 = dmin * float(mn);
        k_scale_min(scales, 2 * c + 1, &sc, &mn);
        const float d2 = d * float(sc), m2 = dmin * float(mn);
        const uint8_t* q = qs + 32 * c;
        float* yc = y + 64 * c;
        for (int l = 0; l < 32; ++l)
            yc[l] = d1 * float(q[l] & 0x0F) - m1;
        for (int l = 0; l < 32; ++l)
            yc[l + 32] = d2 * float(q[l] >> 4) - m2;
    }
}

void dequant_q5_k(const uint8_t* __restrict b, float* __restrict y) {
    const float d = read_half(b);
    const float dmin = read_half(b + 2);
    const uint8_t* scales = b + 4;
    const uint8_t* qh = b + 16;
    const uint8_t* qs = b + 48;
    // As Q4_K, plus a fifth bit per element: bit 2c of qh[l] for the low
    // half of 64-element run c, bit 2c+1 for its high half.
    for (int c = 0; c < 4; ++c) {
        int sc, mn;
        k_scale_min(scales, 2 * c, &sc, &mn);
        const float d1 = d * float(sc), m1 = dmin * float(mn);
        k_scale_min(scales, 2 * c + 1, &sc, &mn);
        const float d2 = d * float(sc), m2 = dmin * float(mn);
        const uint8_t* q = qs + 32 * c;
        float* yc = y + 64 * c;
        for (int l = 0; l < 32; ++l) {
            const int h = (qh[l] >> (2 * c)) & 1;
            yc[l] = d1 * float((q[l] & 0x0F) + 16 * h) - m1;
        }
        for (int l = 0; l < 32; ++l) {
            const int h = (qh[l] >> (2 * c + 1)) & 1;
            yc[l + 32] = d2 * float((q[l] >> 4) + 16 * h) - m2;
        }
    }
}

void dequant_q6_k(const uint8_t* __restrict b, float* __restrict y) {
    const uint8_t* ql = b;
    const uint8_t* qh = b + 128;
    const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
    const float d = read_half(b + 208);
    // Two halves of 128 elements. Within a half, element l (l < 32) and its
    // partners l+32, l+64, l+96 share qh[l] (2 bits each, lowest first); the
    // low nibbles of ql[l] / ql[l+32] serve l / l+32, the high ones l+64 / l+96.
    // One int8 scale per 16 elements, in element order.
    for (int half = 0; half < 2; ++half) {
        for (int g = 0; g < 2; ++g) {
            // (d * scale) first, then the level: ggml's evaluation order
            const float s1 = d * float(sc[g]), s2 = d * float(sc[g + 2]);
            const float s3 = d * float(sc[g + 4]), s4 = d * float(sc[g + 6]);
            for (int l = 16 * g; l < 16 * g + 16; ++l) {
                const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = s1 * float(q1);
                y[l + 32] = s2 * float(q2);
                y[l + 64] = s3 * float(q3);
                y[l + 96] = s4 * float(q4);
            }
        }
        y += 128;
        ql += 64;
        qh += 32;
        sc += 8;
    }
}

// ---------------------------------------------------------------------------
// Quantizers.

void quant_q8_0(const float* x, uint8_t* b) {
    float amax = 0.0f;
    for (int j = 0; j < 32; ++j)
        amax = std::max(amax, std::fabs(x[j]));
    const float d = amax / 127.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b, fp32_to_fp16(d));
    int8_t* q = reinterpret_cast<int8_t*>(b + 2);
    for (int j = 0; j < 32; ++j)
        q[j] = int8_t(round_clamp(x[j] * id, -127, 127));
}

void quant_q4_0(const float* x, uint8_t* b) {
    // The value of largest magnitude maps to level 0 (-8 * d) exactly, which
    // uses the asymmetric level range [-8, 7] to the full.
    float amax = 0.0f, vmax = 0.0f;
    for (int j = 0; j < 32; ++j) {
        if (std::fabs(x[j]) > amax) {
            amax = std::fabs(x[j]);
            vmax = x[j];
        }
    }
    const float d = vmax / -8.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    write_u16(b, fp32_to_fp16(d));
    uint8_t* qs = b + 2;
    for (int j = 0; j < 16; ++j) {
        // floor(v + 8.5) rather than round: ggml's rounding, so ties agree.
        const int lo = std::min(15, int(x[j] * id + 8.5f));
        const int hi = std::min(15, int(x[j + 16] * id + 8.5f));
        qs[j] = uint8_t(std::max(lo, 0) | (std::max(hi, 0) << 4));
    }
}

// Fits x ~= s*q - o over integer q in [0, nmax] with s >= 0 and o >= 0 (the
// format subtracts a non-negative min, so the lowest representable value is
// never above zero). A plain min/max grid wastes levels on the outliers, so a
// few grids around it are tried, each refitted by least squares to its
// rounded levels, and the one with the smallest squared error is kept.
void fit_affine(const float* x, int n, int nmax, float* s_out, float* o_out) {
    float lo = x[0], hi = x[0], sx = 0.0f;
    for (int i = 0; i < n; ++i) {
        lo = std::min(lo, x[i]);
        hi = std::max(hi, x[i]);
        sx += x[i];
    }
    lo = std::min(lo, 0.0f);
    if (!(hi > lo)) { // constant non-positive data: the offset alone is exact
        *s_out = 0.0f;
        *o_out = -lo;
        return;
    }
    float best_s = (hi - lo) / float(nmax), best_b = lo;
    float best_err = std::numeric_limits<float>::infinity();
    for (int k = -8; k <= 8; ++k) {
        const float iscale = (float(nmax) + 0.125f * float(k)) / (hi - lo);
        float sl = 0, sll = 0, sxl = 0;
        for (int i = 0; i < n; ++i) {
            const float l = float(level((x[i] - lo) * iscale, 0, nmax));
            sl += l;
            sll += l * l;
            sxl += x[i] * l;
        }
        const float det = float(n) * sll - sl * sl;
        if (!(det > 0.0f)) continue;
        float s = (float(n) * sxl - sl * sx) / det;
        float b = (sll * sx - sl * sxl) / det;
        if (b > 0.0f) { // the offset must not lift the lowest level above zero
            b = 0.0f;
            s = sxl / sll;
        }
        if (!(s > 0.0f)) continue;
        const float is = 1.0f / s;
        float err = 0.0f;
        for (int i = 0; i < n; ++i) {
            const float e = s * float(level((x[i] - b) * is, 0, nmax)) + b - x[i];
            err += e * e;
        }
        if (err < best_err) {
            best_err = err;
            best_s = s;
            best_b = b;
        }
    }
    *s_out = best_s;
    *o_out = -best_b;
}

// Fits x ~= s*q over integer q in [-nmax, nmax-1]. s may be negative: putting
// the largest magnitude on -nmax uses the one extra negative level.
float fit_symmetric(const float* x, int n, int nmax) {
    float amax = 0.0f, vmax = 0.0f;
    for (int i = 0; i < n; ++i) {
        if (std::fabs(x[i]) > amax) {
            amax = std::fabs(x[i]);
            vmax = x[i];
        }
    }
    if (amax < 1e-30f) return 0.0f;
    float best_s = vmax / -float(nmax);
    float best_err = std::numeric_limits<float>::infinity();
    for (int k = -6; k <= 6; ++k) {
        const float iscale = -(float(nmax) + 0.125f * float(k)) / vmax;
        float sxl = 0, sll = 0;
        for (int i = 0; i < n; ++i) {
            const float l = float(level(iscale * x[i], -nmax, nmax - 1));
            sxl += x[i] * l;
            sll += l * l;
        }
        if (!(sll > 0.0f) || sxl == 0.0f) continue;
        const float s = sxl / sll;
        const float is = 1.0f / s;
        float err = 0.0f;
        for (int i = 0; i < n; ++i) {
            const float e = s * float(level(x[i] * is, -nmax, nmax - 1)) - x[i];
            err += e * e;
        }
        if (err < best_err) {
            best_err = err;
            best_s = s;
        }
    }
    return best_s;
}

// Shared by Q4_K (nmax 15) and Q5_K (nmax 31): eight 32-element sub-blocks
// with their own scale and min, both stored as 6-bit multiples of the fp16
// super-block factors d and dmin. Levels are assigned against the scales as
// finally stored, so the rounding of the scales is partly absorbed.
void quant_k_affine(const float* x, int nmax, uint8_t* dm_out, uint8_t* scales_out, uint8_t* levels) {
    float s[8], o[8];
    float max_s = 0.0f, max_o = 0.0f;
    for (int j = 0; j < 8; ++j) {
        fit_affine(x + 32 * j, 32, nmax, &s[j], &o[j]);
        max_s = std::max(max_s, s[j]);
        max_o = std::max(max_o, o[j]);
    }
    const uint16_t dh = fp32_to_fp16(max_s / 63.0f);
    const uint16_t mh = fp32_to_fp16(max_o / 63.0f);
    const float d = fp16_to_fp32(dh), dmin = fp16_to_fp32(mh);
    write_u16(dm_out, dh);
    write_u16(dm_out + 2, mh);
    int ls[8], lm[8];
    for (int j = 0; j < 8; ++j) {
        ls[j] = d > 0.0f ? round_clamp(s[j] / d, 0, 63) : 0;
        lm[j] = dmin > 0.0f ? round_clamp(o[j] / dmin, 0, 63) : 0;
        const float step = d * float(ls[j]);
        const float off = dmin * float(lm[j]);
        const float inv = step > 0.0f ? 1.0f / step : 0.0f;
        for (int i = 0; i < 32; ++i)
            levels[32 * j + i] = uint8_t(level((x[32 * j + i] + off) * inv, 0, nmax));
    }
    k_pack_scale_min(ls, lm, scales_out);
}

void quant_q4_k(const float* x, uint8_t* b) {
    uint8_t L[qk_k];
    quant_k_affine(x, 15, b, b + 4, L);
    uint8_t* qs = b + 16;
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l)
            qs[32 * c + l] = uint8_t(L[64 * c + l] | (L[64 * c + 32 + l] << 4));
    }
}

void quant_q5_k(const float* x, uint8_t* b) {
    uint8_t L[qk_k];
    quant_k_affine(x, 31, b, b + 4, L);
    uint8_t* qh = b + 16;
    uint8_t* qs = b + 48;
    std::memset(qh, 0, 32);
    for (int c = 0; c < 4; ++c) {
        for (int l = 0; l < 32; ++l) {
            const int a = L[64 * c + l], h = L[64 * c + 32 + l];
            qs[32 * c + l] = uint8_t((a & 0x0F) | ((h & 0x0F) << 4));
            qh[l] = uint8_t(qh[l] | ((a >> 4) << (2 * c)) | ((h >> 4) << (2 * c + 1)));
        }
    }
}

void quant_q6_k(const float* x, uint8_t* b) {
    float s[16];
    float smax = 0.0f, amax = 0.0f;
    for (int j = 0; j < 16; ++j) {
        s[j] = fit_symmetric(x + 16 * j, 16, 32);
        if (std::fabs(s[j]) > amax) {
            amax = std::fabs(s[j]);
            smax = s[j];
        }
    }
    // As for the elements, the largest scale goes to -128 to use int8's full range.
    const uint16_t dh = fp32_to_fp16(smax / -128.0f);
    const float d = fp16_to_fp32(dh);
    int8_t* sc = reinterpret_cast<int8_t*>(b + 192);
    uint8_t L[qk_k];
    for (int j = 0; j < 16; ++j) {
        const int ls = d != 0.0f ? round_clamp(s[j] / d, -128, 127) : 0;
        sc[j] = int8_t(ls);
        const float step = d * float(ls);
        const float inv = step != 0.0f ? 1.0f / step : 0.0f;
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] = uint8_t(level(x[16 * j + i] * inv, -32, 31) + 32);
    }
    write_u16(b + 208, dh);
    uint8_t* ql = b;
    uint8_t* qh = b + 128;
    for (int half = 0; half < 2; ++half) {
        const uint8_t* Lh = L + 128 * half;
        for (int l = 0; l < 32; ++l) {
            ql[l] = uint8_t((Lh[l] & 0x0F) | ((Lh[l + 64] & 0x0F) << 4));
            ql[l + 32] = uint8_t((Lh[l + 32] & 0x0F) | ((Lh[l + 96] & 0x0F) << 4));
            qh[l] = uint8_t(
                (Lh[l] >> 4) | ((Lh[l + 32] >> 4) << 2) | ((Lh[l + 64] >> 4) << 4) | ((Lh[l + 96] >> 4) << 6));
        }
        ql += 64;
        qh += 32;
    }
}

// ---------------------------------------------------------------------------
// Portable dot products (dot_lanes and dot_decoded in block_codec.h).

void f16_to_f32_row(const uint8_t* __restrict src, float* __restrict dst, int64_t n) {
    // Copying through an aligned uint16_t array, in groups of 8, is what gets
    // GCC's -O2 vectoriser to take this loop.
    uint16_t h[8];
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        std::memcpy(h, src + 2 * i, sizeof h);
        for (int j = 0; j < 8; ++j)
            dst[i + j] = half_to_float(h[j]);
    }
    for (; i < n; ++i)
        dst[i] = half_to_float(read_u16(src + 2 * i));
}

// Converting a chunk at a time keeps both loops simple enough to vectorise.
float dot_f16_scalar(const uint8_t* row, const float* x, int64_t n) {
    float buf[256];
    float sum = 0.0f;
    for (int64_t i = 0; i < n; i += 256) {
        const int64_t m = std::min<int64_t>(256, n - i);
        f16_to_f32_row(row + 2 * i, buf, m);
        sum += dot_f32_scalar(buf, x + i, m);
    }
    return sum;
}

float dot_bf16_scalar(const uint8_t* row, const float* x, int64_t n) {
    return dot_lanes([row](int64_t i) { return bf16_to_fp32(read_u16(row + 2 * i)); }, x, n);
}

// ---------------------------------------------------------------------------
// AVX2 + FMA + F16C paths, compiled for those extensions whatever the build
// flags and only called after checking the CPU at run time.

#if defined(MOE_QUANT_X86)

MOE_AVX2 inline float half_f16c(const uint8_t* p) {
    return _cvtsh_ss(read_u16(p));
}

// 8 bytes widened to 8 int32 lanes; the load folds into vpmovzx/sx, so it
// costs one shuffle-port uop per 8 elements, the scarce resource of the
// quantized loops below (Q8_0 runs at that limit when the row is cached).
MOE_AVX2 inline __m256i load_u8x8(const uint8_t* p) {
    return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

MOE_AVX2 float dot_f32_avx2(const float* a, const float* x, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        prefetch_ahead(a + i);
        prefetch_ahead(a + i + 16);
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(x + i), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(x + i + 8), s1);
        s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 16), _mm256_loadu_ps(x + i + 16), s2);
        s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 24), _mm256_loadu_ps(x + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(x + i), s0);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; ++i)
        sum += a[i] * x[i];
    return sum;
}

MOE_AVX2 inline __m256 load_f16x8(const uint8_t* p) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

MOE_AVX2 inline float f16_at(const uint8_t* p) {
    return half_f16c(p);
}

// The loop shared by the 16-bit float formats: Load widens 8 values to fp32,
// four accumulator chains keep the FMAs independent, At handles the tail.
template <__m256 (*Load)(const uint8_t*), float (*At)(const uint8_t*)>
MOE_AVX2 float dot_half_avx2(const uint8_t* row, const float* x, int64_t n) {
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0;
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        prefetch_ahead(row + 2 * i);
        s0 = _mm256_fmadd_ps(Load(row + 2 * i), _mm256_loadu_ps(x + i), s0);
        s1 = _mm256_fmadd_ps(Load(row + 2 * i + 16), _mm256_loadu_ps(x + i + 8), s1);
        s2 = _mm256_fmadd_ps(Load(row + 2 * i + 32), _mm256_loadu_ps(x + i + 16), s2);
        s3 = _mm256_fmadd_ps(Load(row + 2 * i + 48), _mm256_loadu_ps(x + i + 24), s3);
    }
    for (; i + 8 <= n; i += 8)
        s0 = _mm256_fmadd_ps(Load(row + 2 * i), _mm256_loadu_ps(x + i), s0);
    float sum = hsum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    for (; i < n; ++i)
        sum += At(row + 2 * i) * x[i];
    return sum;
}

MOE_AVX2 float dot_f16_avx2(const uint8_t* row, const float* x, int64_t n) {
    return dot_half_avx2<load_f16x8, f16_at>(row, x, n);
}

// bf16 is the top half of an fp32: widen to 32 bits and shift into place.
MOE_AVX2 inline __m256 load_bf16x8(const uint8_t* p) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

inline float bf16_at(const uint8_t* p) {
    return bf16_to_fp32(read_u16(p));
}

MOE_AVX2 float dot_bf16_avx2(const uint8_t* row, const float* x, int64_t n) {
    return dot_half_avx2<load_bf16x8, bf16_at>(row, x, n);
}

// sum_j q[j] * x[j] of one Q8_0 block, in 8 lanes; two chains so the FMAs
// do not wait on each other.
MOE_AVX2 inline __m256 q8_0_block(const uint8_t* qs, const float* x) {
    __m256 p0 = _mm256_mul_ps(load_i8x8_ps(qs), _mm256_loadu_ps(x));
    __m256 p1 = _mm256_mul_ps(load_i8x8_ps(qs + 8), _mm256_loadu_ps(x + 8));
    p0 = _mm256_fmadd_ps(load_i8x8_ps(qs + 16), _mm256_loadu_ps(x + 16), p0);
    p1 = _mm256_fmadd_ps(load_i8x8_ps(qs + 24), _mm256_loadu_ps(x + 24), p1);
    return _mm256_add_ps(p0, p1);
}

// The block loop shared by the 32-element formats that start with an fp16
// scale (Q8_0, Q4_0): Block returns the 8-lane partial sums of one block's
// quants times x; two accumulator chains keep the FMAs independent.
template <size_t BlockBytes, __m256 (*Block)(const uint8_t*, const float*)>
MOE_AVX2 float dot_blocks32_avx2(const uint8_t* row, const float* x, int64_t n) {
    const int64_t nb = n / 32;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = acc0;
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        const uint8_t* p = row + size_t(b) * BlockBytes;
        prefetch_ahead(p);
        const __m256 s0 = Block(p + 2, x + b * 32);
        const __m256 s1 = Block(p + BlockBytes + 2, x + b * 32 + 32);
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half_f16c(p)), s0, acc0);
        acc1 = _mm256_fmadd_ps(_mm256_set1_ps(half_f16c(p + BlockBytes)), s1, acc1);
    }
    if (b < nb) {
        const uint8_t* p = row + size_t(b) * BlockBytes;
        acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half_f16c(p)), Block(p + 2, x + b * 32), acc0);
    }
    return hsum(_mm256_add_ps(acc0, acc1));
}

MOE_AVX2 float dot_q8_0_avx2(const uint8_t* row, const float* x, int64_t n) {
    return dot_blocks32_avx2<q8_0_bytes, q8_0_block>(row, x, n);
}

// Nibble levels 0..15 to floats centred on zero.
MOE_AVX2 inline __m256 q4_levels_ps(__m256i q) {
    return _mm256_cvtepi32_ps(_mm256_sub_epi32(q, _mm256_set1_epi32(8)));
}

MOE_AVX2 inline __m256 q4_0_block(const uint8_t* qs, const float* x) {
    const __m256i m4 = _mm256_set1_epi32(0x0F);
    const __m256i a = load_u8x8(qs); // elements 0..7 low, 16..23 high
    const __m256i b = load_u8x8(qs + 8); // elements 8..15 low, 24..31 high
    __m256 p0 = _mm256_mul_ps(q4_levels_ps(_mm256_and_si256(a, m4)), _mm256_loadu_ps(x));
    __m256 p1 = _mm256_mul_ps(q4_levels_ps(_mm256_and_si256(b, m4)), _mm256_loadu_ps(x + 8));
    p0 = _mm256_fmadd_ps(q4_levels_ps(_mm256_srli_epi32(a, 4)), _mm256_loadu_ps(x + 16), p0);
    p1 = _mm256_fmadd_ps(q4_levels_ps(_mm256_srli_epi32(b, 4)), _mm256_loadu_ps(x + 24), p1);
    return _mm256_add_ps(p0, p1);
}

MOE_AVX2 float dot_q4_0_avx2(const uint8_t* row, const float* x, int64_t n) {
    return dot_blocks32_avx2<q4_0_bytes, q4_0_block>(row, x, n);
}

// K-quants: the levels of a super-block are first unpacked with 32-byte
// operations into a 256-byte stack buffer (a handful of instructions per 64
// elements), then widened 8 at a time straight from that buffer, so the
// per-element work is one widen, one convert and one FMA. The scales are
// decoded with vector ops into a small float array and broadcast from memory,
// which costs no shuffle-port uops.

// The 8 six-bit scales and mins of a Q4_K/Q5_K super-block times d and dmin.
// Bytes 0-3 hold scales 0-3, 4-7 mins 0-3, 8-11 the low nibbles of scales and
// mins 4-7; their top two bits ride in bits 6-7 of bytes 0-3 and 4-7.
MOE_AVX2 inline void k_scales_ps(const uint8_t* s, float d, float dmin, float* dsc, float* dmn) {
    uint32_t u[3];
    std::memcpy(u, s, 12);
    const uint32_t sc_lo = u[0] & 0x3F3F3F3Fu;
    const uint32_t mn_lo = u[1] & 0x3F3F3F3Fu;
    const uint32_t sc_hi = (u[2] & 0x0F0F0F0Fu) | (((u[0] >> 6) & 0x03030303u) << 4);
    const uint32_t mn_hi = ((u[2] >> 4) & 0x0F0F0F0Fu) | (((u[1] >> 6) & 0x03030303u) << 4);
    const __m128i v = _mm_set_epi32(int(mn_hi), int(mn_lo), int(sc_hi), int(sc_lo));
    _mm256_storeu_ps(dsc, _mm256_mul_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(v))));
    _mm256_storeu_ps(
        dmn, _mm256_mul_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(v, 8)))));
}

// Q4_K and Q5_K: value = d*sc*q - dmin*m, so per 32-element sub-block
//   sum value*x = (d*sc) * sum(q*x) - (dmin*m) * sum(x).
MOE_AVX2 inline void k_affine_dot(
    const int8_t* L, const float* xb, const float* dsc, const float* dmn, __m256& ts, __m256& tm) {
    for (int j = 0; j < 8; ++j) {
        const int8_t* q = L + 32 * j;
        const float* xs = xb + 32 * j;
        const __m256 a = _mm256_add_ps(dot16(q, xs), dot16(q + 16, xs + 16));
        const __m256 sx = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(xs), _mm256_loadu_ps(xs + 8)),
            _mm256_add_ps(_mm256_loadu_ps(xs + 16), _mm256_loadu_ps(xs + 24)));
        ts = _mm256_fmadd_ps(_mm256_broadcast_ss(dsc + j), a, ts);
        tm = _mm256_fmadd_ps(_mm256_broadcast_ss(dmn + j), sx, tm);
    }
}

MOE_AVX2 float dot_q4_k_avx2(const uint8_t* row, const float* x, int64_t n) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    alignas(32) int8_t L[qk_k];
    alignas(32) float dsc[8], dmn[8];
    __m256 ts = _mm256_setzero_ps(), tm = ts;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* p = row + size_t(b) * q4_k_bytes;
        for (size_t off = 0; off < q4_k_bytes; off += 64)
            prefetch_ahead(p + off);
        k_scales_ps(p + 4, half_f16c(p), half_f16c(p + 2), dsc, dmn);
        // 32 bytes of qs = 64 elements: low nibbles first, then high nibbles
        for (int c = 0; c < 4; ++c) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16 + 32 * c));
            _mm256_store_si256(reinterpret_cast<__m256i*>(L + 64 * c), _mm256_and_si256(v, m4));
            _mm256_store_si256(
                reinterpret_cast<__m256i*>(L + 64 * c + 32), _mm256_and_si256(_mm256_srli_epi16(v, 4), m4));
        }
        k_affine_dot(L, x + b * qk_k, dsc, dmn, ts, tm);
    }
    return hsum(_mm256_sub_ps(ts, tm));
}

MOE_AVX2 float dot_q5_k_avx2(const uint8_t* row, const float* x, int64_t n) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m16 = _mm256_set1_epi8(0x10);
    alignas(32) int8_t L[qk_k];
    alignas(32) float dsc[8], dmn[8];
    __m256 ts = _mm256_setzero_ps(), tm = ts;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* p = row + size_t(b) * q5_k_bytes;
        for (size_t off = 0; off < q5_k_bytes; off += 64)
            prefetch_ahead(p + off);
        k_scales_ps(p + 4, half_f16c(p), half_f16c(p + 2), dsc, dmn);
        // qh[l] carries the fifth bit of element l of every 64-element run:
        // bit 2c for the low half of run c, bit 2c+1 for the high half. It is
        // shifted right by two per run so those are always bits 0 and 1.
        __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 16));
        for (int c = 0; c < 4; ++c) {
            const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 48 + 32 * c));
            const __m256i lo = _mm256_or_si256(_mm256_and_si256(v, m4), _mm256_and_si256(_mm256_slli_epi16(h, 4), m16));
            const __m256i hi = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(v, 4), m4), _mm256_and_si256(_mm256_slli_epi16(h, 3), m16));
            _mm256_store_si256(reinterpret_cast<__m256i*>(L + 64 * c), lo);
            _mm256_store_si256(reinterpret_cast<__m256i*>(L + 64 * c + 32), hi);
            h = _mm256_srli_epi16(h, 2);
        }
        k_affine_dot(L, x + b * qk_k, dsc, dmn, ts, tm);
    }
    return hsum(_mm256_sub_ps(ts, tm));
}

MOE_AVX2 float dot_q6_k_avx2(const uint8_t* row, const float* x, int64_t n) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m48 = _mm256_set1_epi8(0x30);
    const __m256i c32 = _mm256_set1_epi8(32);
    alignas(32) int8_t L[qk_k];
    alignas(32) float dsc[16];
    __m256 t0 = _mm256_setzero_ps(), t1 = t0;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* p = row + size_t(b) * q6_k_bytes;
        for (size_t off = 0; off < q6_k_bytes; off += 64)
            prefetch_ahead(p + off);
        const __m256 d = _mm256_set1_ps(half_f16c(p + 208));
        const __m128i sc = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 192));
        _mm256_store_ps(dsc, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(sc))));
        _mm256_store_ps(dsc + 8, _mm256_mul_ps(d, _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(sc, 8)))));
        // Per 128-element half: ql[0..31] low/high nibbles are elements 0-31 /
        // 64-95, ql[32..63] are 32-63 / 96-127, and qh[l] holds the top two
        // bits of elements l, l+32, l+64, l+96 from its lowest bits up.
        for (int half = 0; half < 2; ++half) {
            const uint8_t* ql = p + 64 * half;
            const __m256i A = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
            const __m256i B = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
            const __m256i H = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + 128 + 32 * half));
            const __m256i q1 = _mm256_or_si256(_mm256_and_si256(A, m4), _mm256_and_si256(_mm256_slli_epi16(H, 4), m48));
            const __m256i q2 = _mm256_or_si256(_mm256_and_si256(B, m4), _mm256_and_si256(_mm256_slli_epi16(H, 2), m48));
            const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(A, 4), m4), _mm256_and_si256(H, m48));
            const __m256i q4 = _mm256_or_si256(
                _mm256_and_si256(_mm256_srli_epi16(B, 4), m4), _mm256_and_si256(_mm256_srli_epi16(H, 2), m48));
            int8_t* Lh = L + 128 * half;
            _mm256_store_si256(reinterpret_cast<__m256i*>(Lh), _mm256_sub_epi8(q1, c32));
            _mm256_store_si256(reinterpret_cast<__m256i*>(Lh + 32), _mm256_sub_epi8(q2, c32));
            _mm256_store_si256(reinterpret_cast<__m256i*>(Lh + 64), _mm256_sub_epi8(q3, c32));
            _mm256_store_si256(reinterpret_cast<__m256i*>(Lh + 96), _mm256_sub_epi8(q4, c32));
        }
        // one int8 scale per 16 elements, in element order
        const float* xb = x + b * qk_k;
        for (int g = 0; g < 16; g += 2) {
            t0 = _mm256_fmadd_ps(_mm256_broadcast_ss(dsc + g), dot16(L + 16 * g, xb + 16 * g), t0);
            t1 = _mm256_fmadd_ps(_mm256_broadcast_ss(dsc + g + 1), dot16(L + 16 * g + 16, xb + 16 * g + 16), t1);
        }
    }
    return hsum(_mm256_add_ps(t0, t1));
}

MOE_AVX2 void dequant_f16_avx2(const uint8_t* src, float* dst, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(dst + i, load_f16x8(src + 2 * i));
    for (; i < n; ++i)
        dst[i] = half_f16c(src + 2 * i);
}

bool cpu_has_avx2() {
    static const bool has = [] {
        __builtin_cpu_init();
        // The builtin also checks that the OS saves the YMM registers; F16C
        // is read from CPUID directly because not every compiler's builtin
        // knows it (clang 14 does not).
        unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
        const bool f16c = __get_cpuid(1, &eax, &ebx, &ecx, &edx) && (ecx & bit_F16C);
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && f16c;
    }();
    return has;
}

#else

bool cpu_has_avx2() {
    return false;
}

#endif // MOE_QUANT_X86

std::atomic<bool> g_simd_wanted { true };

inline bool use_simd() {
    return g_simd_wanted.load(std::memory_order_relaxed) && cpu_has_avx2();
}

// The formats that live in their own files, each registered as a BlockCodec.
const BlockCodec* block_codec(uint32_t type) {
    switch (type) {
    case GGML_TYPE_Q4_1:
        return &codec_q4_1;
    case GGML_TYPE_Q5_0:
        return &codec_q5_0;
    case GGML_TYPE_Q5_1:
        return &codec_q5_1;
    case GGML_TYPE_MXFP4:
        return &codec_mxfp4;
    case GGML_TYPE_NVFP4:
        return &codec_nvfp4;
    case GGML_TYPE_Q1_0:
        return &codec_q1_0;
    case GGML_TYPE_Q2_0:
        return &codec_q2_0;
    case GGML_TYPE_Q2_K:
        return &codec_q2_k;
    case GGML_TYPE_Q3_K:
        return &codec_q3_k;
    case GGML_TYPE_IQ4_NL:
        return &codec_iq4_nl;
    case GGML_TYPE_IQ4_XS:
        return &codec_iq4_xs;
    case GGML_TYPE_IQ2_XXS:
        return &codec_iq2_xxs;
    case GGML_TYPE_IQ2_XS:
        return &codec_iq2_xs;
    case GGML_TYPE_IQ2_S:
        return &codec_iq2_s;
    case GGML_TYPE_IQ3_XXS:
        return &codec_iq3_xxs;
    case GGML_TYPE_IQ3_S:
        return &codec_iq3_s;
    case GGML_TYPE_IQ1_S:
        return &codec_iq1_s;
    case GGML_TYPE_IQ1_M:
        return &codec_iq1_m;
    case GGML_TYPE_TQ1_0:
        return &codec_tq1_0;
    case GGML_TYPE_TQ2_0:
        return &codec_tq2_0;
    default:
        return nullptr;
    }
}

} // namespace

const TypeTraits* type_traits(uint32_t type) {
    if (type >= k_traits.size() || !k_traits[type].name) return nullptr;
    return &k_traits[type];
}

const char* type_name(uint32_t type) {
    if (const TypeTraits* t = type_traits(type)) return t->name;
    // Valid until this thread's next call with an unknown id; callers format it at once.
    thread_local char buf[24];
    std::snprintf(buf, sizeof buf, "type %u", unsigned(type));
    return buf;
}

bool type_from_name(const char* name, uint32_t* type) {
    if (!name) return false;
    for (uint32_t i = 0; i < k_traits.size(); ++i) {
        const char* a = k_traits[i].name;
        if (!a) continue;
        const char* b = name;
        // ASCII only: toupper() follows the process locale (Qt sets it from
        // the environment), and in a Turkish one 'i' does not map to 'I'.
        auto upper = [](char c) { return c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c; };
        while (*a && *b && upper(*b) == *a) {
            ++a;
            ++b;
        }
        if (*a == 0 && *b == 0) {
            if (type) *type = i;
            return true;
        }
    }
    return false;
}

size_t row_size(uint32_t type, int64_t n) {
    const TypeTraits* t = type_traits(type);
    if (!t) fail(std::string("row_size: unknown tensor type ") + type_name(type));
    if (n < 0 || n % t->block_size != 0) {
        fail("row_size: " + std::to_string(n) + " elements is not a whole number of " + t->name + " blocks");
    }
    return size_t(n / t->block_size) * t->type_size;
}

void dequantize_row(uint32_t type, const void* src, float* dst, int64_t n) {
    supported_traits(type, n, "dequantize_row");
    const uint8_t* s = static_cast<const uint8_t*>(src);
    if (const BlockCodec* c = block_codec(type)) {
        c->dequantize(s, dst, n);
        return;
    }
    switch (type) {
    case GGML_TYPE_F32:
        std::memcpy(dst, s, size_t(n) * sizeof(float));
        return;
    case GGML_TYPE_F16:
#if defined(MOE_QUANT_X86)
        if (use_simd()) {
            dequant_f16_avx2(s, dst, n);
            return;
        }
#endif
        f16_to_f32_row(s, dst, n);
        return;
    case GGML_TYPE_BF16:
        for (int64_t i = 0; i < n; ++i)
            dst[i] = bf16_to_fp32(read_u16(s + 2 * i));
        return;
    case GGML_TYPE_Q8_0:
        dequantize_blocks<32, q8_0_bytes, dequant_q8_0>(s, dst, n);
        return;
    case GGML_TYPE_Q4_0:
        dequantize_blocks<32, q4_0_bytes, dequant_q4_0>(s, dst, n);
        return;
    case GGML_TYPE_Q4_K:
        dequantize_blocks<qk_k, q4_k_bytes, dequant_q4_k>(s, dst, n);
        return;
    case GGML_TYPE_Q5_K:
        dequantize_blocks<qk_k, q5_k_bytes, dequant_q5_k>(s, dst, n);
        return;
    case GGML_TYPE_Q6_K:
        dequantize_blocks<qk_k, q6_k_bytes, dequant_q6_k>(s, dst, n);
        return;
    default:
        break;
    }
    fail(std::string("dequantize_row: tensor type ") + type_name(type) + " is not supported");
}

// Reconstruction error of these quantizers, RMS(dequant - x) / RMS(x), as
// measured by tests/tst_quant.cpp (64K N(0,1) samples, the scale varied
// between 0.01 and 1.76 every 1024 elements):
//   F16 0.021%, BF16 0.17%, Q8_0 0.53%, Q4_0 8.6%, Q4_K 7.1%, Q5_K 3.6%, Q6_K 1.75%,
//   Q4_1 7.8%, Q5_0 4.3%, Q5_1 3.8%, Q2_K 30%, Q3_K 15%, IQ4_NL 7.6%, IQ4_XS 7.7%,
//   MXFP4 11.7%, NVFP4 9.5% (and the one-magnitude formats TQ1_0, TQ2_0 81%,
//   Q1_0 60%, Q2_0 72%, which are not meant for Gaussian weights).
// All but Q4_K to Q6_K follow ggml's quantizers without an importance matrix
// byte for byte (tst_quant_ggml); those three use a small least-squares scale
// search per sub-block instead of ggml's weighted one.
void quantize_row(uint32_t type, const float* src, void* dst, int64_t n) {
    const TypeTraits& t = supported_traits(type, n, "quantize_row");
    if (!t.can_quantize) {
        fail(std::string("quantize_row: writing ") + t.name
            + " is not supported (its quantizer needs an importance matrix)");
    }
    uint8_t* d = static_cast<uint8_t*>(dst);
    if (const BlockCodec* c = block_codec(type)) {
        c->quantize(src, d, n);
        return;
    }
    switch (type) {
    case GGML_TYPE_F32:
        std::memcpy(d, src, size_t(n) * sizeof(float));
        return;
    case GGML_TYPE_F16:
        for (int64_t i = 0; i < n; ++i)
            write_u16(d + 2 * i, fp32_to_fp16(src[i]));
        return;
    case GGML_TYPE_BF16:
        for (int64_t i = 0; i < n; ++i)
            write_u16(d + 2 * i, fp32_to_bf16(src[i]));
        return;
    case GGML_TYPE_Q8_0:
        quantize_blocks<32, q8_0_bytes, quant_q8_0>(src, d, n);
        return;
    case GGML_TYPE_Q4_0:
        quantize_blocks<32, q4_0_bytes, quant_q4_0>(src, d, n);
        return;
    case GGML_TYPE_Q4_K:
        quantize_blocks<qk_k, q4_k_bytes, quant_q4_k>(src, d, n);
        return;
    case GGML_TYPE_Q5_K:
        quantize_blocks<qk_k, q5_k_bytes, quant_q5_k>(src, d, n);
        return;
    case GGML_TYPE_Q6_K:
        quantize_blocks<qk_k, q6_k_bytes, quant_q6_k>(src, d, n);
        return;
    default:
        break;
    }
    fail(std::string("quantize_row: tensor type ") + type_name(type) + " is not supported");
}

float vec_dot(uint32_t type, const void* row, const float* x, int64_t n) {
    const uint8_t* r = static_cast<const uint8_t*>(row);
    if (const BlockCodec* c = block_codec(type)) {
        if (n < 0 || n % c->block != 0) supported_traits(type, n, "vec_dot"); // throws, naming the block size
#if defined(MOE_QUANT_X86)
        if (use_simd()) return c->dot_avx2(r, x, n);
#endif
        return c->dot(r, x, n);
    }
#if defined(MOE_QUANT_X86)
    if (use_simd()) {
        switch (type) {
        case GGML_TYPE_F32:
            return dot_f32_avx2(static_cast<const float*>(row), x, n);
        case GGML_TYPE_F16:
            return dot_f16_avx2(r, x, n);
        case GGML_TYPE_BF16:
            return dot_bf16_avx2(r, x, n);
        case GGML_TYPE_Q8_0:
            return dot_q8_0_avx2(r, x, n);
        case GGML_TYPE_Q4_0:
            return dot_q4_0_avx2(r, x, n);
        case GGML_TYPE_Q4_K:
            return dot_q4_k_avx2(r, x, n);
        case GGML_TYPE_Q5_K:
            return dot_q5_k_avx2(r, x, n);
        case GGML_TYPE_Q6_K:
            return dot_q6_k_avx2(r, x, n);
        default:
            break;
        }
    }
#endif
    switch (type) {
    case GGML_TYPE_F32:
        return dot_f32_scalar(static_cast<const float*>(row), x, n);
    case GGML_TYPE_F16:
        return dot_f16_scalar(r, x, n);
    case GGML_TYPE_BF16:
        return dot_bf16_scalar(r, x, n);
    case GGML_TYPE_Q8_0:
        return dot_decoded<32, q8_0_bytes, dequant_q8_0>(r, x, n);
    case GGML_TYPE_Q4_0:
        return dot_decoded<32, q4_0_bytes, dequant_q4_0>(r, x, n);
    case GGML_TYPE_Q4_K:
        return dot_decoded<qk_k, q4_k_bytes, dequant_q4_k>(r, x, n);
    case GGML_TYPE_Q5_K:
        return dot_decoded<qk_k, q5_k_bytes, dequant_q5_k>(r, x, n);
    case GGML_TYPE_Q6_K:
        return dot_decoded<qk_k, q6_k_bytes, dequant_q6_k>(r, x, n);
    default:
        break;
    }
    fail(std::string("vec_dot: tensor type ") + type_name(type) + " is not supported");
}

void set_simd_enabled(bool enabled) {
    g_simd_wanted.store(enabled, std::memory_order_relaxed);
}

bool simd_enabled() {
    return use_simd();
}

// ---------------------------------------------------------------------------
// Scalar conversions.

float fp16_to_fp32(uint16_t h) {
    return half_to_float(h);
}

uint16_t fp32_to_fp16(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    const uint16_t sign = uint16_t((u >> 16) & 0x8000u);
    const uint32_t a = u & 0x7FFFFFFFu;
    if (a > 0x7F800000u) {
        // NaN: keep it quiet and keep the top of the payload, as F16C does
        return uint16_t(sign | 0x7E00u | ((a >> 13) & 0x3FFu));
    }
    // 65520 is the midpoint between 65504 (largest half) and 65536; the tie
    // rounds to the even neighbour, which is out of range, so it and everything
    // above it become infinity.
    if (a >= 0x477FF000u) return uint16_t(sign | 0x7C00u);
    if (a < 0x38800000u) {
        // below 2^-14: a subnormal half, i.e. an integer number of 2^-24
        const uint32_t e = a >> 23;
        if (e < 102) return sign; // below 2^-25: rounds to zero even at the tie
        const uint32_t m = (a & 0x7FFFFFu) | 0x800000u;
        const uint32_t shift = 126 - e; // value = m * 2^(e-150) = (m >> shift) * 2^-24
        uint32_t q = m >> shift;
        const uint32_t rem = m & ((1u << shift) - 1);
        const uint32_t halfway = 1u << (shift - 1);
        if (rem > halfway || (rem == halfway && (q & 1))) ++q;
        return uint16_t(sign | q); // q may reach 0x400: the smallest normal, correctly encoded
    }
    uint32_t q = ((a >> 23) - 112) << 10 | ((a >> 13) & 0x3FFu);
    const uint32_t rem = a & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (q & 1))) ++q; // carry into the exponent is correct
    return uint16_t(sign | q);
}

float bf16_to_fp32(uint16_t h) {
    return std::bit_cast<float>(uint32_t(h) << 16);
}

uint16_t fp32_to_bf16(float f) {
    const uint32_t u = std::bit_cast<uint32_t>(f);
    if ((u & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((u >> 16) | 0x40u); // NaN stays NaN (forced quiet)
    return uint16_t((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);
}

} // namespace moe
