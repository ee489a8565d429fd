#pragma once
// GGUF v2/v3 reader over a memory map, and a streaming writer.
//
// The reader treats the file as hostile input: every count, length, offset,
// dimension, type and alignment is checked against the bytes of the file
// before use, and any failure throws moe::GgufError naming what is wrong and
// where (byte offset, key or tensor name). Nothing is ever read past the map.
//
// Shapes use ggml order: ne[0] is the fastest-varying (row length), so a
// weight of PyTorch shape (out, in) is ne = [in, out].
#include "error.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace moe {

class GgufError : public Error {
public:
    using Error::Error;
};

enum class GgufValueType : uint32_t {
    UINT8 = 0,
    INT8 = 1,
    UINT16 = 2,
    INT16 = 3,
    UINT32 = 4,
    INT32 = 5,
    FLOAT32 = 6,
    BOOL = 7,
    STRING = 8,
    ARRAY = 9,
    UINT64 = 10,
    INT64 = 11,
    FLOAT64 = 12,
};
const char* gguf_value_type_name(GgufValueType t);

// One metadata key/value. Scalars are decoded; arrays stay in the map
// (arr_data points at the first element) and string arrays are indexed.
struct GgufKV {
    std::string key;
    GgufValueType type = GgufValueType::UINT32;
    // scalars (the field matching `type` is set; integers also fill both u and i when representable)
    uint64_t u = 0;
    int64_t i = 0;
    double f = 0.0;
    bool b = false;
    std::string_view str;
    // arrays
    GgufValueType arr_type = GgufValueType::UINT8;
    uint64_t arr_n = 0;
    const uint8_t* arr_data = nullptr; // numeric arrays: arr_n packed elements
    std::vector<std::string_view> arr_strings; // string arrays: views into the map
};

constexpr int GGUF_MAX_DIMS = 4;

struct GgufTensorInfo {
    std::string name;
    uint32_t n_dims = 0;
    int64_t ne[GGUF_MAX_DIMS] = { 1, 1, 1, 1 }; // ggml order, unused dims = 1
    uint32_t type = 0; // ggml type id (see quant/quant.h)
    uint64_t offset = 0; // relative to the data section
    uint64_t nbytes = 0;
    const uint8_t* data = nullptr; // into the map
    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
};

// The map is PROT_READ and MAP_PRIVATE over the whole file. Replacing the file
// by rename (as GgufWriter does) is safe: the old inode stays alive until
// unmapped. Truncating or rewriting the file in place while it is open is not:
// pages past the new end raise SIGBUS and rewritten pages may show new bytes.
class GgufFile {
public:
    // Maps and validates the whole header and tensor table. Throws GgufError.
    static GgufFile open(const std::string& path);
    // Same checks over a caller-owned buffer (tests, fuzzing). The buffer must outlive the object.
    static GgufFile from_memory(const uint8_t* data, size_t size, std::string label = "<memory>");

    GgufFile(GgufFile&&) noexcept;
    GgufFile& operator=(GgufFile&&) noexcept;
    GgufFile(const GgufFile&) = delete;
    GgufFile& operator=(const GgufFile&) = delete;
    ~GgufFile();

    const std::string& path() const { return m_path; }
    uint32_t version() const { return m_version; }
    uint64_t file_size() const { return m_size; }
    uint64_t alignment() const { return m_alignment; }
    uint64_t data_offset() const { return m_data_offset; } // start of the tensor data section

    const std::vector<GgufKV>& kvs() const { return m_kvs; }
    const std::vector<GgufTensorInfo>& tensors() const { return m_tensors; }
    const GgufKV* find(std::string_view key) const; // nullptr if absent
    const GgufTensorInfo* find_tensor(std::string_view name) const;

    // Typed getters: throw GgufError "missing key K" / "key K is TYPE, expected ..."
    // when absent or of an incompatible type. Integer getters accept any integer type whose value fits.
    uint64_t get_uint(std::string_view key) const;
    uint64_t get_uint(std::string_view key, uint64_t fallback) const;
    double get_float(std::string_view key) const; // any numeric type
    double get_float(std::string_view key, double fallback) const;
    bool get_bool(std::string_view key, bool fallback) const;
    std::string get_string(std::string_view key) const;
    std::string get_string(std::string_view key, std::string fallback) const;
    // Numeric array converted to doubles/int64; throws on a non-numeric array.
    std::vector<double> get_float_array(std::string_view key) const;
    std::vector<int64_t> get_int_array(std::string_view key) const;

private:
    GgufFile() = default;
    void parse();

    std::string m_path;
    const uint8_t* m_base = nullptr;
    uint64_t m_size = 0;
    void* m_map = nullptr; // non-null when we own an mmap
    uint32_t m_version = 0;
    uint64_t m_alignment = 32;
    uint64_t m_data_offset = 0;
    std::vector<GgufKV> m_kvs;
    std::vector<GgufTensorInfo> m_tensors;
    // indices sorted by key / name: lookups by binary search, duplicates found as neighbours
    std::vector<uint32_t> m_kv_order;
    std::vector<uint32_t> m_tensor_order;
};

// Streaming writer: metadata and tensor descriptions first, then write()
// emits the header and asks each tensor's fill callback for its bytes in
// order, so a multi-gigabyte model never has to be in memory at once.
class GgufWriter {
public:
    explicit GgufWriter(uint32_t version = 3, uint64_t alignment = 32);

    void set_uint32(const std::string& key, uint32_t v);
    void set_int32(const std::string& key, int32_t v);
    void set_uint64(const std::string& key, uint64_t v);
    void set_float32(const std::string& key, float v);
    void set_bool(const std::string& key, bool v);
    void set_string(const std::string& key, const std::string& v);
    void set_string_array(const std::string& key, const std::vector<std::string>& v);
    void set_float32_array(const std::string& key, const std::vector<float>& v);
    void set_int32_array(const std::string& key, const std::vector<int32_t>& v);

    // fill(dst) must write exactly row_size bytes (ggml_nbytes of the type and shape) into dst.
    using Fill = std::function<void(uint8_t* dst, size_t nbytes)>;
    void add_tensor(const std::string& name, uint32_t ggml_type, std::vector<int64_t> ne, Fill fill);

    // Writes to path + ".tmp" then renames, so a crash never leaves a half file under the real name.
    void write(const std::string& path) const;

    // For tests: the raw bytes of a file (tensors filled) in memory.
    std::vector<uint8_t> to_bytes() const;

private:
    struct KV {
        std::string key;
        GgufValueType type = GgufValueType::UINT32; // ARRAY for arrays
        GgufValueType arr_type = GgufValueType::UINT8;
        uint64_t arr_n = 0;
        std::vector<uint8_t> bytes; // scalar or packed numeric array, little-endian
        std::vector<std::string> strings; // the STRING scalar, or a string array
    };
    struct Tensor {
        std::string name;
        uint32_t type = 0;
        std::vector<int64_t> ne;
        uint64_t nbytes = 0;
        Fill fill;
    };
    KV& slot(const std::string& key); // replaces an existing key in place, as gguf_set_* does

    std::vector<KV> m_kvs;
    std::vector<Tensor> m_tensors;
    uint32_t m_version;
    uint64_t m_alignment;
    template <class Sink> void emit(Sink& sink) const;
};

} // namespace moe
