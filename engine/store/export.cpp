#include "store/export.h"

#include "error.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <ostream>

namespace moe {

const char* csv_table_name(CsvTable t) {
    switch (t) {
    case CsvTable::runs:
        return "runs";
    case CsvTable::tokens:
        return "tokens";
    case CsvTable::layers:
        return "layers";
    case CsvTable::routing:
        return "routing";
    }
    return "?";
}

bool csv_table_from_name(std::string_view s, CsvTable* out) {
    for (CsvTable t : { CsvTable::runs, CsvTable::tokens, CsvTable::layers, CsvTable::routing }) {
        if (s == csv_table_name(t)) {
            *out = t;
            return true;
        }
    }
    return false;
}

namespace {

// RFC 4180: quote a field holding a comma, quote or line break; double the quotes.
std::string csv(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"') q += '"';
        q += c;
    }
    return q + "\"";
}

// Shortest text that reads back as the same double.
std::string num(double v) {
    return fmt::format("{}", v);
}

int experts_of(const RunRecord& r) {
    int e = r.model.n_experts;
    if (r.routing.size() > 0) {
        const size_t cells = r.routing.size() * size_t(r.routing.n_layers()) * size_t(r.routing.k());
        const int32_t* ids = r.routing.ids(0, 0);
        for (size_t i = 0; i < cells; ++i)
            e = std::max(e, ids[i] + 1);
    }
    return e;
}

} // namespace

void write_csv(std::ostream& out, const std::vector<RunRecord>& runs, CsvTable table) {
    switch (table) {
    case CsvTable::runs:
        out << "run_id,kind,created_at,status,stop_reason,model_file,model_hash,model_size,model_name,architecture,"
               "quant_mix,total_params,active_params,backend,cpu_model,cpu_threads,ram_bytes,gpu_name,gpu_memory_bytes,"
               "gpu_driver,cuda_version,build_version,build_revision,temperature,top_k,top_p,min_p,repeat_penalty,"
               "repeat_last_n,seed,n_predict,n_ctx,n_threads,n_batch,top_k_override,experts_used,n_prompt,n_output,"
               "ttft_ms,prefill_ms,prefill_tokens_per_s,decode_tokens_per_s,p50_ms,p99_ms\n";
        for (const RunRecord& r : runs) {
            const RunSettings& s = r.settings;
            out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},", r.id,
                run_kind_name(r.kind), csv(r.created_at), run_status_name(r.status), csv(r.stop_reason),
                csv(r.model.file_name), csv(r.model.content_hash), r.model.file_size, csv(r.model.name),
                csv(r.model.arch), csv(r.model.quant_mix), r.model.total_params, r.model.active_params, csv(r.backend),
                csv(r.hardware.cpu_model), r.hardware.cpu_threads, r.hardware.ram_bytes, csv(r.hardware.gpu_name),
                r.hardware.gpu_memory_bytes, csv(r.hardware.gpu_driver), csv(r.hardware.cuda_version),
                csv(r.build.version), csv(r.build.git_revision));
            out << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", num(s.temperature),
                s.top_k, num(s.top_p), num(s.min_p), num(s.repeat_penalty), s.repeat_last_n, s.seed, s.n_predict,
                s.n_ctx, s.n_threads, s.n_batch, s.top_k_override, s.experts_used, r.prompt_ids.size(),
                r.output_ids.size(), num(r.ttft_ms), num(r.prefill_ms), num(r.prefill_tokens_per_s),
                num(r.decode_tokens_per_s), num(r.p50_ms), num(r.p99_ms));
        }
        break;
    case CsvTable::tokens:
        out << "run_id,index,phase,token_id,ms\n";
        for (const RunRecord& r : runs) {
            for (size_t i = 0; i < r.prompt_ids.size(); ++i)
                out << fmt::format("{},{},prompt,{},\n", r.id, i, r.prompt_ids[i]);
            for (size_t i = 0; i < r.output_ids.size(); ++i) {
                out << fmt::format("{},{},output,{},{}\n", r.id, i, r.output_ids[i],
                    i < r.token_ms.size() ? num(r.token_ms[i]) : std::string());
            }
        }
        break;
    case CsvTable::layers: {
        int E = 0;
        for (const RunRecord& r : runs)
            E = std::max(E, experts_of(r));
        out << "run_id,layer,imbalance,balance_efficiency,cv,normalised_entropy,coverage,routing_stability";
        for (int e = 0; e < E; ++e)
            out << ",load_e" << e;
        out << "\n";
        for (const RunRecord& r : runs) {
            const std::vector<LayerBalance> bal = routing_balance(r.routing, r.model.n_experts);
            for (size_t l = 0; l < bal.size(); ++l) {
                const LayerBalance& b = bal[l];
                out << fmt::format("{},{},{},{},{},{},{},{}", r.id, l, num(b.imbalance), num(b.efficiency), num(b.cv),
                    num(b.entropy), num(b.coverage), num(b.stability));
                for (int e = 0; e < E; ++e) {
                    out << ',';
                    if (size_t(e) < b.counts.size()) out << b.counts[size_t(e)];
                }
                out << "\n";
            }
        }
        break;
    }
    case CsvTable::routing:
        out << "run_id,index,pos,token,layer,rank,expert,weight\n";
        for (const RunRecord& r : runs) {
            const RoutingTrace& t = r.routing;
            std::string buf;
            for (size_t i = 0; i < t.size(); ++i) {
                buf.clear();
                for (int l = 0; l < t.n_layers(); ++l) {
                    for (int j = 0; j < t.k(); ++j) {
                        fmt::format_to(std::back_inserter(buf), "{},{},{},{},{},{},{},{}\n", r.id, i, t.pos(i),
                            t.token(i), l, j, t.ids(i, l)[j], t.weights(i, l)[j]);
                    }
                }
                out << buf;
            }
        }
        break;
    }
}

nlohmann::ordered_json balance_json(const RoutingTrace& trace, int n_experts) {
    using json = nlohmann::ordered_json;
    json layers = json::array();
    const std::vector<LayerBalance> bal = routing_balance(trace, n_experts);
    for (size_t l = 0; l < bal.size(); ++l) {
        const LayerBalance& b = bal[l];
        layers.push_back({ { "layer", l }, { "loads", b.counts }, { "imbalance", b.imbalance },
            { "balance_efficiency", b.efficiency }, { "cv", b.cv }, { "normalised_entropy", b.entropy },
            { "coverage", b.coverage }, { "routing_stability", b.stability } });
    }
    return layers;
}

nlohmann::ordered_json run_to_json(const RunRecord& r, bool with_routing) {
    using json = nlohmann::ordered_json;
    const RunSettings& s = r.settings;
    json j;
    j["id"] = r.id;
    j["kind"] = run_kind_name(r.kind);
    j["created_at"] = r.created_at;
    j["status"] = run_status_name(r.status);
    j["stop_reason"] = r.stop_reason;
    j["notes"] = r.notes;
    j["model"] = { { "file_name", r.model.file_name }, { "path", r.model.path }, { "file_size", r.model.file_size },
        { "content_hash", r.model.content_hash }, { "name", r.model.name }, { "architecture", r.model.arch },
        { "quant_mix", r.model.quant_mix }, { "total_params", r.model.total_params },
        { "active_params", r.model.active_params }, { "layers", r.model.n_layers }, { "experts", r.model.n_experts },
        { "experts_used", r.model.n_experts_used } };
    j["hardware"] = { { "cpu_model", r.hardware.cpu_model }, { "cpu_threads", r.hardware.cpu_threads },
        { "ram_bytes", r.hardware.ram_bytes }, { "gpu_name", r.hardware.gpu_name },
        { "gpu_memory_bytes", r.hardware.gpu_memory_bytes }, { "gpu_driver", r.hardware.gpu_driver },
        { "cuda_version", r.hardware.cuda_version } };
    j["build"] = { { "version", r.build.version }, { "git_revision", r.build.git_revision } };
    j["backend"] = r.backend;
    j["settings"] = { { "temperature", s.temperature }, { "top_k", s.top_k }, { "top_p", s.top_p },
        { "min_p", s.min_p }, { "repeat_penalty", s.repeat_penalty }, { "repeat_last_n", s.repeat_last_n },
        { "seed", s.seed }, { "n_predict", s.n_predict }, { "n_ctx", s.n_ctx }, { "n_threads", s.n_threads },
        { "n_batch", s.n_batch }, { "top_k_override", s.top_k_override }, { "experts_used", s.experts_used },
        { "routing_policy", s.routing_policy } };
    j["prompt"] = { { "text", r.prompt_text }, { "ids", r.prompt_ids } };
    j["output"] = { { "text", r.output_text }, { "ids", r.output_ids } };
    if (!r.reasoning_text.empty()) j["output"]["reasoning"] = r.reasoning_text;
    j["timings"] = { { "ttft_ms", r.ttft_ms }, { "prefill_ms", r.prefill_ms },
        { "prefill_tokens_per_s", r.prefill_tokens_per_s }, { "decode_tokens_per_s", r.decode_tokens_per_s },
        { "p50_ms", r.p50_ms }, { "p99_ms", r.p99_ms }, { "token_ms", r.token_ms } };
    j["figures"] = figures_to_json(r.figures);
    j["layers"] = balance_json(r.routing, r.model.n_experts);
    if (with_routing) {
        const RoutingTrace& t = r.routing;
        json tokens = json::array();
        for (size_t i = 0; i < t.size(); ++i) {
            json experts = json::array(), weights = json::array();
            for (int l = 0; l < t.n_layers(); ++l) {
                experts.push_back(std::vector<int32_t>(t.ids(i, l), t.ids(i, l) + t.k()));
                weights.push_back(std::vector<float>(t.weights(i, l), t.weights(i, l) + t.k()));
            }
            tokens.push_back({ { "pos", t.pos(i) }, { "token", t.token(i) }, { "experts", std::move(experts) },
                { "weights", std::move(weights) } });
        }
        j["routing"] = { { "n_tokens", t.size() }, { "n_layers", t.n_layers() }, { "k", t.k() },
            { "tokens", std::move(tokens) } };
    }
    return j;
}

nlohmann::ordered_json runs_to_json(const std::vector<RunRecord>& runs, bool with_routing) {
    nlohmann::ordered_json all = nlohmann::ordered_json::array();
    for (const RunRecord& r : runs)
        all.push_back(run_to_json(r, with_routing));
    return { { "runs", std::move(all) } };
}

RunRecord run_from_json(const nlohmann::ordered_json& j) {
    RunRecord r;
    std::string field;
    // every read names its field, so a bad file says where it is bad
    auto at = [&](const nlohmann::ordered_json& o, const char* key) -> const nlohmann::ordered_json& {
        field = key;
        if (!o.is_object() || !o.contains(key)) throw Error(fmt::format("the run has no '{}'", key));
        return o.at(key);
    };
    try {
        r.id = at(j, "id").get<int64_t>();
        const std::string kind = at(j, "kind").get<std::string>();
        if (!run_kind_from_name(kind, &r.kind)) throw Error(fmt::format("unknown kind '{}'", kind));
        r.created_at = at(j, "created_at").get<std::string>();
        const std::string status = at(j, "status").get<std::string>();
        if (!run_status_from_name(status, &r.status)) throw Error(fmt::format("unknown status '{}'", status));
        r.stop_reason = at(j, "stop_reason").get<std::string>();
        r.notes = at(j, "notes").get<std::string>();
        const auto& m = at(j, "model");
        r.model.file_name = at(m, "file_name").get<std::string>();
        r.model.path = at(m, "path").get<std::string>();
        r.model.file_size = at(m, "file_size").get<uint64_t>();
        r.model.content_hash = at(m, "content_hash").get<std::string>();
        r.model.name = at(m, "name").get<std::string>();
        r.model.arch = at(m, "architecture").get<std::string>();
        r.model.quant_mix = at(m, "quant_mix").get<std::string>();
        r.model.total_params = at(m, "total_params").get<uint64_t>();
        r.model.active_params = at(m, "active_params").get<uint64_t>();
        r.model.n_layers = at(m, "layers").get<int32_t>();
        r.model.n_experts = at(m, "experts").get<int32_t>();
        r.model.n_experts_used = at(m, "experts_used").get<int32_t>();
        const auto& h = at(j, "hardware");
        r.hardware.cpu_model = at(h, "cpu_model").get<std::string>();
        r.hardware.cpu_threads = at(h, "cpu_threads").get<int32_t>();
        r.hardware.ram_bytes = at(h, "ram_bytes").get<uint64_t>();
        r.hardware.gpu_name = at(h, "gpu_name").get<std::string>();
        r.hardware.gpu_memory_bytes = at(h, "gpu_memory_bytes").get<uint64_t>();
        r.hardware.gpu_driver = at(h, "gpu_driver").get<std::string>();
        r.hardware.cuda_version = at(h, "cuda_version").get<std::string>();
        const auto& b = at(j, "build");
        r.build.version = at(b, "version").get<std::string>();
        r.build.git_revision = at(b, "git_revision").get<std::string>();
        r.backend = at(j, "backend").get<std::string>();
        const auto& s = at(j, "settings");
        r.settings.temperature = at(s, "temperature").get<float>();
        r.settings.top_k = at(s, "top_k").get<int32_t>();
        r.settings.top_p = at(s, "top_p").get<float>();
        r.settings.min_p = at(s, "min_p").get<float>();
        r.settings.repeat_penalty = at(s, "repeat_penalty").get<float>();
        r.settings.repeat_last_n = at(s, "repeat_last_n").get<int32_t>();
        r.settings.seed = at(s, "seed").get<uint64_t>();
        r.settings.n_predict = at(s, "n_predict").get<int32_t>();
        r.settings.n_ctx = at(s, "n_ctx").get<int32_t>();
        r.settings.n_threads = at(s, "n_threads").get<int32_t>();
        r.settings.n_batch = at(s, "n_batch").get<int32_t>();
        r.settings.top_k_override = at(s, "top_k_override").get<int32_t>();
        r.settings.experts_used = at(s, "experts_used").get<int32_t>();
        if (const auto it = s.find("routing_policy"); it != s.end()) r.settings.routing_policy = it->get<std::string>();
        const auto& p = at(j, "prompt");
        r.prompt_text = at(p, "text").get<std::string>();
        r.prompt_ids = at(p, "ids").get<std::vector<int32_t>>();
        const auto& o = at(j, "output");
        r.output_text = at(o, "text").get<std::string>();
        r.output_ids = at(o, "ids").get<std::vector<int32_t>>();
        if (const auto it = o.find("reasoning"); it != o.end()) r.reasoning_text = it->get<std::string>();
        const auto& tm = at(j, "timings");
        r.ttft_ms = at(tm, "ttft_ms").get<double>();
        r.prefill_ms = at(tm, "prefill_ms").get<double>();
        r.prefill_tokens_per_s = at(tm, "prefill_tokens_per_s").get<double>();
        r.decode_tokens_per_s = at(tm, "decode_tokens_per_s").get<double>();
        r.p50_ms = at(tm, "p50_ms").get<double>();
        r.p99_ms = at(tm, "p99_ms").get<double>();
        r.token_ms = at(tm, "token_ms").get<std::vector<double>>();
        const auto& fig = at(j, "figures");
        // Runs exported before schema 2 may hold figures that were not JSON, kept as text: nothing typed to read.
        if (!fig.is_string()) r.figures = figures_from_json(fig);
        if (j.contains("routing")) {
            const auto& rt = at(j, "routing");
            const int n_layers = at(rt, "n_layers").get<int>();
            const int k = at(rt, "k").get<int>();
            std::vector<int32_t> ids(size_t(std::max(n_layers, 0)) * size_t(std::max(k, 0)));
            std::vector<float> w(ids.size());
            for (const auto& tok : at(rt, "tokens")) {
                const auto& ex = at(tok, "experts");
                const auto& ws = at(tok, "weights");
                if (ex.size() != size_t(n_layers) || ws.size() != size_t(n_layers)) {
                    throw Error(fmt::format("a routing token has {} layers, not {}", ex.size(), n_layers));
                }
                for (int l = 0; l < n_layers; ++l) {
                    const auto e = ex[size_t(l)].get<std::vector<int32_t>>();
                    const auto v = ws[size_t(l)].get<std::vector<float>>();
                    if (e.size() != size_t(k) || v.size() != size_t(k)) {
                        throw Error(fmt::format("a routing row has {} experts, not {}", e.size(), k));
                    }
                    std::copy(e.begin(), e.end(), ids.begin() + l * k);
                    std::copy(v.begin(), v.end(), w.begin() + l * k);
                }
                RoutingFrame f;
                f.pos = at(tok, "pos").get<int32_t>();
                f.token = at(tok, "token").get<int32_t>();
                f.n_layers = n_layers;
                f.k = k;
                f.ids = ids.data();
                f.weights = w.data();
                r.routing.on_routing(f);
            }
        }
    } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("'{}' in the run is not what it should be: {}", field, e.what()));
    }
    return r;
}

} // namespace moe
