#include "store/compare.h"

#include "common/units.h"
#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

namespace moe {

bool same_prompt(const RunRecord& a, const RunRecord& b) {
    if (a.prompt_ids != b.prompt_ids) return false;
    if (!a.prompt_text.empty() && !b.prompt_text.empty() && a.prompt_text != b.prompt_text) return false;
    return !a.prompt_ids.empty() || a.prompt_text == b.prompt_text;
}

std::vector<std::string> comparability_issues(const RunRecord& a, const RunRecord& b) {
    std::vector<std::string> out;
    if (a.model.content_hash != b.model.content_hash) {
        out.push_back(fmt::format("different model file ({} {} vs {} {})", a.model.file_name, a.model.content_hash,
            b.model.file_name, b.model.content_hash));
    }
    if (a.kind != b.kind)
        out.push_back(fmt::format("different kind ({} vs {})", run_kind_name(a.kind), run_kind_name(b.kind)));
    if (!same_prompt(a, b)) {
        out.push_back(fmt::format("different prompt ({} vs {} tokens{})", a.prompt_ids.size(), b.prompt_ids.size(),
            a.prompt_ids.size() == b.prompt_ids.size() ? ", not the same ids" : ""));
    }
    // settings that change what is generated or how it is routed
    std::vector<std::string> diffs;
    const RunSettings& x = a.settings;
    const RunSettings& y = b.settings;
    auto num = [&](const char* name, double u, double v) {
        if (u != v) diffs.push_back(fmt::format("{} {:g} vs {:g}", name, u, v));
    };
    num("temperature", x.temperature, y.temperature);
    num("sample top-k", x.top_k, y.top_k);
    num("top-p", x.top_p, y.top_p);
    num("min-p", x.min_p, y.min_p);
    num("repeat penalty", x.repeat_penalty, y.repeat_penalty);
    num("repeat last n", x.repeat_last_n, y.repeat_last_n);
    if (x.seed != y.seed) diffs.push_back(fmt::format("seed {} vs {}", x.seed, y.seed));
    num("n_predict", x.n_predict, y.n_predict);
    num("context", x.n_ctx, y.n_ctx);
    num("experts per token", x.experts_used, y.experts_used);
    if (x.experts_used == y.experts_used) num("top-k override", x.top_k_override, y.top_k_override);
    if (x.routing_policy != y.routing_policy) {
        auto name = [](const std::string& p) { return p.empty() ? std::string("the model's") : "'" + p + "'"; };
        diffs.push_back(fmt::format("routing policy {} vs {}", name(x.routing_policy), name(y.routing_policy)));
    }
    if (!diffs.empty()) {
        std::string all;
        for (const std::string& d : diffs)
            all += (all.empty() ? "" : ", ") + d;
        out.push_back("different settings: " + all);
    }
    return out;
}

namespace {

std::string bytes(uint64_t v) {
    return v ? format_bytes(double(v)) : std::string();
}
std::string count(uint64_t v) {
    return format_count(double(v));
}

std::string preview(const std::string& text, const std::vector<int32_t>& ids) {
    std::string p;
    if (!text.empty()) {
        p = text;
    } else {
        for (size_t i = 0; i < ids.size() && p.size() < 40; ++i)
            p += (i ? "," : "") + std::to_string(ids[i]);
    }
    for (char& c : p) {
        if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    }
    if (p.size() > 40) {
        size_t cut = 37;
        while (cut > 0 && (uint8_t(p[cut]) & 0xC0) == 0x80)
            --cut;
        p = p.substr(0, cut) + "...";
    }
    return p;
}

} // namespace

RunComparison compare_runs(const std::vector<RunRecord>& runs) {
    if (runs.size() < 2) throw Error("comparing needs at least two runs");
    RunComparison c;
    for (const RunRecord& r : runs)
        c.ids.push_back(r.id);
    auto row = [&](const char* section, const char* label, const std::function<std::string(const RunRecord&)>& f) {
        CompareRow cr;
        cr.section = section;
        cr.label = label;
        for (const RunRecord& r : runs)
            cr.values.push_back(f(r));
        for (const std::string& v : cr.values)
            cr.differs = cr.differs || v != cr.values[0];
        c.rows.push_back(std::move(cr));
    };
    auto f2 = [](double v) { return fmt::format("{:.2f}", v); };

    row("Model", "file", [](const RunRecord& r) { return r.model.file_name; });
    row("Model", "content hash", [](const RunRecord& r) { return r.model.content_hash; });
    row("Model", "size", [](const RunRecord& r) { return bytes(r.model.file_size); });
    row("Model", "name", [](const RunRecord& r) { return r.model.name; });
    row("Model", "architecture", [](const RunRecord& r) { return r.model.arch; });
    row("Model", "quant mix", [](const RunRecord& r) { return r.model.quant_mix; });
    row("Model", "parameters", [](const RunRecord& r) {
        return fmt::format("{} total, {} active", count(r.model.total_params), count(r.model.active_params));
    });
    row("Model", "experts", [](const RunRecord& r) {
        return fmt::format(
            "{} layers, {} experts, top-{}", r.model.n_layers, r.model.n_experts, r.model.n_experts_used);
    });
    row("Hardware", "cpu", [](const RunRecord& r) { return r.hardware.cpu_model; });
    row("Hardware", "cpu threads", [](const RunRecord& r) { return std::to_string(r.hardware.cpu_threads); });
    row("Hardware", "ram", [](const RunRecord& r) { return bytes(r.hardware.ram_bytes); });
    row("Hardware", "gpu", [](const RunRecord& r) { return r.hardware.gpu_name; });
    row("Hardware", "gpu memory", [](const RunRecord& r) { return bytes(r.hardware.gpu_memory_bytes); });
    row("Hardware", "gpu driver", [](const RunRecord& r) { return r.hardware.gpu_driver; });
    row("Hardware", "cuda", [](const RunRecord& r) { return r.hardware.cuda_version; });
    row("Build", "version", [](const RunRecord& r) { return r.build.version; });
    row("Build", "git revision", [](const RunRecord& r) { return r.build.git_revision; });
    row("Run", "kind", [](const RunRecord& r) { return std::string(run_kind_name(r.kind)); });
    row("Run", "created", [](const RunRecord& r) { return r.created_at; });
    row("Run", "status", [](const RunRecord& r) { return std::string(run_status_name(r.status)); });
    row("Run", "stop", [](const RunRecord& r) { return r.stop_reason; });
    row("Run", "backend", [](const RunRecord& r) { return r.backend; });
    row("Settings", "temperature", [](const RunRecord& r) { return fmt::format("{:g}", r.settings.temperature); });
    row("Settings", "sample top-k", [](const RunRecord& r) { return std::to_string(r.settings.top_k); });
    row("Settings", "top-p", [](const RunRecord& r) { return fmt::format("{:g}", r.settings.top_p); });
    row("Settings", "min-p", [](const RunRecord& r) { return fmt::format("{:g}", r.settings.min_p); });
    row("Settings", "repeat penalty",
        [](const RunRecord& r) { return fmt::format("{:g}", r.settings.repeat_penalty); });
    row("Settings", "repeat last n", [](const RunRecord& r) { return std::to_string(r.settings.repeat_last_n); });
    row("Settings", "seed", [](const RunRecord& r) { return std::to_string(r.settings.seed); });
    row("Settings", "n_predict", [](const RunRecord& r) { return std::to_string(r.settings.n_predict); });
    row("Settings", "context", [](const RunRecord& r) { return std::to_string(r.settings.n_ctx); });
    row("Settings", "threads", [](const RunRecord& r) { return std::to_string(r.settings.n_threads); });
    row("Settings", "batch", [](const RunRecord& r) { return std::to_string(r.settings.n_batch); });
    row("Settings", "top-k override", [](const RunRecord& r) {
        return r.settings.top_k_override ? std::to_string(r.settings.top_k_override) : std::string("model's");
    });
    row("Settings", "experts per token", [](const RunRecord& r) { return std::to_string(r.settings.experts_used); });
    row("Settings", "routing policy", [](const RunRecord& r) {
        return r.settings.routing_policy.empty() ? std::string("model's") : r.settings.routing_policy;
    });
    row("Results", "prompt", [](const RunRecord& r) { return preview(r.prompt_text, r.prompt_ids); });
    row("Results", "prompt tokens", [](const RunRecord& r) { return std::to_string(r.prompt_ids.size()); });
    row("Results", "output", [](const RunRecord& r) { return preview(r.output_text, r.output_ids); });
    row("Results", "output tokens", [](const RunRecord& r) { return std::to_string(r.output_ids.size()); });
    row("Results", "time to first token ms", [&](const RunRecord& r) { return f2(r.ttft_ms); });
    row("Results", "prefill ms", [&](const RunRecord& r) { return f2(r.prefill_ms); });
    row("Results", "prefill tokens/s", [&](const RunRecord& r) { return f2(r.prefill_tokens_per_s); });
    row("Results", "decode tokens/s", [&](const RunRecord& r) { return f2(r.decode_tokens_per_s); });
    row("Results", "latency p50 ms", [&](const RunRecord& r) { return f2(r.p50_ms); });
    row("Results", "latency p99 ms", [&](const RunRecord& r) { return f2(r.p99_ms); });
    row("Results", "routed tokens", [](const RunRecord& r) { return std::to_string(r.routing.size()); });

    // kind-specific figures (bench table, score perplexity, bandwidth), by label across runs
    std::vector<std::vector<std::pair<std::string, std::string>>> figs;
    std::vector<std::string> labels;
    for (const RunRecord& r : runs) {
        figs.push_back(figure_rows(r.figures));
        for (const auto& kv : figs.back()) {
            if (std::find(labels.begin(), labels.end(), kv.first) == labels.end()) labels.push_back(kv.first);
        }
    }
    for (const std::string& label : labels) {
        CompareRow cr;
        cr.section = "Figures";
        cr.label = label;
        for (const auto& rows : figs) {
            const auto it = std::find_if(rows.begin(), rows.end(), [&](const auto& kv) { return kv.first == label; });
            cr.values.push_back(it == rows.end() ? std::string() : it->second);
        }
        for (const std::string& v : cr.values)
            cr.differs = cr.differs || v != cr.values[0];
        c.rows.push_back(std::move(cr));
    }

    for (size_t i = 1; i < runs.size(); ++i) {
        const std::vector<std::string> issues = comparability_issues(runs[0], runs[i]);
        for (const std::string& why : issues) {
            c.warnings.push_back(fmt::format("run {} is not comparable with run {}: {}", runs[i].id, runs[0].id, why));
        }
        if (same_prompt(runs[0], runs[i]) && runs[0].routing.size() > 0 && runs[i].routing.size() > 0) {
            c.agreements.push_back({ runs[0].id, runs[i].id, routing_agreement(runs[0].routing, runs[i].routing),
                runs[0].routing.k() == runs[i].routing.k() });
        }
    }
    return c;
}

} // namespace moe
