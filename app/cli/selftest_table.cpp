// The table `moe-cli selftest` prints: one row per op, model or timing check.
#include "selftest_cmd.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>

using json = nlohmann::ordered_json;

namespace selftest {

namespace {
// ---- the table ---------------------------------------------------------------------------

std::string fmt_err(const json& e) {
    return e.is_number() ? fmt::format("{:.3g}", e.get<double>()) : e.dump();
}

} // namespace

void print_table(const std::vector<json>& results, const std::string& backend) {
    bool op_header = false, model_header = false;
    for (const json& r : results) {
        const std::string id = r.value("check", "");
        const std::string error = r.value("error", "");
        if (id.rfind("op:", 0) == 0) {
            if (!op_header) {
                fmt::print("\n| op | error | tolerance | result |\n|---|---|---|---|\n");
                op_header = true;
            }
            if (!error.empty()) {
                fmt::print("| {} | error: {} | | FAIL |\n", id.substr(3), error);
                continue;
            }
            for (const json& c : r["ops"]) {
                const bool ok = c.value("ok", false);
                const std::string note = c.value("note", "");
                fmt::print("| {} | {} | {:.3g} | {}{} |\n", c.value("op", ""), fmt_err(c["error"]), c.value("tol", 0.0),
                    ok ? "ok" : "FAIL", ok || note.empty() ? "" : " (" + note + ")");
            }
        } else if (id.rfind("model:", 0) == 0) {
            if (!model_header) {
                fmt::print(
                    "\n| arch | type | NLL cpu | NLL {} | abs diff | top-k sets differing (near-ties) | greedy | "
                    "result |\n|---|---|---|---|---|---|---|---|\n",
                    backend);
                model_header = true;
            }
            const std::string rest = id.substr(6);
            const std::string arch = rest.substr(0, rest.find(':')), type = rest.substr(rest.find(':') + 1);
            if (!error.empty()) {
                fmt::print("| {} | {} | error: {} | | | | | FAIL |\n", arch, type, error);
                continue;
            }
            const int gs = r.value("greedy_steps", 0);
            const std::string greedy = gs == 0 ? "-"
                                               : fmt::format("{}/{}{}", r.value("greedy_match", 0), gs,
                                                   r.value("greedy_near_tie", false) ? " (near-tie)" : "");
            const double a = r.value("nll_cpu", 0.0), b = r.value("nll_test", 0.0);
            fmt::print("| {} | {} | {:.5f} | {:.5f} | {:.2e} | {} of {} ({}) | {} | {} |\n", arch, type, a, b,
                std::fabs(a - b), r.value("routing_mismatch", 0), r.value("routing_frames", 0),
                r.value("routing_near_ties", 0), greedy, r.value("ok", false) ? "ok" : "FAIL");
        } else {
            for (const json& t : r.value("timings", json::array())) {
                fmt::print("| {} | {:.4f} ms | {:.1f} GB/s |\n", t.value("op", ""), t.value("ms", 0.0),
                    t.value("gb_per_s", 0.0));
            }
            if (!error.empty()) fmt::print("| {} | error: {} | |\n", id, error);
        }
    }
}

} // namespace selftest
