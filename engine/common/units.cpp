#include "common/units.h"

#include <fmt/format.h>

namespace moe {

std::string format_bytes(double v) {
    constexpr double KiB = 1024.0, MiB = KiB * 1024.0, GiB = MiB * 1024.0, TiB = GiB * 1024.0;
    if (v >= TiB) return fmt::format("{:.2f} TiB", v / TiB);
    if (v >= GiB) return fmt::format("{:.2f} GiB", v / GiB);
    if (v >= MiB) return fmt::format("{:.1f} MiB", v / MiB);
    if (v >= KiB) return fmt::format("{:.1f} KiB", v / KiB);
    return fmt::format("{:.0f} B", v);
}

std::string format_count(double v) {
    if (v >= 1e9) return fmt::format("{:.1f} B", v / 1e9);
    if (v >= 1e6) return fmt::format("{:.1f} M", v / 1e6);
    if (v >= 1e3) return fmt::format("{:.1f} K", v / 1e3);
    return fmt::format("{:.0f}", v);
}

} // namespace moe
