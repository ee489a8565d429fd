#pragma once
// A tokenizer's vocabulary as GGUF stores it, imported from a Hugging Face
// tokenizer.json (with its tokenizer_config.json for special tokens and the
// chat template) and written into a GGUF file's metadata.
#include <cstdint>
#include <string>
#include <vector>

namespace moe {

class GgufWriter;

struct VocabData {
    std::string model; // "gpt2" or "llama"
    std::string pre; // tokenizer.ggml.pre (byte-level only)
    std::vector<std::string> tokens;
    std::vector<int32_t> types; // TokenKind values
    std::vector<float> scores; // SentencePiece only
    std::vector<std::string> merges;
    int32_t bos = -1, eos = -1, unk = -1, pad = -1;
    bool add_bos = false, add_eos = false, add_space_prefix = false;
    std::string chat_template;
};

// Reads tokenizer.json (optionally zstd-compressed, *.zst). The config is
// looked for next to it as tokenizer_config.json when config_path is empty.
// Throws moe::Error naming what cannot be imported (e.g. a Unigram model or
// an unknown pre-tokenizer regex).
VocabData import_hf_tokenizer(const std::string& tokenizer_json, const std::string& config_path = "");

// Sets the tokenizer.* keys of a GGUF being written.
void write_vocab(GgufWriter& w, const VocabData& v);

// Whole file into memory; *.zst files are decompressed. Only regular files
// are read (a FIFO, a directory or a device is refused at once), and the
// file, or what it decompresses to, must not exceed max_bytes: moe::Error
// names the path and the cap otherwise.
constexpr uint64_t k_max_text_file_bytes = uint64_t(256) << 20;
std::string read_text_file(const std::string& path, uint64_t max_bytes = k_max_text_file_bytes);

} // namespace moe
