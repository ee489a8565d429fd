#pragma once
// Routing metrics of a RunSummary, and comparing two runs.
// The metrics themselves come from engine/telemetry (defined once there).
#include "types.h"

#include <QStringList>

namespace moe {
class RoutingTrace;
}

// Per-layer imbalance / entropy and their means from run.routing (nExperts set).
void fillRoutingMetrics(RunSummary& run);

// Routing agreement of two runs (moe::routing_agreement over the common
// prefix of identical tokens), for display.
struct RunAgreement {
    int compared = 0;            // tokens compared
    double setMatch = 0.0;       // share of (token, layer) cells with equal top-k sets
    QVector<double> overlap;     // per layer: mean |A ∩ B| / k
    QVector<double> layerSetMatch;
    qint64 firstDivergence = -1; // first token where any layer's set differs
    bool comparable = false;     // both have routing and at least one token in common
};
RunAgreement runAgreement(const RunSummary& a, const RunSummary& b);

// Setting rows for the compare view: name, then one value per run.
struct SettingRow {
    QString name;
    QStringList values;
    bool differs = false;
};
QVector<SettingRow> compareSettings(const QVector<RunSummary>& runs);
