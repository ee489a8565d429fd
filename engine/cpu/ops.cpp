#include "cpu/ops.h"

#include "cpu/attention_sinks.h"
#include "cpu/parallel.h"
#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <algorithm>
#include <cmath>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define MOE_OPS_X86 1
#endif

namespace moe::cpu {

namespace {

// y[i] += a * x[i], i < n: a product then a sum per element, as the scalar
// loop without FMA contraction (the portable build's baseline has no FMA),
// so both give the same bits.
void axpy_scalar(float a, const float* x, float* y, int n) {
    for (int i = 0; i < n; ++i)
        y[i] += a * x[i];
}

#if defined(MOE_OPS_X86)
// 8 elements at a time; compiled for AVX2 without FMA, so no contraction
// either.
__attribute__((target("avx2"))) void axpy_avx2(float a, const float* x, float* y, int n) {
    const __m256 va = _mm256_set1_ps(a);
    int i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(y + i), _mm256_mul_ps(va, _mm256_loadu_ps(x + i))));
    for (; i < n; ++i)
        y[i] += a * x[i];
}
#endif

using Axpy = void (*)(float, const float*, float*, int);

Axpy axpy_kernel() {
#if defined(MOE_OPS_X86)
    if (simd_enabled()) return &axpy_avx2;
#endif
    return &axpy_scalar;
}

} // namespace

void rmsnorm(const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps) {
    for (int r = 0; r < rows; ++r) {
        const float* xr = x + size_t(r) * size_t(ld_in);
        float* o = out + size_t(r) * size_t(ld_out);
        double ss = 0.0;
        for (int i = 0; i < width; ++i)
            ss += double(xr[i]) * xr[i];
        const float scale = float(1.0 / std::sqrt(ss / double(width) + double(eps)));
        for (int i = 0; i < width; ++i)
            o[i] = xr[i] * scale * w[i];
    }
}

void add_bias(float* y, int ld, const float* b, int rows, int width) {
    for (int r = 0; r < rows; ++r)
        for (int i = 0; i < width; ++i)
            y[size_t(r) * size_t(ld) + size_t(i)] += b[i];
}

void add(float* x, const float* y, size_t n) {
    for (size_t i = 0; i < n; ++i)
        x[i] += y[i];
}

void silu_mul(float* a, const float* b, size_t n) {
    for (size_t i = 0; i < n; ++i)
        a[i] = silu(a[i]) * b[i];
}

void rope_inv_freq(float* out, int head_dim, float base) {
    for (int i = 0; i < head_dim / 2; ++i)
        out[i] = float(std::pow(double(base), -2.0 * i / double(head_dim)));
}

void rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq, int pos0,
    int n, int n_head, int n_kv, int hd, bool neox) {
    const int half = hd / 2;
    const size_t q_dim = size_t(n_head) * size_t(hd), kv_dim = size_t(n_kv) * size_t(hd);
    auto rotate = [&](float* v0, int n_heads, int pos) {
        for (int h = 0; h < n_heads; ++h) {
            float* hv = v0 + size_t(h) * size_t(hd);
            for (int i = 0; i < half; ++i) {
                const float theta = float(pos) * inv_freq[i];
                const float cs = std::cos(theta), sn = std::sin(theta);
                const int a = neox ? i : 2 * i;
                const int b = neox ? i + half : 2 * i + 1;
                const float x0 = hv[a], x1 = hv[b];
                hv[a] = x0 * cs - x1 * sn;
                hv[b] = x0 * sn + x1 * cs;
            }
        }
    };
    for (int t = 0; t < n; ++t) {
        float* kt = k + size_t(t) * kv_dim;
        const float* vt = v + size_t(t) * kv_dim;
        rotate(q + size_t(t) * q_dim, n_head, pos0 + t);
        rotate(kt, n_kv, pos0 + t);
        std::copy(kt, kt + kv_dim, k_cache + size_t(pos0 + t) * kv_dim);
        std::copy(vt, vt + kv_dim, v_cache + size_t(pos0 + t) * kv_dim);
    }
}

void attention(const float* q, const float* k_cache, const float* v_cache, float* out, int pos0, int n, int n_head,
    int n_kv, int hd, float* scores, size_t ld_scores, ThreadPool* pool) {
    const size_t q_dim = size_t(n_head) * size_t(hd), kv_dim = size_t(n_kv) * size_t(hd);
    const int group = n_head / n_kv;
    const float scale = 1.0f / std::sqrt(float(hd));
    const Axpy axpy = axpy_kernel();
    // one (token, head) per task
    each(pool, int64_t(n) * n_head, 1, [&](int64_t j0, int64_t j1, int thread) {
        float* sc = scores + size_t(thread) * ld_scores;
        for (int64_t j = j0; j < j1; ++j) {
            const int t = int(j / n_head), h = int(j % n_head);
            const int kvh = h / group;
            const int n_pos = pos0 + t + 1;
            const float* qh = q + size_t(t) * q_dim + size_t(h) * size_t(hd);
            float mx = -INFINITY;
            for (int p = 0; p < n_pos; ++p) {
                const float* kp = k_cache + size_t(p) * kv_dim + size_t(kvh) * size_t(hd);
                // the F32 dot product of quant/ has the SIMD path; a plain
                // loop stays scalar (no -ffast-math to reorder the sum)
                sc[p] = vec_dot(GGML_TYPE_F32, kp, qh, hd) * scale;
                mx = std::max(mx, sc[p]);
            }
            float sum = 0.0f;
            for (int p = 0; p < n_pos; ++p) {
                sc[p] = std::exp(sc[p] - mx);
                sum += sc[p];
            }
            float* o = out + size_t(t) * q_dim + size_t(h) * size_t(hd);
            std::fill(o, o + hd, 0.0f);
            for (int p = 0; p < n_pos; ++p)
                axpy(sc[p] / sum, v_cache + size_t(p) * kv_dim + size_t(kvh) * size_t(hd), o, hd);
        }
    });
}

void matvec(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy, ThreadPool* pool) {
    const int64_t rows = w.rows;
    const int64_t chunk = std::max<int64_t>(1, rows / (int64_t(pool_size(pool)) * 16));
    each(pool, rows, chunk, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.row(r);
            for (int t = 0; t < n; ++t) {
                y[size_t(t) * size_t(ldy) + size_t(r)] = vec_dot(w.type, row, x + size_t(t) * size_t(ldx), w.cols);
            }
        }
    });
}

void dequant_rows(const Matrix& w, int row0, int nrows, float* out) {
    for (int i = 0; i < nrows; ++i)
        dequantize_row(w.type, w.row(row0 + i), out + size_t(i) * size_t(w.cols), w.cols);
}

void embed(const Matrix& w, const int32_t* tokens, int n, float* out) {
    for (int t = 0; t < n; ++t)
        dequantize_row(w.type, w.row(tokens[t]), out + size_t(t) * size_t(w.cols), w.cols);
}

void route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out, int stride,
    const MoeGroups* single) {
    for (int t = 0; t < n; ++t) {
        float* p = logits + size_t(t) * size_t(E);
        if (!sigmoid) {
            const float mx = *std::max_element(p, p + E);
            float sum = 0.0f;
            for (int e = 0; e < E; ++e) {
                p[e] = std::exp(p[e] - mx);
                sum += p[e];
            }
            for (int e = 0; e < E; ++e)
                p[e] /= sum;
        } else {
            for (int e = 0; e < E; ++e)
                p[e] = 1.0f / (1.0f + std::exp(-p[e]));
        }
        int32_t* ids = ids_out + size_t(t) * size_t(stride);
        float* w = w_out + size_t(t) * size_t(stride);
        // top-k by partial selection; ties go to the lower expert id
        for (int j = 0; j < K; ++j) {
            int best = -1;
            for (int e = 0; e < E; ++e) {
                bool taken = false;
                for (int i = 0; i < j; ++i)
                    taken = taken || ids[i] == e;
                if (!taken && (best < 0 || p[e] > p[best])) best = e;
            }
            ids[j] = best;
            w[j] = p[best];
        }
        if (norm_topk) {
            float sum = 0.0f;
            for (int j = 0; j < K; ++j)
                sum += w[j];
            for (int j = 0; j < K; ++j)
                w[j] /= sum;
        }
    }
    if (single && n == 1) group(ids_out, w_out, stride, 1, K, E, *single);
}

void group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g) {
    // start of every expert's slots (a prefix sum of the counts), kept in act_start[0..E]
    int32_t* start = g.act_start;
    std::fill(start, start + E + 1, 0);
    int filled = 0; // pairs with an expert: an id below 0 is an entry a routing policy left unused
    for (int t = 0; t < n; ++t)
        for (int j = 0; j < K; ++j) {
            const int e = ids[size_t(t) * size_t(stride) + size_t(j)];
            if (e < 0) continue;
            start[e + 1] += 1;
            ++filled;
        }
    for (int e = 0; e < E; ++e)
        start[e + 1] += start[e];
    // slots in token order within each expert; act[e] counts the slots filled so far
    std::fill(g.act, g.act + E, 0);
    for (int t = 0; t < n; ++t) {
        for (int j = 0; j < K; ++j) {
            const int e = ids[size_t(t) * size_t(stride) + size_t(j)];
            if (e < 0) {
                g.pair_slot[t * K + j] = -1;
                continue;
            }
            const int slot = start[e] + g.act[e]++;
            g.slot_token[slot] = t;
            g.slot_weight[slot] = w[size_t(t) * size_t(stride) + size_t(j)];
            g.pair_slot[t * K + j] = slot;
        }
    }
    // compact to the active experts (writes index i <= e, so later counts are intact)
    int n_act = 0;
    for (int e = 0; e < E; ++e) {
        const int c = g.act[e];
        if (c > 0) {
            g.act[n_act] = e;
            g.act_start[n_act] = start[e];
            ++n_act;
        }
    }
    g.act_start[n_act] = filled;
    *g.n_active = n_act;
}

void expert_gate_up(std::span<const Matrix> gate, std::span<const Matrix> up, const float* xn, int ldx,
    const MoeGroups& g, float* h, ThreadPool* pool, const ExpertGlu* glu) {
    const int n_act = *g.n_active;
    if (n_act == 0) return;
    const int64_t F = gate[size_t(g.act[0])].rows;
    // gate and up rows of all active experts in one parallel pass
    each(pool, int64_t(n_act) * F, std::max<int64_t>(1, F / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int i = int(j / F);
            const int64_t r = j % F;
            const Matrix& wg = gate[size_t(g.act[i])];
            const Matrix& wu = up[size_t(g.act[i])];
            for (int s = g.act_start[i]; s < g.act_start[i + 1]; ++s) {
                const float* xs = xn + size_t(g.slot_token[s]) * size_t(ldx);
                const float gv = vec_dot(wg.type, wg.row(r), xs, wg.cols);
                const float uv = vec_dot(wu.type, wu.row(r), xs, wu.cols);
                h[size_t(s) * size_t(F) + size_t(r)] = expert_glu(glu, g.act[i], r, gv, uv);
            }
        }
    });
}

void expert_down(std::span<const Matrix> down, const float* h, const MoeGroups& g, float* y, ThreadPool* pool) {
    const int n_act = *g.n_active;
    if (n_act == 0) return;
    const Matrix& d0 = down[size_t(g.act[0])];
    const int64_t D = d0.rows, F = d0.cols;
    each(pool, int64_t(n_act) * D, std::max<int64_t>(1, D / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int i = int(j / D);
            const int64_t r = j % D;
            const Matrix& wd = down[size_t(g.act[i])];
            for (int s = g.act_start[i]; s < g.act_start[i + 1]; ++s) {
                y[size_t(s) * size_t(D) + size_t(r)] = vec_dot(wd.type, wd.row(r), h + size_t(s) * size_t(F), F);
            }
        }
    });
}

void combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y, const float* sh_gate,
    bool gated) {
    for (int t = 0; t < n; ++t) {
        const float gt = sh_y && gated ? 1.0f / (1.0f + std::exp(-sh_gate[t])) : 1.0f;
        float* xt = x + size_t(t) * size_t(D);
        for (int i = 0; i < D; ++i) {
            float p = 0.0f;
            for (int j = 0; j < K; ++j) {
                const int slot = g.pair_slot[t * K + j];
                if (slot < 0) continue; // an entry the routing policy left unused
                p += g.slot_weight[slot] * y[size_t(slot) * size_t(D) + size_t(i)];
            }
            if (sh_y) p += gt * sh_y[size_t(t) * size_t(D) + size_t(i)];
            xt[i] += p;
        }
    }
}

} // namespace moe::cpu
