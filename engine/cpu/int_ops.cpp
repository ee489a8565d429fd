#include "cpu/int_ops.h"

#include "cpu/attention_sinks.h"
#include "cpu/ops.h"
#include "cpu/parallel.h"
#include "error.h"
#include "quant/int_dot.h"
#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace moe::cpu {

namespace {

// One weight matrix type's dot product with row t of the activations:
// quantized rows through the integer kernel, or the float rows through
// vec_dot for a type without one. Holds no data of its own.
struct RowDot {
    uint32_t type = 0;
    int64_t cols = 0;
    IntDotRow kernel = nullptr; // nullptr: float path
    const uint8_t* q = nullptr; // quantized rows, q_stride bytes apart
    size_t q_stride = 0;
    const float* x = nullptr; // float rows, ldx apart
    size_t ldx = 0;

    float operator()(const uint8_t* row, int t) const {
        if (kernel) return kernel(row, q + size_t(t) * q_stride, cols);
        return vec_dot(type, row, x + size_t(t) * ldx, cols);
    }
};

// The activations rows [0, n) of x (ldx apart, `cols` wide) as w's type
// wants them: quantized into buf (in parallel over rows) when it has an
// integer path.
RowDot prepare(const Matrix& w, const float* x, int n, size_t ldx, uint8_t* (ActScratch::*slot)(size_t),
    ActScratch& scratch, ThreadPool* pool) {
    RowDot d;
    d.type = w.type;
    d.cols = w.cols;
    d.x = x;
    d.ldx = ldx;
    const ActFormat f = act_format(w.type);
    if (f == ActFormat::none) return d;
    d.q_stride = act_row_bytes(f, w.cols);
    uint8_t* buf = (scratch.*slot)(d.q_stride * size_t(n));
    each(pool, n, std::max(1, n / (4 * pool_size(pool))), [&](int64_t t0, int64_t t1, int) {
        for (int64_t t = t0; t < t1; ++t)
            quantize_act(f, x + size_t(t) * ldx, buf + size_t(t) * d.q_stride, w.cols);
    });
    d.q = buf;
    d.kernel = int_dot_kernel(w.type);
    return d;
}

} // namespace

void ActScratch::reserve(int64_t rows, int64_t width) {
    // the widest format: 292 bytes per 256 activations (q8_256), 36 per 32 (q8_32)
    const size_t per_row = size_t((width + 255) / 256) * 292 + size_t((width + 31) / 32) * 36;
    const size_t bytes = size_t(std::max<int64_t>(rows, 1)) * per_row;
    if (m_a.size() < bytes) m_a.resize(bytes);
    if (m_b.size() < bytes) m_b.resize(bytes);
}

uint8_t* ActScratch::first(size_t bytes) {
    if (bytes > m_a.size())
        throw Error(fmt::format("activation scratch of {} bytes is too small for {}", m_a.size(), bytes));
    return m_a.data();
}

uint8_t* ActScratch::second(size_t bytes) {
    if (bytes > m_b.size())
        throw Error(fmt::format("activation scratch of {} bytes is too small for {}", m_b.size(), bytes));
    return m_b.data();
}

void int_matvec(
    const Matrix& w, const float* x, int n, int ldx, float* y, int ldy, ActScratch& scratch, ThreadPool* pool) {
    if (act_format(w.type) == ActFormat::none) {
        matvec(w, x, n, ldx, y, ldy, pool);
        return;
    }
    const RowDot dot = prepare(w, x, n, size_t(ldx), &ActScratch::first, scratch, pool);
    const int64_t rows = w.rows;
    const int64_t chunk = std::max<int64_t>(1, rows / (int64_t(pool_size(pool)) * 16));
    each(pool, rows, chunk, [&](int64_t r0, int64_t r1, int) {
        for (int64_t r = r0; r < r1; ++r) {
            const uint8_t* row = w.row(r);
            for (int t = 0; t < n; ++t)
                y[size_t(t) * size_t(ldy) + size_t(r)] = dot(row, t);
        }
    });
}

// The activations are quantized per token (not per slot): a token routed to
// K experts is quantized once. Rows of all active experts form one parallel
// range, so a thread that finishes one expert's rows moves on to the next
// expert's without waiting at a barrier.
void int_expert_gate_up(std::span<const Matrix> gate, std::span<const Matrix> up, const float* xn, int ldx,
    const MoeGroups& g, float* h, ActScratch& scratch, ThreadPool* pool, const ExpertGlu* glu) {
    const int n_act = *g.n_active;
    if (n_act == 0) return;
    const Matrix& g0 = gate[size_t(g.act[0])];
    const Matrix& u0 = up[size_t(g.act[0])];
    const int64_t F = g0.rows;
    const int n_tok = 1 + *std::max_element(g.slot_token, g.slot_token + g.act_start[n_act]);
    // every expert of a layer has the same type in the files we know; the
    // RowDots are per type, so a layer that mixed them would need one per expert
    const RowDot gd = prepare(g0, xn, n_tok, size_t(ldx), &ActScratch::first, scratch, pool);
    const bool same = act_format(u0.type) == act_format(g0.type);
    RowDot ud = same ? gd : prepare(u0, xn, n_tok, size_t(ldx), &ActScratch::second, scratch, pool);
    ud.type = u0.type;
    ud.kernel = ud.kernel ? int_dot_kernel(u0.type) : nullptr;
    for (int i = 0; i < n_act; ++i) {
        if (gate[size_t(g.act[i])].type != g0.type || up[size_t(g.act[i])].type != u0.type) {
            throw Error(
                fmt::format("expert {} has other weight types than expert {} of its layer", g.act[i], g.act[0]));
        }
    }
    each(pool, int64_t(n_act) * F, std::max<int64_t>(1, F / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int i = int(j / F);
            const int64_t r = j % F;
            const uint8_t* rg = gate[size_t(g.act[i])].row(r);
            const uint8_t* ru = up[size_t(g.act[i])].row(r);
            for (int s = g.act_start[i]; s < g.act_start[i + 1]; ++s) {
                const int t = g.slot_token[s];
                h[size_t(s) * size_t(F) + size_t(r)] = expert_glu(glu, g.act[i], r, gd(rg, t), ud(ru, t));
            }
        }
    });
}

void int_expert_down(
    std::span<const Matrix> down, const float* h, const MoeGroups& g, float* y, ActScratch& scratch, ThreadPool* pool) {
    const int n_act = *g.n_active;
    if (n_act == 0) return;
    const Matrix& d0 = down[size_t(g.act[0])];
    const int64_t D = d0.rows, F = d0.cols;
    for (int i = 0; i < n_act; ++i) {
        if (down[size_t(g.act[i])].type != d0.type) {
            throw Error(
                fmt::format("expert {} has another weight type than expert {} of its layer", g.act[i], g.act[0]));
        }
    }
    // h is one row per slot: each slot quantized once
    const RowDot dd = prepare(d0, h, g.act_start[n_act], size_t(F), &ActScratch::first, scratch, pool);
    each(pool, int64_t(n_act) * D, std::max<int64_t>(1, D / 8), [&](int64_t j0, int64_t j1, int) {
        for (int64_t j = j0; j < j1; ++j) {
            const int i = int(j / D);
            const int64_t r = j % D;
            const uint8_t* row = down[size_t(g.act[i])].row(r);
            for (int s = g.act_start[i]; s < g.act_start[i + 1]; ++s)
                y[size_t(s) * size_t(D) + size_t(r)] = dd(row, s);
        }
    });
}

} // namespace moe::cpu
