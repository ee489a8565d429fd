#pragma once
// Energy a run used, from the counters the hardware keeps: the CPU package's
// RAPL counters under /sys/class/powercap (Intel, and AMD since Zen), and on
// NVIDIA GPUs NVML's total energy counter, with libnvidia-ml loaded at run
// time so the build needs no driver. Where a counter is missing or
// unreadable (RAPL is root-only on most distributions since 2020), the
// reading is empty and says why: never a guessed number.
#include <optional>
#include <string>
#include <vector>

namespace moe {

struct EnergyReading {
    std::optional<double> cpu_joules; // every RAPL package domain, summed
    std::string cpu_reason; // why cpu_joules is empty
    std::optional<double> gpu_joules; // every NVML device, summed
    std::string gpu_reason;
    std::optional<double> total() const; // the sum of what was read; empty when nothing was
    std::string sources() const; // "RAPL", "RAPL + NVML", ""
    std::string reasons() const; // the reasons, joined
};

// Reads the counters at construction; stop() reads them again and returns
// the difference (wrap-around of the RAPL counter handled).
class EnergyMeter {
public:
    // `powercap_root` for tests ("/sys/class/powercap" by default); `nvml_library`
    // the library to dlopen ("libnvidia-ml.so.1"; "" to skip NVML).
    explicit EnergyMeter(
        std::string powercap_root = "/sys/class/powercap", std::string nvml_library = "libnvidia-ml.so.1");
    EnergyReading stop() const;

private:
    struct Counters {
        std::vector<double> cpu_uj, cpu_range_uj; // per RAPL package domain
        std::string cpu_reason; // non-empty: no CPU reading
        std::optional<double> gpu_mj;
        std::string gpu_reason;
    };
    Counters read() const;
    std::string m_root, m_nvml;
    Counters m_start;
};

} // namespace moe
