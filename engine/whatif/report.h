#pragma once
// The what-if projections and the offload plan as tables and JSON, in one
// place: `moe-cli whatif`, `moe-cli offload-plan` and the window's Hardware
// tab print and export these, so they cannot disagree.
#include "whatif/offload.h"
#include "whatif/projection.h"

#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace moe {

struct TextTable {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};
std::string table_text(const TextTable& t); // aligned columns, numbers right-aligned
std::string table_csv(const TextTable& t); // RFC 4180

// Label, value: what the projections stand on (bytes and FLOPs per token,
// efficiency, memory, MoE against dense, experts touched against batch).
std::vector<std::pair<std::string, std::string>> basis_lines(const RunBasis& basis, const ProjectionOptions& opt);

TextTable whatif_table(const std::vector<DeviceProjection>& p, const ProjectionOptions& opt);
nlohmann::ordered_json whatif_json(
    const RunBasis& basis, const std::vector<DeviceProjection>& p, const ProjectionOptions& opt);

std::vector<std::pair<std::string, std::string>> offload_lines(const OffloadPlan& plan);
TextTable offload_policy_table(const OffloadPlan& plan); // one row per policy and llama.cpp's placement
TextTable offload_layer_table(const OffloadPlan& plan); // hit rate per layer and policy
nlohmann::ordered_json offload_json(const OffloadPlan& plan);

} // namespace moe
