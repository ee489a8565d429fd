#pragma once
// Shared by `moe-cli whatif` and `moe-cli offload-plan`: a stored run by id,
// and a table printed as text, CSV or under JSON.
#include "store/run.h"
#include "whatif/report.h"

#include <cstdint>
#include <string>

// The run `id` from the store at `db` ("" for the default), opened read-only.
moe::RunRecord load_stored_run(const std::string& db, int64_t id);
