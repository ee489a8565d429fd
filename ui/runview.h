#pragma once
// The engine's values as the window shows them: a stored or just-finished
// run (moe::RunRecord) as a RunView, a model's moe::ModelDescription as the
// card. Nothing is computed here that the engine does not already compute.
#include "types.h"

#include <memory>

namespace moe {
struct ModelDescription;
struct RunRecord;
struct RunSummary;
} // namespace moe

// A whole run: settings, timings, figures, routing and its per-layer metrics.
RunView viewFromRecord(std::shared_ptr<const moe::RunRecord> record);
// A run as the store lists it (no routing until loaded whole).
RunView viewFromListing(const moe::RunSummary& listed);
// Per-layer imbalance / entropy and their means from run.routing (nExperts set).
void fillRoutingMetrics(RunView& run);

ModelCard cardFromDescription(const moe::ModelDescription& d);

// A stop reason as a person reads it ("the context was full").
QString stopReasonText(const QString& reason);
