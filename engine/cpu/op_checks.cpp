#include "cpu/op_checks.h"

#include "cpu/ops.h"
#include "error.h"
#include "quant/quant.h"
#include "runtime/thread_pool.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <new>
#include <random>
#include <span>

namespace moe {

namespace {

// ---- the CPU ops behind the OpDevice interface ------------------------------------------

std::vector<Matrix> expert_matrices(const ExpertsView& v) {
    std::vector<Matrix> out(size_t(v.n_experts));
    for (int e = 0; e < v.n_experts; ++e) {
        out[size_t(e)] = Matrix { v.data + size_t(e) * v.expert_stride, v.type, v.rows, v.cols, v.row_bytes };
    }
    return out;
}

class CpuOpDevice final : public OpDevice {
public:
    CpuOpDevice()
        : m_pool(ThreadPool::default_threads()) { }
    ~CpuOpDevice() override {
        for (void* p : m_blocks)
            ::operator delete(p, std::align_val_t(256));
    }
    std::string name() const override { return "cpu"; }

    void* alloc(size_t bytes) override {
        void* p = ::operator new(std::max<size_t>(bytes, 1), std::align_val_t(256));
        m_blocks.push_back(p);
        return p;
    }
    void release(void* p) override {
        auto it = std::find(m_blocks.begin(), m_blocks.end(), p);
        if (it == m_blocks.end()) return;
        ::operator delete(p, std::align_val_t(256));
        m_blocks.erase(it);
    }
    void upload(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
    void download(void* dst, const void* src, size_t bytes) override { std::memcpy(dst, src, bytes); }
    double time_ms(const std::function<void()>& f, int reps) override {
        f();
        const auto t0 = std::chrono::steady_clock::now();
        for (int i = 0; i < reps; ++i)
            f();
        const std::chrono::duration<double, std::milli> d = std::chrono::steady_clock::now() - t0;
        return d.count() / std::max(reps, 1);
    }

    void rmsnorm(
        const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps) override {
        cpu::rmsnorm(x, ld_in, w, out, ld_out, rows, width, eps);
    }
    void add_bias(float* y, int ld, const float* b, int rows, int width) override {
        cpu::add_bias(y, ld, b, rows, width);
    }
    void add(float* x, const float* y, size_t n) override { cpu::add(x, y, n); }
    void silu_mul(float* a, const float* b, size_t n) override { cpu::silu_mul(a, b, n); }
    void rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq,
        const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, bool neox) override {
        cpu::rope_store(q, k, v, k_cache, v_cache, inv_freq, *d_pos0, n, n_head, n_kv, hd, neox);
    }
    void attention(const float* q, const float* k_cache, const float* v_cache, float* out, const int32_t* d_pos0, int n,
        int n_head, int n_kv, int hd, int n_ctx) override {
        m_scores.resize(size_t(m_pool.size()) * size_t(n_ctx));
        cpu::attention(q, k_cache, v_cache, out, *d_pos0, n, n_head, n_kv, hd, m_scores.data(), size_t(n_ctx), &m_pool);
    }
    void matvec(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
        cpu::matvec(w, x, n, ldx, y, ldy, &m_pool);
    }
    void gemm(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
        cpu::matvec(w, x, n, ldx, y, ldy, &m_pool);
    }
    void dequant_rows(const Matrix& w, int row0, int nrows, float* out) override {
        cpu::dequant_rows(w, row0, nrows, out);
    }
    void embed(const Matrix& w, const int32_t* tokens, int n, float* out) override { cpu::embed(w, tokens, n, out); }
    void route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
        int stride, const MoeGroups* single) override {
        cpu::route(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, single);
    }
    void group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g) override {
        cpu::group(ids, w, stride, n, K, E, g);
    }
    void expert_gate_up(const ExpertsView& gate, const ExpertsView& up, const float* xn, int ldx, const MoeGroups& g,
        int, int, float* h, float*) override {
        const auto wg = expert_matrices(gate), wu = expert_matrices(up);
        cpu::expert_gate_up(wg, wu, xn, ldx, g, h, &m_pool);
    }
    void expert_down(const ExpertsView& down, const float* h, const MoeGroups& g, int, int, float* y) override {
        cpu::expert_down(expert_matrices(down), h, g, y, &m_pool);
    }
    void combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
        const float* sh_gate, bool gated) override {
        cpu::combine(x, y, g, n, K, D, sh_y, sh_gate, gated);
    }

private:
    ThreadPool m_pool;
    std::vector<void*> m_blocks;
    std::vector<float> m_scores;
};

// ---- harness helpers ----------------------------------------------------------------------

// Every allocation is rounded up to 256 bytes: the mat-vec kernels read whole
// 16-byte words, up to 15 bytes past the last row (as the backend's 256-byte
// aligned arena allows).
size_t padded(size_t bytes) {
    return (std::max<size_t>(bytes, 1) + 255) / 256 * 256;
}

template <typename T> T* put(OpDevice& d, const std::vector<T>& v) {
    auto* p = static_cast<T*>(d.alloc(padded(v.size() * sizeof(T))));
    if (!v.empty()) d.upload(p, v.data(), v.size() * sizeof(T));
    return p;
}
// A device buffer of n elements filled with `poison` (NaN for floats): an
// element the op should write but does not shows up as a difference.
template <typename T> T* poisoned(OpDevice& d, size_t n, T poison) {
    return put(d, std::vector<T>(n, poison));
}
template <typename T> std::vector<T> get(OpDevice& d, const T* p, size_t n) {
    std::vector<T> v(n);
    if (n) d.download(v.data(), p, n * sizeof(T));
    return v;
}

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

// max |got - ref| / max(max |ref|, 1e-6); infinite when got has a NaN or
// infinity where ref is finite (an unwritten or broken element never passes).
double rel_err(const std::vector<float>& got, const std::vector<float>& ref) {
    if (got.size() != ref.size()) return INFINITY;
    double mx = 0.0, scale = 1e-6;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (!std::isfinite(got[i]) && std::isfinite(ref[i])) return INFINITY;
        mx = std::max(mx, std::fabs(double(got[i]) - double(ref[i])));
        scale = std::max(scale, std::fabs(double(ref[i])));
    }
    return mx / scale;
}
double abs_err(const std::vector<float>& got, const std::vector<float>& ref) {
    if (got.size() != ref.size()) return INFINITY;
    double mx = 0.0;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (!std::isfinite(got[i]) && std::isfinite(ref[i])) return INFINITY;
        mx = std::max(mx, std::fabs(double(got[i]) - double(ref[i])));
    }
    return mx;
}
// Elements whose bits differ.
template <typename T> double mismatches(const std::vector<T>& got, const std::vector<T>& ref) {
    if (got.size() != ref.size()) return INFINITY;
    size_t n = 0;
    for (size_t i = 0; i < ref.size(); ++i)
        n += std::memcmp(&got[i], &ref[i], sizeof(T)) != 0;
    return double(n);
}

OpCheck make(std::string op, double err, double tol, std::string note = {}) {
    return OpCheck { std::move(op), err, tol, err <= tol, std::move(note) }; // NaN never passes
}

const std::vector<uint32_t>& check_types() {
    static const std::vector<uint32_t> t = { GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_Q8_0,
        GGML_TYPE_Q4_0, GGML_TYPE_Q4_K, GGML_TYPE_Q5_K, GGML_TYPE_Q6_K };
    return t;
}

struct Rng {
    std::mt19937_64 g;
    std::normal_distribution<float> nd { 0.0f, 1.0f };
    explicit Rng(uint64_t seed)
        : g(seed) { }
    std::vector<float> normal(size_t n, float scale = 1.0f) {
        std::vector<float> v(n);
        for (auto& x : v)
            x = scale * nd(g);
        return v;
    }
};

// A random (rows, cols) weight of `type`, quantized on the host.
struct HostWeight {
    uint32_t type;
    int rows, cols;
    size_t row_bytes;
    std::vector<uint8_t> data;
    Matrix matrix() const { return Matrix { data.data(), type, rows, cols, row_bytes }; }
};
HostWeight random_weight(uint32_t type, int rows, int cols, Rng& rng) {
    HostWeight w { type, rows, cols, row_size(type, cols), {} };
    w.data.resize(w.row_bytes * size_t(rows));
    const auto f = rng.normal(size_t(rows) * size_t(cols));
    for (int r = 0; r < rows; ++r) {
        quantize_row(type, f.data() + size_t(r) * size_t(cols), w.data.data() + size_t(r) * w.row_bytes, cols);
    }
    return w;
}
Matrix on_device(OpDevice& d, const HostWeight& w) {
    return Matrix { put(d, w.data), w.type, w.rows, w.cols, w.row_bytes };
}

// E experts of one type back to back, a 256-byte-aligned stride apart (as the backend uploads them).
struct HostExperts {
    std::vector<HostWeight> w;
    ExpertsView upload(OpDevice& d) const {
        const HostWeight& w0 = w[0];
        const size_t stride = padded(w0.data.size());
        std::vector<uint8_t> all(stride * w.size());
        for (size_t e = 0; e < w.size(); ++e)
            std::memcpy(all.data() + e * stride, w[e].data.data(), w[e].data.size());
        return ExpertsView { put(d, all), w0.type, w0.rows, w0.cols, w0.row_bytes, stride, int(w.size()) };
    }
    std::vector<Matrix> matrices() const {
        std::vector<Matrix> m;
        for (const auto& x : w)
            m.push_back(x.matrix());
        return m;
    }
};
HostExperts random_experts(uint32_t type, int E, int rows, int cols, Rng& rng) {
    HostExperts h;
    for (int e = 0; e < E; ++e)
        h.w.push_back(random_weight(type, rows, cols, rng));
    return h;
}

// Routing of n tokens to K distinct experts out of E with random weights, grouped on the host.
struct HostRouting {
    int n, K, E;
    std::vector<int32_t> ids;
    std::vector<float> w;
    std::vector<int32_t> words; // MoeGroups::words(E, n, K)
    MoeGroups groups() { return MoeGroups::layout(words.data(), E, n, K); }
};
HostRouting random_routing(int n, int K, int E, Rng& rng) {
    HostRouting r { n, K, E, std::vector<int32_t>(size_t(n) * size_t(K)), std::vector<float>(size_t(n) * size_t(K)),
        std::vector<int32_t>(MoeGroups::words(E, n, K)) };
    std::vector<int32_t> perm(static_cast<size_t>(E));
    for (int t = 0; t < n; ++t) {
        for (int e = 0; e < E; ++e)
            perm[size_t(e)] = e;
        std::shuffle(perm.begin(), perm.end(), rng.g);
        for (int j = 0; j < K; ++j) {
            r.ids[size_t(t) * size_t(K) + size_t(j)] = perm[size_t(j)];
            r.w[size_t(t) * size_t(K) + size_t(j)] = std::fabs(rng.nd(rng.g)) + 0.1f;
        }
    }
    cpu::group(r.ids.data(), r.w.data(), K, n, K, E, r.groups());
    return r;
}
// The host grouping copied to the device, as a MoeGroups over device memory.
MoeGroups upload_groups(OpDevice& d, const HostRouting& r) {
    return MoeGroups::layout(put(d, r.words), r.E, r.n, r.K);
}

// ---- the families -------------------------------------------------------------------------

void check_dequant(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    for (uint32_t type : check_types()) {
        const HostWeight w = random_weight(type, 96, 1024, rng);
        const Matrix m = on_device(d, w);
        for (auto [row0, nrows] : { std::pair { 0, 96 }, std::pair { 17, 20 } }) {
            std::vector<float> ref(size_t(nrows) * size_t(w.cols));
            cpu::dequant_rows(w.matrix(), row0, nrows, ref.data());
            float* y = poisoned(d, ref.size(), kNaN);
            d.dequant_rows(m, row0, nrows, y);
            out.push_back(make(fmt::format("dequant {} rows {}..{}", type_name(type), row0, row0 + nrows - 1),
                mismatches(get(d, y, ref.size()), ref), 0.0, "values not bit-identical"));
        }
    }
}

void check_embed(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    const std::vector<int32_t> tokens = { 5, 0, 95, 17, 17, 63 };
    for (uint32_t type : check_types()) {
        const HostWeight w = random_weight(type, 96, 512, rng);
        const Matrix m = on_device(d, w);
        std::vector<float> ref(tokens.size() * size_t(w.cols));
        cpu::embed(w.matrix(), tokens.data(), int(tokens.size()), ref.data());
        float* y = poisoned(d, ref.size(), kNaN);
        d.embed(m, put(d, tokens), int(tokens.size()), y);
        out.push_back(make(fmt::format("embed {}", type_name(type)), mismatches(get(d, y, ref.size()), ref), 0.0,
            "values not bit-identical"));
    }
}

void check_matvec(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    for (uint32_t type : check_types()) {
        const bool k_quant = type_traits(type)->block_size == 256;
        // several tiles and a partial one; a short row whose rows are not 16-byte aligned for Q8_0/Q4_0/Q6_K
        for (auto [rows, cols] : { std::pair { 64, 2816 }, std::pair { 40, k_quant ? 768 : 800 } }) {
            const HostWeight w = random_weight(type, rows, cols, rng);
            const Matrix m = on_device(d, w);
            for (int n : { 1, 3, 11 }) {
                const int ldx = cols + 4, ldy = rows + 3;
                const auto x = rng.normal(size_t(n) * size_t(ldx));
                std::vector<float> ref(size_t(n) * size_t(ldy), 0.0f);
                cpu::matvec(w.matrix(), x.data(), n, ldx, ref.data(), ldy, nullptr);
                float* y = put(d, ref); // gaps between the rows keep the reference's zeros
                for (int t = 0; t < n; ++t)
                    d.upload(
                        y + size_t(t) * size_t(ldy), std::vector<float>(size_t(rows), kNaN).data(), size_t(rows) * 4);
                d.matvec(m, put(d, x), n, ldx, y, ldy);
                out.push_back(make(fmt::format("matvec {} {}x{} n={}", type_name(type), rows, cols, n),
                    rel_err(get(d, y, ref.size()), ref), 1e-5));
            }
        }
    }
}

// Prefill products (16 tokens and more), W dequantized in several slabs on the GPU.
void check_gemm(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    for (uint32_t type : check_types()) {
        const HostWeight w = random_weight(type, 200, 2816, rng);
        const Matrix m = on_device(d, w);
        for (int n : { 16, 33 }) {
            const int ldx = w.cols + 4, ldy = w.rows + 3;
            const auto x = rng.normal(size_t(n) * size_t(ldx));
            std::vector<float> ref(size_t(n) * size_t(ldy), 0.0f);
            cpu::matvec(w.matrix(), x.data(), n, ldx, ref.data(), ldy, nullptr);
            float* y = put(d, ref);
            for (int t = 0; t < n; ++t)
                d.upload(
                    y + size_t(t) * size_t(ldy), std::vector<float>(size_t(w.rows), kNaN).data(), size_t(w.rows) * 4);
            d.gemm(m, put(d, x), n, ldx, y, ldy);
            out.push_back(make(fmt::format("gemm {} {}x{} n={}", type_name(type), w.rows, w.cols, n),
                rel_err(get(d, y, ref.size()), ref), 1e-5));
        }
    }
}

void check_norm(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    // block norm (rows of a batch), per-head q/k norm in place, full-width norm with strides
    struct Case {
        const char* what;
        int rows, width, ld_in, ld_out;
        bool in_place;
    };
    for (const Case c : { Case { "rmsnorm rows", 7, 2048, 2048, 2048, false },
             Case { "rmsnorm per head in place", 40, 128, 128, 128, true },
             Case { "rmsnorm strided", 5, 1000, 1030, 1010, false } }) {
        const auto x = rng.normal(size_t(c.rows) * size_t(c.ld_in));
        const auto w = rng.normal(size_t(c.width), 0.3f);
        std::vector<float> ref = c.in_place ? x : std::vector<float>(size_t(c.rows) * size_t(c.ld_out), 0.0f);
        cpu::rmsnorm(x.data(), c.ld_in, w.data(), ref.data(), c.ld_out, c.rows, c.width, 1e-6f);
        float* dx = put(d, x);
        float* dy = c.in_place ? dx : put(d, std::vector<float>(ref.size(), 0.0f));
        d.rmsnorm(dx, c.ld_in, put(d, w), dy, c.ld_out, c.rows, c.width, 1e-6f);
        out.push_back(make(c.what, rel_err(get(d, dy, ref.size()), ref), 1e-6));
    }
}

void check_elementwise(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    {
        const int rows = 5, width = 300, ld = 320;
        auto y = rng.normal(size_t(rows) * ld);
        const auto b = rng.normal(size_t(width));
        float* dy = put(d, y);
        d.add_bias(dy, ld, put(d, b), rows, width);
        cpu::add_bias(y.data(), ld, b.data(), rows, width);
        out.push_back(make("add_bias", rel_err(get(d, dy, y.size()), y), 1e-6));
    }
    {
        auto x = rng.normal(1000);
        const auto y = rng.normal(1000);
        float* dx = put(d, x);
        d.add(dx, put(d, y), x.size());
        cpu::add(x.data(), y.data(), x.size());
        out.push_back(make("add", rel_err(get(d, dx, x.size()), x), 1e-6));
    }
    {
        auto a = rng.normal(1000, 3.0f);
        const auto b = rng.normal(1000);
        float* da = put(d, a);
        d.silu_mul(da, put(d, b), a.size());
        cpu::silu_mul(a.data(), b.data(), a.size());
        out.push_back(make("silu_mul", rel_err(get(d, da, a.size()), a), 1e-6));
    }
}

void check_rope(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    for (bool neox : { false, true }) {
        const int n_head = 8, n_kv = 2, hd = 64, n_ctx = 96, pos0 = 37, n = 5;
        const size_t qd = size_t(n_head) * hd, kvd = size_t(n_kv) * hd;
        auto q = rng.normal(n * qd), k = rng.normal(n * kvd);
        const auto v = rng.normal(n * kvd);
        auto kc = rng.normal(n_ctx * kvd), vc = rng.normal(n_ctx * kvd);
        std::vector<float> inv(hd / 2);
        cpu::rope_inv_freq(inv.data(), hd, 1e6f);
        float *dq = put(d, q), *dk = put(d, k), *dkc = put(d, kc), *dvc = put(d, vc);
        d.rope_store(
            dq, dk, put(d, v), dkc, dvc, put(d, inv), put(d, std::vector<int32_t> { pos0 }), n, n_head, n_kv, hd, neox);
        cpu::rope_store(
            q.data(), k.data(), v.data(), kc.data(), vc.data(), inv.data(), pos0, n, n_head, n_kv, hd, neox);
        const char* style = neox ? "neox" : "normal";
        out.push_back(make(fmt::format("rope {} q", style), rel_err(get(d, dq, q.size()), q), 1e-5));
        out.push_back(make(fmt::format("rope {} k", style), rel_err(get(d, dk, k.size()), k), 1e-5));
        out.push_back(make(fmt::format("rope {} k cache", style), rel_err(get(d, dkc, kc.size()), kc), 1e-5));
        out.push_back(make(fmt::format("rope {} v cache", style), rel_err(get(d, dvc, vc.size()), vc), 0.0));
    }
}

void check_attention(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    struct Case {
        int n_head, n_kv, hd, n_ctx, pos0, n;
    };
    for (const Case c :
        { Case { 8, 2, 64, 96, 37, 5 }, Case { 32, 4, 128, 512, 300, 1 }, Case { 16, 16, 128, 64, 0, 9 } }) {
        const size_t qd = size_t(c.n_head) * size_t(c.hd), kvd = size_t(c.n_kv) * size_t(c.hd);
        const auto q = rng.normal(size_t(c.n) * qd);
        const auto kc = rng.normal(size_t(c.n_ctx) * kvd), vc = rng.normal(size_t(c.n_ctx) * kvd);
        std::vector<float> ref(size_t(c.n) * qd);
        std::vector<float> scores(size_t(c.n_ctx));
        cpu::attention(q.data(), kc.data(), vc.data(), ref.data(), c.pos0, c.n, c.n_head, c.n_kv, c.hd, scores.data(),
            size_t(c.n_ctx), nullptr);
        float* y = poisoned(d, ref.size(), kNaN);
        d.attention(put(d, q), put(d, kc), put(d, vc), y, put(d, std::vector<int32_t> { c.pos0 }), c.n, c.n_head,
            c.n_kv, c.hd, c.n_ctx);
        out.push_back(
            make(fmt::format("attention {}/{} heads of {}, {} tokens at {}", c.n_head, c.n_kv, c.hd, c.n, c.pos0),
                rel_err(get(d, y, ref.size()), ref), 1e-4));
    }
}

// Compares a device grouping with the host's, field by field (only the entries in use).
double group_mismatch(OpDevice& d, const MoeGroups& dg, MoeGroups hg, int n_pairs) {
    const int n_act = get(d, dg.n_active, 1)[0];
    if (n_act != *hg.n_active) return INFINITY;
    double m = 0;
    m += mismatches(get(d, dg.act, size_t(n_act)), std::vector<int32_t>(hg.act, hg.act + n_act));
    m += mismatches(
        get(d, dg.act_start, size_t(n_act) + 1), std::vector<int32_t>(hg.act_start, hg.act_start + n_act + 1));
    m += mismatches(
        get(d, dg.slot_token, size_t(n_pairs)), std::vector<int32_t>(hg.slot_token, hg.slot_token + n_pairs));
    m += mismatches(
        get(d, dg.slot_weight, size_t(n_pairs)), std::vector<float>(hg.slot_weight, hg.slot_weight + n_pairs));
    m += mismatches(get(d, dg.pair_slot, size_t(n_pairs)), std::vector<int32_t>(hg.pair_slot, hg.pair_slot + n_pairs));
    return m;
}

void check_route(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    struct Case {
        int n, E, K, stride;
        bool sigmoid, norm;
    };
    for (const Case c : { Case { 9, 64, 6, 9, false, true }, Case { 9, 64, 6, 6, true, true },
             Case { 5, 60, 4, 4, false, false }, Case { 1, 128, 8, 8, false, true }, Case { 1, 256, 8, 8, true, true },
             Case { 33, 8, 2, 2, false, false } }) {
        auto logits = rng.normal(size_t(c.n) * size_t(c.E), 2.0f);
        const size_t nr = size_t(c.n) * size_t(c.stride);
        std::vector<int32_t> ids(nr, -1);
        std::vector<float> w(nr, kNaN);
        std::vector<int32_t> gw(MoeGroups::words(c.E, c.n, c.K), -1);
        const MoeGroups hg = MoeGroups::layout(gw.data(), c.E, c.n, c.K);
        float* dl = put(d, logits);
        int32_t* di = put(d, ids);
        float* dw = put(d, w);
        int32_t* dgw = put(d, gw);
        const MoeGroups dg = MoeGroups::layout(dgw, c.E, c.n, c.K);
        d.route(dl, c.n, c.E, c.K, c.sigmoid, c.norm, di, dw, c.stride, &dg);
        cpu::route(logits.data(), c.n, c.E, c.K, c.sigmoid, c.norm, ids.data(), w.data(), c.stride, &hg);
        const std::string what = fmt::format(
            "route {} n={} E={} top-{}{}", c.sigmoid ? "sigmoid" : "softmax", c.n, c.E, c.K, c.norm ? " renorm" : "");
        // only the K entries per token are written; the rest keep their fill on both sides
        out.push_back(make(what + ": ids", mismatches(get(d, di, nr), ids), 0.0, "expert ids differ"));
        out.push_back(make(what + ": weights", abs_err(get(d, dw, nr), w), 1e-5, "absolute"));
        out.push_back(make(what + ": probabilities", rel_err(get(d, dl, logits.size()), logits), 1e-5));
        if (c.n == 1) out.push_back(make(what + ": grouping", group_mismatch(d, dg, hg, c.K), 0.0, "groups differ"));
    }
}

void check_group(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    struct Case {
        int n, K, E;
    };
    for (const Case c : { Case { 9, 6, 64 }, Case { 64, 8, 128 }, Case { 5, 1, 1 }, Case { 3, 2, 4 } }) {
        HostRouting r = random_routing(c.n, c.K, c.E, rng);
        const std::vector<int32_t> fill(MoeGroups::words(c.E, c.n, c.K), -7);
        const MoeGroups dg = MoeGroups::layout(put(d, fill), c.E, c.n, c.K);
        d.group(put(d, r.ids), put(d, r.w), c.K, c.n, c.K, c.E, dg);
        out.push_back(make(fmt::format("group n={} top-{} of {}", c.n, c.K, c.E),
            group_mismatch(d, dg, r.groups(), c.n * c.K), 0.0, "groups differ"));
    }
}

void check_expert(OpDevice& d, Rng& rng, std::vector<OpCheck>& out, bool gate_up) {
    const int E = 8, D = 512, F = 256;
    std::vector<std::pair<uint32_t, uint32_t>> types; // (gate/down, up)
    for (uint32_t t : check_types())
        types.push_back({ t, t });
    if (gate_up) types.push_back({ GGML_TYPE_Q4_K, GGML_TYPE_Q8_0 }); // mixed types: the two-pass path
    for (auto [ta, tb] : types) {
        const HostExperts a = random_experts(ta, E, gate_up ? F : D, gate_up ? D : F, rng);
        const HostExperts b = gate_up ? random_experts(tb, E, F, D, rng) : HostExperts {};
        const ExpertsView da = a.upload(d), db = gate_up ? b.upload(d) : ExpertsView {};
        // decode (one token: at most one slot per expert) and a batch (several slots per expert)
        for (auto [n, K] : { std::pair { 1, 2 }, std::pair { 9, 2 } }) {
            HostRouting r = random_routing(n, K, E, rng);
            const MoeGroups dg = upload_groups(d, r);
            const int n_pairs = n * K, max_groups = std::min(n_pairs, E);
            const int in_w = gate_up ? D : F, out_w = gate_up ? F : D;
            const int ldx = in_w + 8;
            const auto x = rng.normal(size_t(gate_up ? n : n_pairs) * size_t(ldx));
            std::vector<float> ref(size_t(n_pairs) * size_t(out_w));
            float* y = poisoned(d, ref.size(), kNaN);
            if (gate_up) {
                cpu::expert_gate_up(a.matrices(), b.matrices(), x.data(), ldx, r.groups(), ref.data(), nullptr);
                d.expert_gate_up(da, db, put(d, x), ldx, dg, max_groups, n_pairs, y, poisoned(d, ref.size(), kNaN));
            } else {
                // the down projection reads h rows of exactly F floats
                std::vector<float> h(size_t(n_pairs) * size_t(F));
                for (size_t i = 0; i < h.size(); ++i)
                    h[i] = x[i];
                cpu::expert_down(a.matrices(), h.data(), r.groups(), ref.data(), nullptr);
                d.expert_down(da, put(d, h), dg, max_groups, n_pairs, y);
            }
            const std::string ty = ta == tb ? type_name(ta) : fmt::format("{}+{}", type_name(ta), type_name(tb));
            out.push_back(make(fmt::format("{} {} n={} top-{}", gate_up ? "expert gate_up" : "expert down", ty, n, K),
                rel_err(get(d, y, ref.size()), ref), 1e-5));
        }
    }
}

void check_combine(OpDevice& d, Rng& rng, std::vector<OpCheck>& out) {
    const int n = 7, K = 3, E = 16, D = 300;
    for (int shared = 0; shared < 3; ++shared) { // none, ungated, sigmoid-gated
        HostRouting r = random_routing(n, K, E, rng);
        auto x = rng.normal(size_t(n) * D);
        const auto y = rng.normal(size_t(n) * K * D), sh_y = rng.normal(size_t(n) * D), sh_gate = rng.normal(size_t(n));
        float* dx = put(d, x);
        d.combine(
            dx, put(d, y), upload_groups(d, r), n, K, D, shared ? put(d, sh_y) : nullptr, put(d, sh_gate), shared == 2);
        cpu::combine(
            x.data(), y.data(), r.groups(), n, K, D, shared ? sh_y.data() : nullptr, sh_gate.data(), shared == 2);
        const char* what[] = { "combine", "combine + shared expert", "combine + gated shared expert" };
        out.push_back(make(what[shared], rel_err(get(d, dx, x.size()), x), 1e-6));
    }
}

// ---- timings at Qwen3-30B-A3B's shapes -----------------------------------------------------

constexpr int kD = 2048, kQd = 4096, kKvd = 512, kE = 128, kK = 8, kF = 768, kHeads = 32, kKv = 4, kHd = 128;

// E experts whose bytes repeat one random matrix (quantizing 128 distinct ones
// would take longer than the timing; the kernels read every byte either way).
ExpertsView repeated_experts(OpDevice& d, uint32_t type, int rows, int cols, Rng& rng) {
    const HostWeight w = random_weight(type, rows, cols, rng);
    const size_t stride = padded(w.data.size());
    auto* p = static_cast<uint8_t*>(d.alloc(stride * kE));
    for (int e = 0; e < kE; ++e)
        d.upload(p + size_t(e) * stride, w.data.data(), w.data.size());
    return ExpertsView { p, type, rows, cols, w.row_bytes, stride, kE };
}

void time_matvec(OpDevice& d, Rng& rng, int reps, std::vector<OpTiming>& out) {
    const auto x = rng.normal(kD);
    for (uint32_t type : check_types()) {
        const HostWeight w = random_weight(type, kQd, kD, rng);
        const Matrix m = on_device(d, w);
        float* dx = put(d, x);
        float* y = put(d, std::vector<float>(kQd));
        const double ms = d.time_ms([&] { d.matvec(m, dx, 1, kD, y, kQd); }, reps);
        out.push_back({ fmt::format("matvec {} {}x{} n=1", type_name(type), kQd, kD), ms, double(w.data.size()) });
        d.release(const_cast<uint8_t*>(m.data));
    }
}

void time_route_group(OpDevice& d, Rng& rng, int reps, std::vector<OpTiming>& out, bool route) {
    for (int n : { 1, 64 }) {
        const auto logits = rng.normal(size_t(n) * kE, 2.0f);
        float* dl = put(d, logits);
        int32_t* di = put(d, std::vector<int32_t>(size_t(n) * kK));
        float* dw = put(d, std::vector<float>(size_t(n) * kK));
        const MoeGroups g = MoeGroups::layout(put(d, std::vector<int32_t>(MoeGroups::words(kE, n, kK))), kE, n, kK);
        d.route(dl, n, kE, kK, false, true, di, dw, kK, &g); // routing the grouping below reads
        if (route) {
            const double ms = d.time_ms([&] { d.route(dl, n, kE, kK, false, true, di, dw, kK, &g); }, reps);
            out.push_back({ fmt::format("route softmax top-{} of {} n={}", kK, kE, n), ms, 0.0 });
        } else if (n > 1) {
            const double ms = d.time_ms([&] { d.group(di, dw, kK, n, kK, kE, g); }, reps);
            out.push_back({ fmt::format("group top-{} of {} n={}", kK, kE, n), ms, 0.0 });
        }
    }
}

void time_expert(OpDevice& d, Rng& rng, int reps, std::vector<OpTiming>& out) {
    for (uint32_t type : { GGML_TYPE_Q4_K, GGML_TYPE_Q8_0 }) {
        const ExpertsView gate = repeated_experts(d, type, kF, kD, rng), up = repeated_experts(d, type, kF, kD, rng);
        const ExpertsView down = repeated_experts(d, type, kD, kF, rng);
        const size_t expert_bytes = gate.row_bytes * kF * 2 + down.row_bytes * kD;
        for (int n : { 1, 16 }) {
            HostRouting r = random_routing(n, kK, kE, rng);
            const MoeGroups g = upload_groups(d, r);
            const int n_pairs = n * kK, max_groups = std::min(n_pairs, kE);
            float* x = put(d, rng.normal(size_t(n) * kD));
            float* h = put(d, std::vector<float>(size_t(n_pairs) * kF));
            float* u = put(d, std::vector<float>(size_t(n_pairs) * kF));
            float* y = put(d, std::vector<float>(size_t(n_pairs) * kD));
            const double ms = d.time_ms(
                [&] {
                    d.expert_gate_up(gate, up, x, kD, g, max_groups, n_pairs, h, u);
                    d.expert_down(down, h, g, max_groups, n_pairs, y);
                },
                reps);
            out.push_back({ fmt::format("expert ffn {} top-{} of {} n={}", type_name(type), kK, kE, n), ms,
                double(expert_bytes) * double(*r.groups().n_active) });
        }
        for (const ExpertsView* v : { &gate, &up, &down })
            d.release(const_cast<uint8_t*>(v->data));
    }
}

void time_attention(OpDevice& d, Rng& rng, int reps, std::vector<OpTiming>& out) {
    const int n_ctx = 4096;
    float* kc = put(d, rng.normal(size_t(n_ctx) * kKvd));
    float* vc = put(d, rng.normal(size_t(n_ctx) * kKvd));
    float* q = put(d, rng.normal(kQd));
    float* y = put(d, std::vector<float>(kQd));
    for (int positions : { 512, 4096 }) {
        const int32_t* pos = put(d, std::vector<int32_t> { positions - 1 });
        const double ms = d.time_ms([&] { d.attention(q, kc, vc, y, pos, 1, kHeads, kKv, kHd, n_ctx); }, reps);
        out.push_back({ fmt::format("attention {}/{} heads of {} n=1 over {} positions", kHeads, kKv, kHd, positions),
            ms, 2.0 * double(positions) * kKvd * sizeof(float) });
    }
}

} // namespace

std::unique_ptr<OpDevice> cpu_op_device() {
    return std::make_unique<CpuOpDevice>();
}

std::vector<std::string> op_families() {
    return { "dequant", "embed", "matvec", "gemm", "norm", "elementwise", "rope", "attention", "route", "group",
        "expert_gate_up", "expert_down", "combine" };
}

std::vector<OpCheck> run_op_checks(OpDevice& dev, const std::string& family, uint64_t seed) {
    Rng rng(seed * 1000003u + std::hash<std::string> {}(family));
    std::vector<OpCheck> out;
    if (family == "dequant")
        check_dequant(dev, rng, out);
    else if (family == "embed")
        check_embed(dev, rng, out);
    else if (family == "matvec")
        check_matvec(dev, rng, out);
    else if (family == "gemm")
        check_gemm(dev, rng, out);
    else if (family == "norm")
        check_norm(dev, rng, out);
    else if (family == "elementwise")
        check_elementwise(dev, rng, out);
    else if (family == "rope")
        check_rope(dev, rng, out);
    else if (family == "attention")
        check_attention(dev, rng, out);
    else if (family == "route")
        check_route(dev, rng, out);
    else if (family == "group")
        check_group(dev, rng, out);
    else if (family == "expert_gate_up")
        check_expert(dev, rng, out, true);
    else if (family == "expert_down")
        check_expert(dev, rng, out, false);
    else if (family == "combine")
        check_combine(dev, rng, out);
    else
        throw Error(fmt::format("unknown op family '{}'", family));
    return out;
}

std::vector<std::string> timing_families() {
    return { "matvec", "route", "group", "expert", "attention" };
}

std::vector<OpTiming> run_op_timings(OpDevice& dev, const std::string& family, int reps, uint64_t seed) {
    Rng rng(seed);
    std::vector<OpTiming> out;
    if (family == "matvec")
        time_matvec(dev, rng, reps, out);
    else if (family == "route")
        time_route_group(dev, rng, reps, out, true);
    else if (family == "group")
        time_route_group(dev, rng, reps, out, false);
    else if (family == "expert")
        time_expert(dev, rng, reps, out);
    else if (family == "attention")
        time_attention(dev, rng, reps, out);
    else
        throw Error(fmt::format("unknown timing family '{}'", family));
    return out;
}

} // namespace moe
