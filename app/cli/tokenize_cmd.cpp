// moe-cli tokenize MODEL -p TEXT | -f FILE [--json] [--parse-special] [--add-special]
#include "command.h"
#include "options.h"

#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <iostream>

namespace {

struct TokenizeArgs {
    std::string model;
    TextInput input;
    bool json = false;
    bool add_special = false;
};

// A token's text for display: bytes that are not (yet) a whole character are shown as <0xNN>.
std::string printable_piece(const std::string& bytes) {
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
        const size_t bad = moe::find_invalid_utf8(std::string_view(bytes).substr(i));
        if (bad == std::string::npos) {
            out.append(bytes, i, std::string::npos);
            break;
        }
        out.append(bytes, i, bad);
        out += fmt::format("<0x{:02X}>", static_cast<unsigned char>(bytes[i + bad]));
        i += bad + 1;
    }
    return out;
}

int tokenize(const TokenizeArgs& a) {
    if (a.input.text.empty() && a.input.file.empty()) throw moe::Error("give the text: -p TEXT or --text-file FILE");
    const moe::GgufFile f = moe::GgufFile::open(a.model);
    const auto tok = moe::Tokenizer::from_gguf(f);
    const std::string text = a.input.read_text();
    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<int32_t> ids = tok->encode(text, a.add_special, a.input.parse_special);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (a.json) {
        nlohmann::ordered_json pieces = nlohmann::ordered_json::array();
        for (int32_t id : ids)
            pieces.push_back(printable_piece(tok->token_bytes(id, true)));
        const nlohmann::ordered_json j = { { "model", a.model }, { "tokenizer", tok->info().model },
            { "pre", tok->info().pre_rule }, { "bytes", text.size() }, { "n_tokens", ids.size() }, { "ids", ids },
            { "pieces", pieces }, { "encode_ms", ms } };
        std::cout << j.dump() << "\n";
    } else {
        for (int32_t id : ids) {
            fmt::print("{:>7} {}\n", id, nlohmann::json(printable_piece(tok->token_bytes(id, true))).dump());
        }
    }
    spdlog::info("{} bytes -> {} tokens in {:.1f} ms ({:.1f} MB/s, {} tokenizer, {} rule)", text.size(), ids.size(), ms,
        ms > 0 ? double(text.size()) / ms / 1e3 : 0.0, tok->info().model, tok->info().pre_rule);
    return 0;
}

} // namespace

Command tokenize_command(CLI::App& app) {
    auto a = std::make_shared<TokenizeArgs>();
    CLI::App* cmd = app.add_subcommand("tokenize", "print the token ids (and pieces) of a text");
    cmd->add_option("model", a->model, "GGUF model file")->required();
    cmd->add_option("-p,--prompt", a->input.text, "text");
    cmd->add_option("-f,--text-file", a->input.file, "UTF-8 text file");
    cmd->add_flag("--lossy", a->input.lossy, "replace invalid UTF-8 with U+FFFD instead of refusing the text");
    cmd->add_flag("--parse-special", a->input.parse_special, "treat special-token strings as control tokens");
    cmd->add_flag("--add-special", a->add_special, "add BOS/EOS as the model's metadata asks");
    cmd->add_flag("--json", a->json, "print one JSON object");
    return { cmd, [a] { return tokenize(*a); } };
}
