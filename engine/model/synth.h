#pragma once
// Synthetic models: random weights with exactly the published shapes of a
// model family, and a valid tokenizer section, so tests and benchmarks get
// models of real size without a download.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace moe {

struct SynthOptions {
    std::string arch; // for the tiny preset: qwen3moe, qwen2moe, llama, olmoe, qwen3
    std::string preset = "tiny"; // tiny, olmoe-1b-7b, qwen3-30b-a3b, mixtral-8x7b, qwen1.5-moe-a2.7b
    uint32_t quant = 0; // ggml type of the 2-D weights (F32 default)
    uint64_t seed = 1;
    int threads = 0;
    // A Hugging Face tokenizer.json (and its tokenizer_config.json) to carry
    // instead of the synthetic vocabulary; the embedding takes its size.
    std::string tokenizer_json, tokenizer_config;
};

std::vector<std::string> synth_presets();

// general.file_type for a model whose 2-D weights are of this ggml type, as
// llama.cpp numbers it (enum llama_ftype in its llama.h, which differs from the
// ggml type ids: Q8_0 is type 8 but file type 7). Where llama.cpp has several
// mixes of one type (Q4_K_S/M) it is the one llama.cpp itself guesses for a
// file without the key (Q4_K_M). Throws moe::Error for a type with no file type.
uint32_t llama_file_type(uint32_t ggml_type);

// Writes the model; progress(fraction) is called as tensors are written.
// Throws moe::Error for an unknown preset/arch or an I/O failure.
void write_synthetic_model(
    const SynthOptions& opts, const std::string& path, const std::function<void(double)>& progress = {});

} // namespace moe
