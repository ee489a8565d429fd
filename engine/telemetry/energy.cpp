#include "telemetry/energy.h"

#include <fmt/format.h>

#include <dlfcn.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>

namespace moe {

namespace fs = std::filesystem;

std::optional<double> EnergyReading::total() const {
    if (!cpu_joules && !gpu_joules) return std::nullopt;
    return cpu_joules.value_or(0.0) + gpu_joules.value_or(0.0);
}

std::string EnergyReading::sources() const {
    if (cpu_joules && gpu_joules) return "RAPL + NVML";
    if (cpu_joules) return "RAPL";
    if (gpu_joules) return "NVML";
    return {};
}

std::string EnergyReading::reasons() const {
    std::string r = cpu_reason;
    if (!gpu_reason.empty()) r += (r.empty() ? "" : "; ") + gpu_reason;
    return r;
}

namespace {

// A number from a sysfs file; the reason in `why` when it cannot be read.
std::optional<double> read_number(const fs::path& p, std::string* why) {
    std::ifstream f(p);
    if (!f) {
        *why = fmt::format("RAPL: {} is not readable ({}{})", p.string(), std::strerror(errno),
            errno == EACCES ? "; only root may read it unless a udev rule opens it" : "");
        return std::nullopt;
    }
    double v = 0;
    if (!(f >> v)) {
        *why = fmt::format("RAPL: {} holds no number", p.string());
        return std::nullopt;
    }
    return v;
}

// NVML through dlopen: the few entry points we use, resolved once.
struct Nvml {
    using Device = struct nvmlDevice_st*;
    int (*init)() = nullptr;
    int (*count)(unsigned*) = nullptr;
    int (*handle)(unsigned, Device*) = nullptr;
    int (*energy)(Device, unsigned long long*) = nullptr;
    std::string error;

    explicit Nvml(const std::string& library) {
        if (library.empty()) {
            error = "NVML: not asked for";
            return;
        }
        void* h = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            error = fmt::format("NVML: {} could not be loaded (no NVIDIA driver here)", library);
            return;
        }
        init = reinterpret_cast<int (*)()>(dlsym(h, "nvmlInit_v2"));
        count = reinterpret_cast<int (*)(unsigned*)>(dlsym(h, "nvmlDeviceGetCount_v2"));
        handle = reinterpret_cast<int (*)(unsigned, Device*)>(dlsym(h, "nvmlDeviceGetHandleByIndex_v2"));
        energy
            = reinterpret_cast<int (*)(Device, unsigned long long*)>(dlsym(h, "nvmlDeviceGetTotalEnergyConsumption"));
        if (!init || !count || !handle || !energy) {
            error = fmt::format("NVML: {} lacks the energy counter (driver too old)", library);
            return;
        }
        if (const int rc = init(); rc != 0) error = fmt::format("NVML: nvmlInit failed (error {})", rc);
    }
};

const Nvml& nvml(const std::string& library) {
    static const Nvml n(library); // the first library asked for stays loaded
    return n;
}

} // namespace

EnergyMeter::EnergyMeter(std::string powercap_root, std::string nvml_library)
    : m_root(std::move(powercap_root))
    , m_nvml(std::move(nvml_library)) {
    m_start = read();
}

EnergyMeter::Counters EnergyMeter::read() const {
    Counters c;
    // RAPL: package domains are intel-rapl:N (sub-domains intel-rapl:N:M are inside them)
    std::error_code ec;
    std::vector<fs::path> domains;
    static const std::regex package(R"(intel-rapl:\d+)");
    for (const auto& e : fs::directory_iterator(m_root, ec))
        if (std::regex_match(e.path().filename().string(), package)) domains.push_back(e.path());
    std::sort(domains.begin(), domains.end());
    if (ec || domains.empty()) {
        c.cpu_reason = fmt::format(
            "RAPL: no package domains under {}{}", m_root, ec ? fmt::format(" ({})", ec.message()) : std::string());
    }
    for (const fs::path& d : domains) {
        std::string why;
        const auto uj = read_number(d / "energy_uj", &why);
        const auto range = read_number(d / "max_energy_range_uj", &why);
        if (!uj || !range) {
            c.cpu_reason = why;
            c.cpu_uj.clear();
            break;
        }
        c.cpu_uj.push_back(*uj);
        c.cpu_range_uj.push_back(*range);
    }
    // NVML: millijoules since the driver loaded, per device
    const Nvml& n = nvml(m_nvml);
    if (!n.error.empty()) {
        c.gpu_reason = n.error;
    } else {
        unsigned count = 0;
        if (n.count(&count) != 0 || count == 0) {
            c.gpu_reason = "NVML: no NVIDIA device";
        } else {
            double mj = 0;
            for (unsigned i = 0; i < count && c.gpu_reason.empty(); ++i) {
                Nvml::Device dev = nullptr;
                unsigned long long v = 0;
                if (n.handle(i, &dev) != 0 || n.energy(dev, &v) != 0)
                    c.gpu_reason = fmt::format("NVML: device {} reports no energy counter (pre-Volta?)", i);
                mj += double(v);
            }
            if (c.gpu_reason.empty()) c.gpu_mj = mj;
        }
    }
    return c;
}

EnergyReading EnergyMeter::stop() const {
    const Counters end = read();
    EnergyReading r;
    if (m_start.cpu_reason.empty() && end.cpu_reason.empty() && m_start.cpu_uj.size() == end.cpu_uj.size()) {
        double uj = 0;
        for (size_t i = 0; i < end.cpu_uj.size(); ++i) {
            double d = end.cpu_uj[i] - m_start.cpu_uj[i];
            if (d < 0) d += end.cpu_range_uj[i]; // the counter wrapped
            uj += d;
        }
        r.cpu_joules = uj * 1e-6;
    } else {
        r.cpu_reason = !end.cpu_reason.empty() ? end.cpu_reason : m_start.cpu_reason;
        if (r.cpu_reason.empty()) r.cpu_reason = "RAPL: the package domains changed during the run";
    }
    if (m_start.gpu_mj && end.gpu_mj) {
        r.gpu_joules = (*end.gpu_mj - *m_start.gpu_mj) * 1e-3;
    } else {
        r.gpu_reason = !end.gpu_reason.empty() ? end.gpu_reason : m_start.gpu_reason;
    }
    return r;
}

} // namespace moe
