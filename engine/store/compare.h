#pragma once
// Runs side by side: which settings and results differ, whether the runs can
// be compared at all (same model file, prompt and settings), and for runs of
// the same prompt how their routing agrees (telemetry/metrics.h
// routing_agreement): that is what shows how a quantization or a GPU changes
// routing. The CLI prints a RunComparison; the GUI shows the same one.
#include "store/run.h"
#include "telemetry/metrics.h"

#include <cstdint>
#include <string>
#include <vector>

namespace moe {

// Why b cannot be compared with a (different model file, prompt, kind or
// output-changing settings), one reason per line; empty when it can.
// Hardware, backend, build, threads and batch size are not reasons: they are
// what people compare.
std::vector<std::string> comparability_issues(const RunRecord& a, const RunRecord& b);

// The same prompt: the same token ids, and the same text when both have one.
bool same_prompt(const RunRecord& a, const RunRecord& b);

struct CompareRow {
    std::string section; // Model, Hardware, Build, Run, Settings, Results, Figures
    std::string label;
    std::vector<std::string> values; // one per run, formatted
    bool differs = false;
};

struct RunAgreement {
    int64_t a = 0; // the first run
    int64_t b = 0; // a later run with the same prompt
    RoutingAgreement agreement;
    // Identical top-k sets and the first divergence mean something only when
    // both runs route to the same number of experts per token; with top-4
    // against top-8 no set can match, and only the overlap applies.
    bool sets_apply = true;
};

struct RunComparison {
    std::vector<int64_t> ids;
    std::vector<CompareRow> rows;
    std::vector<std::string> warnings; // "run 3 is not comparable with run 1: ..."
    std::vector<RunAgreement> agreements;
};

// Every later run against the first. Needs at least two runs.
RunComparison compare_runs(const std::vector<RunRecord>& runs);

} // namespace moe
