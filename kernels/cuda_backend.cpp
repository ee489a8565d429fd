// The CUDA backend: the same forward pass as engine/cpu/cpu_backend.cpp, op
// for op, on the GPU. Weights are uploaded once at load into one allocation
// (needed vs free memory checked before anything is allocated); every scratch
// buffer is planned with them, so a forward pass allocates nothing. A decode
// step (one token) is captured once into a CUDA graph and replayed: its
// position is read from device memory, so the same graph serves every step.
// Logits and the routing frame come back in one round of async copies and a
// single stream synchronisation per forward call.
#include "attention.cuh"
#include "common.cuh"
#include "matmul.cuh"
#include "moe.cuh"
#include "norm.cuh"

#include "error.h"
#include "quant/quant.h"
#include "runtime/cuda_hook.h"

#include <cublas_v2.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#define CUBLAS_CHECK(call)                                                                          \
    do {                                                                                            \
        cublasStatus_t st__ = (call);                                                               \
        if (st__ != CUBLAS_STATUS_SUCCESS) ::moe::cuda::throw_cublas_error(int(st__), #call, __FILE__, __LINE__); \
    } while (0)

namespace moe {

namespace {

using namespace moe::cuda;

constexpr size_t kAlign = 256;
constexpr int kGemmMinTokens = 16;               // from this batch size on, dense products go through cuBLAS
constexpr size_t kGemmScratchFloats = 16u << 20;  // 64 MiB of dequantized weight rows per cuBLAS call
constexpr size_t kCublasWorkspace = 32u << 20;
constexpr uint64_t kReserve = 512ull << 20;       // CUDA context, cuBLAS handles, fragmentation

size_t align_up(size_t v) { return (v + kAlign - 1) / kAlign * kAlign; }

std::string gib(uint64_t b) { return fmt::format("{:.2f} GiB", double(b) / double(1ull << 30)); }

// Plans one device allocation: offsets first (so the total is known before
// allocating), pointers after.
class Plan {
public:
    size_t add(size_t bytes) {
        const size_t off = m_size;
        m_size += align_up(std::max<size_t>(bytes, 1));
        return off;
    }
    size_t size() const { return m_size; }

private:
    size_t m_size = 0;
};

struct DevLayer {
    const float *attn_norm = nullptr, *ffn_norm = nullptr;
    const float *bq = nullptr, *bk = nullptr, *bv = nullptr;
    const float *q_norm = nullptr, *k_norm = nullptr;
    DevMatrix wq, wk, wv, wo, gate_inp, gate_inp_shexp, gate_shexp, up_shexp, down_shexp;
    DevExperts gate_exp, up_exp, down_exp;
};

// A host → device copy to do once the allocation exists.
struct Upload {
    const void* src;
    size_t bytes;
    size_t off;
};

class CudaBackend final : public Backend {
public:
    CudaBackend(std::shared_ptr<const Model> model, const BackendOptions& opts);
    ~CudaBackend() override { release(); }

    std::string name() const override { return "cuda"; }
    int n_ctx() const override { return m_ctx; }
    int max_batch() const override { return m_batch; }
    int top_k() const override { return m_top_k; }
    int n_moe_layers() const override { return m_n_moe; }

    const float* logits(int i) const override { return m_h_logits + size_t(i) * size_t(m_c.n_vocab); }
    const int32_t* routing_ids(int i, int l) const override { return m_h_ids + route_index(i, l); }
    const float* routing_weights(int i, int l) const override { return m_h_w + route_index(i, l); }

    void forward(const int32_t* tokens, int n, int pos0, bool all_logits) override;

private:
    size_t route_index(int i, int l) const { return (size_t(i) * size_t(m_n_moe) + size_t(l)) * size_t(m_top_k); }
    void release() noexcept;
    void run(int n, bool all_logits);  // every kernel of one forward pass, on m_stream
    void layer(int il, int n);
    void mm(const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy);
    template <typename T> T* at(size_t off) const { return reinterpret_cast<T*>(m_base + off); }

    std::shared_ptr<const Model> m_model;
    ModelConfig m_c;
    int m_ctx = 0, m_batch = 0, m_top_k = 0, m_n_moe = 0, m_k_eff = 1, m_n_exp = 1;
    bool m_failed = false;
    std::string m_fail_msg;

    uint8_t* m_base = nullptr;  // the one device allocation
    cudaStream_t m_stream = nullptr;
    cublasHandle_t m_cublas = nullptr;
    cudaGraphExec_t m_graph = nullptr;
    bool m_use_graph = true;

    std::vector<DevLayer> m_layers;
    DevMatrix m_tok_embd, m_output;
    const float* m_output_norm = nullptr;

    // device scratch (see the constructor for shapes)
    float *m_x = nullptr, *m_xn = nullptr, *m_q = nullptr, *m_k = nullptr, *m_v = nullptr, *m_att = nullptr,
          *m_proj = nullptr, *m_router = nullptr, *m_h = nullptr, *m_u = nullptr, *m_y = nullptr, *m_sh_g = nullptr,
          *m_sh_u = nullptr, *m_sh_y = nullptr, *m_sh_gate = nullptr, *m_logits = nullptr, *m_kc = nullptr,
          *m_vc = nullptr, *m_inv_freq = nullptr, *m_route_w = nullptr, *m_dense_w = nullptr, *m_gemm = nullptr;
    int32_t *m_io = nullptr, *m_route_ids = nullptr, *m_dense_ids = nullptr;
    MoeGroups m_groups;

    // pinned host mirrors
    int32_t* m_h_io = nullptr;  // [pos0, tokens...]
    float* m_h_logits = nullptr;
    int32_t* m_h_ids = nullptr;
    float* m_h_w = nullptr;
};

CudaBackend::CudaBackend(std::shared_ptr<const Model> model, const BackendOptions& opts)
    : m_model(std::move(model)), m_c(m_model->config()) {
    const ModelConfig& c = m_c;
    const ModelWeights& w = m_model->weights();
    const BackendShape shape = backend_shape(c, opts);
    m_ctx = shape.n_ctx;
    m_batch = shape.max_batch;
    m_top_k = shape.top_k;
    m_n_moe = shape.n_moe_layers;
    m_k_eff = c.is_moe ? m_top_k : 1;
    m_n_exp = c.is_moe ? c.n_expert : 1;
    if (c.head_dim % 2 != 0 || c.n_head % c.n_head_kv != 0) {
        throw Error(fmt::format("the CUDA backend does not take head_dim {} with {} / {} heads", c.head_dim, c.n_head,
                                c.n_head_kv));
    }

    std::string why;
    const auto gpu = cuda_device_info(&why);
    if (!gpu) throw Error(why);
    CUDA_CHECK(cudaSetDevice(gpu->device));
    const int max_ctx = attention_max_ctx();
    if (m_ctx > max_ctx) {
        throw Error(fmt::format("the CUDA backend's attention takes at most {} positions; use --ctx {} or less", max_ctx,
                                max_ctx));
    }

    // ---- plan every device buffer: weights, KV cache, scratch --------------------------
    Plan plan;
    std::vector<Upload> uploads;
    std::map<const void*, size_t> placed;  // host tensor -> device offset (tied embeddings are uploaded once)
    uint64_t weight_bytes = 0;
    auto check_matrix = [&](const Matrix& m, const char* what) {
        if (!matmul_type_supported(m.type)) {
            throw Error(fmt::format("the CUDA backend has no kernels for {} weights ({}); use --backend cpu",
                                    type_name(m.type), what));
        }
        const int64_t bs = type_traits(m.type)->block_size;
        if (m.cols % 32 != 0 || m.cols % bs != 0 || m.rows > INT32_MAX) {
            throw Error(fmt::format("the CUDA backend needs rows of a multiple of 32 elements; {} has {}", what, m.cols));
        }
    };
    // matrices are recorded as offsets now and turned into pointers once allocated
    struct PendingM { DevMatrix* dst; size_t off; };
    struct PendingV { const float** dst; size_t off; };
    struct PendingE { DevExperts* dst; size_t off; };
    std::vector<PendingM> pm;
    std::vector<PendingV> pv;
    std::vector<PendingE> pe;
    auto put_matrix = [&](const Matrix& m, DevMatrix* dst, const char* what) {
        if (!m) return;
        check_matrix(m, what);
        size_t off;
        if (auto it = placed.find(m.data); it != placed.end()) {
            off = it->second;
        } else {
            off = plan.add(m.bytes());
            placed[m.data] = off;
            uploads.push_back({m.data, m.bytes(), off});
            weight_bytes += m.bytes();
        }
        *dst = DevMatrix{nullptr, m.type, int(m.rows), int(m.cols), m.row_bytes};
        pm.push_back({dst, off});
    };
    auto put_vector = [&](const Vector& v, const float** dst) {
        if (!v) return;
        const size_t off = plan.add(size_t(v.n) * sizeof(float));
        uploads.push_back({v.data, size_t(v.n) * sizeof(float), off});
        weight_bytes += size_t(v.n) * sizeof(float);
        pv.push_back({dst, off});
    };
    auto put_experts = [&](const std::vector<Matrix>& ms, int n_use, DevExperts* dst, const char* what) {
        if (int(ms.size()) < n_use) throw Error(fmt::format("the model has {} {} experts, expected {}", ms.size(), what, n_use));
        const Matrix& m0 = ms[0];
        check_matrix(m0, what);
        const size_t stride = align_up(m0.bytes());
        const size_t off = plan.add(stride * size_t(n_use));
        for (int e = 0; e < n_use; ++e) {
            const Matrix& m = ms[size_t(e)];
            if (m.type != m0.type || m.rows != m0.rows || m.cols != m0.cols) {
                throw Error(fmt::format("expert {} of {} differs in type or shape from expert 0", e, what));
            }
            uploads.push_back({m.data, m.bytes(), off + size_t(e) * stride});
            weight_bytes += m.bytes();
        }
        *dst = DevExperts{nullptr, m0.type, int(m0.rows), int(m0.cols), m0.row_bytes, stride};
        pe.push_back({dst, off});
    };

    m_layers.resize(size_t(c.n_layer));
    put_matrix(w.tok_embd, &m_tok_embd, "token_embd");
    put_vector(w.output_norm, &m_output_norm);
    put_matrix(w.output, &m_output, "output");
    for (int il = 0; il < c.n_layer; ++il) {
        const LayerWeights& l = w.layers[size_t(il)];
        DevLayer& d = m_layers[size_t(il)];
        put_vector(l.attn_norm, &d.attn_norm);
        put_vector(l.ffn_norm, &d.ffn_norm);
        put_vector(l.bq, &d.bq);
        put_vector(l.bk, &d.bk);
        put_vector(l.bv, &d.bv);
        put_vector(l.q_norm, &d.q_norm);
        put_vector(l.k_norm, &d.k_norm);
        put_matrix(l.wq, &d.wq, "attn_q");
        put_matrix(l.wk, &d.wk, "attn_k");
        put_matrix(l.wv, &d.wv, "attn_v");
        put_matrix(l.wo, &d.wo, "attn_output");
        put_matrix(l.gate_inp, &d.gate_inp, "ffn_gate_inp");
        put_matrix(l.gate_inp_shexp, &d.gate_inp_shexp, "ffn_gate_inp_shexp");
        put_matrix(l.gate_shexp, &d.gate_shexp, "ffn_gate_shexp");
        put_matrix(l.up_shexp, &d.up_shexp, "ffn_up_shexp");
        put_matrix(l.down_shexp, &d.down_shexp, "ffn_down_shexp");
        put_experts(l.gate_exp, m_n_exp, &d.gate_exp, "ffn_gate");
        put_experts(l.up_exp, m_n_exp, &d.up_exp, "ffn_up");
        put_experts(l.down_exp, m_n_exp, &d.down_exp, "ffn_down");
    }
    const size_t weights_end = plan.size();

    const size_t B = size_t(m_batch), D = size_t(c.n_embd), K = size_t(m_k_eff);
    const size_t qd = size_t(c.n_head) * size_t(c.head_dim), kvd = size_t(c.n_head_kv) * size_t(c.head_dim);
    const size_t F = size_t(c.n_ff_exp), SF = size_t(std::max(c.n_ff_shexp, 1)), V = size_t(c.n_vocab);
    const size_t E = size_t(m_n_exp);
    const size_t f4 = sizeof(float);
    const size_t o_kc = plan.add(size_t(c.n_layer) * size_t(m_ctx) * kvd * f4);  // (n_layer, n_ctx, kv_dim)
    const size_t o_vc = plan.add(size_t(c.n_layer) * size_t(m_ctx) * kvd * f4);
    const size_t kv_end = plan.size();
    const size_t o_x = plan.add(B * D * f4);           // (B, n_embd) residual stream
    const size_t o_xn = plan.add(B * D * f4);          // (B, n_embd) normed input of a block
    const size_t o_q = plan.add(B * qd * f4);          // (B, n_head*head_dim)
    const size_t o_k = plan.add(B * kvd * f4);         // (B, n_kv*head_dim)
    const size_t o_v = plan.add(B * kvd * f4);
    const size_t o_att = plan.add(B * qd * f4);        // attention output before wo
    const size_t o_proj = plan.add(B * D * f4);        // output of wo
    const size_t o_router = plan.add(B * E * f4);      // (B, n_expert) router logits, then probabilities
    const size_t o_h = plan.add(B * K * F * f4);       // (B*top_k, n_ff) expert hidden, grouped by expert
    const size_t o_u = plan.add(B * K * F * f4);       // up projections when gate/up types differ
    const size_t o_y = plan.add(B * K * D * f4);       // (B*top_k, n_embd) expert outputs
    const size_t o_shg = plan.add(B * SF * f4);        // (B, n_ff_shexp) shared expert
    const size_t o_shu = plan.add(B * SF * f4);
    const size_t o_shy = plan.add(B * D * f4);
    const size_t o_shgate = plan.add(B * f4);
    const size_t o_logits = plan.add(B * V * f4);      // (B, n_vocab)
    const size_t o_freq = plan.add(size_t(c.head_dim / 2) * f4);
    const size_t o_io = plan.add((B + 1) * sizeof(int32_t));  // [pos0, tokens]
    const size_t n_route = B * size_t(std::max(m_n_moe, 1)) * size_t(m_top_k);
    const size_t o_rids = plan.add(n_route * sizeof(int32_t));  // (B, n_moe_layer, top_k)
    const size_t o_rw = plan.add(n_route * f4);
    const size_t o_dids = plan.add(B * sizeof(int32_t));        // dense models: expert 0, weight 1
    const size_t o_dw = plan.add(B * f4);
    const size_t o_groups = plan.add(MoeGroups::words(int(E), int(B), int(K)) * 4);
    size_t gemm_floats = 0;
    if (m_batch >= kGemmMinTokens) {
        // room for at least one row of the widest dense matrix
        gemm_floats = std::max<size_t>(kGemmScratchFloats, std::max<size_t>(D, std::max(qd, SF)));
    }
    const size_t o_gemm = plan.add(gemm_floats * f4);
    const size_t o_ws = plan.add(kCublasWorkspace);
    const uint64_t total = plan.size();

    // ---- enough memory? say so before allocating anything -------------------------------
    size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    if (total + kReserve > free_b) {
        throw Error(fmt::format("the model needs {} of GPU memory (weights {}, KV cache for {} positions {}, "
                                "buffers {}, plus {} for CUDA itself) but only {} of {} is free on {}; use a "
                                "smaller --ctx or --batch, a smaller quantization, or --backend cpu",
                                gib(total + kReserve), gib(weights_end), m_ctx, gib(kv_end - weights_end),
                                gib(total - kv_end), gib(kReserve), gib(free_b), gib(total_b), gpu->name));
    }

    try {
        CUDA_CHECK(cudaMalloc(&m_base, total));
        CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
        CUBLAS_CHECK(cublasCreate(&m_cublas));
        CUBLAS_CHECK(cublasSetStream(m_cublas, m_stream));
        CUBLAS_CHECK(cublasSetWorkspace(m_cublas, m_base + o_ws, kCublasWorkspace));
        CUDA_CHECK(cudaMallocHost(&m_h_io, (B + 1) * sizeof(int32_t)));
        CUDA_CHECK(cudaMallocHost(&m_h_logits, B * V * f4));
        CUDA_CHECK(cudaMallocHost(&m_h_ids, n_route * sizeof(int32_t)));
        CUDA_CHECK(cudaMallocHost(&m_h_w, n_route * f4));

        for (const Upload& u : uploads) CUDA_CHECK(cudaMemcpy(m_base + u.off, u.src, u.bytes, cudaMemcpyHostToDevice));
        for (const PendingM& p : pm) p.dst->data = m_base + p.off;
        for (const PendingV& p : pv) *p.dst = at<float>(p.off);
        for (const PendingE& p : pe) p.dst->data = m_base + p.off;

        m_kc = at<float>(o_kc);
        m_vc = at<float>(o_vc);
        m_x = at<float>(o_x);
        m_xn = at<float>(o_xn);
        m_q = at<float>(o_q);
        m_k = at<float>(o_k);
        m_v = at<float>(o_v);
        m_att = at<float>(o_att);
        m_proj = at<float>(o_proj);
        m_router = at<float>(o_router);
        m_h = at<float>(o_h);
        m_u = at<float>(o_u);
        m_y = at<float>(o_y);
        m_sh_g = at<float>(o_shg);
        m_sh_u = at<float>(o_shu);
        m_sh_y = at<float>(o_shy);
        m_sh_gate = at<float>(o_shgate);
        m_logits = at<float>(o_logits);
        m_inv_freq = at<float>(o_freq);
        m_io = at<int32_t>(o_io);
        m_route_ids = at<int32_t>(o_rids);
        m_route_w = at<float>(o_rw);
        m_dense_ids = at<int32_t>(o_dids);
        m_dense_w = at<float>(o_dw);
        m_gemm = gemm_floats ? at<float>(o_gemm) : nullptr;
        m_groups = MoeGroups::layout(m_base + o_groups, int(E), int(B), int(K));

        // RoPE frequencies exactly as the CPU twin computes them
        std::vector<float> inv_freq(size_t(c.head_dim / 2));
        for (int i = 0; i < c.head_dim / 2; ++i) {
            inv_freq[size_t(i)] = float(std::pow(double(c.rope_freq_base), -2.0 * i / double(c.head_dim)));
        }
        CUDA_CHECK(cudaMemcpy(m_inv_freq, inv_freq.data(), inv_freq.size() * f4, cudaMemcpyHostToDevice));
        const std::vector<int32_t> zeros(B, 0);
        const std::vector<float> ones(B, 1.0f);
        CUDA_CHECK(cudaMemcpy(m_dense_ids, zeros.data(), B * sizeof(int32_t), cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemcpy(m_dense_w, ones.data(), B * f4, cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemset(m_kc, 0, kv_end - o_kc));
        attention_prepare(c.head_dim, m_ctx);
        CUDA_CHECK(cudaDeviceSynchronize());
    } catch (...) {
        release();  // nothing half-loaded is left behind
        throw;
    }
    if (const char* g = std::getenv("MOE_CUDA_GRAPHS"); g && std::strcmp(g, "0") == 0) m_use_graph = false;
}

void CudaBackend::release() noexcept {
    if (m_graph) cudaGraphExecDestroy(m_graph);
    if (m_cublas) cublasDestroy(m_cublas);
    if (m_stream) cudaStreamDestroy(m_stream);
    if (m_base) cudaFree(m_base);
    if (m_h_io) cudaFreeHost(m_h_io);
    if (m_h_logits) cudaFreeHost(m_h_logits);
    if (m_h_ids) cudaFreeHost(m_h_ids);
    if (m_h_w) cudaFreeHost(m_h_w);
    m_graph = nullptr;
    m_cublas = nullptr;
    m_stream = nullptr;
    m_base = nullptr;
    m_h_io = m_h_ids = nullptr;
    m_h_logits = m_h_w = nullptr;
}

// Y (n, w.rows) = X (n, w.cols) · Wᵀ: mat-vec kernels for small batches,
// dequantized slabs of W through cuBLAS SGEMM for prefill.
void CudaBackend::mm(const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy) {
    if (n < kGemmMinTokens || !m_gemm) {
        launch_matvec(w, x, n, ldx, y, ldy, m_stream);
        return;
    }
    const int slab = int(std::max<size_t>(1, kGemmScratchFloats / size_t(w.cols)));
    const float one = 1.0f, zero = 0.0f;
    for (int r0 = 0; r0 < w.rows; r0 += slab) {
        const int nr = std::min(slab, w.rows - r0);
        launch_dequant_rows(w, r0, nr, m_gemm, m_stream);
        // column-major view: Yᵀ (nr, n) = (Wslab)ᵀ… i.e. op(A) = slab (nr, cols) from A (cols, nr), B = Xᵀ (cols, n)
        CUBLAS_CHECK(cublasSgemm(m_cublas, CUBLAS_OP_T, CUBLAS_OP_N, nr, n, w.cols, &one, m_gemm, w.cols, x, ldx, &zero,
                                 y + r0, ldy));
    }
}

void CudaBackend::layer(int il, int n) {
    const ModelConfig& c = m_c;
    const DevLayer& l = m_layers[size_t(il)];
    const int D = c.n_embd, hd = c.head_dim;
    const int qd = c.n_head * hd, kvd = c.n_head_kv * hd;
    cudaStream_t s = m_stream;

    // attention rmsnorm
    launch_rmsnorm(m_x, D, l.attn_norm, m_xn, D, n, D, c.rms_eps, s);
    // qkv matmuls
    mm(l.wq, m_xn, n, D, m_q, qd);
    mm(l.wk, m_xn, n, D, m_k, kvd);
    mm(l.wv, m_xn, n, D, m_v, kvd);
    // biases (qwen2moe)
    if (l.bq) {
        launch_add_bias(m_q, qd, l.bq, n, qd, s);
        launch_add_bias(m_k, kvd, l.bk, n, kvd, s);
        launch_add_bias(m_v, kvd, l.bv, n, kvd, s);
    }
    // q/k norms: per head (qwen3) or over the whole vector (olmoe)
    if (c.qk_norm == QkNorm::per_head) {
        launch_rmsnorm(m_q, hd, l.q_norm, m_q, hd, n * c.n_head, hd, c.rms_eps, s);
        launch_rmsnorm(m_k, hd, l.k_norm, m_k, hd, n * c.n_head_kv, hd, c.rms_eps, s);
    } else if (c.qk_norm == QkNorm::full) {
        launch_rmsnorm(m_q, qd, l.q_norm, m_q, qd, n, qd, c.rms_eps, s);
        launch_rmsnorm(m_k, kvd, l.k_norm, m_k, kvd, n, kvd, c.rms_eps, s);
    }
    // RoPE, then append k and v to the cache
    float* kc = m_kc + size_t(il) * size_t(m_ctx) * size_t(kvd);
    float* vc = m_vc + size_t(il) * size_t(m_ctx) * size_t(kvd);
    launch_rope_store(m_q, m_k, m_v, kc, vc, m_inv_freq, m_io, n, c.n_head, c.n_head_kv, hd,
                      c.rope == RopeStyle::neox, s);
    // causal attention over the cache (GQA)
    launch_attention(m_q, kc, vc, m_att, m_io, n, c.n_head, c.n_head_kv, hd, m_ctx, s);
    // output projection, residual
    mm(l.wo, m_att, n, qd, m_proj, D);
    launch_add(m_x, m_proj, size_t(n) * size_t(D), s);

    // ffn rmsnorm
    launch_rmsnorm(m_x, D, l.ffn_norm, m_xn, D, n, D, c.rms_eps, s);
    // MoE router: probabilities, top-k, renormalisation straight into the routing frame; pairs grouped by expert
    const int K = m_k_eff, E = m_n_exp;
    if (c.is_moe) {
        mm(l.gate_inp, m_xn, n, D, m_router, E);
        const int stride = m_n_moe * m_top_k;
        int32_t* ids = m_route_ids + size_t(il) * size_t(m_top_k);
        float* wts = m_route_w + size_t(il) * size_t(m_top_k);
        launch_route(m_router, n, E, K, c.gating == Gating::sigmoid, c.norm_topk, ids, wts, stride, s);
        launch_group(ids, wts, stride, n, K, E, m_groups, s);
    } else {
        launch_group(m_dense_ids, m_dense_w, 1, n, 1, 1, m_groups, s);  // dense: one expert of weight 1
    }
    // mix w2(silu(w1 x) * w3 x), only for the experts some token was routed to
    const int n_pairs = n * K;
    const int max_groups = std::min(n_pairs, E);
    launch_expert_gate_up(l.gate_exp, l.up_exp, m_xn, D, m_groups, max_groups, n_pairs, m_h, m_u, s);
    launch_expert_down(l.down_exp, m_h, m_groups, max_groups, n_pairs, m_y, s);
    // shared expert, scaled by its sigmoid gate (qwen2moe)
    const bool shared = c.n_ff_shexp > 0 && l.gate_shexp.data;
    if (shared) {
        const int SF = c.n_ff_shexp;
        mm(l.gate_shexp, m_xn, n, D, m_sh_g, SF);
        mm(l.up_shexp, m_xn, n, D, m_sh_u, SF);
        launch_silu_mul(m_sh_g, m_sh_u, size_t(n) * size_t(SF), s);
        mm(l.down_shexp, m_sh_g, n, SF, m_sh_y, D);
        if (l.gate_inp_shexp.data) mm(l.gate_inp_shexp, m_xn, n, D, m_sh_gate, 1);
    }
    // weighted sum of the expert outputs (+ shared expert), residual
    launch_combine(m_x, m_y, m_groups, n, K, D, shared ? m_sh_y : nullptr, m_sh_gate,
                   shared && c.shexp_gated && l.gate_inp_shexp.data, s);
}

void CudaBackend::run(int n, bool all_logits) {
    const ModelConfig& c = m_c;
    const int D = c.n_embd;
    // token embeddings (ids at m_io + 1)
    launch_embed(m_tok_embd, m_io + 1, n, m_x, m_stream);
    for (int il = 0; il < c.n_layer; ++il) layer(il, n);
    // final rmsnorm and classifier, for every token or only the last
    const int first = all_logits ? 0 : n - 1;
    launch_rmsnorm(m_x + size_t(first) * D, D, m_output_norm, m_xn + size_t(first) * D, D, n - first, D, c.rms_eps,
                   m_stream);
    mm(m_output, m_xn + size_t(first) * D, n - first, D, m_logits + size_t(first) * size_t(c.n_vocab), c.n_vocab);
}

void CudaBackend::forward(const int32_t* tokens, int n, int pos0, bool all_logits) {
    const ModelConfig& c = m_c;
    if (m_failed) {
        throw Error(fmt::format("the GPU backend stopped after an earlier error ({}); load the model again", m_fail_msg));
    }
    if (n <= 0 || n > m_batch) throw Error(fmt::format("batch of {} tokens; the backend takes 1 to {}", n, m_batch));
    if (pos0 < 0 || pos0 + n > m_ctx) {
        throw Error(fmt::format("positions {}..{} are past the context of {} tokens", pos0, pos0 + n - 1, m_ctx));
    }
    for (int t = 0; t < n; ++t) {
        if (tokens[t] < 0 || tokens[t] >= c.n_vocab) {
            throw Error(fmt::format("token id {} is outside the vocabulary of {}", tokens[t], c.n_vocab));
        }
    }
    try {
        m_h_io[0] = pos0;
        std::memcpy(m_h_io + 1, tokens, size_t(n) * sizeof(int32_t));
        CUDA_CHECK(cudaMemcpyAsync(m_io, m_h_io, size_t(n + 1) * sizeof(int32_t), cudaMemcpyHostToDevice, m_stream));

        if (n == 1 && m_use_graph) {
            // decode step: capture once, replay ever after (the position is read on the device)
            if (!m_graph) {
                cudaGraph_t graph = nullptr;
                CUDA_CHECK(cudaStreamBeginCapture(m_stream, cudaStreamCaptureModeThreadLocal));
                try {
                    run(1, false);
                } catch (...) {
                    cudaStreamEndCapture(m_stream, &graph);
                    if (graph) cudaGraphDestroy(graph);
                    throw;
                }
                CUDA_CHECK(cudaStreamEndCapture(m_stream, &graph));
                const cudaError_t e = cudaGraphInstantiate(&m_graph, graph, 0);
                cudaGraphDestroy(graph);
                if (e != cudaSuccess) {
                    (void)cudaGetLastError();
                    m_graph = nullptr;
                    m_use_graph = false;
                }
            }
            if (m_graph) {
                CUDA_CHECK(cudaGraphLaunch(m_graph, m_stream));
            } else {
                run(1, false);
            }
        } else {
            run(n, all_logits);
        }

        // logits and the routing frame back in one round of copies, one synchronisation
        const int first = all_logits ? 0 : n - 1;
        const size_t V = size_t(c.n_vocab);
        CUDA_CHECK(cudaMemcpyAsync(m_h_logits + size_t(first) * V, m_logits + size_t(first) * V,
                                   size_t(n - first) * V * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
        if (m_n_moe > 0) {
            const size_t nr = size_t(n) * size_t(m_n_moe) * size_t(m_top_k);
            CUDA_CHECK(cudaMemcpyAsync(m_h_ids, m_route_ids, nr * sizeof(int32_t), cudaMemcpyDeviceToHost, m_stream));
            CUDA_CHECK(cudaMemcpyAsync(m_h_w, m_route_w, nr * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
        }
        CUDA_CHECK(cudaStreamSynchronize(m_stream));
    } catch (const Error& e) {
        // a kernel fault (illegal address, ...) poisons the CUDA context: end this backend, keep the process
        m_failed = true;
        m_fail_msg = e.what();
        throw;
    }
}

} // namespace

std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Model> model, const BackendOptions& opts) {
    return std::make_unique<CudaBackend>(std::move(model), opts);
}

bool cuda_built() { return true; }

} // namespace moe
