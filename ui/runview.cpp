#include "runview.h"

#include "run/description.h"
#include "store/run.h"
#include "store/store.h"
#include "telemetry/hardware.h"
#include "telemetry/metrics.h"
#include "telemetry/routing.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace {

struct Tr {
    Q_DECLARE_TR_FUNCTIONS(RunView)
};

GenerationSettings settingsFromRecord(const moe::RunSettings& r) {
    GenerationSettings s;
    s.temperature = r.temperature;
    s.topK = r.top_k;
    s.topP = r.top_p;
    s.minP = r.min_p;
    s.repeatPenalty = r.repeat_penalty;
    s.seed = r.seed;
    s.maxTokens = r.n_predict;
    s.expertsPerToken = r.top_k_override;
    return s;
}

QDateTime timeFromIso(const std::string& iso) {
    QDateTime t = QDateTime::fromString(QString::fromStdString(iso), Qt::ISODate);
    return t.isValid() ? t.toLocalTime() : t;
}

} // namespace

void fillRoutingMetrics(RunView& run) {
    run.layerImbalance.clear();
    run.layerEntropy.clear();
    if (!run.routing) return;
    const moe::RoutingTrace& trace = *run.routing;
    run.nLayers = trace.n_layers();
    run.k = trace.k();
    double imb = 0, ent = 0, stab = 0;
    for (const moe::LayerBalance& b : moe::routing_balance(trace, run.nExperts)) {
        run.layerImbalance.append(b.imbalance);
        run.layerEntropy.append(b.entropy);
        imb += b.imbalance;
        ent += b.entropy;
        stab += b.stability;
    }
    if (!run.layerImbalance.isEmpty()) {
        const double n = double(run.layerImbalance.size());
        run.meanImbalance = imb / n;
        run.meanEntropy = ent / n;
        run.meanStability = stab / n;
    }
}

RunView viewFromRecord(std::shared_ptr<const moe::RunRecord> record) {
    const moe::RunRecord& rec = *record;
    RunView r;
    r.id = QString::number(rec.id);
    r.when = timeFromIso(rec.created_at);
    r.model = QString::fromStdString(rec.model.name);
    r.modelPath = QString::fromStdString(rec.model.path);
    r.modelHash = QString::fromStdString(rec.model.content_hash);
    r.architecture = QString::fromStdString(rec.model.arch);
    r.quant = QString::fromStdString(rec.model.quant_mix);
    r.backend = QString::fromStdString(rec.backend);
    r.hardware = QStringLiteral("%1 (%2 threads)")
                     .arg(QString::fromStdString(rec.hardware.cpu_model))
                     .arg(rec.hardware.cpu_threads);
    if (!rec.hardware.gpu_name.empty()) r.hardware = QString::fromStdString(rec.hardware.gpu_name);
    r.settings = settingsFromRecord(rec.settings);
    r.expertsUsed = rec.settings.experts_used;
    r.prompt = QString::fromStdString(rec.prompt_text);
    r.output = QString::fromStdString(rec.output_text);
    r.reasoning = QString::fromStdString(rec.reasoning_text);
    r.stopReason = QString::fromStdString(rec.stop_reason);
    r.nPrompt = int(rec.prompt_ids.size());
    r.nGenerated = int(rec.output_ids.size());
    r.prefillMs = rec.prefill_ms;
    r.ttftMs = rec.ttft_ms;
    r.prefillTps = rec.prefill_tokens_per_s;
    r.decodeTps = rec.decode_tokens_per_s;
    r.p50Ms = rec.p50_ms;
    r.p99Ms = rec.p99_ms;
    r.tokenMs = QVector<double>(rec.token_ms.begin(), rec.token_ms.end());
    r.nExperts = rec.model.n_experts;
    r.bytesPerToken = rec.figures.weight_bytes_per_token;
    r.achievedBandwidth = rec.figures.achieved_gb_per_s * 1e9;
    r.deviceBandwidth = rec.figures.memory_bandwidth_gb_per_s * 1e9;
    r.routing = std::shared_ptr<const moe::RoutingTrace>(record, &record->routing);
    r.record = std::move(record);
    fillRoutingMetrics(r);
    return r;
}

RunView viewFromListing(const moe::RunSummary& s) {
    RunView r;
    r.fromStore = true;
    r.id = QString::number(s.id);
    r.when = timeFromIso(s.created_at);
    r.model = QString::fromStdString(s.model_name);
    r.modelPath = QString::fromStdString(s.model_file);
    r.modelHash = QString::fromStdString(s.model_hash);
    r.quant = QString::fromStdString(s.quant_mix);
    r.backend = QString::fromStdString(s.backend);
    r.prompt = QString::fromStdString(s.prompt_preview);
    r.nPrompt = s.n_prompt;
    r.nGenerated = s.n_output;
    r.ttftMs = s.ttft_ms;
    r.decodeTps = s.decode_tokens_per_s;
    r.stopReason = QString::fromLatin1(moe::run_status_name(s.status));
    return r;
}

ModelCard cardFromDescription(const moe::ModelDescription& d) {
    ModelCard card;
    card.path = QFileInfo(QString::fromStdString(d.path)).absoluteFilePath();
    card.name = QString::fromStdString(d.name);
    card.architecture = QString::fromStdString(d.architecture);
    card.backend = QString::fromStdString(d.backend);
    card.backendNote = QString::fromStdString(d.backend_reason);
    card.chatTemplate = QString::fromStdString(d.chat_format_reason);
    card.chatTemplate.remove(QStringLiteral("chat format ")); // the card's label says it
    card.isMoe = d.is_moe;
    card.layers = d.layers;
    card.moeLayers = d.moe_layers;
    card.experts = d.experts;
    card.expertsUsedModel = d.experts_used_model;
    card.expertsUsed = d.experts_used;
    card.sharedExperts = d.shared_experts;
    for (const auto& [key, value] : moe::description_lines(d)) {
        if (key == "blocks" || key == "attention" || key == "gating" || key == "routing" || key == "note")
            card.design.append({ QString::fromStdString(key), QString::fromStdString(value) });
    }
    card.contextTrain = d.context_train;
    card.contextInUse = d.context;
    card.vocabulary = d.vocabulary;
    card.embedding = d.embedding;
    card.totalParams = d.total_params;
    card.activeParams = d.active_params;
    card.weightBytes = d.weight_bytes;
    card.activeWeightBytes = d.active_weight_bytes;
    card.kvCacheBytes = d.kv_cache_bytes;
    card.availableBytes = d.available_bytes;
    for (const moe::TypeShare& t : d.types)
        card.quantMix.append({ QString::fromStdString(t.type), quint64(t.bytes) });
    const moe::HostInfo host = moe::host_info();
    card.ramBytes = host.ram_bytes;
    card.cpuModel = QString::fromStdString(host.cpu_model);
    card.threads = host.threads;
    return card;
}

QString stopReasonText(const QString& reason) {
    if (reason == QLatin1String("length")) return Tr::tr("the token limit was reached");
    if (reason == QLatin1String("stop_token")) return Tr::tr("the model ended its reply");
    if (reason == QLatin1String("context_full")) return Tr::tr("the context was full");
    if (reason == QLatin1String("cancelled")) return Tr::tr("stopped");
    if (reason == QLatin1String("complete")) return Tr::tr("complete");
    if (reason == QLatin1String("failed")) return Tr::tr("failed");
    return reason;
}
