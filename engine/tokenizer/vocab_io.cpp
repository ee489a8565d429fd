#include "tokenizer/vocab_io.h"

#include "error.h"
#include "gguf/gguf.h"
#include "tokenizer/tokenizer.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace moe {

namespace {

using json = nlohmann::json;

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The Split regexes of the supported byte-level families, as their
// tokenizer.json spells them, and the GGUF pre name each maps to.
struct KnownPre {
    const char* pre;
    std::vector<std::string> regexes;
};
const std::vector<KnownPre>& known_pres() {
    static const std::vector<KnownPre> k = {
        { "qwen2",
            { R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)" } },
        { "llama-bpe",
            { R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)" } },
        { "deepseek-v3",
            { R"(\p{N}{1,3})", "[\u4e00-\u9fa5\u3040-\u309f\u30a0-\u30ff]+",
                R"([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)" } },
        { "gpt-2", { R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)" } },
        { "gpt-4o",
            { R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)" } },
    };
    return k;
}

// tokenizer.json may hold a literal CR or LF inside a regex where another
// file has the escape; compare them in one spelling.
std::string canonical_regex(const std::string& r) {
    std::string out;
    for (char c : r) {
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string special_content(const json& v) {
    if (v.is_string()) return v.get<std::string>();
    if (v.is_object() && v.contains("content") && v["content"].is_string()) return v["content"].get<std::string>();
    return {};
}

// The pre-tokenizer name of a byte-level tokenizer.json.
std::string detect_pre(const json& pre, const std::string& path) {
    if (pre.is_null())
        throw Error(fmt::format("{}: a byte-level tokenizer without a pre-tokenizer is not supported", path));
    std::vector<json> steps;
    if (pre.value("type", "") == "Sequence") {
        for (const json& s : pre.at("pretokenizers"))
            steps.push_back(s);
    } else {
        steps.push_back(pre);
    }
    std::vector<std::string> regexes;
    bool byte_level_regex = false;
    for (const json& s : steps) {
        const std::string type = s.value("type", "");
        if (type == "Split") {
            const json& p = s.at("pattern");
            if (!p.contains("Regex"))
                throw Error(fmt::format("{}: a Split pre-tokenizer on a plain string is not supported", path));
            if (s.value("behavior", "") != "Isolated" || s.value("invert", false)) {
                throw Error(fmt::format("{}: Split pre-tokenizers are supported with behavior Isolated only", path));
            }
            regexes.push_back(canonical_regex(p.at("Regex").get<std::string>()));
        } else if (type == "ByteLevel") {
            byte_level_regex = byte_level_regex || s.value("use_regex", true);
        } else if (type == "Digits" || type == "Punctuation" || type == "Whitespace" || type == "Metaspace") {
            throw Error(fmt::format("{}: the {} pre-tokenizer is not supported", path, type));
        }
    }
    if (byte_level_regex && regexes.empty()) {
        for (const KnownPre& k : known_pres()) {
            if (std::string_view(k.pre) == "gpt-2") regexes.push_back(k.regexes[0]); // ByteLevel's own regex
        }
    }
    for (const KnownPre& k : known_pres()) {
        std::vector<std::string> want;
        for (const std::string& r : k.regexes)
            want.push_back(canonical_regex(r));
        if (want == regexes) return k.pre;
    }
    std::string found;
    for (const std::string& r : regexes)
        found += fmt::format("\n  {}", r);
    throw Error(
        fmt::format("{}: this pre-tokenizer is not one the engine knows (qwen2, llama3, deepseek-v3, gpt-2, gpt-4o); "
                    "its split regexes are:{}",
            path, found));
}

} // namespace

std::string read_text_file(const std::string& path, uint64_t max_bytes) {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then
    // refuses everything that is not a regular file (a FIFO, a directory,
    // /dev/zero), whose reads would block forever or never end.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw Error(fmt::format("cannot open {}: {}", path, std::strerror(errno)));
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer { fd };
    struct stat st { };
    if (fstat(fd, &st) != 0) throw Error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    if (S_ISDIR(st.st_mode)) throw Error(fmt::format("{} is a directory, not a file", path));
    if (!S_ISREG(st.st_mode)) {
        throw Error(fmt::format("{} is not a regular file (a pipe, a device or a socket); give a file", path));
    }
    auto too_big = [&](const char* what) {
        return Error(fmt::format("{} {} the limit of {} MiB for this file; refusing it", path, what, max_bytes >> 20));
    };
    if (uint64_t(st.st_size) > max_bytes) throw too_big("is larger than");
    // Read at most max_bytes + 1: the file may grow while it is read.
    std::string raw;
    raw.resize(size_t(st.st_size));
    size_t got = 0;
    for (;;) {
        if (got == raw.size()) {
            if (raw.size() > max_bytes) throw too_big("is larger than");
            raw.resize(std::min<uint64_t>(max_bytes + 1, raw.size() + (1u << 16)));
        }
        const ssize_t r = ::read(fd, raw.data() + got, raw.size() - got);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) throw Error(fmt::format("cannot read {}: {}", path, std::strerror(errno)));
        if (r == 0) break;
        got += size_t(r);
    }
    raw.resize(got);
    if (!ends_with(path, ".zst")) return raw;

    // A small compressed file can expand without bound: the same cap holds
    // for what comes out of the decompressor.
    std::string out;
    ZSTD_DStream* ds = ZSTD_createDStream();
    if (!ds) throw Error(fmt::format("cannot decompress {}: out of memory", path));
    struct DsFree {
        ZSTD_DStream* ds;
        ~DsFree() { ZSTD_freeDStream(ds); }
    } ds_free { ds };
    ZSTD_inBuffer ib { raw.data(), raw.size(), 0 };
    std::vector<char> buf(ZSTD_DStreamOutSize());
    size_t ret = 1;
    while (ib.pos < ib.size) {
        ZSTD_outBuffer ob { buf.data(), buf.size(), 0 };
        ret = ZSTD_decompressStream(ds, &ob, &ib);
        if (ZSTD_isError(ret)) {
            throw Error(fmt::format("{} is not valid zstd data: {}", path, ZSTD_getErrorName(ret)));
        }
        if (out.size() + ob.pos > max_bytes) throw too_big("expands to more than");
        out.append(buf.data(), ob.pos);
        // a full output buffer may leave data inside the decoder with all input consumed
        while (ob.pos == ob.size && ib.pos == ib.size && ret != 0) {
            ob.pos = 0;
            ret = ZSTD_decompressStream(ds, &ob, &ib);
            if (ZSTD_isError(ret)) {
                throw Error(fmt::format("{} is not valid zstd data: {}", path, ZSTD_getErrorName(ret)));
            }
            if (out.size() + ob.pos > max_bytes) throw too_big("expands to more than");
            out.append(buf.data(), ob.pos);
        }
    }
    if (ret != 0) throw Error(fmt::format("{} is truncated (zstd frame incomplete)", path));
    return out;
}

VocabData import_hf_tokenizer(const std::string& path, const std::string& config_path_in) {
    json j;
    try {
        j = json::parse(read_text_file(path));
    } catch (const json::exception& e) {
        throw Error(fmt::format("{} is not valid JSON: {}", path, e.what()));
    }
    json cfg = json::object();
    std::string config_path = config_path_in;
    if (config_path.empty()) {
        for (const char* name : { "tokenizer_config.json", "tokenizer_config.json.zst" }) {
            const auto p = std::filesystem::path(path).parent_path() / name;
            if (std::filesystem::exists(p)) {
                config_path = p.string();
                break;
            }
        }
    }
    if (!config_path.empty()) {
        try {
            cfg = json::parse(read_text_file(config_path));
        } catch (const json::exception& e) {
            throw Error(fmt::format("{} is not valid JSON: {}", config_path, e.what()));
        }
    }

    try {
        const json& m = j.at("model");
        const std::string type = m.value("type", "");
        if (type != "BPE") {
            throw Error(fmt::format(
                "{}: only BPE tokenizers can be imported; this one is '{}'", path, type.empty() ? "unknown" : type));
        }
        VocabData v;
        const bool byte_fallback = m.value("byte_fallback", false);
        const std::string norm = j.contains("normalizer") ? j["normalizer"].dump() : "null";
        const bool sentencepiece = byte_fallback || norm.find("\\u2581") != std::string::npos
            || norm.find("\xE2\x96\x81") != std::string::npos;
        v.model = sentencepiece ? "llama" : "gpt2";

        // vocabulary: model vocab plus added tokens, holes filled as unused
        std::map<int64_t, std::pair<std::string, int32_t>> by_id;
        for (const auto& [text, id] : m.at("vocab").items())
            by_id[id.get<int64_t>()] = { text, 1 };
        if (j.contains("added_tokens")) {
            for (const json& a : j["added_tokens"]) {
                const int64_t id = a.at("id").get<int64_t>();
                by_id[id] = { a.at("content").get<std::string>(), a.value("special", false) ? 3 : 4 };
            }
        }
        if (by_id.empty()) throw Error(fmt::format("{}: the vocabulary is empty", path));
        if (by_id.begin()->first < 0) throw Error(fmt::format("{}: negative token id {}", path, by_id.begin()->first));
        const int64_t n = by_id.rbegin()->first + 1;
        if (n > (1 << 24)) throw Error(fmt::format("{}: token id {} is implausibly large", path, n - 1));
        v.tokens.resize(size_t(n));
        v.types.assign(size_t(n), 5);
        for (int64_t i = 0; i < n; ++i)
            v.tokens[size_t(i)] = fmt::format("<|unused_{}|>", i);
        for (const auto& [id, t] : by_id) {
            v.tokens[size_t(id)] = t.first;
            v.types[size_t(id)] = t.second;
        }
        auto id_of = [&](const std::string& s) -> int32_t {
            if (s.empty()) return -1;
            for (const auto& [id, t] : by_id) {
                if (t.first == s) return int32_t(id);
            }
            return -1;
        };
        if (sentencepiece) {
            for (size_t i = 0; i < v.tokens.size(); ++i) {
                const std::string& t = v.tokens[i];
                if (t.size() == 6 && t.rfind("<0x", 0) == 0 && t[5] == '>') v.types[i] = 6;
            }
            const std::string unk = m.value("unk_token", json()).is_string() ? m["unk_token"].get<std::string>() : "";
            v.unk = id_of(unk);
            if (v.unk >= 0) v.types[size_t(v.unk)] = 2;
            v.add_space_prefix = norm.find("Prepend") != std::string::npos;
            if (!v.add_space_prefix && j.contains("pre_tokenizer") && !j["pre_tokenizer"].is_null()) {
                const std::string pre = j["pre_tokenizer"].dump();
                v.add_space_prefix = pre.find("Metaspace") != std::string::npos
                    && pre.find("\"prepend_scheme\":\"never\"") == std::string::npos;
            }
        } else {
            v.pre = detect_pre(j.contains("pre_tokenizer") ? j["pre_tokenizer"] : json(), path);
        }

        // merges: "a b" strings or [a, b] pairs
        for (const json& mg : m.at("merges")) {
            if (mg.is_string()) {
                v.merges.push_back(mg.get<std::string>());
            } else if (mg.is_array() && mg.size() == 2) {
                v.merges.push_back(mg[0].get<std::string>() + " " + mg[1].get<std::string>());
            } else {
                throw Error(fmt::format("{}: a merge is neither \"a b\" nor [a, b]: {}", path, mg.dump()));
            }
        }
        if (sentencepiece) {
            // Scores as SentencePiece orders its pieces: earlier merges first.
            std::unordered_map<std::string, int32_t> index;
            for (size_t i = 0; i < v.tokens.size(); ++i)
                index.emplace(v.tokens[i], int32_t(i));
            v.scores.assign(v.tokens.size(), 0.0f);
            std::vector<bool> set(v.tokens.size(), false);
            for (size_t r = 0; r < v.merges.size(); ++r) {
                const std::string& mg = v.merges[r];
                const size_t sp = mg.find(' ', 1);
                if (sp == std::string::npos) continue;
                auto it = index.find(mg.substr(0, sp) + mg.substr(sp + 1));
                if (it != index.end() && !set[size_t(it->second)]) {
                    v.scores[size_t(it->second)] = -float(r + 1);
                    set[size_t(it->second)] = true;
                }
            }
        }

        // special tokens and flags from the config, else from the post-processor
        v.bos = id_of(special_content(cfg.value("bos_token", json())));
        v.eos = id_of(special_content(cfg.value("eos_token", json())));
        v.pad = id_of(special_content(cfg.value("pad_token", json())));
        if (cfg.contains("unk_token")) {
            const int32_t u = id_of(special_content(cfg["unk_token"]));
            if (u >= 0) v.unk = u;
        }
        const json& post = j.contains("post_processor") ? j["post_processor"] : json();
        bool post_bos = false;
        if (post.is_object() && post.value("type", "") == "TemplateProcessing" && post.contains("single")
            && !post["single"].empty() && post["single"][0].contains("SpecialToken")) {
            post_bos = true;
            if (v.bos < 0) v.bos = id_of(post["single"][0]["SpecialToken"].value("id", ""));
        }
        if (cfg.contains("add_bos_token") && cfg["add_bos_token"].is_boolean()) {
            v.add_bos = cfg["add_bos_token"].get<bool>();
        } else {
            v.add_bos = post_bos;
        }
        if (cfg.contains("add_eos_token") && cfg["add_eos_token"].is_boolean())
            v.add_eos = cfg["add_eos_token"].get<bool>();
        if (v.add_bos && v.bos < 0) v.add_bos = false;
        if (cfg.contains("chat_template")) {
            const json& t = cfg["chat_template"];
            if (t.is_string()) {
                v.chat_template = t.get<std::string>();
            } else if (t.is_array()) {
                for (const json& e : t) {
                    if (e.value("name", "") == "default" && e.contains("template"))
                        v.chat_template = e["template"].get<std::string>();
                }
            }
        }
        return v;
    } catch (const json::exception& e) {
        throw Error(fmt::format("{}: not a tokenizer.json this engine can read: {}", path, e.what()));
    }
}

void write_vocab(GgufWriter& w, const VocabData& v) {
    w.set_string("tokenizer.ggml.model", v.model);
    if (!v.pre.empty()) w.set_string("tokenizer.ggml.pre", v.pre);
    w.set_string_array("tokenizer.ggml.tokens", v.tokens);
    w.set_int32_array("tokenizer.ggml.token_type", v.types);
    if (!v.scores.empty()) w.set_float32_array("tokenizer.ggml.scores", v.scores);
    if (!v.merges.empty() || v.model == "gpt2") w.set_string_array("tokenizer.ggml.merges", v.merges);
    if (v.bos >= 0) w.set_uint32("tokenizer.ggml.bos_token_id", uint32_t(v.bos));
    if (v.eos >= 0) w.set_uint32("tokenizer.ggml.eos_token_id", uint32_t(v.eos));
    if (v.unk >= 0) w.set_uint32("tokenizer.ggml.unknown_token_id", uint32_t(v.unk));
    if (v.pad >= 0) w.set_uint32("tokenizer.ggml.padding_token_id", uint32_t(v.pad));
    w.set_bool("tokenizer.ggml.add_bos_token", v.add_bos);
    w.set_bool("tokenizer.ggml.add_eos_token", v.add_eos);
    if (v.model == "llama") w.set_bool("tokenizer.ggml.add_space_prefix", v.add_space_prefix);
    if (!v.chat_template.empty()) w.set_string("tokenizer.chat_template", v.chat_template);
}

} // namespace moe
