#pragma once
// The seam between the engine and the CUDA backend (kernels/). The engine
// includes no CUDA header: these functions are implemented by kernels/ when
// the project is built with the CUDA toolkit (MOE_CUDA), and by stubs in
// runtime/backend.cpp otherwise, so callers (make_backend, moe-cli bench and
// selftest, the GPU parity tests) need no #ifdef.
#include "runtime/backend.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace moe {

// The GPU a run happens on. Fields NVML could not read are 0 / empty.
struct GpuInfo {
    int device = 0;
    std::string name;
    int cc_major = 0, cc_minor = 0; // compute capability
    int sm_count = 0;
    uint64_t total_bytes = 0;
    uint64_t free_bytes = 0;
    int driver_version = 0; // CUDA driver API version, e.g. 13000
    int runtime_version = 0; // CUDA runtime the backend was built with
    std::string driver_name; // NVIDIA driver, e.g. "580.159.04" (NVML)
    int sm_clock_mhz = 0, mem_clock_mhz = 0; // current (NVML)
    int max_sm_clock_mhz = 0, max_mem_clock_mhz = 0; // maximum (NVML)
    double power_w = 0.0, power_limit_w = 0.0; // (NVML)
};

// Whether this build contains the CUDA backend.
bool cuda_built();

// The first GPU, or nullopt with `why` saying why none is usable (no CUDA in
// this build, no driver, driver too old, no device).
std::optional<GpuInfo> cuda_device_info(std::string* why = nullptr);

// Device bandwidth in bytes/s measured by a device-to-device copy of `bytes`
// (counting bytes read and written), best of `reps`; nullopt without a GPU.
std::optional<double> cuda_copy_bandwidth(size_t bytes = size_t(1) << 30, int reps = 10);

// The CUDA backend; throws moe::Error (no GPU, not enough memory: needed vs
// free, named before anything is allocated).
std::unique_ptr<Backend> make_cuda_backend(std::shared_ptr<const Model> model, const BackendOptions& opts);

// One per-op check of a kernel against its CPU op (engine/cpu/op_checks.h runs them).
struct OpCheck {
    std::string op; // "matvec Q4_K", ...
    double max_err = 0.0; // max |gpu - cpu| / (|cpu| max + 1e-6), or abs where said
    double tol = 0.0;
    bool ok = false;
    std::string note;
};
// The GPU kernels behind engine/cpu/op_checks.h's OpDevice, for the per-op
// checks and timings; null with `why` when no GPU is usable.
class OpDevice;
std::unique_ptr<OpDevice> cuda_op_device(std::string* why = nullptr);

} // namespace moe
