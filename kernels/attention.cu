#include "attention.cuh"

#include <algorithm>

namespace moe::cuda {

namespace {

constexpr int kAttThreads = 128;

// grid (n): threads over (head, pair) of q and k, then over the k/v row copy.
__global__ void rope_store_kernel(float* q, float* k, const float* __restrict__ v, float* k_cache, float* v_cache,
    const float* __restrict__ inv_freq, const int32_t* __restrict__ d_pos0, int n_head, int n_kv, int hd, bool neox) {
    const int t = blockIdx.x;
    const int pos = *d_pos0 + t;
    const int half = hd / 2;
    const int q_dim = n_head * hd, kv_dim = n_kv * hd;
    float* qt = q + size_t(t) * size_t(q_dim);
    float* kt = k + size_t(t) * size_t(kv_dim);
    const int n_pairs = (n_head + n_kv) * half;
    for (int j = threadIdx.x; j < n_pairs; j += blockDim.x) {
        const int h = j / half, i = j % half;
        float* hv = h < n_head ? qt + size_t(h) * hd : kt + size_t(h - n_head) * hd;
        const float theta = __fmul_rn(float(pos), inv_freq[i]);
        const float cs = cosf(theta), sn = sinf(theta);
        const int a = neox ? i : 2 * i;
        const int b = neox ? i + half : 2 * i + 1;
        const float x0 = hv[a], x1 = hv[b];
        hv[a] = __fsub_rn(__fmul_rn(x0, cs), __fmul_rn(x1, sn));
        hv[b] = __fadd_rn(__fmul_rn(x0, sn), __fmul_rn(x1, cs));
    }
    __syncthreads();
    float* kc = k_cache + size_t(pos) * size_t(kv_dim);
    float* vc = v_cache + size_t(pos) * size_t(kv_dim);
    const float* vt = v + size_t(t) * size_t(kv_dim);
    for (int i = threadIdx.x; i < kv_dim; i += blockDim.x) {
        kc[i] = kt[i];
        vc[i] = vt[i];
    }
}

__device__ float block_reduce(float v, bool is_max, float* red) {
    v = is_max ? warp_max(v) : warp_sum(v);
    if ((threadIdx.x & 31) == 0) red[threadIdx.x >> 5] = v;
    __syncthreads();
    float r = red[0];
    for (int i = 1; i < int(blockDim.x / 32); ++i)
        r = is_max ? fmaxf(r, red[i]) : r + red[i];
    __syncthreads();
    return r;
}

// grid (n_head, n), kAttThreads threads; dynamic shared memory: hd + n_ctx floats.
__global__ void __launch_bounds__(kAttThreads)
    attention_kernel(const float* __restrict__ q, const float* __restrict__ k_cache, const float* __restrict__ v_cache,
        float* __restrict__ out, const int32_t* __restrict__ d_pos0, int n_head, int n_kv, int hd) {
    extern __shared__ float smem[];
    __shared__ float red[kAttThreads / 32];
    const int h = blockIdx.x, t = blockIdx.y;
    const int n_pos = *d_pos0 + t + 1;
    const int kvh = h / (n_head / n_kv);
    const int q_dim = n_head * hd, kv_dim = n_kv * hd;
    float* qs = smem;
    float* sc = smem + hd;
    const float* qt = q + size_t(t) * size_t(q_dim) + size_t(h) * hd;
    for (int i = threadIdx.x; i < hd; i += blockDim.x)
        qs[i] = qt[i];
    __syncthreads();

    // scores: one warp per position
    const float scale = 1.0f / sqrtf(float(hd));
    const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, n_warps = blockDim.x >> 5;
    float mx = -INFINITY;
    for (int p = warp; p < n_pos; p += n_warps) {
        const float* kp = k_cache + size_t(p) * size_t(kv_dim) + size_t(kvh) * hd;
        float d = 0.0f;
        for (int i = lane; i < hd; i += 32)
            d += qs[i] * kp[i];
        d = warp_sum(d) * scale;
        if (lane == 0) sc[p] = d;
        mx = fmaxf(mx, d);
    }
    __syncthreads();
    mx = block_reduce(mx, true, red);
    float sum = 0.0f;
    for (int p = threadIdx.x; p < n_pos; p += blockDim.x) {
        const float e = expf(sc[p] - mx);
        sc[p] = e;
        sum += e;
    }
    sum = block_reduce(sum, false, red); // its __syncthreads also publishes sc[]

    // weighted sum of values: threads over the head's dimensions
    float* ot = out + size_t(t) * size_t(q_dim) + size_t(h) * hd;
    const float inv = 1.0f / sum;
    for (int i = threadIdx.x; i < hd; i += blockDim.x) {
        float acc = 0.0f;
        const float* vp = v_cache + size_t(kvh) * hd + i;
        for (int p = 0; p < n_pos; ++p)
            acc += (sc[p] * inv) * vp[size_t(p) * size_t(kv_dim)];
        ot[i] = acc;
    }
}

int max_dynamic_smem() {
    int dev = 0, v = 0;
    CUDA_CHECK(cudaGetDevice(&dev));
    CUDA_CHECK(cudaDeviceGetAttribute(&v, cudaDevAttrMaxSharedMemoryPerBlockOptin, dev));
    return v;
}

} // namespace

void launch_rope_store(float* q, float* k, const float* v, float* k_cache, float* v_cache, const float* inv_freq,
    const int32_t* d_pos0, int n, int n_head, int n_kv, int hd, bool neox, cudaStream_t s) {
    if (n <= 0) return;
    rope_store_kernel<<<n, 256, 0, s>>>(q, k, v, k_cache, v_cache, inv_freq, d_pos0, n_head, n_kv, hd, neox);
    CUDA_CHECK_LAUNCH();
}

int attention_max_ctx() {
    // leave room for the q vector (head_dim <= 512) and the static reduction buffer
    return (max_dynamic_smem() - 4096) / int(sizeof(float));
}

void attention_prepare(int hd, int n_ctx) {
    const size_t smem = size_t(hd + n_ctx) * sizeof(float);
    if (smem > 48 * 1024) {
        CUDA_CHECK(cudaFuncSetAttribute(attention_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, int(smem)));
    }
}

void launch_attention(const float* q, const float* k_cache, const float* v_cache, float* out, const int32_t* d_pos0,
    int n, int n_head, int n_kv, int hd, int n_ctx, cudaStream_t s) {
    if (n <= 0) return;
    const size_t smem = size_t(hd + n_ctx) * sizeof(float);
    attention_kernel<<<dim3(n_head, n), kAttThreads, smem, s>>>(q, k_cache, v_cache, out, d_pos0, n_head, n_kv, hd);
    CUDA_CHECK_LAUNCH();
}

} // namespace moe::cuda
