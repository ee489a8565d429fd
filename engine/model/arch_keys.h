#pragma once
// The `<arch>.<name>` metadata keys of one model file, read the same way by
// every family's reader (engine/model/arch_*.cpp): counts bounded before
// anything is sized by them, every error naming the file.
#include "error.h"
#include "gguf/gguf.h"

#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <utility>

namespace moe {

class ArchKeys {
public:
    ArchKeys(const GgufFile& f, std::string arch)
        : m_f(f)
        , m_arch(std::move(arch)) { }

    std::string key(const char* suffix) const { return m_arch + "." + suffix; }

    // An unsigned count or size, `fallback` when the file has no such key;
    // above 2^30 is refused (no layer, expert or width count is that large).
    int32_t uint_or(const char* suffix, uint64_t fallback) const {
        const std::string k = key(suffix);
        const uint64_t v = m_f.find(k) ? m_f.get_uint(k) : fallback;
        if (v > (1u << 30)) throw Error(fmt::format("{}: {} = {} is out of range", m_f.path(), k, v));
        return int32_t(v);
    }

    [[noreturn]] void fail(const std::string& what) const { throw Error(fmt::format("{}: {}", m_f.path(), what)); }

private:
    const GgufFile& m_f;
    std::string m_arch;
};

} // namespace moe
