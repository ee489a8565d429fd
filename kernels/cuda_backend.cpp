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
#include "device_state.h"
#include "matmul.cuh"
#include "moe.cuh"
#include "norm.cuh"

#include "cpu/ops.h"
#include "error.h"
#include "quant/quant.h"
#include "runtime/cuda_hook.h"

#include <cublas_v2.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

namespace moe {

namespace {

using namespace moe::cuda;

constexpr int kGemmMinTokens = 16; // from this batch size on, dense products go through cuBLAS
constexpr size_t kGemmScratchFloats = 16u << 20; // 64 MiB of dequantized weight rows per cuBLAS call
constexpr size_t kCublasWorkspace = 32u << 20;
constexpr uint64_t kReserve = 512ull << 20; // CUDA context, cuBLAS handles, fragmentation

std::string gib(uint64_t b) {
    return fmt::format("{:.2f} GiB", double(b) / double(1ull << 30));
}

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
    uint8_t* dst;
};

// Refuses, before anything touches the GPU, a model with a tensor type or a
// shape the kernels do not take; the message is the reason make_backend
// gives when it falls back to the CPU.
void check_supported(const ModelConfig& c, const ModelWeights& w) {
    // Llama 4's chunked attention, blocks without RoPE, q/k L2 norms and weighted expert
    // inputs, and the interleaved dense and MoE blocks with always-on shared experts
    // of both, have CPU code only (engine/cpu/llama4_ops.cpp)
    if (c.arch == Arch::llama4 || c.arch == Arch::ernie4_5_moe) {
        throw Error(fmt::format("the CUDA backend has no kernels for {} models yet ({})", arch_name(c.arch),
            c.arch == Arch::llama4 ? "chunked attention, blocks without RoPE, router weight on the expert input, "
                                     "interleaved dense and MoE blocks, shared expert"
                                   : "interleaved dense and MoE blocks, always-on shared experts, biased routing"));
    }
    // latent attention, partial RoPE, leading dense blocks, shared experts and
    // biased or grouped routing have CPU code only (engine/cpu/attention_mla.cpp,
    // group_routing.cpp, rope_scaled.cpp)
    if (c.attn != AttnKind::gqa || c.n_rot != c.head_dim || c.n_layer_dense_lead > 0 || c.expert_bias
        || c.n_expert_groups > 1 || c.expert_weights_scale != 1.0f || (c.n_ff_shexp > 0 && !c.shexp_gated)) {
        throw Error(fmt::format("the CUDA backend has no kernels for {} models yet ({})", arch_name(c.arch),
            c.attn == AttnKind::mla ? "multi-head latent attention, grouped routing"
                                    : "partial RoPE, biased routing, leading dense blocks"));
    }
    // gpt-oss's windows, sinks, biases and clamped SwiGLU and Granite's multipliers
    // have CPU code only (engine/cpu/attention_sinks.cpp)
    if (c.arch == Arch::gptoss || c.arch == Arch::granitemoe) {
        throw Error(fmt::format("the CUDA backend has no kernels for {} models yet ({})", arch_name(c.arch),
            c.arch == Arch::gptoss ? "sliding-window attention with sinks, biased experts, clamped SwiGLU"
                                   : "embedding, attention, residual and logit multipliers"));
    }
    auto check = [](const Matrix& m, const std::string& what) {
        if (!m) return;
        if (!matmul_type_supported(m.type))
            throw Error(fmt::format("the CUDA backend has no {} kernel yet", type_name(m.type)));
        const TypeTraits* tt = type_traits(m.type);
        if (m.cols % 32 != 0 || (tt && m.cols % tt->block_size != 0) || m.rows > INT32_MAX) {
            throw Error(
                fmt::format("the CUDA backend needs rows of a multiple of 32 elements; {} has {}", what, m.cols));
        }
    };
    check(w.tok_embd, "token_embd");
    check(w.output, "output");
    for (size_t il = 0; il < w.layers.size(); ++il) {
        const LayerWeights& l = w.layers[il];
        for (const Matrix* m :
            { &l.wq, &l.wk, &l.wv, &l.wo, &l.gate_inp, &l.gate_inp_shexp, &l.gate_shexp, &l.up_shexp, &l.down_shexp }) {
            check(*m, fmt::format("a matrix of layer {}", il));
        }
        for (const auto* ex : { &l.gate_exp, &l.up_exp, &l.down_exp })
            for (const Matrix& m : *ex)
                check(m, fmt::format("an expert of layer {}", il));
    }
    if (c.head_dim % 2 != 0 || c.n_head % c.n_head_kv != 0) {
        throw Error(fmt::format(
            "the CUDA backend does not take head_dim {} with {} / {} heads", c.head_dim, c.n_head, c.n_head_kv));
    }
    if (c.is_moe && c.n_expert > route_max_experts()) {
        throw Error(
            fmt::format("the CUDA router takes at most {} experts; the model has {}", route_max_experts(), c.n_expert));
    }
}

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
    // Places every weight, then the run state, in the arena: once to plan, once to bind.
    struct Placed {
        size_t weight_bytes, kv_bytes;
    };
    Placed place(Arena& a, std::vector<Upload>* uploads, const RunShape& shape);
    void release() noexcept;
    void run(int n, bool all_logits); // every kernel of one forward pass, on m_stream
    void layer(int il, int n);
    void mm(const DevMatrix& w, const float* x, int n, int ldx, float* y, int ldy);

    std::shared_ptr<const Model> m_model;
    ModelConfig m_c;
    int m_ctx = 0, m_batch = 0, m_top_k = 0, m_n_moe = 0, m_k_eff = 1, m_n_exp = 1;
    bool m_failed = false;
    std::string m_fail_msg;

    uint8_t* m_base = nullptr; // the one device allocation: weights, KV cache, run state
    cudaStream_t m_stream = nullptr;
    cublasHandle_t m_cublas = nullptr;
    cudaGraphExec_t m_graph = nullptr;
    bool m_use_graph = true;

    std::vector<DevLayer> m_layers;
    DevMatrix m_tok_embd, m_output;
    const float* m_output_norm = nullptr;
    DeviceRunState m_s;
    size_t m_gemm_floats = 0;

    // pinned host mirrors
    int32_t* m_h_io = nullptr; // [pos0, tokens...]
    float* m_h_logits = nullptr;
    int32_t* m_h_ids = nullptr;
    float* m_h_w = nullptr;
};

CudaBackend::Placed CudaBackend::place(Arena& a, std::vector<Upload>* uploads, const RunShape& shape) {
    const ModelConfig& c = m_c;
    const ModelWeights& w = m_model->weights();
    std::map<const void*, uint8_t*> placed; // host tensor -> device bytes (tied embeddings are uploaded once)
    auto copy = [&](const void* src, size_t bytes, uint8_t* dst) {
        if (uploads) uploads->push_back({ src, bytes, dst });
    };
    auto put_matrix = [&](const Matrix& m, DevMatrix* dst) {
        if (!m) return;
        uint8_t* d;
        if (auto it = placed.find(m.data); it != placed.end()) {
            d = it->second;
        } else {
            d = a.take_bytes(m.bytes());
            placed[m.data] = d;
            copy(m.data, m.bytes(), d);
        }
        *dst = DevMatrix { d, m.type, int(m.rows), int(m.cols), m.row_bytes };
    };
    auto put_vector = [&](const Vector& v, const float** dst) {
        if (!v) return;
        float* d = a.take<float>(size_t(v.n));
        copy(v.data, size_t(v.n) * sizeof(float), reinterpret_cast<uint8_t*>(d));
        *dst = d;
    };
    // the experts of one tensor back to back, a fixed stride apart, so a kernel indexes them by id
    auto put_experts = [&](const std::vector<Matrix>& ms, int n_use, DevExperts* dst, const char* what) {
        if (int(ms.size()) < n_use)
            throw Error(fmt::format("the model has {} {} experts, expected {}", ms.size(), what, n_use));
        const Matrix& m0 = ms[0];
        const size_t stride = (m0.bytes() + Arena::kAlign - 1) / Arena::kAlign * Arena::kAlign;
        uint8_t* d = a.take_bytes(stride * size_t(n_use));
        for (int e = 0; e < n_use; ++e) {
            const Matrix& m = ms[size_t(e)];
            if (m.type != m0.type || m.rows != m0.rows || m.cols != m0.cols) {
                throw Error(fmt::format("expert {} of {} differs in type or shape from expert 0", e, what));
            }
            copy(m.data, m.bytes(), d ? d + size_t(e) * stride : nullptr);
        }
        *dst = DevExperts { d, m0.type, int(m0.rows), int(m0.cols), m0.row_bytes, stride };
    };

    m_layers.assign(size_t(c.n_layer), DevLayer {});
    put_matrix(w.tok_embd, &m_tok_embd);
    put_vector(w.output_norm, &m_output_norm);
    put_matrix(w.output, &m_output);
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
        put_matrix(l.wq, &d.wq);
        put_matrix(l.wk, &d.wk);
        put_matrix(l.wv, &d.wv);
        put_matrix(l.wo, &d.wo);
        put_matrix(l.gate_inp, &d.gate_inp);
        put_matrix(l.gate_inp_shexp, &d.gate_inp_shexp);
        put_matrix(l.gate_shexp, &d.gate_shexp);
        put_matrix(l.up_shexp, &d.up_shexp);
        put_matrix(l.down_shexp, &d.down_shexp);
        put_experts(l.gate_exp, m_n_exp, &d.gate_exp, "ffn_gate");
        put_experts(l.up_exp, m_n_exp, &d.up_exp, "ffn_up");
        put_experts(l.down_exp, m_n_exp, &d.down_exp, "ffn_down");
    }
    const size_t weight_bytes = a.size();
    return { weight_bytes, m_s.layout(a, shape) };
}

CudaBackend::CudaBackend(std::shared_ptr<const Model> model, const BackendOptions& opts)
    : m_model(std::move(model))
    , m_c(m_model->config()) {
    const ModelConfig& c = m_c;
    check_supported(c, m_model->weights());
    const BackendShape bs = backend_shape(c, opts);
    m_ctx = bs.n_ctx;
    m_batch = bs.max_batch;
    m_top_k = bs.top_k;
    m_n_moe = bs.n_moe_layers;
    m_k_eff = c.is_moe ? m_top_k : 1;
    m_n_exp = c.is_moe ? c.n_expert : 1;
    if (m_k_eff > 32) throw Error(fmt::format("the CUDA router takes at most top-32; asked for top-{}", m_k_eff));

    std::string why;
    const auto gpu = cuda_device_info(&why);
    if (!gpu) throw Error(why);
    CUDA_CHECK(cudaSetDevice(gpu->device));
    const int max_ctx = attention_max_ctx();
    if (m_ctx > max_ctx) {
        throw Error(fmt::format(
            "the CUDA backend's attention takes at most {} positions; use --ctx {} or less", max_ctx, max_ctx));
    }

    RunShape shape;
    shape.B = size_t(m_batch);
    shape.D = size_t(c.n_embd);
    shape.q_dim = size_t(c.n_head) * size_t(c.head_dim);
    shape.kv_dim = size_t(c.n_head_kv) * size_t(c.head_dim);
    shape.F = size_t(c.n_ff_exp);
    shape.SF = size_t(std::max(c.n_ff_shexp, 1));
    shape.V = size_t(c.n_vocab);
    shape.E = size_t(m_n_exp);
    shape.K = size_t(m_k_eff);
    shape.n_layer = size_t(c.n_layer);
    shape.n_ctx = size_t(m_ctx);
    shape.half_hd = size_t(c.head_dim / 2);
    shape.n_route = shape.B * size_t(std::max(m_n_moe, 1)) * size_t(m_top_k);
    // room for at least one row of the widest dense matrix
    if (m_batch >= kGemmMinTokens) {
        shape.gemm_floats = std::max<size_t>(kGemmScratchFloats, std::max({ shape.D, shape.q_dim, shape.SF }));
    }
    shape.cublas_ws_bytes = kCublasWorkspace;
    m_gemm_floats = shape.gemm_floats;

    // ---- plan every device buffer: weights, KV cache, run state ----------------------
    Arena plan;
    const auto [weight_bytes, kv_bytes] = place(plan, nullptr, shape);
    const uint64_t total = plan.size();

    // ---- enough memory? say so before allocating anything -------------------------------
    size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    if (total + kReserve > free_b) {
        throw Error(fmt::format("the model needs {} of GPU memory (weights {}, KV cache for {} positions {}, "
                                "buffers {}, plus {} for CUDA itself) but only {} of {} is free on {}; use a "
                                "smaller --ctx or --batch, a smaller quantization, or --backend cpu",
            gib(total + kReserve), gib(weight_bytes), m_ctx, gib(kv_bytes), gib(total - weight_bytes - kv_bytes),
            gib(kReserve), gib(free_b), gib(total_b), gpu->name));
    }

    const size_t B = shape.B, V = shape.V, n_route = shape.n_route;
    try {
        CUDA_CHECK(cudaMalloc(&m_base, total));
        std::vector<Upload> uploads;
        Arena bind(m_base);
        place(bind, &uploads, shape);
        CUDA_CHECK(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
        CUBLAS_CHECK(cublasCreate(&m_cublas));
        CUBLAS_CHECK(cublasSetStream(m_cublas, m_stream));
        CUBLAS_CHECK(cublasSetWorkspace(m_cublas, m_s.cublas_ws, kCublasWorkspace));
        CUDA_CHECK(cudaMallocHost(&m_h_io, (B + 1) * sizeof(int32_t)));
        CUDA_CHECK(cudaMallocHost(&m_h_logits, B * V * sizeof(float)));
        CUDA_CHECK(cudaMallocHost(&m_h_ids, n_route * sizeof(int32_t)));
        CUDA_CHECK(cudaMallocHost(&m_h_w, n_route * sizeof(float)));
        for (const Upload& u : uploads)
            CUDA_CHECK(cudaMemcpy(u.dst, u.src, u.bytes, cudaMemcpyHostToDevice));

        // RoPE frequencies exactly as the CPU twin computes them
        std::vector<float> inv_freq(shape.half_hd);
        cpu::rope_inv_freq(inv_freq.data(), c.head_dim, c.rope_freq_base);
        CUDA_CHECK(cudaMemcpy(m_s.inv_freq, inv_freq.data(), inv_freq.size() * sizeof(float), cudaMemcpyHostToDevice));
        const std::vector<int32_t> zeros(B, 0);
        const std::vector<float> ones(B, 1.0f);
        CUDA_CHECK(cudaMemcpy(m_s.dense_ids, zeros.data(), B * sizeof(int32_t), cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemcpy(m_s.dense_w, ones.data(), B * sizeof(float), cudaMemcpyHostToDevice));
        CUDA_CHECK(cudaMemset(m_s.k_cache, 0, kv_bytes));
        attention_prepare(c.head_dim, m_ctx);
        CUDA_CHECK(cudaDeviceSynchronize());
    } catch (...) {
        release(); // nothing half-loaded is left behind
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
    if (n < kGemmMinTokens || !m_s.gemm) {
        launch_matvec(w, x, n, ldx, y, ldy, m_stream);
    } else {
        launch_gemm(m_cublas, w, x, n, ldx, y, ldy, m_s.gemm, m_gemm_floats, m_stream);
    }
}

void CudaBackend::layer(int il, int n) {
    const ModelConfig& c = m_c;
    const DevLayer& l = m_layers[size_t(il)];
    const int D = c.n_embd, hd = c.head_dim;
    const int qd = c.n_head * hd, kvd = c.n_head_kv * hd;
    cudaStream_t s = m_stream;

    // attention rmsnorm
    launch_rmsnorm(m_s.x, D, l.attn_norm, m_s.xn, D, n, D, c.rms_eps, s);
    // qkv matmuls
    mm(l.wq, m_s.xn, n, D, m_s.q, qd);
    mm(l.wk, m_s.xn, n, D, m_s.k, kvd);
    mm(l.wv, m_s.xn, n, D, m_s.v, kvd);
    // biases (qwen2moe)
    if (l.bq) {
        launch_add_bias(m_s.q, qd, l.bq, n, qd, s);
        launch_add_bias(m_s.k, kvd, l.bk, n, kvd, s);
        launch_add_bias(m_s.v, kvd, l.bv, n, kvd, s);
    }
    // q/k norms: per head (qwen3) or over the whole vector (olmoe)
    if (c.qk_norm == QkNorm::per_head) {
        launch_rmsnorm(m_s.q, hd, l.q_norm, m_s.q, hd, n * c.n_head, hd, c.rms_eps, s);
        launch_rmsnorm(m_s.k, hd, l.k_norm, m_s.k, hd, n * c.n_head_kv, hd, c.rms_eps, s);
    } else if (c.qk_norm == QkNorm::full) {
        launch_rmsnorm(m_s.q, qd, l.q_norm, m_s.q, qd, n, qd, c.rms_eps, s);
        launch_rmsnorm(m_s.k, kvd, l.k_norm, m_s.k, kvd, n, kvd, c.rms_eps, s);
    }
    // RoPE, then append k and v to the cache
    float* kc = m_s.k_cache + size_t(il) * size_t(m_ctx) * size_t(kvd);
    float* vc = m_s.v_cache + size_t(il) * size_t(m_ctx) * size_t(kvd);
    launch_rope_store(
        m_s.q, m_s.k, m_s.v, kc, vc, m_s.inv_freq, m_s.io, n, c.n_head, c.n_head_kv, hd, c.rope == RopeStyle::neox, s);
    // causal attention over the cache (GQA)
    launch_attention(m_s.q, kc, vc, m_s.att, m_s.io, n, c.n_head, c.n_head_kv, hd, m_ctx, s);
    // output projection, residual
    mm(l.wo, m_s.att, n, qd, m_s.proj, D);
    launch_add(m_s.x, m_s.proj, size_t(n) * size_t(D), s);

    // ffn rmsnorm
    launch_rmsnorm(m_s.x, D, l.ffn_norm, m_s.xn, D, n, D, c.rms_eps, s);
    // MoE router: probabilities, top-k, renormalisation straight into the routing frame; pairs grouped by expert
    const int K = m_k_eff, E = m_n_exp;
    if (c.is_moe) {
        mm(l.gate_inp, m_s.xn, n, D, m_s.router, E);
        const int stride = m_n_moe * m_top_k;
        int32_t* ids = m_s.route_ids + size_t(il) * size_t(m_top_k);
        float* wts = m_s.route_w + size_t(il) * size_t(m_top_k);
        // a decode step's one token is grouped by the router itself
        launch_route(m_s.router, n, E, K, c.gating == Gating::sigmoid, c.norm_topk, ids, wts, stride, &m_s.groups, s);
        if (n > 1) launch_group(ids, wts, stride, n, K, E, m_s.groups, s);
    } else {
        launch_group(m_s.dense_ids, m_s.dense_w, 1, n, 1, 1, m_s.groups, s); // dense: one expert of weight 1
    }
    // mix w2(silu(w1 x) * w3 x), only for the experts some token was routed to
    const int n_pairs = n * K;
    const int max_groups = std::min(n_pairs, E);
    launch_expert_gate_up(l.gate_exp, l.up_exp, m_s.xn, D, m_s.groups, max_groups, n_pairs, m_s.h, m_s.u, s);
    launch_expert_down(l.down_exp, m_s.h, m_s.groups, max_groups, n_pairs, m_s.y, s);
    // shared expert, scaled by its sigmoid gate (qwen2moe)
    const bool shared = c.n_ff_shexp > 0 && l.gate_shexp.data;
    if (shared) {
        const int SF = c.n_ff_shexp;
        mm(l.gate_shexp, m_s.xn, n, D, m_s.sh_h, SF);
        mm(l.up_shexp, m_s.xn, n, D, m_s.sh_u, SF);
        launch_silu_mul(m_s.sh_h, m_s.sh_u, size_t(n) * size_t(SF), s);
        mm(l.down_shexp, m_s.sh_h, n, SF, m_s.sh_y, D);
        if (l.gate_inp_shexp.data) mm(l.gate_inp_shexp, m_s.xn, n, D, m_s.sh_gate, 1);
    }
    // weighted sum of the expert outputs (+ shared expert), residual
    launch_combine(m_s.x, m_s.y, m_s.groups, n, K, D, shared ? m_s.sh_y : nullptr, m_s.sh_gate,
        shared && c.shexp_gated && l.gate_inp_shexp.data, s);
}

void CudaBackend::run(int n, bool all_logits) {
    const ModelConfig& c = m_c;
    const int D = c.n_embd;
    // token embeddings (ids at m_s.io + 1)
    launch_embed(m_tok_embd, m_s.io + 1, n, m_s.x, m_stream);
    for (int il = 0; il < c.n_layer; ++il)
        layer(il, n);
    // final rmsnorm and classifier, for every token or only the last
    const int first = all_logits ? 0 : n - 1;
    launch_rmsnorm(
        m_s.x + size_t(first) * D, D, m_output_norm, m_s.xn + size_t(first) * D, D, n - first, D, c.rms_eps, m_stream);
    mm(m_output, m_s.xn + size_t(first) * D, n - first, D, m_s.logits + size_t(first) * size_t(c.n_vocab), c.n_vocab);
}

void CudaBackend::forward(const int32_t* tokens, int n, int pos0, bool all_logits) {
    const ModelConfig& c = m_c;
    if (m_failed) {
        throw Error(
            fmt::format("the GPU backend stopped after an earlier error ({}); load the model again", m_fail_msg));
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
        CUDA_CHECK(cudaMemcpyAsync(m_s.io, m_h_io, size_t(n + 1) * sizeof(int32_t), cudaMemcpyHostToDevice, m_stream));

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
        CUDA_CHECK(cudaMemcpyAsync(m_h_logits + size_t(first) * V, m_s.logits + size_t(first) * V,
            size_t(n - first) * V * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
        if (m_n_moe > 0) {
            const size_t nr = size_t(n) * size_t(m_n_moe) * size_t(m_top_k);
            CUDA_CHECK(cudaMemcpyAsync(m_h_ids, m_s.route_ids, nr * sizeof(int32_t), cudaMemcpyDeviceToHost, m_stream));
            CUDA_CHECK(cudaMemcpyAsync(m_h_w, m_s.route_w, nr * sizeof(float), cudaMemcpyDeviceToHost, m_stream));
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

bool cuda_built() {
    return true;
}

} // namespace moe
