#include "whatif/catalog.h"

#include "error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

namespace moe {

using json = nlohmann::json;

double DeviceSpec::tflops(const std::string& precision) const {
    if (precision == "bf16") return bf16_tflops;
    if (precision == "fp8") return fp8_tflops;
    if (precision == "fp4") return fp4_tflops;
    throw Error(fmt::format("unknown precision '{}' (bf16, fp8 or fp4)", precision));
}

namespace {

struct NumberField {
    const char* key;
    double DeviceSpec::*member;
    double lo; // exclusive when lo_open
    bool lo_open;
    double hi;
    const char* unit;
};

// Ranges wide enough for any real device and narrow enough to catch a unit
// slip (TB/s typed as GB/s, MB as GB, PFLOPS as TFLOPS).
constexpr NumberField k_numbers[] = {
    { "memory_gb", &DeviceSpec::memory_gb, 0, true, 100000, "GB" },
    { "bandwidth_gb_s", &DeviceSpec::bandwidth_gb_s, 1, false, 200000, "GB/s" },
    { "bf16_tflops", &DeviceSpec::bf16_tflops, 0, false, 100000, "TFLOPS" },
    { "fp8_tflops", &DeviceSpec::fp8_tflops, 0, false, 200000, "TFLOPS" },
    { "fp4_tflops", &DeviceSpec::fp4_tflops, 0, false, 400000, "TFLOPS" },
    { "power_w", &DeviceSpec::power_w, 0, false, 20000, "W" },
    { "price_per_hour", &DeviceSpec::price_per_hour, 0, false, 1000, "USD per hour" },
};

struct TextField {
    const char* key;
    std::string DeviceSpec::*member;
};

constexpr TextField k_texts[] = {
    { "name", &DeviceSpec::name },
    { "vendor", &DeviceSpec::vendor },
    { "kind", &DeviceSpec::kind },
    { "generation", &DeviceSpec::generation },
    { "status", &DeviceSpec::status },
    { "source", &DeviceSpec::source },
    { "source_date", &DeviceSpec::source_date },
    { "notes", &DeviceSpec::notes },
};

std::string entry_label(const std::string& origin, size_t index, const std::string& name) {
    return name.empty() ? fmt::format("{}: device {}", origin, index + 1)
                        : fmt::format("{}: device {} (\"{}\")", origin, index + 1, name);
}

// Reads the fields `e` has into `d` (types only; ranges come in validate()).
void read_fields(const json& e, DeviceSpec& d, const std::string& where) {
    if (!e.is_object()) throw Error(fmt::format("{}: is not an object", where));
    for (const auto& [key, value] : e.items()) {
        bool known = false;
        for (const TextField& f : k_texts) {
            if (key != f.key) continue;
            if (!value.is_string()) throw Error(fmt::format("{}: '{}' must be text", where, key));
            d.*f.member = value.get<std::string>();
            known = true;
        }
        for (const NumberField& f : k_numbers) {
            if (key != f.key) continue;
            if (!value.is_number()) throw Error(fmt::format("{}: '{}' must be a number ({})", where, key, f.unit));
            d.*f.member = value.get<double>();
            known = true;
        }
        if (key == "year") {
            if (!value.is_number_integer()) throw Error(fmt::format("{}: 'year' must be a whole number", where));
            d.year = value.get<int>();
            known = true;
        }
        if (!known) {
            throw Error(fmt::format("{}: unknown field '{}' (a typo? the fields are name, vendor, kind, generation, "
                                    "year, status, memory_gb, bandwidth_gb_s, bf16_tflops, fp8_tflops, fp4_tflops, "
                                    "power_w, price_per_hour, source, source_date, notes)",
                where, key));
        }
    }
}

void validate(const DeviceSpec& d, const std::string& where) {
    if (d.name.empty()) throw Error(fmt::format("{}: has no 'name'", where));
    static const char* kinds[] = { "datacenter", "workstation", "unified", "cpu" };
    if (std::find(std::begin(kinds), std::end(kinds), d.kind) == std::end(kinds))
        throw Error(fmt::format("{}: 'kind' must be datacenter, workstation, unified or cpu, not '{}'", where, d.kind));
    if (d.status != "shipping" && d.status != "announced")
        throw Error(fmt::format("{}: 'status' must be shipping or announced, not '{}'", where, d.status));
    if (d.year < 1990 || d.year > 2100)
        throw Error(fmt::format("{}: 'year' must be between 1990 and 2100, not {}", where, d.year));
    for (const NumberField& f : k_numbers) {
        const double v = d.*f.member;
        const bool low = f.lo_open ? !(v > f.lo) : !(v >= f.lo);
        if (!std::isfinite(v) || low || v > f.hi) {
            throw Error(fmt::format("{}: '{}' must be {} {} and at most {} {}, not {}", where, f.key,
                f.lo_open ? "above" : "at least", f.lo, f.hi, f.unit, v));
        }
    }
    if (d.source.rfind("https://", 0) != 0 && d.source.rfind("http://", 0) != 0)
        throw Error(fmt::format("{}: 'source' must be the URL the figures came from, not '{}'", where, d.source));
    static const std::regex date(R"(\d{4}-\d{2}(-\d{2})?)");
    if (!std::regex_match(d.source_date, date))
        throw Error(
            fmt::format("{}: 'source_date' must be the date the source was read (YYYY-MM or YYYY-MM-DD), not '{}'",
                where, d.source_date));
}

std::string lower(std::string s) {
    for (char& c : s)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

const json& devices_of(const json& root, const std::string& origin) {
    if (!root.is_object() || !root.contains("devices") || !root["devices"].is_array())
        throw Error(fmt::format("{}: expected an object with a 'devices' list", origin));
    return root["devices"];
}

json parse_text(const std::string& text, const std::string& origin) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        throw Error(fmt::format("{}: not valid JSON: {}", origin, e.what()));
    }
}

} // namespace

std::vector<DeviceSpec> parse_catalog(const std::string& text, const std::string& origin) {
    const json root = parse_text(text, origin);
    std::vector<DeviceSpec> out;
    std::map<std::string, size_t> seen;
    const json& list = devices_of(root, origin);
    for (size_t i = 0; i < list.size(); ++i) {
        DeviceSpec d;
        const std::string name = list[i].is_object() && list[i].contains("name") && list[i]["name"].is_string()
            ? list[i]["name"].get<std::string>()
            : std::string();
        const std::string where = entry_label(origin, i, name);
        read_fields(list[i], d, where);
        validate(d, where);
        if (!seen.emplace(lower(d.name), i).second)
            throw Error(fmt::format("{}: a second device named \"{}\"", where, d.name));
        d.origin = origin;
        out.push_back(std::move(d));
    }
    return out;
}

std::string user_catalog_path() {
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) return std::string(x) + "/moe-workbench/devices.json";
    const char* home = std::getenv("HOME");
    return std::string(home ? home : ".") + "/.config/moe-workbench/devices.json";
}

std::vector<DeviceSpec> merge_catalog(const std::string& user_text, const std::string& user_origin) {
    std::vector<DeviceSpec> cat = parse_catalog(builtin_catalog_json(), "built-in devices.json");
    for (DeviceSpec& d : cat)
        d.origin = "built-in";
    if (user_text.empty()) return cat;
    const json root = parse_text(user_text, user_origin);
    const json& list = devices_of(root, user_origin);
    std::map<std::string, size_t> seen;
    for (size_t i = 0; i < list.size(); ++i) {
        const std::string name = list[i].is_object() && list[i].contains("name") && list[i]["name"].is_string()
            ? list[i]["name"].get<std::string>()
            : std::string();
        const std::string where = entry_label(user_origin, i, name);
        if (name.empty()) throw Error(fmt::format("{}: has no 'name'", where));
        if (!seen.emplace(lower(name), i).second)
            throw Error(fmt::format("{}: a second device named \"{}\"", where, name));
        auto it
            = std::find_if(cat.begin(), cat.end(), [&](const DeviceSpec& d) { return lower(d.name) == lower(name); });
        DeviceSpec d = it != cat.end() ? *it : DeviceSpec {};
        read_fields(list[i], d, where);
        if (it != cat.end()) d.name = it->name; // keep the catalogue's spelling
        validate(d, where);
        d.origin = user_origin;
        if (it != cat.end())
            *it = std::move(d);
        else
            cat.push_back(std::move(d));
    }
    return cat;
}

std::vector<DeviceSpec> load_catalog(const std::string& user_path) {
    const std::string path = user_path.empty() ? user_catalog_path() : user_path;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        if (!user_path.empty()) throw Error(fmt::format("cannot read the device file {}", path));
        return merge_catalog({}, path);
    }
    std::ostringstream ss;
    ss << f.rdbuf();
    return merge_catalog(ss.str(), path);
}

void set_user_price(const std::string& user_path, const std::string& name, std::optional<double> price) {
    const std::string path = user_path.empty() ? user_catalog_path() : user_path;
    if (price && (!std::isfinite(*price) || *price < 0 || *price > 1000))
        throw Error(
            fmt::format("the price of {} must be at least 0 and at most 1000 USD per hour, not {}", name, *price));
    nlohmann::ordered_json root = { { "devices", nlohmann::ordered_json::array() } };
    if (std::ifstream f(path, std::ios::binary); f) {
        std::ostringstream ss;
        ss << f.rdbuf();
        try {
            root = nlohmann::ordered_json::parse(ss.str());
        } catch (const json::parse_error& e) {
            throw Error(fmt::format("{}: not valid JSON: {}", path, e.what()));
        }
        if (!root.is_object() || !root.contains("devices") || !root["devices"].is_array())
            throw Error(fmt::format("{}: expected an object with a 'devices' list", path));
    }
    auto& list = root["devices"];
    auto it = std::find_if(list.begin(), list.end(), [&](const nlohmann::ordered_json& e) {
        return e.is_object() && e.contains("name") && e["name"].is_string()
            && lower(e["name"].get<std::string>()) == lower(name);
    });
    if (price) {
        if (it == list.end()) {
            list.push_back({ { "name", name } });
            it = list.end() - 1;
        }
        (*it)["price_per_hour"] = *price;
    } else if (it != list.end()) {
        it->erase("price_per_hour");
        if (it->size() == 1) list.erase(it); // only the name was left
    }
    const std::string text = root.dump(2) + "\n";
    merge_catalog(text, path); // the file as it will be must load
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) throw Error(fmt::format("cannot write the device file {}", tmp));
    }
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw Error(fmt::format("cannot write the device file {}: {}", path, ec.message()));
}

const DeviceSpec& find_device(const std::vector<DeviceSpec>& catalog, const std::string& name) {
    const std::string want = lower(name);
    const DeviceSpec* prefix = nullptr;
    int n_prefix = 0;
    for (const DeviceSpec& d : catalog) {
        const std::string n = lower(d.name);
        if (n == want) return d;
        if (n.rfind(want, 0) == 0) {
            prefix = &d;
            ++n_prefix;
        }
    }
    if (n_prefix == 1) return *prefix;
    std::string names;
    for (const DeviceSpec& d : catalog)
        names += (names.empty() ? "" : ", ") + d.name;
    throw Error(fmt::format(
        "{} device '{}' in the catalogue; the devices are: {}", n_prefix > 1 ? "more than one" : "no", name, names));
}

} // namespace moe
