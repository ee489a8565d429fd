#pragma once
// The device catalogue: what each accelerator or machine can move and
// compute, with the source of every figure. The built-in list is
// resources/devices.json, compiled in; a user's own file
// (~/.config/moe-workbench/devices.json) adds devices or overrides fields of
// built-in ones by name (a price per hour, say). Every entry is checked at
// load: units, ranges and a source, so a typo is an error naming the entry
// rather than a projection off by a factor of a thousand.
#include <optional>
#include <string>
#include <vector>

namespace moe {

struct DeviceSpec {
    std::string name; // "H100 SXM"
    std::string vendor;
    std::string kind; // datacenter, workstation, unified, cpu
    std::string generation; // "Hopper"
    int year = 0;
    std::string status; // shipping, announced
    double memory_gb = 0; // per device, 10^9 bytes
    double bandwidth_gb_s = 0; // memory read bandwidth, 10^9 bytes/s
    double bf16_tflops = 0; // dense tensor throughput; 0: not published
    double fp8_tflops = 0;
    double fp4_tflops = 0;
    double power_w = 0; // board power; 0: not published
    double price_per_hour = 0; // USD per device-hour; 0: none set
    std::string source; // URL the figures came from
    std::string source_date; // when it was read, YYYY-MM[-DD]
    std::string notes;
    std::string origin; // "built-in" or the user file's path

    bool announced() const { return status == "announced"; }
    // Dense throughput at "bf16", "fp8" or "fp4"; 0 when not published.
    double tflops(const std::string& precision) const;
};

// The built-in catalogue text (resources/devices.json).
const char* builtin_catalog_json();

// Parses and validates a catalogue file's text. `origin` names it in errors
// ("devices.json: device 3 (\"RTX 4090\"): 'bandwidth_gb_s' must be ...").
// Throws moe::Error.
std::vector<DeviceSpec> parse_catalog(const std::string& text, const std::string& origin);

// $XDG_CONFIG_HOME/moe-workbench/devices.json, else ~/.config/moe-workbench/devices.json.
std::string user_catalog_path();

// The built-in catalogue merged with the user file at `user_path` ("" for
// the default path; a missing file is no error). A user entry with a
// built-in device's name overrides the fields it gives; others are added.
// Throws moe::Error naming the file and the entry.
std::vector<DeviceSpec> load_catalog(const std::string& user_path = {});
// The same with the user file's text given (tests).
std::vector<DeviceSpec> merge_catalog(const std::string& user_text, const std::string& user_origin);

// Sets the price per hour of the catalogue's device `name` in the user file
// at `user_path` ("" for the default path), or with no price removes it (the
// catalogue's own applies again), keeping everything else the file holds; a
// device the file did not name gets an entry of its own. The price is checked
// as the catalogue checks it and the file as load_catalog reads it before it
// is written (whole, then renamed into place). Throws moe::Error.
void set_user_price(const std::string& user_path, const std::string& name, std::optional<double> price);

// The device called `name` (case-insensitive, or a unique prefix); throws
// moe::Error listing the names when there is none.
const DeviceSpec& find_device(const std::vector<DeviceSpec>& catalog, const std::string& name);

} // namespace moe
