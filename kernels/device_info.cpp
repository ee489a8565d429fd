// What GPU a run happens on (CUDA runtime, plus NVML loaded at run time for
// the driver name, clocks and power, so the program starts where NVML is
// absent), and the device's copy bandwidth that bench reports against.
#include "common.cuh"

#include "error.h"
#include "runtime/cuda_hook.h"

#include <fmt/format.h>

#include <dlfcn.h>

#include <algorithm>

namespace moe {

namespace {

// The few NVML entry points used, declared here so no nvml.h is needed.
struct Nvml {
    using Device = void*;
    void* lib = nullptr;
    int (*init)() = nullptr;
    int (*shutdown)() = nullptr;
    int (*by_index)(unsigned, Device*) = nullptr;
    int (*clock)(Device, int, unsigned*) = nullptr;
    int (*max_clock)(Device, int, unsigned*) = nullptr;
    int (*power)(Device, unsigned*) = nullptr;
    int (*power_limit)(Device, unsigned*) = nullptr;
    int (*driver)(char*, unsigned) = nullptr;

    Nvml() {
        lib = dlopen("libnvidia-ml.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!lib) return;
        init = reinterpret_cast<int (*)()>(dlsym(lib, "nvmlInit_v2"));
        shutdown = reinterpret_cast<int (*)()>(dlsym(lib, "nvmlShutdown"));
        by_index = reinterpret_cast<int (*)(unsigned, Device*)>(dlsym(lib, "nvmlDeviceGetHandleByIndex_v2"));
        clock = reinterpret_cast<int (*)(Device, int, unsigned*)>(dlsym(lib, "nvmlDeviceGetClockInfo"));
        max_clock = reinterpret_cast<int (*)(Device, int, unsigned*)>(dlsym(lib, "nvmlDeviceGetMaxClockInfo"));
        power = reinterpret_cast<int (*)(Device, unsigned*)>(dlsym(lib, "nvmlDeviceGetPowerUsage"));
        power_limit = reinterpret_cast<int (*)(Device, unsigned*)>(dlsym(lib, "nvmlDeviceGetEnforcedPowerLimit"));
        driver = reinterpret_cast<int (*)(char*, unsigned)>(dlsym(lib, "nvmlSystemGetDriverVersion"));
        if (!init || !shutdown || !by_index || init() != 0) {
            dlclose(lib);
            lib = nullptr;
        }
    }
    ~Nvml() {
        if (lib) {
            shutdown();
            dlclose(lib);
        }
    }
};

constexpr int kNvmlClockSm = 1, kNvmlClockMem = 2;

// NVML numbers devices in PCI order, CUDA fastest first unless CUDA_DEVICE_ORDER=PCI_BUS_ID;
// on the one-GPU machines this is run on both are device 0.
void fill_nvml(GpuInfo& g) {
    Nvml n;
    if (!n.lib) return;
    char buf[96] = {};
    if (n.driver && n.driver(buf, sizeof buf) == 0) g.driver_name = buf;
    Nvml::Device d = nullptr;
    if (n.by_index(unsigned(g.device), &d) != 0) return;
    unsigned v = 0;
    if (n.clock && n.clock(d, kNvmlClockSm, &v) == 0) g.sm_clock_mhz = int(v);
    if (n.clock && n.clock(d, kNvmlClockMem, &v) == 0) g.mem_clock_mhz = int(v);
    if (n.max_clock && n.max_clock(d, kNvmlClockSm, &v) == 0) g.max_sm_clock_mhz = int(v);
    if (n.max_clock && n.max_clock(d, kNvmlClockMem, &v) == 0) g.max_mem_clock_mhz = int(v);
    if (n.power && n.power(d, &v) == 0) g.power_w = double(v) / 1000.0;
    if (n.power_limit && n.power_limit(d, &v) == 0) g.power_limit_w = double(v) / 1000.0;
}

} // namespace

std::optional<GpuInfo> cuda_device_info(std::string* why) {
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    int runtime = 0;
    cudaRuntimeGetVersion(&runtime);
    if (e != cudaSuccess) {
        (void)cudaGetLastError();
        if (why) {
            if (e == cudaErrorInsufficientDriver) {
                *why = fmt::format("no usable NVIDIA driver: the driver is missing or older than CUDA {}.{} that this "
                                   "build needs",
                    runtime / 1000, runtime % 1000 / 10);
            } else if (e == cudaErrorNoDevice) {
                *why = "no CUDA GPU found";
            } else {
                *why = fmt::format("CUDA is not usable: {} ({})", cudaGetErrorName(e), cudaGetErrorString(e));
            }
        }
        return std::nullopt;
    }
    if (count == 0) {
        if (why) *why = "no CUDA GPU found";
        return std::nullopt;
    }
    GpuInfo g;
    g.device = 0;
    cudaDeviceProp p {};
    if (cudaGetDeviceProperties(&p, 0) != cudaSuccess) {
        (void)cudaGetLastError();
        if (why) *why = "the CUDA GPU could not be queried";
        return std::nullopt;
    }
    g.name = p.name;
    g.cc_major = p.major;
    g.cc_minor = p.minor;
    g.sm_count = p.multiProcessorCount;
    g.total_bytes = p.totalGlobalMem;
    g.runtime_version = runtime;
    cudaDriverGetVersion(&g.driver_version);
    size_t free_b = 0, total_b = 0;
    if (cudaSetDevice(0) == cudaSuccess && cudaMemGetInfo(&free_b, &total_b) == cudaSuccess) g.free_bytes = free_b;
    (void)cudaGetLastError();
    fill_nvml(g);
    return g;
}

std::optional<double> cuda_copy_bandwidth(size_t bytes, int reps) {
    if (!cuda_device_info()) return std::nullopt;
    void* a = nullptr;
    void* b = nullptr;
    cudaEvent_t e0 = nullptr, e1 = nullptr;
    double best = 0.0;
    size_t free_b = 0, total_b = 0;
    CUDA_CHECK(cudaMemGetInfo(&free_b, &total_b));
    bytes = std::min(bytes, free_b / 4); // leave the rest alone
    if (bytes < (1u << 20)) return std::nullopt;
    try {
        CUDA_CHECK(cudaMalloc(&a, bytes));
        CUDA_CHECK(cudaMalloc(&b, bytes));
        CUDA_CHECK(cudaMemset(a, 1, bytes));
        CUDA_CHECK(cudaEventCreate(&e0));
        CUDA_CHECK(cudaEventCreate(&e1));
        CUDA_CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice)); // warm-up
        for (int r = 0; r < std::max(1, reps); ++r) {
            CUDA_CHECK(cudaEventRecord(e0));
            CUDA_CHECK(cudaMemcpy(b, a, bytes, cudaMemcpyDeviceToDevice));
            CUDA_CHECK(cudaEventRecord(e1));
            CUDA_CHECK(cudaEventSynchronize(e1));
            float ms = 0.0f;
            CUDA_CHECK(cudaEventElapsedTime(&ms, e0, e1));
            if (ms > 0.0f) best = std::max(best, 2.0 * double(bytes) / (double(ms) * 1e-3)); // read + write
        }
    } catch (...) {
        if (a) cudaFree(a);
        if (b) cudaFree(b);
        if (e0) cudaEventDestroy(e0);
        if (e1) cudaEventDestroy(e1);
        throw;
    }
    cudaFree(a);
    cudaFree(b);
    cudaEventDestroy(e0);
    cudaEventDestroy(e1);
    return best;
}

} // namespace moe
