// Per-op checks of the kernels against their CPU twins (engine/quant for the
// block formats; the formulas of engine/cpu/cpu_backend.cpp written out here
// for norms, RoPE, attention and routing) on random data. Dequantization must
// be bit-exact; products and reductions agree within a relative tolerance.
#include "attention.cuh"
#include "common.cuh"
#include "matmul.cuh"
#include "moe.cuh"
#include "norm.cuh"

#include "error.h"
#include "quant/quant.h"
#include "runtime/cuda_hook.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace moe {

namespace {

using namespace moe::cuda;

// A device buffer freed on scope exit.
template <typename T> struct Dev {
    T* p = nullptr;
    explicit Dev(size_t n) { CUDA_CHECK(cudaMalloc(&p, std::max<size_t>(n, 1) * sizeof(T))); }
    Dev(const std::vector<T>& v) : Dev(v.size()) { put(v); }
    ~Dev() { cudaFree(p); }
    Dev(const Dev&) = delete;
    void put(const std::vector<T>& v) { CUDA_CHECK(cudaMemcpy(p, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice)); }
    std::vector<T> get(size_t n) const {
        std::vector<T> v(n);
        CUDA_CHECK(cudaMemcpy(v.data(), p, n * sizeof(T), cudaMemcpyDeviceToHost));
        return v;
    }
};

// max |a - b| / max(max |b|, 1e-6)
double rel_err(const std::vector<float>& a, const std::vector<float>& b) {
    double mx = 0.0, scale = 1e-6;
    for (size_t i = 0; i < b.size(); ++i) {
        mx = std::max(mx, std::fabs(double(a[i]) - double(b[i])));
        scale = std::max(scale, std::fabs(double(b[i])));
    }
    return mx / scale;
}

OpCheck make(std::string op, double err, double tol, std::string note = {}) {
    return OpCheck{std::move(op), err, tol, err <= tol, std::move(note)};
}

void check_type(uint32_t type, std::mt19937_64& rng, std::vector<OpCheck>& out) {
    const int rows = 96, cols = 1024, ntok = 11;
    std::normal_distribution<float> nd(0.0f, 1.0f);
    std::vector<float> wf(size_t(rows) * cols);
    for (auto& v : wf) v = nd(rng);
    const size_t rb = row_size(type, cols);
    std::vector<uint8_t> wq(rb * rows);
    for (int r = 0; r < rows; ++r) quantize_row(type, wf.data() + size_t(r) * cols, wq.data() + size_t(r) * rb, cols);
    std::vector<float> deq(size_t(rows) * cols);
    for (int r = 0; r < rows; ++r) dequantize_row(type, wq.data() + size_t(r) * rb, deq.data() + size_t(r) * cols, cols);
    std::vector<float> x(size_t(ntok) * cols);
    for (auto& v : x) v = nd(rng);

    Dev<uint8_t> dw(wq);
    const DevMatrix m{dw.p, type, rows, cols, rb};
    // dequantization: bit-exact
    Dev<float> dd(deq.size());
    launch_dequant_rows(m, 0, rows, dd.p, nullptr);
    const auto gd = dd.get(deq.size());
    size_t mism = 0;
    for (size_t i = 0; i < deq.size(); ++i) mism += std::memcmp(&gd[i], &deq[i], 4) != 0;
    out.push_back(make(fmt::format("dequant {}", type_name(type)), double(mism), 0.0, "values not bit-identical"));

    // mat-vec (1 token) and small mat-mat (ntok tokens) against vec_dot
    std::vector<float> ref(size_t(ntok) * rows);
    for (int t = 0; t < ntok; ++t)
        for (int r = 0; r < rows; ++r)
            ref[size_t(t) * rows + r] = vec_dot(type, wq.data() + size_t(r) * rb, x.data() + size_t(t) * cols, cols);
    Dev<float> dx(x);
    Dev<float> dy(ref.size());
    for (int n : {1, ntok}) {
        launch_matvec(m, dx.p, n, cols, dy.p, rows, nullptr);
        auto gy = dy.get(size_t(n) * rows);
        std::vector<float> r1(ref.begin(), ref.begin() + ptrdiff_t(size_t(n) * rows));
        out.push_back(make(fmt::format("matvec {} n={}", type_name(type), n), rel_err(gy, r1), 1e-5));
    }
}

void cpu_rmsnorm(float* o, const float* x, const float* w, int n, float eps) {
    double ss = 0.0;
    for (int i = 0; i < n; ++i) ss += double(x[i]) * x[i];
    const float scale = float(1.0 / std::sqrt(ss / double(n) + double(eps)));
    for (int i = 0; i < n; ++i) o[i] = x[i] * scale * w[i];
}

void check_norm_rope_attention(std::mt19937_64& rng, std::vector<OpCheck>& out) {
    std::normal_distribution<float> nd(0.0f, 1.0f);
    // RMSNorm
    {
        const int rows = 7, width = 2048;
        std::vector<float> x(size_t(rows) * width), w(width), ref(x.size());
        for (auto& v : x) v = nd(rng);
        for (auto& v : w) v = nd(rng);
        for (int r = 0; r < rows; ++r) cpu_rmsnorm(&ref[size_t(r) * width], &x[size_t(r) * width], w.data(), width, 1e-6f);
        Dev<float> dx(x), dw(w), dy(x.size());
        launch_rmsnorm(dx.p, width, dw.p, dy.p, width, rows, width, 1e-6f, nullptr);
        out.push_back(make("rmsnorm", rel_err(dy.get(x.size()), ref), 1e-6));
    }
    // RoPE (both styles) + KV append + GQA attention over a cache filled by earlier positions
    for (bool neox : {false, true}) {
        const int n_head = 8, n_kv = 2, hd = 64, n_ctx = 96, pos0 = 37, n = 5;
        const int qd = n_head * hd, kvd = n_kv * hd;
        std::vector<float> q(size_t(n) * qd), k(size_t(n) * kvd), v(size_t(n) * kvd);
        std::vector<float> kc(size_t(n_ctx) * kvd), vc(size_t(n_ctx) * kvd);
        for (auto* a : {&q, &k, &v, &kc, &vc})
            for (auto& e : *a) e = nd(rng);
        std::vector<float> inv(hd / 2);
        for (int i = 0; i < hd / 2; ++i) inv[size_t(i)] = float(std::pow(1e6, -2.0 * i / double(hd)));
        Dev<float> dq(q), dk(k), dv(v), dkc(kc), dvc(vc), dinv(inv), datt(size_t(n) * qd);
        Dev<int32_t> dpos(std::vector<int32_t>{pos0});
        launch_rope_store(dq.p, dk.p, dv.p, dkc.p, dvc.p, dinv.p, dpos.p, n, n_head, n_kv, hd, neox, nullptr);
        attention_prepare(hd, n_ctx);
        launch_attention(dq.p, dkc.p, dvc.p, datt.p, dpos.p, n, n_head, n_kv, hd, n_ctx, nullptr);
        // CPU twin
        auto rope = [&](float* hv, int pos) {
            for (int i = 0; i < hd / 2; ++i) {
                const float th = float(pos) * inv[size_t(i)];
                const float cs = std::cos(th), sn = std::sin(th);
                const int a = neox ? i : 2 * i, b = neox ? i + hd / 2 : 2 * i + 1;
                const float x0 = hv[a], x1 = hv[b];
                hv[a] = x0 * cs - x1 * sn;
                hv[b] = x0 * sn + x1 * cs;
            }
        };
        for (int t = 0; t < n; ++t) {
            for (int h = 0; h < n_head; ++h) rope(&q[size_t(t) * qd + size_t(h) * hd], pos0 + t);
            for (int h = 0; h < n_kv; ++h) rope(&k[size_t(t) * kvd + size_t(h) * hd], pos0 + t);
            std::copy(&k[size_t(t) * kvd], &k[size_t(t) * kvd] + kvd, &kc[size_t(pos0 + t) * kvd]);
            std::copy(&v[size_t(t) * kvd], &v[size_t(t) * kvd] + kvd, &vc[size_t(pos0 + t) * kvd]);
        }
        out.push_back(make(fmt::format("rope {}", neox ? "neox" : "normal"), rel_err(dq.get(q.size()), q), 1e-5));
        std::vector<float> att(size_t(n) * qd, 0.0f), sc(n_ctx);
        for (int t = 0; t < n; ++t)
            for (int h = 0; h < n_head; ++h) {
                const int kvh = h / (n_head / n_kv), np = pos0 + t + 1;
                const float* qq = &q[size_t(t) * qd + size_t(h) * hd];
                float mx = -INFINITY, sum = 0.0f;
                for (int p = 0; p < np; ++p) {
                    float d = 0.0f;
                    for (int i = 0; i < hd; ++i) d += qq[i] * kc[size_t(p) * kvd + size_t(kvh) * hd + size_t(i)];
                    sc[size_t(p)] = d / std::sqrt(float(hd));
                    mx = std::max(mx, sc[size_t(p)]);
                }
                for (int p = 0; p < np; ++p) sum += sc[size_t(p)] = std::exp(sc[size_t(p)] - mx);
                for (int p = 0; p < np; ++p)
                    for (int i = 0; i < hd; ++i)
                        att[size_t(t) * qd + size_t(h) * hd + size_t(i)] +=
                            sc[size_t(p)] / sum * vc[size_t(p) * kvd + size_t(kvh) * hd + size_t(i)];
            }
        out.push_back(make(fmt::format("attention gqa ({} rope)", neox ? "neox" : "normal"),
                           rel_err(datt.get(att.size()), att), 1e-4));
    }
    // routing: softmax / sigmoid, top-k, renormalisation
    for (bool sigmoid : {false, true}) {
        const int n = 9, E = 64, K = 6;
        std::vector<float> lg(size_t(n) * E);
        for (auto& v : lg) v = nd(rng);
        Dev<float> dl(lg), dw(size_t(n) * K);
        Dev<int32_t> di(size_t(n) * K);
        launch_route(dl.p, n, E, K, sigmoid, true, di.p, dw.p, K, nullptr);
        const auto gi = di.get(size_t(n) * K);
        const auto gw = dw.get(size_t(n) * K);
        double err = 0.0;
        int id_mismatch = 0;
        for (int t = 0; t < n; ++t) {
            std::vector<float> p(lg.begin() + t * E, lg.begin() + (t + 1) * E);
            if (!sigmoid) {
                const float mx = *std::max_element(p.begin(), p.end());
                float s = 0.0f;
                for (auto& e : p) s += e = std::exp(e - mx);
                for (auto& e : p) e /= s;
            } else {
                for (auto& e : p) e = 1.0f / (1.0f + std::exp(-e));
            }
            std::vector<int> idx(E);
            for (int e = 0; e < E; ++e) idx[size_t(e)] = e;
            std::stable_sort(idx.begin(), idx.end(), [&](int a, int b) { return p[size_t(a)] > p[size_t(b)]; });
            float s = 0.0f;
            for (int j = 0; j < K; ++j) s += p[size_t(idx[size_t(j)])];
            for (int j = 0; j < K; ++j) {
                id_mismatch += gi[size_t(t) * K + j] != idx[size_t(j)];
                err = std::max(err, std::fabs(double(gw[size_t(t) * K + j]) - double(p[size_t(idx[size_t(j)])] / s)));
            }
        }
        out.push_back(make(fmt::format("route {} top-{} renorm: ids", sigmoid ? "sigmoid" : "softmax", K),
                           double(id_mismatch), 0.0, "expert ids differ"));
        out.push_back(make(fmt::format("route {} top-{} renorm: weights", sigmoid ? "sigmoid" : "softmax", K), err,
                           1e-5, "absolute"));
    }
}

} // namespace

std::vector<OpCheck> cuda_op_checks(uint64_t seed) {
    std::vector<OpCheck> out;
    if (!cuda_device_info()) return out;
    std::mt19937_64 rng(seed);
    for (uint32_t t : {GGML_TYPE_F32, GGML_TYPE_F16, GGML_TYPE_BF16, GGML_TYPE_Q8_0, GGML_TYPE_Q4_0, GGML_TYPE_Q4_K,
                       GGML_TYPE_Q5_K, GGML_TYPE_Q6_K}) {
        check_type(t, rng, out);
    }
    check_norm_rope_attention(rng, out);
    CUDA_CHECK(cudaDeviceSynchronize());
    return out;
}

} // namespace moe
