// The kernels behind the OpDevice interface (engine/cpu/op_checks.h): the
// per-op checks and timings call the same launchers the backend does, on
// one stream, with device buffers, and time them with CUDA events.
#include "attention.cuh"
#include "common.cuh"
#include "matmul.cuh"
#include "moe.cuh"
#include "norm.cuh"

#include "cpu/op_checks.h"
#include "error.h"

#include <cublas_v2.h>

#include <algorithm>
#include <vector>

namespace moe {

namespace {

using namespace moe::cuda;

DevMatrix dev(const Matrix& m) {
    return DevMatrix { m.data, m.type, int(m.rows), int(m.cols), m.row_bytes };
}
DevExperts dev(const ExpertsView& v) {
    return DevExperts { v.data, v.type, v.rows, v.cols, v.row_bytes, v.expert_stride };
}

class CudaOpDevice final : public OpDevice {
public:
    CudaOpDevice() {
        CUDA_CHECK(cudaStreamCreateWithFlags(&m_s, cudaStreamNonBlocking));
        CUDA_CHECK(cudaEventCreate(&m_t0));
        CUDA_CHECK(cudaEventCreate(&m_t1));
    }
    ~CudaOpDevice() override {
        if (m_cublas) cublasDestroy(m_cublas);
        for (void* p : m_blocks)
            cudaFree(p);
        cudaEventDestroy(m_t0);
        cudaEventDestroy(m_t1);
        cudaStreamDestroy(m_s);
    }
    std::string name() const override { return "cuda"; }

    void* alloc(size_t bytes) override {
        void* p = nullptr;
        CUDA_CHECK(cudaMalloc(&p, std::max<size_t>(bytes, 1)));
        m_blocks.push_back(p);
        return p;
    }
    void release(void* p) override {
        auto it = std::find(m_blocks.begin(), m_blocks.end(), p);
        if (it == m_blocks.end()) return;
        CUDA_CHECK(cudaStreamSynchronize(m_s));
        CUDA_CHECK(cudaFree(p));
        m_blocks.erase(it);
    }
    void upload(void* dst, const void* src, size_t bytes) override {
        CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, m_s));
        CUDA_CHECK(cudaStreamSynchronize(m_s));
    }
    void download(void* dst, const void* src, size_t bytes) override {
        CUDA_CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, m_s));
        CUDA_CHECK(cudaStreamSynchronize(m_s)); // also surfaces a kernel fault of the ops before it
    }
    double time_ms(const std::function<void()>& f, int reps) override {
        f();
        CUDA_CHECK(cudaStreamSynchronize(m_s));
        CUDA_CHECK(cudaEventRecord(m_t0, m_s));
        for (int i = 0; i < reps; ++i)
            f();
        CUDA_CHECK(cudaEventRecord(m_t1, m_s));
        CUDA_CHECK(cudaEventSynchronize(m_t1));
        float ms = 0.0f;
        CUDA_CHECK(cudaEventElapsedTime(&ms, m_t0, m_t1));
        return double(ms) / std::max(reps, 1);
    }

    void rmsnorm(
        const float* x, int ld_in, const float* w, float* out, int ld_out, int rows, int width, float eps) override {
        launch_rmsnorm(x, ld_in, w, out, ld_out, rows, width, eps, m_s);
    }
    void add_bias(float* y, int ld, const float* b, int rows, int width) override {
        launch_add_bias(y, ld, b, rows, width, m_s);
    }
    void add(float* x, const float* y, size_t n) override { launch_add(x, y, n, m_s); }
    void silu_mul(float* a, const float* b, size_t n) override { launch_silu_mul(a, b, n, m_s); }
    void rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq,
        const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, bool neox) override {
        launch_rope_store(q, k, v, k_cache, v_cache, inv_freq, d_pos0, n, n_head, n_kv, hd, neox, m_s);
    }
    void attention(const float* q, const float* k_cache, const float* v_cache, float* out, const int32_t* d_pos0, int n,
        int n_head, int n_kv, int hd, int n_ctx) override {
        attention_prepare(hd, n_ctx);
        launch_attention(q, k_cache, v_cache, out, d_pos0, n, n_head, n_kv, hd, n_ctx, m_s);
    }
    void matvec(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
        launch_matvec(dev(w), x, n, ldx, y, ldy, m_s);
    }
    void gemm(const Matrix& w, const float* x, int n, int ldx, float* y, int ldy) override {
        if (!m_cublas) {
            CUBLAS_CHECK(cublasCreate(&m_cublas));
            m_scratch = static_cast<float*>(alloc(kScratchFloats * sizeof(float)));
        }
        launch_gemm(m_cublas, dev(w), x, n, ldx, y, ldy, m_scratch, kScratchFloats, m_s);
    }
    void dequant_rows(const Matrix& w, int row0, int nrows, float* out) override {
        launch_dequant_rows(dev(w), row0, nrows, out, m_s);
    }
    void embed(const Matrix& w, const int32_t* tokens, int n, float* out) override {
        launch_embed(dev(w), tokens, n, out, m_s);
    }
    void route(float* logits, int n, int E, int K, bool sigmoid, bool norm_topk, int32_t* ids_out, float* w_out,
        int stride, const MoeGroups* single) override {
        launch_route(logits, n, E, K, sigmoid, norm_topk, ids_out, w_out, stride, single, m_s);
    }
    void group(const int32_t* ids, const float* w, int stride, int n, int K, int E, const MoeGroups& g) override {
        launch_group(ids, w, stride, n, K, E, g, m_s);
    }
    void expert_gate_up(const ExpertsView& gate, const ExpertsView& up, const float* xn, int ldx, const MoeGroups& g,
        int max_groups, int n_pairs, float* h, float* u_scratch) override {
        launch_expert_gate_up(dev(gate), dev(up), xn, ldx, g, max_groups, n_pairs, h, u_scratch, m_s);
    }
    void expert_down(
        const ExpertsView& down, const float* h, const MoeGroups& g, int max_groups, int n_pairs, float* y) override {
        launch_expert_down(dev(down), h, g, max_groups, n_pairs, y, m_s);
    }
    void combine(float* x, const float* y, const MoeGroups& g, int n, int K, int D, const float* sh_y,
        const float* sh_gate, bool gated) override {
        launch_combine(x, y, g, n, K, D, sh_y, sh_gate, gated, m_s);
    }

private:
    // small on purpose: the checks' matrices then take several slabs, as large ones do in the backend
    static constexpr size_t kScratchFloats = 64 * 1024;
    cublasHandle_t m_cublas = nullptr;
    float* m_scratch = nullptr;
    cudaStream_t m_s = nullptr;
    cudaEvent_t m_t0 = nullptr, m_t1 = nullptr;
    std::vector<void*> m_blocks;
};

} // namespace

std::unique_ptr<OpDevice> cuda_op_device(std::string* why) {
    std::string reason;
    const auto gpu = cuda_device_info(&reason);
    if (!gpu) {
        if (why) *why = reason;
        return nullptr;
    }
    CUDA_CHECK(cudaSetDevice(gpu->device));
    return std::make_unique<CudaOpDevice>();
}

} // namespace moe
