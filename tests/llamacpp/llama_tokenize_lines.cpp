// llama-tokenize-lines: llama.cpp's own llama_tokenize over a corpus, so our
// pre-tokenizers can be set beside llama.cpp's for vocabularies llama.cpp's
// bundle has no goldens for (tests/tst_pretokenizers.cpp).
//
//   llama-tokenize-lines VOCAB.gguf CORPUS.jsonl [--parse-special]
//
// CORPUS.jsonl holds one JSON string per line (tests/tokenizer/corpus.jsonl);
// prints one JSON array of token ids per line, in the same order,
// add_special off (no BOS/EOS), special-token text read as plain text unless
// --parse-special. Only the vocabulary is loaded (vocab_only), so a GGUF
// holding nothing but a tokenizer section will do. Built by
// tests/llamacpp/setup.sh against node-llama-cpp's prebuilt libraries.
#include "llama.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

namespace {

void quiet(ggml_log_level level, const char* text, void*) {
    if (level >= GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
}

} // namespace

int main(int argc, char** argv) {
    if (argc >= 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("llama-tokenize-lines\n");
        return 0;
    }
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s VOCAB.gguf CORPUS.jsonl [--parse-special]\n", argv[0]);
        return 2;
    }
    const bool parse_special = argc > 3 && std::strcmp(argv[3], "--parse-special") == 0;
    llama_log_set(quiet, nullptr);
    llama_backend_init();
    llama_model_params mp = llama_model_default_params();
    mp.vocab_only = true;
    llama_model* model = llama_model_load_from_file(argv[1], mp);
    if (!model) {
        std::fprintf(stderr, "llama.cpp cannot load the vocabulary of %s\n", argv[1]);
        return 1;
    }
    const llama_vocab* vocab = llama_model_get_vocab(model);
    std::ifstream in(argv[2], std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "cannot read %s\n", argv[2]);
        return 1;
    }
    std::vector<llama_token> ids(1024);
    int line_no = 0;
    for (std::string line; std::getline(in, line); ++line_no) {
        std::string text;
        try {
            text = nlohmann::json::parse(line).get<std::string>();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "%s line %d is not a JSON string: %s\n", argv[2], line_no + 1, e.what());
            return 1;
        }
        int32_t n = llama_tokenize(
            vocab, text.data(), int32_t(text.size()), ids.data(), int32_t(ids.size()), false, parse_special);
        if (n < 0) {
            ids.resize(size_t(-n));
            n = llama_tokenize(
                vocab, text.data(), int32_t(text.size()), ids.data(), int32_t(ids.size()), false, parse_special);
        }
        if (n < 0) {
            std::fprintf(stderr, "llama_tokenize failed on line %d\n", line_no + 1);
            return 1;
        }
        std::string out = "[";
        for (int32_t i = 0; i < n; ++i)
            out += (i ? "," : "") + std::to_string(ids[size_t(i)]);
        out += "]\n";
        std::fputs(out.c_str(), stdout);
    }
    llama_model_free(model);
    llama_backend_free();
    return 0;
}
