#pragma once
// A loaded model: hyper-parameters (ModelConfig), tensor views into the
// memory-mapped GGUF (ModelWeights), and what a person wants to know before
// running it (ModelStats). One description per architecture decides the
// tensor names, which norms and biases exist, the RoPE style and the gating.
//
// Shapes are written (rows, cols) in PyTorch order throughout the engine:
// a weight (out, in) multiplies a vector of length `in`. GGUF stores the
// same tensor as ne = [in, out].
#include "gguf/gguf.h"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace moe {

enum class Arch : int32_t {
    qwen3moe,
    qwen2moe,
    llama,
    olmoe,
    qwen3,
    qwen2,
    deepseek2,
    glm4moe,
    gptoss,
    granitemoe,
    llama4,
    ernie4_5_moe
};
enum class RopeStyle : int32_t { normal, neox }; // normal: adjacent pairs; neox: halves
enum class QkNorm : int32_t { none, per_head, full };
enum class Gating : int32_t { softmax, sigmoid };
// How a block attends: grouped-query attention over cached keys and values,
// or DeepSeek's multi-head latent attention over a cached compressed latent.
enum class AttnKind : int32_t { gqa, mla };
// What a block's feed-forward part is: one dense FFN, or routed experts.
enum class FfnKind : int32_t { dense, moe };

const char* arch_name(Arch a);
// The architectures we load, as "qwen3moe, qwen2moe, llama, olmoe, qwen3, qwen2, ...".
std::string supported_arch_list();

struct ModelConfig {
    Arch arch;
    int32_t n_layer;
    int32_t n_embd;
    int32_t n_head;
    int32_t n_head_kv;
    int32_t head_dim;
    int32_t n_vocab;
    int32_t n_ctx_train;
    int32_t n_expert; // experts per MoE layer (1 for dense models)
    int32_t n_expert_used; // experts used per token, from the file
    int32_t n_ff_exp; // hidden size of one expert
    int32_t n_ff_shexp; // hidden size of the shared expert (0: none)
    int32_t n_expert_shared; // number of shared experts (0 or 1 here)
    float rms_eps;
    float rope_freq_base;
    RopeStyle rope;
    QkNorm qk_norm;
    Gating gating;
    bool is_moe; // false: dense FFN run as one expert of weight 1
    bool qkv_bias;
    bool norm_topk; // renormalise the top-k gate weights to sum 1
    bool shexp_gated; // shared expert scaled by sigmoid(x . w_gate_inp_shexp)
    bool tied_output; // output projection shares token_embd
    // Attention beyond plain GQA (deepseek2, glm4moe; engine/model/arch_ext.cpp).
    AttnKind attn; // the same in every block
    int32_t n_rot; // dimensions of a head that RoPE rotates (head_dim unless partial)
    int32_t head_dim_v; // value head size (head_dim except for MLA)
    int32_t q_lora_rank; // MLA: rank of the low-rank query (0: a full wq)
    int32_t kv_lora_rank; // MLA: size of the cached latent
    int32_t n_layer_dense_lead; // leading blocks with a dense FFN before the MoE blocks
    int32_t n_moe_layer; // blocks with routed experts (routing frames have one row each)
    int32_t n_ff; // width of a dense block's FFN
    int32_t n_layer_nextn; // next-token-prediction blocks after n_layer, not run
    // Routing beyond top-k of softmax/sigmoid (deepseek2 V3, glm4moe; engine/cpu/group_routing.cpp)
    int32_t n_expert_groups; // experts in groups; 1: no groups
    int32_t n_group_used; // groups a token's experts may come from
    bool expert_bias; // exp_probs_b: a learned bias added for selection only
    float expert_weights_scale; // routed weights multiplied by this (1: none)
    // YaRN RoPE scaling (factor 1: none) and the attention temperature it asks for
    float yarn_factor;
    float yarn_beta_fast, yarn_beta_slow;
    int32_t yarn_orig_ctx;
    float kq_scale; // softmax scale of q·k (1/sqrt(head_dim), times mscale² under YaRN)
    // gpt-oss and Granite (engine/model/arch_oss_granite.cpp)
    int32_t n_swa; // sliding window of the windowed blocks (positions a query sees, itself included); 0: none
    bool swiglu_oai; // experts' clamped SwiGLU (gpt-oss): alpha 1.702, limit 7, up + 1
    float embd_scale, residual_scale, logit_scale; // Granite's multipliers (1: none); logits divided by logit_scale
    // Llama 4 and ERNIE 4.5 (engine/model/arch_llama4_ernie.cpp)
    int32_t n_moe_layer_step; // after the leading dense blocks, every n-th block is MoE (1: all)
    bool moe_weight_first; // llama4: the router weight scales the expert's input, not its output
    bool qk_l2_norm; // llama4: q and k RMS-normalised without weights after RoPE (RoPE blocks only)
    // llama4's blocks without RoPE scale q by 1 + attn_temp_scale·ln(floor((pos + offset) / length) + 1)
    float attn_temp_scale, attn_temp_offset;
    int32_t attn_temp_length;
};
static_assert(std::is_trivially_copyable_v<ModelConfig>);

// A view of a 2-D weight (rows, cols) in the map. Rows are contiguous,
// `row_bytes` apart. For 3-D expert weights, one Matrix per expert.
struct Matrix {
    const uint8_t* data = nullptr;
    uint32_t type = 0;
    int64_t rows = 0;
    int64_t cols = 0;
    size_t row_bytes = 0;
    const uint8_t* row(int64_t r) const { return data + r * row_bytes; }
    size_t bytes() const { return row_bytes * static_cast<size_t>(rows); }
    explicit operator bool() const { return data != nullptr; }
};

// A 1-D F32 parameter (norm weights, biases) in the map, or converted once at load.
struct Vector {
    const float* data = nullptr;
    int64_t n = 0;
    explicit operator bool() const { return data != nullptr; }
};

struct LayerWeights {
    AttnKind attn = AttnKind::gqa;
    FfnKind ffn = FfnKind::dense;
    int32_t moe_index = -1; // row of this block in a routing frame; -1 for a dense block
    Vector attn_norm; // (n_embd)
    Matrix wq; // (n_head*head_dim, n_embd)
    Matrix wk; // (n_head_kv*head_dim, n_embd)
    Matrix wv; // (n_head_kv*head_dim, n_embd)
    Matrix wo; // (n_embd, n_head*head_dim)
    Vector bq, bk, bv; // qwen2moe biases
    Vector q_norm, k_norm; // (head_dim) per head, or full width (olmoe)
    Vector ffn_norm; // (n_embd)
    Matrix gate_inp; // router (n_expert, n_embd); empty for dense
    std::vector<Matrix> gate_exp; // n_expert × (n_ff_exp, n_embd)
    std::vector<Matrix> up_exp; // n_expert × (n_ff_exp, n_embd)
    std::vector<Matrix> down_exp; // n_expert × (n_embd, n_ff_exp)
    Matrix gate_inp_shexp; // (1, n_embd) shared-expert gate
    Matrix gate_shexp, up_shexp; // (n_ff_shexp, n_embd)
    Matrix down_shexp; // (n_embd, n_ff_shexp)
    Vector exp_probs_b; // (n_expert) selection bias (deepseek2 V3, glm4moe)
    // llama4: chunked attention (a query sees only its chunk of n_chunk positions; 0: all) and no-RoPE blocks
    int32_t n_chunk = 0;
    bool use_rope = true;
    // gpt-oss: windowed or full attention, sinks, output/router/expert biases
    int32_t n_swa = 0; // this block's sliding window; 0: attends to every earlier position
    Vector bo; // (n_embd) attention output bias (gpt-oss; optional in granitemoe)
    Vector attn_sinks; // (n_head) a learned logit per head in the attention softmax
    Vector gate_inp_b; // (n_expert) router bias
    std::vector<Vector> gate_exp_b, up_exp_b, down_exp_b; // n_expert × (n_ff_exp) / (n_embd) expert biases
    // MLA (deepseek2): q = wq·x, or wq_b·rmsnorm(wq_a·x) with a low-rank query
    Matrix wq_a; // (q_lora_rank, n_embd)
    Vector q_a_norm; // (q_lora_rank)
    Matrix wq_b; // (n_head*head_dim, q_lora_rank)
    Matrix wkv_a; // (kv_lora_rank + n_rot, n_embd): latent and shared rope key
    Vector kv_a_norm; // (kv_lora_rank)
    std::vector<Matrix> wk_b; // n_head × (kv_lora_rank, head_dim - n_rot): q_nope into latent space
    std::vector<Matrix> wv_b; // n_head × (head_dim_v, kv_lora_rank): latent to value
};

struct ModelWeights {
    Matrix tok_embd; // (n_vocab, n_embd)
    Vector output_norm;
    Vector rope_freqs; // (n_rot/2) llama3-style factors dividing the RoPE frequencies (llama4); empty: none
    Matrix output; // (n_vocab, n_embd); == tok_embd when tied
    std::vector<LayerWeights> layers;
};

struct ModelStats {
    uint64_t total_params = 0;
    uint64_t active_params = 0; // per token: everything but the experts not routed to
    uint64_t weight_bytes = 0; // tensor data in the file
    uint64_t active_weight_bytes = 0; // bytes a decode step reads at the model's top-k
    std::map<std::string, std::pair<uint64_t, uint64_t>> by_type; // type -> (tensors, bytes)
    uint64_t n_tensors = 0;
};

class Model {
public:
    // Opens, validates and describes a GGUF model. Throws moe::Error naming what is wrong.
    static std::shared_ptr<Model> load(const std::string& path);
    // The same over a file already opened (GgufFile::from_memory for tests and fuzzing).
    static std::shared_ptr<Model> load(GgufFile file);

    const ModelConfig& config() const { return m_cfg; }
    const ModelWeights& weights() const { return m_w; }
    const ModelStats& stats() const { return m_stats; }
    const GgufFile& gguf() const { return m_file; }
    const std::string& path() const { return m_file.path(); }
    std::string name() const; // general.name or the file name

    // Bytes of one expert's three matrices in `layer` (for bandwidth accounting).
    uint64_t expert_bytes(int layer, int expert) const;
    // Bytes read per token outside the routed experts: attention, norms, router, shared expert, output head.
    uint64_t dense_bytes_per_token() const { return m_dense_bytes_per_token; }
    // Weight bytes one token's forward pass reads: the dense part plus the
    // experts it was routed to (`ids`: n_layers × k, layer-major, as in a
    // RoutingFrame). A dense model reads all its active weights.
    uint64_t weight_bytes_read(const int32_t* ids, int n_layers, int k) const;

    // KV cache bytes for n_ctx positions (F32 cache): keys and values per
    // kv head, or with MLA the latent and the rope key per block.
    uint64_t kv_cache_bytes(int n_ctx) const;
    // What plain multi-head attention (every head its own key and value)
    // would cache for n_ctx positions: the yardstick MLA and GQA save against.
    uint64_t mha_cache_bytes(int n_ctx) const;
    // Model block of MoE layer `moe_layer` (a routing frame's row).
    int moe_block(int moe_layer) const { return m_moe_blocks[size_t(moe_layer)]; }

private:
    explicit Model(GgufFile file)
        : m_file(std::move(file)) { }
    void read_config();
    void bind_weights();
    const GgufTensorInfo* find_weight(const std::string& name, bool required) const;
    void check_shape(const GgufTensorInfo* t, std::initializer_list<int64_t> expect) const;
    Matrix bind_matrix(const std::string& name, int64_t rows, int64_t cols, bool required = true) const;
    Vector bind_vector(const std::string& name, int64_t n, bool required = true);
    void compute_stats();
    // engine/model/arch_ext.cpp: the deepseek2/glm4moe hyper-parameters and tensors
    void read_config_ext(ModelConfig& c);
    void bind_mla(int il, LayerWeights& l);
    void bind_legacy_kv_b(int il, LayerWeights& l, const GgufTensorInfo& t);
    void bind_glm_extras(int il, LayerWeights& l);
    // engine/model/arch_llama4_ernie.cpp: llama4 and ernie4_5-moe
    void read_config_llama4_ernie(ModelConfig& c);
    void bind_llama4_ernie();
    // engine/model/arch_oss_granite.cpp: gpt-oss and granitemoe
    void read_config_oss_granite(ModelConfig& c);
    void bind_oss_granite(int il, LayerWeights& l);

    GgufFile m_file;
    ModelConfig m_cfg {};
    ModelWeights m_w;
    ModelStats m_stats;
    uint64_t m_dense_bytes_per_token = 0;
    std::vector<std::vector<float>> m_converted; // 1-D params stored as F16/BF16, converted once
    std::vector<int> m_moe_blocks; // model block of each MoE layer
};

} // namespace moe
