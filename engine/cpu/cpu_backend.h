#pragma once
// The CPU backend: the reference implementation every other backend is
// checked against, and the fallback when no GPU is usable.
#include "runtime/backend.h"

namespace moe {

std::unique_ptr<Backend> make_cpu_backend(std::shared_ptr<const Model> model, const BackendOptions& opts);

} // namespace moe
