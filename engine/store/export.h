#pragma once
// Runs out of the store, for spreadsheets, notebooks and other tools, and
// back in: JSON holds a whole run (and is what a run that could not be
// saved is kept as, so it can be imported later); CSV gives one flat table
// at a time, each row led by the run id so several runs concatenate.
#include "store/run.h"

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace moe {

enum class CsvTable {
    runs, // one row per run: identity, hardware, settings, results
    tokens, // one row per prompt or output token: phase, id, ms (output tokens)
    layers, // one row per MoE layer: load-balance metrics and the load of every expert
    routing, // one row per token, layer and rank: expert id and gate weight
};
const char* csv_table_name(CsvTable t);
bool csv_table_from_name(std::string_view s, CsvTable* out);

void write_csv(std::ostream& out, const std::vector<RunRecord>& runs, CsvTable table);

// Per MoE layer: the expert loads and the load-balance metrics over the whole trace.
nlohmann::ordered_json balance_json(const RoutingTrace& trace, int n_experts);

// The whole run: settings, results, token timings, per-layer loads and
// metrics, and (with_routing) the trace, token by token.
nlohmann::ordered_json run_to_json(const RunRecord& r, bool with_routing = true);
// Reads what run_to_json wrote (the derived per-layer metrics are ignored).
// Throws moe::Error naming the first field that is missing or wrong.
RunRecord run_from_json(const nlohmann::ordered_json& j);

// {"runs": [...]}, the document `runs export --format json` writes.
nlohmann::ordered_json runs_to_json(const std::vector<RunRecord>& runs, bool with_routing = true);

} // namespace moe
