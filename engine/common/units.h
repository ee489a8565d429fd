#pragma once
// Numbers as a person reads them, the one formatter every layer uses
// (moe-cli, the run store's tables, the window): "1.25 GiB", "3.4 M".
#include <string>

namespace moe {

// Binary units: "512 B", "1.5 KiB", "706.2 MiB", "3.91 GiB".
std::string format_bytes(double bytes);
// Decimal units for counts: "950", "1.2 K", "3.4 M", "30.5 B".
std::string format_count(double n);

} // namespace moe
