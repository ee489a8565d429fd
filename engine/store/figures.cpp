#include "store/figures.h"

#include "error.h"

#include <fmt/format.h>

#include <string>

namespace moe {

using json = nlohmann::ordered_json;

namespace {

json mean_sd(const MeanSd& m) {
    return { { "mean", m.mean }, { "sd", m.sd } };
}

double number(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return 0.0;
    if (!it->is_number()) throw Error(fmt::format("figure '{}' is not a number", key));
    return it->get<double>();
}

MeanSd mean_sd_from(const json& j, const char* key) {
    const auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (it->is_number()) return { it->get<double>(), 0.0 };
    if (!it->is_object()) throw Error(fmt::format("figure '{}' is not a mean and sd", key));
    return { number(*it, "mean"), number(*it, "sd") };
}

} // namespace

json figures_to_json(const RunFigures& f) {
    if (f.empty()) return nullptr;
    json j = json::object();
    if (f.weight_bytes_per_token > 0) {
        j["weight_bytes_per_token"] = f.weight_bytes_per_token;
        j["achieved_gb_per_s"] = f.achieved_gb_per_s;
    }
    if (f.kv_cache_bytes_per_token > 0) j["kv_cache_bytes_per_token"] = f.kv_cache_bytes_per_token;
    if (f.memory_bandwidth_gb_per_s > 0) {
        j["memory_bandwidth_gb_per_s"] = f.memory_bandwidth_gb_per_s;
        j["bandwidth_share"] = f.bandwidth_share();
    }
    if (f.experts_per_token > 0) j["experts_per_token"] = f.experts_per_token;
    if (f.perplexity) j["perplexity"] = *f.perplexity;
    if (f.mean_nll) j["mean_nll"] = *f.mean_nll;
    if (!f.nll.empty()) j["nll"] = f.nll;
    if (f.energy_joules) j["energy_joules"] = *f.energy_joules;
    if (f.joules_per_token) j["joules_per_token"] = *f.joules_per_token;
    if (!f.energy_source.empty()) j["energy_source"] = f.energy_source;
    if (!f.energy_note.empty()) j["energy_note"] = f.energy_note;
    if (f.price_per_hour) j["price_per_hour"] = *f.price_per_hour;
    if (f.cost_per_mtok) j["cost_per_mtok"] = *f.cost_per_mtok;
    if (f.bench) {
        const BenchFigures& b = *f.bench;
        j["n_prompt"] = b.n_prompt;
        j["n_gen"] = b.n_gen;
        j["n_gen_done"] = b.n_gen_done;
        j["repetitions"] = b.repetitions;
        j["prompt_tokens_per_s"] = mean_sd(b.prompt_tokens_per_s);
        j["gen_tokens_per_s"] = mean_sd(b.gen_tokens_per_s);
        j["ttft_ms"] = mean_sd(b.ttft_ms);
    }
    return j;
}

RunFigures figures_from_json(const json& j) {
    RunFigures f;
    if (j.is_null()) return f;
    if (!j.is_object()) throw Error("'figures' is not an object");
    f.weight_bytes_per_token = number(j, "weight_bytes_per_token");
    f.achieved_gb_per_s = number(j, "achieved_gb_per_s");
    f.kv_cache_bytes_per_token = number(j, "kv_cache_bytes_per_token");
    f.memory_bandwidth_gb_per_s = number(j, "memory_bandwidth_gb_per_s");
    f.experts_per_token = number(j, "experts_per_token");
    if (j.contains("perplexity") && !j["perplexity"].is_null()) f.perplexity = number(j, "perplexity");
    if (j.contains("mean_nll") && !j["mean_nll"].is_null()) f.mean_nll = number(j, "mean_nll");
    if (const auto it = j.find("nll"); it != j.end() && !it->is_null()) {
        if (!it->is_array()) throw Error("figure 'nll' is not a list of numbers");
        for (const json& v : *it) {
            if (!v.is_number()) throw Error("figure 'nll' is not a list of numbers");
            f.nll.push_back(v.get<double>());
        }
    }
    auto optional = [&](const char* key) -> std::optional<double> {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return std::nullopt;
        return number(j, key);
    };
    auto text = [&](const char* key) -> std::string {
        const auto it = j.find(key);
        if (it == j.end() || it->is_null()) return {};
        if (!it->is_string()) throw Error(fmt::format("figure '{}' is not text", key));
        return it->get<std::string>();
    };
    f.energy_joules = optional("energy_joules");
    f.joules_per_token = optional("joules_per_token");
    f.energy_source = text("energy_source");
    f.energy_note = text("energy_note");
    f.price_per_hour = optional("price_per_hour");
    f.cost_per_mtok = optional("cost_per_mtok");
    if (j.contains("gen_tokens_per_s") || j.contains("repetitions")) {
        BenchFigures b;
        b.n_prompt = int32_t(number(j, "n_prompt"));
        b.n_gen = int32_t(number(j, "n_gen"));
        b.n_gen_done = j.contains("n_gen_done") ? int32_t(number(j, "n_gen_done")) : b.n_gen;
        b.repetitions = int32_t(number(j, "repetitions"));
        b.prompt_tokens_per_s = mean_sd_from(j, "prompt_tokens_per_s");
        b.gen_tokens_per_s = mean_sd_from(j, "gen_tokens_per_s");
        b.ttft_ms = mean_sd_from(j, "ttft_ms");
        f.bench = b;
    }
    return f;
}

std::vector<std::pair<std::string, std::string>> figure_rows(const RunFigures& f) {
    std::vector<std::pair<std::string, std::string>> rows;
    auto add = [&](const char* label, std::string v) { rows.emplace_back(label, std::move(v)); };
    auto pm = [](const MeanSd& m) { return fmt::format("{:.2f} ± {:.2f}", m.mean, m.sd); };
    if (f.bench) {
        const BenchFigures& b = *f.bench;
        add("bench prompt tokens", std::to_string(b.n_prompt));
        add("bench tokens generated",
            b.n_gen_done == b.n_gen ? std::to_string(b.n_gen) : fmt::format("{} of {}", b.n_gen_done, b.n_gen));
        add("bench repetitions", std::to_string(b.repetitions));
        add("bench prompt tokens/s", pm(b.prompt_tokens_per_s));
        add("bench decode tokens/s", pm(b.gen_tokens_per_s));
        add("bench time to first token ms", pm(b.ttft_ms));
    }
    if (f.weight_bytes_per_token > 0) {
        add("weight bytes per token", fmt::format("{:.0f}", f.weight_bytes_per_token));
        add("achieved GB/s", fmt::format("{:.2f}", f.achieved_gb_per_s));
    }
    if (f.kv_cache_bytes_per_token > 0)
        add("KV cache bytes per token", fmt::format("{:.0f}", f.kv_cache_bytes_per_token));
    if (f.memory_bandwidth_gb_per_s > 0) {
        add("measured bandwidth GB/s", fmt::format("{:.2f}", f.memory_bandwidth_gb_per_s));
        add("share of bandwidth", fmt::format("{:.1f} %", 100.0 * f.bandwidth_share()));
    }
    if (f.experts_per_token > 0) add("experts per token (mean)", fmt::format("{:.3f}", f.experts_per_token));
    if (f.joules_per_token) {
        add("energy per token J",
            fmt::format(
                "{:.4g} ({}, {:.4g} J in all)", *f.joules_per_token, f.energy_source, f.energy_joules.value_or(0.0)));
    } else if (!f.energy_note.empty()) {
        add("energy per token J", "- (" + f.energy_note + ")");
    }
    if (f.cost_per_mtok) {
        add("cost per million tokens",
            fmt::format("{:.4g} USD at {:.2f} USD per hour", *f.cost_per_mtok, f.price_per_hour.value_or(0.0)));
    }
    if (f.perplexity) add("perplexity", fmt::format("{:.4f}", *f.perplexity));
    if (f.mean_nll) add("mean nll", fmt::format("{:.6f}", *f.mean_nll));
    return rows;
}

} // namespace moe
