#include "store/run.h"

#include "error.h"
#include "model/model.h"
#include "telemetry/hardware.h"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

namespace moe {

const char* run_kind_name(RunKind k) {
    switch (k) {
    case RunKind::generate:
        return "generate";
    case RunKind::chat:
        return "chat";
    case RunKind::score:
        return "score";
    case RunKind::bench:
        return "bench";
    }
    return "?";
}

const char* run_status_name(RunStatus s) {
    switch (s) {
    case RunStatus::complete:
        return "complete";
    case RunStatus::cancelled:
        return "cancelled";
    case RunStatus::failed:
        return "failed";
    }
    return "?";
}

bool run_kind_from_name(std::string_view s, RunKind* out) {
    for (RunKind k : { RunKind::generate, RunKind::chat, RunKind::score, RunKind::bench }) {
        if (s == run_kind_name(k)) {
            *out = k;
            return true;
        }
    }
    return false;
}

bool run_status_from_name(std::string_view s, RunStatus* out) {
    for (RunStatus k : { RunStatus::complete, RunStatus::cancelled, RunStatus::failed }) {
        if (s == run_status_name(k)) {
            *out = k;
            return true;
        }
    }
    return false;
}

std::string utc_now_iso8601() {
    const std::time_t now = std::time(nullptr);
    std::tm tm {};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string model_content_hash(const std::string& path) {
    struct FileCloser {
        void operator()(std::FILE* f) const { std::fclose(f); }
    };
    std::unique_ptr<std::FILE, FileCloser> f(std::fopen(path.c_str(), "rb"));
    if (!f) throw Error(fmt::format("cannot read {} to hash it: {}", path, std::strerror(errno)));
    std::error_code ec;
    const uint64_t size = std::filesystem::file_size(path, ec);
    if (ec) throw Error(fmt::format("cannot read the size of {}: {}", path, ec.message()));

    constexpr uint64_t head_bytes = uint64_t(1) << 20;
    constexpr uint64_t chunk_bytes = uint64_t(64) << 10;
    constexpr uint64_t n_chunks = 64;
    constexpr uint64_t whole_limit = uint64_t(5) << 20;

    XXH3_state_t* st = XXH3_createState();
    if (!st) throw Error("out of memory hashing the model file");
    std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> state(st, XXH3_freeState);
    XXH3_64bits_reset(st);
    XXH3_64bits_update(st, &size, sizeof(size)); // little-endian on every host we build for

    std::vector<uint8_t> buf(size_t(std::max(head_bytes, chunk_bytes)));
    auto hash_range = [&](uint64_t offset, uint64_t n) {
        if (fseeko(f.get(), off_t(offset), SEEK_SET) != 0) {
            throw Error(fmt::format("cannot seek in {} to hash it: {}", path, std::strerror(errno)));
        }
        while (n > 0) {
            const size_t want = size_t(std::min<uint64_t>(n, buf.size()));
            const size_t got = std::fread(buf.data(), 1, want, f.get());
            if (got != want) throw Error(fmt::format("{} ended early while hashing it (was it truncated?)", path));
            XXH3_64bits_update(st, buf.data(), got);
            n -= got;
        }
    };
    if (size <= whole_limit) {
        hash_range(0, size);
    } else {
        hash_range(0, head_bytes);
        // chunk i starts at head + i * (rest - chunk) / (n - 1): the first
        // right after the head, the last ending at the end of the file
        const uint64_t rest = size - head_bytes;
        for (uint64_t i = 0; i < n_chunks; ++i) {
            const uint64_t off = head_bytes + i * (rest - chunk_bytes) / (n_chunks - 1);
            hash_range(off, chunk_bytes);
        }
    }
    return fmt::format("{:016x}", uint64_t(XXH3_64bits_digest(st)));
}

ModelIdentity model_identity(const Model& model) {
    ModelIdentity id;
    id.path = model.path();
    id.file_name = std::filesystem::path(model.path()).filename().string();
    id.file_size = model.gguf().file_size();
    id.content_hash = model_content_hash(model.path());
    id.name = model.name();
    const ModelConfig& c = model.config();
    id.arch = arch_name(c.arch);
    id.n_layers = c.n_layer;
    id.n_experts = c.n_expert;
    id.n_experts_used = c.n_expert_used;
    const ModelStats& s = model.stats();
    id.total_params = s.total_params;
    id.active_params = s.active_params;
    // largest share first: that is the quantization people name the model by
    std::vector<std::pair<uint64_t, std::string>> parts;
    uint64_t total = 0;
    for (const auto& [type, v] : s.by_type) {
        parts.emplace_back(v.second, type);
        total += v.second;
    }
    std::sort(parts.begin(), parts.end(),
        [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    for (const auto& [bytes, type] : parts) {
        if (!id.quant_mix.empty()) id.quant_mix += ", ";
        id.quant_mix += fmt::format("{} {:.1f}%", type, total ? 100.0 * double(bytes) / double(total) : 0.0);
    }
    return id;
}

HardwareInfo hardware_info() {
    const HostInfo h = host_info();
    HardwareInfo hw;
    hw.cpu_model = h.cpu_model;
    hw.cpu_threads = h.threads;
    hw.ram_bytes = h.ram_bytes;
    return hw;
}

BuildInfo build_info() {
    BuildInfo b;
#ifdef MOE_VERSION
    b.version = MOE_VERSION;
#endif
#ifdef MOE_GIT_REVISION
    b.git_revision = MOE_GIT_REVISION;
#endif
    return b;
}

std::vector<LayerBalance> routing_balance(const RoutingTrace& t, int n_experts) {
    if (t.size() == 0 || t.n_layers() <= 0) return {};
    const size_t cells = t.size() * size_t(t.n_layers()) * size_t(t.k());
    const int32_t* ids = t.ids(0, 0);
    int32_t max_id = -1, min_id = -1; // -1: an entry a routing policy left unused
    for (size_t i = 0; i < cells; ++i) {
        max_id = std::max(max_id, ids[i]);
        min_id = std::min(min_id, ids[i]);
    }
    if (min_id < -1) return {}; // not a routing the metrics can describe
    const int E = std::max(n_experts, max_id + 1);
    const int n = t.n_layers();
    std::vector<LayerBalance> out(static_cast<size_t>(n));
    // layers are independent and this is most of the CPU time of a save
    // and half of them go to a second thread (co-activation, not stored, is left out)
    std::exception_ptr err;
    std::thread helper([&] {
        try {
            for (int l = 1; l < n; l += 2)
                out[size_t(l)] = layer_balance(t, l, E, 0, t.size(), false);
        } catch (...) {
            err = std::current_exception();
        }
    });
    try {
        for (int l = 0; l < n; l += 2)
            out[size_t(l)] = layer_balance(t, l, E, 0, t.size(), false);
    } catch (...) {
        helper.join();
        throw;
    }
    helper.join();
    if (err) std::rethrow_exception(err);
    return out;
}

} // namespace moe
