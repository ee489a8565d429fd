// The low-bit K-quants, Q2_K and Q3_K: 256-element super-blocks of sixteen
// 16-element sub-blocks, each with its own small scale. (Q4_K to Q6_K live in
// quant.cpp.) Layouts from ggml-common.h; the quantizers follow ggml's
// reference ones (quantize_row_q2_K_ref / q3_K_ref), which ggml_quantize_chunk
// uses when there is no importance matrix.
#include "quant/block_codec.h"
#include "quant/quant.h"

#include <cmath>

namespace moe::quant_detail {

namespace {

constexpr int qk_k = 256;
// 4-bit scale and 4-bit min per sub-block, 2-bit levels, fp16 d and dmin
constexpr size_t q2_k_bytes = 16 + 64 + 2 + 2;
// high bits, 2-bit low levels, 6-bit signed scales packed in 12 bytes, fp16 d
constexpr size_t q3_k_bytes = 32 + 64 + 12 + 2;

// Both store levels two bits at a time: in each 128-element half, byte l of
// its 32 qs bytes holds elements l, l+32, l+64, l+96 from the lowest bits up.

// Q2_K: value = d * scale * q - dmin * min, q in 0..3.
MOE_DECODE void decode_q2_k(const uint8_t* __restrict b, float* __restrict y) {
    const uint8_t* scales = b;
    const float d = read_half(b + 80), dmin = read_half(b + 82);
    for (int half = 0; half < 2; ++half) {
        const uint8_t* q = b + 16 + 32 * half;
        for (int s = 0; s < 4; ++s) {
            const int shift = 2 * s;
            for (int part = 0; part < 2; ++part) { // bytes 0-15, then 16-31
                const uint8_t sc = scales[8 * half + 2 * s + part];
                const float dl = d * float(sc & 0x0F), ml = dmin * float(sc >> 4);
                for (int l = 0; l < 16; ++l)
                    *y++ = dl * float((q[16 * part + l] >> shift) & 3) - ml;
            }
        }
    }
}

// Sub-block j's 6-bit scale (stored + 32): its low nibble is in byte j (j < 8)
// or the high nibble of byte j-8, its top two bits in byte 8 + j%4 at bit
// 2*(j/4).
inline int q3_k_scale(const uint8_t* s, int j) {
    const int lo = j < 8 ? s[j] & 0x0F : s[j - 8] >> 4;
    const int hi = (s[8 + j % 4] >> (2 * (j / 4))) & 3;
    return (lo | (hi << 4)) - 32;
}

// Q3_K: value = d * scale * (q - 4), q in 0..7 from two low bits in qs and a
// high bit in hmask: bit k of hmask[l] belongs to element 32k + l.
MOE_DECODE void decode_q3_k(const uint8_t* __restrict b, float* __restrict y) {
    const uint8_t* hmask = b;
    const uint8_t* scales = b + 96;
    const float d = read_half(b + 108);
    int bit = 0;
    for (int half = 0; half < 2; ++half) {
        const uint8_t* q = b + 32 + 32 * half;
        for (int s = 0; s < 4; ++s, ++bit) {
            const int shift = 2 * s;
            for (int part = 0; part < 2; ++part) {
                const float dl = d * float(q3_k_scale(scales, 8 * half + 2 * s + part));
                for (int l = 16 * part; l < 16 * part + 16; ++l) {
                    // minus 4 unless the high bit is set; arithmetic, not a branch
                    const int v = int((q[l] >> shift) & 3) - int((~hmask[l] >> bit) & 1) * 4;
                    *y++ = dl * float(v);
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------
// Quantizers, in ggml's operation order so the bytes come out identical.

// Packs 256 levels of 2 bits into 64 bytes (the layout described above).
void pack_2bit(const uint8_t* L, uint8_t* qs) {
    for (int half = 0; half < 2; ++half) {
        const uint8_t* Lh = L + 128 * half;
        for (int l = 0; l < 32; ++l) {
            qs[32 * half + l] = uint8_t(Lh[l] | (Lh[l + 32] << 2) | (Lh[l + 64] << 4) | (Lh[l + 96] << 6));
        }
    }
}

// Fits x ~= scale * L - min over L in 0..nmax for one sub-block, minimising
// the weighted absolute error: first from the min/max range, then over a
// sweep of nstep+1 slightly wider and narrower grids, each refitted by
// weighted least squares (ggml's make_qkx2_quants with use_mad). Returns the
// scale; *neg_min receives min (>= 0).
float fit_affine_mad(const float* x, const float* w, int n, int nmax, uint8_t* L, float* neg_min) {
    constexpr float rmin = -0.5f, rdelta = 0.1f;
    constexpr int nstep = 15;
    float lo = x[0], hi = x[0];
    float sum_w = w[0], sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
        sum_w += w[i];
        sum_x += w[i] * x[i];
    }
    if (lo > 0) lo = 0;
    if (hi == lo) {
        for (int i = 0; i < n; ++i)
            L[i] = 0;
        *neg_min = -lo;
        return 0.0f;
    }
    float iscale = float(nmax) / (hi - lo);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        L[i] = uint8_t(std::clamp(nearest_int(iscale * (x[i] - lo)), 0, nmax));
        best_error += w[i] * std::fabs(scale * float(L[i]) + lo - x[i]);
    }
    uint8_t Laux[16];
    for (int is = 0; is <= nstep; ++is) {
        iscale = (rmin + rdelta * float(is) + float(nmax)) / (hi - lo);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            const int l = std::clamp(nearest_int(iscale * (x[i] - lo)), 0, nmax);
            Laux[i] = uint8_t(l);
            sum_l += w[i] * float(l);
            sum_l2 += w[i] * float(l) * float(l);
            sum_xl += w[i] * float(l) * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float err = 0;
            for (int i = 0; i < n; ++i)
                err += w[i] * std::fabs(this_scale * float(Laux[i]) + this_min - x[i]);
            if (err < best_error) {
                for (int i = 0; i < n; ++i)
                    L[i] = Laux[i];
                best_error = err;
                scale = this_scale;
                lo = this_min;
            }
        }
    }
    *neg_min = -lo;
    return scale;
}

void quantize_q2_k(const float* x, uint8_t* b) {
    uint8_t L[qk_k];
    float w[16], scales[16], mins[16];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < 16; ++j) {
        for (int l = 0; l < 16; ++l)
            w[l] = std::fabs(x[16 * j + l]);
        scales[j] = fit_affine_mad(x + 16 * j, w, 16, 3, L + 16 * j, &mins[j]);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }
    // Sub-block scales and mins become 4-bit multiples of d and dmin.
    uint8_t* sc = b;
    uint16_t dh = fp32_to_fp16(0.0f), mh = dh;
    for (int j = 0; j < 16; ++j)
        sc[j] = 0;
    if (max_scale > 0) {
        const float iscale = 15.0f / max_scale;
        for (int j = 0; j < 16; ++j)
            sc[j] = uint8_t(nearest_int(iscale * scales[j]));
        dh = fp32_to_fp16(max_scale / 15.0f);
    }
    if (max_min > 0) {
        const float iscale = 15.0f / max_min;
        for (int j = 0; j < 16; ++j)
            sc[j] = uint8_t(sc[j] | (nearest_int(iscale * mins[j]) << 4));
        mh = fp32_to_fp16(max_min / 15.0f);
    }
    write_u16(b + 80, dh);
    write_u16(b + 82, mh);
    // Levels again against the scales as stored; a zero scale keeps the fit's.
    const float d = fp16_to_fp32(dh), dmin = fp16_to_fp32(mh);
    for (int j = 0; j < 16; ++j) {
        const float dl = d * float(sc[j] & 0x0F);
        if (dl == 0.0f) continue;
        const float ml = dmin * float(sc[j] >> 4);
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] = uint8_t(std::clamp(nearest_int((x[16 * j + i] + ml) / dl), 0, 3));
    }
    pack_2bit(L, b + 16);
}

// Fits x ~= scale * l over l in -nmax..nmax-1 for one sub-block, weighting by
// x^2: start from the largest magnitude on -nmax, then move single levels
// while that raises (sum w x l)^2 / (sum w l^2) (ggml's make_q3_quants with
// do_rmse). L receives l + nmax.
float fit_symmetric_q3(const float* x, int n, int nmax, int8_t* L) {
    float amax = 0, vmax = 0;
    for (int i = 0; i < n; ++i) {
        const float ax = std::fabs(x[i]);
        if (ax > amax) {
            amax = ax;
            vmax = x[i];
        }
    }
    if (amax < 1e-15f) { // all zero (ggml's GROUP_MAX_EPS)
        for (int i = 0; i < n; ++i)
            L[i] = 0;
        return 0.0f;
    }
    const float iscale = float(-nmax) / vmax;
    float sumlx = 0, suml2 = 0;
    for (int i = 0; i < n; ++i) {
        const int l = std::clamp(nearest_int(iscale * x[i]), -nmax, nmax - 1);
        L[i] = int8_t(l);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * float(l);
        suml2 += w * float(l) * float(l);
    }
    for (int itry = 0; itry < 5; ++itry) {
        int n_changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * float(L[i]);
            if (slx > 0) {
                float sl2 = suml2 - w * float(L[i]) * float(L[i]);
                const int new_l = std::clamp(nearest_int(x[i] * sl2 / slx), -nmax, nmax - 1);
                if (new_l != L[i]) {
                    slx += w * x[i] * float(new_l);
                    sl2 += w * float(new_l) * float(new_l);
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = int8_t(new_l);
                        sumlx = slx;
                        suml2 = sl2;
                        ++n_changed;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    for (int i = 0; i < n; ++i)
        L[i] = int8_t(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

void quantize_q3_k(const float* x, uint8_t* b) {
    int8_t L[qk_k];
    float scales[16];
    float max_scale = 0, amax = 0;
    for (int j = 0; j < 16; ++j) {
        scales[j] = fit_symmetric_q3(x + 16 * j, 16, 4, L + 16 * j);
        const float a = std::fabs(scales[j]);
        if (a > amax) {
            amax = a;
            max_scale = scales[j];
        }
    }
    uint8_t* sc = b + 96;
    std::memset(sc, 0, 12);
    uint16_t dh = fp32_to_fp16(0.0f);
    if (max_scale != 0.0f) {
        // the largest scale goes to -32, using the 6-bit range to the full
        const float iscale = -32.0f / max_scale;
        for (int j = 0; j < 16; ++j) {
            // ggml narrows to int8_t before clamping; keep that wrap-around
            const int l = std::clamp(int(int8_t(nearest_int(iscale * scales[j]))), -32, 31) + 32;
            if (j < 8)
                sc[j] = uint8_t(l & 0x0F);
            else
                sc[j - 8] = uint8_t(sc[j - 8] | ((l & 0x0F) << 4));
            sc[8 + j % 4] = uint8_t(sc[8 + j % 4] | ((l >> 4) << (2 * (j / 4))));
        }
        dh = fp32_to_fp16(1 / iscale);
    }
    write_u16(b + 108, dh);
    const float d = fp16_to_fp32(dh);
    for (int j = 0; j < 16; ++j) {
        const float dl = d * float(int8_t(q3_k_scale(sc, j)));
        if (dl == 0.0f) continue;
        for (int i = 0; i < 16; ++i)
            L[16 * j + i] = int8_t(std::clamp(nearest_int(x[16 * j + i] / dl), -4, 3) + 4);
    }
    // The third bit goes to hmask, the low two to qs.
    uint8_t* hmask = b;
    std::memset(hmask, 0, 32);
    uint8_t low[qk_k];
    for (int j = 0; j < qk_k; ++j) {
        if (L[j] > 3) hmask[j % 32] = uint8_t(hmask[j % 32] | (1 << (j / 32)));
        low[j] = uint8_t(L[j] & 3);
    }
    pack_2bit(low, b + 32);
}

// ---------------------------------------------------------------------------
// AVX2 dots: the 2-bit fields of each 32-byte half of qs are unpacked to int8
// levels with four shifts, and every 16-element sub-block contributes
//   d * scale * sum(q * x)  (- dmin * min * sum(x) for Q2_K).

#if defined(MOE_QUANT_X86)

// Levels of one 128-element half: element 32s + l is field s of byte l.
MOE_AVX2 inline void unpack_2bit_half(const uint8_t* qs, int8_t* L) {
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qs));
    for (int s = 0; s < 4; ++s) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(L + 32 * s), _mm256_and_si256(_mm256_srli_epi16(v, 2 * s), m3));
    }
}

MOE_AVX2 inline __m256 sum16(const float* x) {
    return _mm256_add_ps(_mm256_loadu_ps(x), _mm256_loadu_ps(x + 8));
}

MOE_AVX2 float dot_q2_k_avx2(const uint8_t* row, const float* x, int64_t n) {
    alignas(32) int8_t L[qk_k];
    __m256 ts = _mm256_setzero_ps(), tm = ts;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* p = row + size_t(b) * q2_k_bytes;
        prefetch_ahead(p);
        prefetch_ahead(p + 64);
        const float d = read_half(p + 80), dmin = read_half(p + 82);
        unpack_2bit_half(p + 16, L);
        unpack_2bit_half(p + 48, L + 128);
        const float* xb = x + b * qk_k;
        for (int j = 0; j < 16; ++j) {
            const float dl = d * float(p[j] & 0x0F), ml = dmin * float(p[j] >> 4);
            ts = _mm256_fmadd_ps(_mm256_set1_ps(dl), dot16(L + 16 * j, xb + 16 * j), ts);
            tm = _mm256_fmadd_ps(_mm256_set1_ps(ml), sum16(xb + 16 * j), tm);
        }
    }
    return hsum(_mm256_sub_ps(ts, tm));
}

MOE_AVX2 float dot_q3_k_avx2(const uint8_t* row, const float* x, int64_t n) {
    alignas(32) int8_t L[qk_k];
    const __m256i four = _mm256_set1_epi8(4);
    __m256 t0 = _mm256_setzero_ps(), t1 = t0;
    for (int64_t b = 0; b < n / qk_k; ++b) {
        const uint8_t* p = row + size_t(b) * q3_k_bytes;
        prefetch_ahead(p);
        prefetch_ahead(p + 64);
        const float d = read_half(p + 108);
        unpack_2bit_half(p + 32, L);
        unpack_2bit_half(p + 64, L + 128);
        // minus 4 where the high bit (bit k of hmask[l] for element 32k + l) is clear
        const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
        for (int k = 0; k < 8; ++k) {
            const __m256i bit = _mm256_set1_epi8(char(1 << k));
            const __m256i clear = _mm256_cmpeq_epi8(_mm256_and_si256(h, bit), _mm256_setzero_si256());
            __m256i* Lk = reinterpret_cast<__m256i*>(L + 32 * k);
            _mm256_store_si256(Lk, _mm256_sub_epi8(_mm256_load_si256(Lk), _mm256_and_si256(clear, four)));
        }
        const float* xb = x + b * qk_k;
        for (int j = 0; j < 16; j += 2) {
            const float d0 = d * float(q3_k_scale(p + 96, j)), d1 = d * float(q3_k_scale(p + 96, j + 1));
            t0 = _mm256_fmadd_ps(_mm256_set1_ps(d0), dot16(L + 16 * j, xb + 16 * j), t0);
            t1 = _mm256_fmadd_ps(_mm256_set1_ps(d1), dot16(L + 16 * j + 16, xb + 16 * j + 16), t1);
        }
    }
    return hsum(_mm256_add_ps(t0, t1));
}

#define MOE_Q2_K_AVX2 (&dot_q2_k_avx2)
#define MOE_Q3_K_AVX2 (&dot_q3_k_avx2)
#else
#define MOE_Q2_K_AVX2 nullptr
#define MOE_Q3_K_AVX2 nullptr
#endif

} // namespace

const BlockCodec codec_q2_k = { qk_k, q2_k_bytes, &dequantize_blocks<qk_k, q2_k_bytes, decode_q2_k>,
    &quantize_blocks<qk_k, q2_k_bytes, quantize_q2_k>, &dot_decoded<qk_k, q2_k_bytes, decode_q2_k>, MOE_Q2_K_AVX2 };
const BlockCodec codec_q3_k = { qk_k, q3_k_bytes, &dequantize_blocks<qk_k, q3_k_bytes, decode_q3_k>,
    &quantize_blocks<qk_k, q3_k_bytes, quantize_q3_k>, &dot_decoded<qk_k, q3_k_bytes, decode_q3_k>, MOE_Q3_K_AVX2 };

} // namespace moe::quant_detail
