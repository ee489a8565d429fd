#include "runsummary.h"

#include "telemetry/metrics.h"
#include "telemetry/routing.h"

#include <QCoreApplication>
#include <QLocale>

#include <algorithm>

void fillRoutingMetrics(RunSummary& run) {
    run.layerImbalance.clear();
    run.layerEntropy.clear();
    if (!run.routing) return;
    const moe::RoutingTrace& trace = *run.routing;
    run.nLayers = trace.n_layers();
    run.k = trace.k();
    double imb = 0, ent = 0, stab = 0;
    for (int l = 0; l < run.nLayers; ++l) {
        const moe::LayerBalance b = moe::layer_balance(trace, l, run.nExperts, 0, trace.size());
        run.layerImbalance.append(b.imbalance);
        run.layerEntropy.append(b.entropy);
        imb += b.imbalance;
        ent += b.entropy;
        stab += b.stability;
    }
    if (run.nLayers > 0) {
        run.meanImbalance = imb / run.nLayers;
        run.meanEntropy = ent / run.nLayers;
        run.meanStability = stab / run.nLayers;
    }
}

RunAgreement runAgreement(const RunSummary& a, const RunSummary& b) {
    RunAgreement r;
    if (!a.routing || !b.routing || a.routing->size() == 0 || b.routing->size() == 0) return r;
    const moe::RoutingAgreement g = moe::routing_agreement(*a.routing, *b.routing);
    r.compared = int(g.n_compared);
    r.setMatch = g.set_match;
    r.firstDivergence = g.first_divergence;
    for (const moe::LayerAgreement& l : g.layers) {
        r.overlap.append(l.overlap);
        r.layerSetMatch.append(l.set_match);
    }
    r.comparable = g.n_compared > 0;
    return r;
}

namespace {
struct Tr {
    Q_DECLARE_TR_FUNCTIONS(RunCompare)
};
} // namespace

QVector<SettingRow> compareSettings(const QVector<RunSummary>& runs) {
    QVector<SettingRow> rows;
    // Identity rows (run, time) always differ and are not marked.
    auto add = [&](const QString& name, auto get, bool mark = true) {
        SettingRow row;
        row.name = name;
        for (const RunSummary& r : runs) row.values << get(r);
        for (const QString& v : row.values) row.differs = row.differs || (mark && v != row.values.first());
        rows.append(row);
    };
    auto num = [](double v, int prec = 2) { return QString::number(v, 'f', prec); };
    add(Tr::tr("Run"), [](const RunSummary& r) { return r.id.left(8); }, false);
    add(Tr::tr("When"), [](const RunSummary& r) { return QLocale().toString(r.when, QLocale::ShortFormat); }, false);
    add(Tr::tr("Model"), [](const RunSummary& r) { return r.model; });
    add(Tr::tr("Quantization"), [](const RunSummary& r) { return r.quant; });
    add(Tr::tr("Backend"), [](const RunSummary& r) { return r.backend; });
    add(Tr::tr("Hardware"), [](const RunSummary& r) { return r.hardware; });
    add(Tr::tr("Experts per token"), [](const RunSummary& r) { return QString::number(r.expertsUsed); });
    add(Tr::tr("Temperature"), [&](const RunSummary& r) { return num(r.settings.temperature); });
    add(Tr::tr("Top-k"), [](const RunSummary& r) { return QString::number(r.settings.topK); });
    add(Tr::tr("Top-p"), [&](const RunSummary& r) { return num(r.settings.topP); });
    add(Tr::tr("Min-p"), [&](const RunSummary& r) { return num(r.settings.minP); });
    add(Tr::tr("Repetition penalty"), [&](const RunSummary& r) { return num(r.settings.repeatPenalty); });
    add(Tr::tr("Seed"), [](const RunSummary& r) { return QString::number(r.settings.seed); });
    add(Tr::tr("Max tokens"), [](const RunSummary& r) { return QString::number(r.settings.maxTokens); });
    add(Tr::tr("Prompt"), [](const RunSummary& r) { return r.prompt.left(60); });
    add(Tr::tr("Prompt tokens"), [](const RunSummary& r) { return QString::number(r.nPrompt); });
    add(Tr::tr("Generated tokens"), [](const RunSummary& r) { return QString::number(r.nGenerated); });
    add(Tr::tr("Decode tokens/s"), [&](const RunSummary& r) { return num(r.decodeTps, 1); });
    add(Tr::tr("Prefill tokens/s"), [&](const RunSummary& r) { return num(r.prefillTps, 1); });
    add(Tr::tr("Time to first token (ms)"), [&](const RunSummary& r) { return num(r.ttftMs, 1); });
    add(Tr::tr("Achieved bandwidth (GB/s)"), [&](const RunSummary& r) { return num(r.achievedBandwidth / 1e9); });
    add(Tr::tr("Mean imbalance"), [&](const RunSummary& r) { return num(r.meanImbalance); });
    add(Tr::tr("Mean normalised entropy"), [&](const RunSummary& r) { return num(r.meanEntropy); });
    add(Tr::tr("Routing stability"), [&](const RunSummary& r) { return num(r.meanStability); });
    return rows;
}
