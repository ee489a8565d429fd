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

// The rows × tokens blocks a thread computes at once: 64 tokens of
// quantized activations (147 KiB for a row of 2048 in Q8_0's format) stay in
// L2 while 16 weight rows pass them in tiles (quant/int_dot.h).
constexpr int block_rows = 16;
constexpr int block_tokens = 64;

// The activations of one op as a weight type wants them, and its products:
// quantized rows through the integer tile kernel, or the float rows through
// vec_dot for a type without one. Holds no data of its own.
struct Acts {
    uint32_t type = 0;
    int64_t cols = 0;
    IntDotTile tile = nullptr; // nullptr: float path
    const uint8_t* q = nullptr; // quantized rows, q_stride bytes apart
    size_t q_stride = 0;
    const float* x = nullptr; // float rows, ldx apart
    size_t ldx = 0;

    // out[t * ldo + r] = row r (of n_rows, row_bytes apart from w) · token
    // index[t] (or t0 + t without an index), t < n_tok.
    void product(const uint8_t* w, size_t row_bytes, int n_rows, const int32_t* index, int t0, int n_tok, float* out,
        size_t ldo) const {
        if (tile) {
            const uint8_t* q0 = index ? q : q + size_t(t0) * q_stride;
            tile(w, row_bytes, n_rows, q0, q_stride, index, n_tok, cols, out, ldo);
            return;
        }
        for (int r = 0; r < n_rows; ++r) {
            for (int t = 0; t < n_tok; ++t) {
                const size_t i = size_t(index ? index[t] : t0 + t);
                out[size_t(t) * ldo + size_t(r)] = vec_dot(type, w + size_t(r) * row_bytes, x + i * ldx, cols);
            }
        }
    }
};

// The activations rows [0, n) of x (ldx apart, `cols` wide) as w's type
// wants them: quantized into buf (in parallel over rows) when it has an
// integer path.
Acts prepare(const Matrix& w, const float* x, int n, size_t ldx, uint8_t* (ActScratch::*slot)(size_t),
    ActScratch& scratch, ThreadPool* pool) {
    Acts d;
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
    d.tile = int_dot_tile_kernel(w.type);
    return d;
}

// Rows [r0, r1) of w times tokens [0, n_tok) (index[t], or t), into
// out[t * ldo + r - r0], in blocks of block_rows × block_tokens.
void product_rows(
    const Acts& d, const Matrix& w, int64_t r0, int64_t r1, const int32_t* index, int n_tok, float* out, size_t ldo) {
    for (int64_t rb = r0; rb < r1; rb += block_rows) {
        const int nr = int(std::min<int64_t>(block_rows, r1 - rb));
        for (int tb = 0; tb < n_tok; tb += block_tokens) {
            const int nt = std::min(block_tokens, n_tok - tb);
            d.product(w.row(rb), w.row_bytes, nr, index ? index + tb : nullptr, tb, nt,
                out + size_t(tb) * ldo + size_t(rb - r0), ldo);
        }
    }
}

// Runs fn(i, r0, r1) over the rows of every active expert (rows_per_expert
// each) as one parallel range, a chunk split where it crosses experts, so a
// thread that finishes one expert's rows moves on to the next expert's
// without waiting at a barrier.
template <class F> void each_expert_rows(ThreadPool* pool, int n_act, int64_t rows_per_expert, const F& fn) {
    each(pool, int64_t(n_act) * rows_per_expert, std::max<int64_t>(1, rows_per_expert / 8),
        [&](int64_t j0, int64_t j1, int) {
            for (int64_t j = j0; j < j1;) {
                const int i = int(j / rows_per_expert);
                const int64_t r0 = j % rows_per_expert;
                const int64_t r1 = std::min(rows_per_expert, r0 + (j1 - j));
                fn(i, r0, r1);
                j += r1 - r0;
            }
        });
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
    const Acts d = prepare(w, x, n, size_t(ldx), &ActScratch::first, scratch, pool);
    const int64_t rows = w.rows;
    const int64_t chunk = std::max<int64_t>(1, rows / (int64_t(pool_size(pool)) * 16));
    each(pool, rows, chunk,
        [&](int64_t r0, int64_t r1, int) { product_rows(d, w, r0, r1, nullptr, n, y + size_t(r0), size_t(ldy)); });
}

// The activations are quantized per token (not per slot): a token routed to
// K experts is quantized once, and an expert's tokens are found through
// slot_token.
void int_expert_gate_up(std::span<const Matrix> gate, std::span<const Matrix> up, const float* xn, int ldx,
    const MoeGroups& g, float* h, ActScratch& scratch, ThreadPool* pool, const ExpertGlu* glu) {
    const int n_act = *g.n_active;
    if (n_act == 0) return;
    const Matrix& g0 = gate[size_t(g.act[0])];
    const Matrix& u0 = up[size_t(g.act[0])];
    const int64_t F = g0.rows;
    const int n_tok = 1 + *std::max_element(g.slot_token, g.slot_token + g.act_start[n_act]);
    // every expert of a layer has the same type in the files we know; the
    // Acts are per type, so a layer that mixed them would need one per expert
    const Acts gd = prepare(g0, xn, n_tok, size_t(ldx), &ActScratch::first, scratch, pool);
    const bool same = act_format(u0.type) == act_format(g0.type);
    Acts ud = same ? gd : prepare(u0, xn, n_tok, size_t(ldx), &ActScratch::second, scratch, pool);
    ud.type = u0.type;
    ud.tile = ud.tile ? int_dot_tile_kernel(u0.type) : nullptr;
    for (int i = 0; i < n_act; ++i) {
        if (gate[size_t(g.act[i])].type != g0.type || up[size_t(g.act[i])].type != u0.type) {
            throw Error(
                fmt::format("expert {} has other weight types than expert {} of its layer", g.act[i], g.act[0]));
        }
    }
    each_expert_rows(pool, n_act, F, [&](int i, int64_t r0, int64_t r1) {
        const Matrix& ge = gate[size_t(g.act[i])];
        const Matrix& ue = up[size_t(g.act[i])];
        const int s0 = g.act_start[i], s1 = g.act_start[i + 1];
        float u[block_rows * block_tokens]; // up · x of one block, (token, row)
        for (int64_t rb = r0; rb < r1; rb += block_rows) {
            const int nr = int(std::min<int64_t>(block_rows, r1 - rb));
            for (int sb = s0; sb < s1; sb += block_tokens) {
                const int ns = std::min(block_tokens, s1 - sb);
                float* hb = h + size_t(sb) * size_t(F) + size_t(rb);
                gd.product(ge.row(rb), ge.row_bytes, nr, g.slot_token + sb, 0, ns, hb, size_t(F));
                ud.product(ue.row(rb), ue.row_bytes, nr, g.slot_token + sb, 0, ns, u, size_t(nr));
                for (int t = 0; t < ns; ++t) {
                    for (int r = 0; r < nr; ++r) {
                        float& v = hb[size_t(t) * size_t(F) + size_t(r)];
                        v = expert_glu(glu, g.act[i], rb + r, v, u[t * nr + r]);
                    }
                }
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
    Acts dd = prepare(d0, h, g.act_start[n_act], size_t(F), &ActScratch::first, scratch, pool);
    each_expert_rows(pool, n_act, D, [&](int i, int64_t r0, int64_t r1) {
        const int s0 = g.act_start[i], n_slots = g.act_start[i + 1] - s0;
        // the expert's slots are consecutive: its activations start at slot s0
        Acts de = dd;
        de.q = dd.q ? dd.q + size_t(s0) * dd.q_stride : nullptr;
        de.x = dd.x + size_t(s0) * dd.ldx;
        product_rows(
            de, down[size_t(g.act[i])], r0, r1, nullptr, n_slots, y + size_t(s0) * size_t(D) + size_t(r0), size_t(D));
    });
}

} // namespace moe::cpu
