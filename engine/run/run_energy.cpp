#include "run/run_energy.h"

#include "whatif/catalog.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace moe {

void record_energy(RunRecord& r, const EnergyReading& e) {
    RunFigures& f = r.figures;
    f.energy_joules.reset();
    f.joules_per_token.reset();
    f.energy_source.clear();
    f.energy_note = e.reasons(); // what was not counted, and why
    const std::optional<double> j = e.total();
    if (!j) return;
    f.energy_joules = *j;
    f.energy_source = e.sources();
    const size_t tokens = r.prompt_ids.size() + r.output_ids.size();
    if (tokens > 0) f.joules_per_token = *j / double(tokens);
}

void record_price(RunRecord& r, double price_per_hour) {
    RunFigures& f = r.figures;
    f.price_per_hour.reset();
    f.cost_per_mtok.reset();
    if (!(price_per_hour > 0)) return;
    f.price_per_hour = price_per_hour;
    const double tps = f.bench ? f.bench->gen_tokens_per_s.mean : r.decode_tokens_per_s;
    if (tps > 0) f.cost_per_mtok = price_per_hour / (tps * 3600.0) * 1e6;
}

double price_for_run(const RunRecord& r) {
    std::vector<DeviceSpec> cat;
    try {
        cat = load_catalog();
    } catch (const std::exception& e) {
        spdlog::warn("{}", e.what());
        return 0;
    }
    auto lower = [](std::string s) {
        for (char& c : s)
            c = char(std::tolower(static_cast<unsigned char>(c)));
        return s;
    };
    const std::string want
        = lower(r.backend == "cuda" && !r.hardware.gpu_name.empty() ? r.hardware.gpu_name : r.hardware.cpu_model);
    for (const DeviceSpec& d : cat)
        if (!want.empty() && lower(d.name) == want) return d.price_per_hour;
    return 0;
}

} // namespace moe
