#include "gguf/gguf.h"

#include "quant/quant.h"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <sstream>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

// Every multi-byte field is copied out of the map as host bytes, which is only
// right on little-endian hosts (all we build for).
static_assert(std::endian::native == std::endian::little, "the GGUF reader assumes a little-endian host");

namespace moe {

namespace {

constexpr uint64_t k_default_alignment = 32;
constexpr uint64_t k_header_bytes = 4 + 4 + 8 + 8; // magic, version, tensor count, kv count
constexpr uint64_t k_min_kv_bytes = 8 + 4 + 1; // empty key, type, one-byte value
constexpr uint64_t k_min_tensor_info_bytes = 8 + 4 + 4 + 8; // empty name, n_dims, type, offset
constexpr const char* k_alignment_key = "general.alignment";

template <class... Args> std::string cat(const Args&... args) {
    std::ostringstream os;
    (os << ... << args);
    return os.str();
}

bool is_known_value_type(uint32_t t) {
    return t <= uint32_t(GgufValueType::FLOAT64);
}

// bytes of one packed element; 0 for STRING and ARRAY, which have no fixed size
uint64_t value_size(GgufValueType t) {
    switch (t) {
    case GgufValueType::UINT8:
    case GgufValueType::INT8:
    case GgufValueType::BOOL:
        return 1;
    case GgufValueType::UINT16:
    case GgufValueType::INT16:
        return 2;
    case GgufValueType::UINT32:
    case GgufValueType::INT32:
    case GgufValueType::FLOAT32:
        return 4;
    case GgufValueType::UINT64:
    case GgufValueType::INT64:
    case GgufValueType::FLOAT64:
        return 8;
    case GgufValueType::STRING:
    case GgufValueType::ARRAY:
        return 0;
    }
    return 0;
}

bool is_unsigned_int(GgufValueType t) {
    return t == GgufValueType::UINT8 || t == GgufValueType::UINT16 || t == GgufValueType::UINT32
        || t == GgufValueType::UINT64;
}

bool is_signed_int(GgufValueType t) {
    return t == GgufValueType::INT8 || t == GgufValueType::INT16 || t == GgufValueType::INT32
        || t == GgufValueType::INT64;
}

bool is_integer(GgufValueType t) {
    return is_unsigned_int(t) || is_signed_int(t);
}

bool is_float(GgufValueType t) {
    return t == GgufValueType::FLOAT32 || t == GgufValueType::FLOAT64;
}

template <class T> T load(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// One packed numeric element, widened. Exactly one of the integer views is
// meaningful when the value does not fit both (see GgufKV).
struct Number {
    uint64_t u = 0;
    int64_t i = 0;
    double f = 0.0;
    bool fits_u = false;
    bool fits_i = false;
};

Number decode_number(GgufValueType t, const uint8_t* p) {
    Number n;
    auto set_unsigned = [&n](uint64_t v) {
        n.u = v;
        n.fits_u = true;
        n.fits_i = v <= uint64_t(std::numeric_limits<int64_t>::max());
        if (n.fits_i) n.i = int64_t(v);
        n.f = double(v);
    };
    auto set_signed = [&n](int64_t v) {
        n.i = v;
        n.fits_i = true;
        n.fits_u = v >= 0;
        if (n.fits_u) n.u = uint64_t(v);
        n.f = double(v);
    };
    switch (t) {
    case GgufValueType::UINT8:
        set_unsigned(load<uint8_t>(p));
        break;
    case GgufValueType::UINT16:
        set_unsigned(load<uint16_t>(p));
        break;
    case GgufValueType::UINT32:
        set_unsigned(load<uint32_t>(p));
        break;
    case GgufValueType::UINT64:
        set_unsigned(load<uint64_t>(p));
        break;
    case GgufValueType::INT8:
        set_signed(load<int8_t>(p));
        break;
    case GgufValueType::INT16:
        set_signed(load<int16_t>(p));
        break;
    case GgufValueType::INT32:
        set_signed(load<int32_t>(p));
        break;
    case GgufValueType::INT64:
        set_signed(load<int64_t>(p));
        break;
    case GgufValueType::FLOAT32:
        n.f = load<float>(p);
        break;
    case GgufValueType::FLOAT64:
        n.f = load<double>(p);
        break;
    case GgufValueType::BOOL:
        set_unsigned(load<uint8_t>(p) != 0 ? 1 : 0);
        break;
    case GgufValueType::STRING:
    case GgufValueType::ARRAY:
        break;
    }
    return n;
}

// Bounds-checked reads over the mapped bytes. The key or tensor being read is
// remembered cheaply (kind, index, name view) and put into words only when a
// message needs it: large vocabularies and tensor tables parse on every load.
class Cursor {
public:
    Cursor(const uint8_t* base, uint64_t size, const std::string& label)
        : m_base(base)
        , m_size(size)
        , m_label(label) { }

    uint64_t pos() const { return m_pos; }
    uint64_t left() const { return m_size - m_pos; }

    void at_item(const char* kind, uint64_t index) {
        m_kind = kind;
        m_index = index;
        m_name = {};
    }
    void at_name(std::string_view name) { m_name = name; }
    std::string where() const {
        if (!m_name.empty()) return cat(m_kind, " ", m_name);
        return m_kind == std::string_view("the header") ? std::string(m_kind) : cat(m_kind, " #", m_index);
    }

    [[noreturn]] void fail(const std::string& msg) const { throw GgufError(m_label + ": " + msg); }

    const uint8_t* take(uint64_t n, const char* what) {
        if (n > left()) {
            fail(cat("truncated: ", what, " of ", where(), " at offset ", m_pos, " needs ", n, " bytes, only ", left(),
                " left"));
        }
        const uint8_t* p = m_base + m_pos;
        m_pos += n;
        return p;
    }

    uint32_t u32(const char* what) { return load<uint32_t>(take(4, what)); }
    uint64_t u64(const char* what) { return load<uint64_t>(take(8, what)); }
    int64_t i64(const char* what) { return load<int64_t>(take(8, what)); }

    std::string_view str(const char* what) {
        const uint64_t at = m_pos;
        const uint64_t len = u64(what);
        if (len > left()) {
            fail(cat("string length ", len, " of ", what, " of ", where(), " at offset ", at,
                " runs past the end of the file (", left(), " bytes left)"));
        }
        const uint8_t* p = take(len, what);
        return std::string_view(reinterpret_cast<const char*>(p), size_t(len));
    }

private:
    const uint8_t* m_base;
    uint64_t m_size;
    uint64_t m_pos = 0;
    const std::string& m_label;
    const char* m_kind = "the header";
    uint64_t m_index = 0;
    std::string_view m_name;
};

std::string shape_string(const int64_t* ne, uint32_t n_dims) {
    std::string s = "[";
    for (uint32_t j = 0; j < n_dims; ++j)
        s += cat(j ? ", " : "", ne[j]);
    return s + "]";
}

char printable(uint8_t c) {
    return c >= 0x20 && c < 0x7f ? char(c) : '.';
}

std::string magic_string(const uint8_t* p) {
    static const char* hex = "0123456789abcdef";
    std::string h, text;
    for (int k = 0; k < 4; ++k) {
        if (k) h += ' ';
        h += hex[p[k] >> 4];
        h += hex[p[k] & 15];
        text += printable(p[k]);
    }
    return h + " (\"" + text + "\")";
}

} // namespace

const char* gguf_value_type_name(GgufValueType t) {
    switch (t) {
    case GgufValueType::UINT8:
        return "UINT8";
    case GgufValueType::INT8:
        return "INT8";
    case GgufValueType::UINT16:
        return "UINT16";
    case GgufValueType::INT16:
        return "INT16";
    case GgufValueType::UINT32:
        return "UINT32";
    case GgufValueType::INT32:
        return "INT32";
    case GgufValueType::FLOAT32:
        return "FLOAT32";
    case GgufValueType::BOOL:
        return "BOOL";
    case GgufValueType::STRING:
        return "STRING";
    case GgufValueType::ARRAY:
        return "ARRAY";
    case GgufValueType::UINT64:
        return "UINT64";
    case GgufValueType::INT64:
        return "INT64";
    case GgufValueType::FLOAT64:
        return "FLOAT64";
    }
    return "unknown";
}

// ---------------------------------------------------------------------------
// GgufFile

GgufFile GgufFile::open(const std::string& path) {
    GgufFile f;
    f.m_path = path;
    // O_NONBLOCK: opening a FIFO by mistake must not hang; regular files ignore it
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) throw GgufError(cat("cannot open ", path, ": ", std::strerror(errno)));
    struct stat st { };
    if (fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw GgufError(cat("cannot stat ", path, ": ", std::strerror(e)));
    }
    if (S_ISDIR(st.st_mode)) {
        ::close(fd);
        throw GgufError(cat(path, ": is a directory, not a GGUF file"));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw GgufError(cat(path, ": not a regular file"));
    }
    f.m_size = uint64_t(st.st_size);
    // mmap refuses a zero length; parse() reports the short file in words
    if (f.m_size > 0) {
        void* p = mmap(nullptr, size_t(f.m_size), PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            const int e = errno;
            ::close(fd);
            throw GgufError(cat("cannot map ", path, " (", f.m_size, " bytes): ", std::strerror(e)));
        }
        f.m_map = p;
        f.m_base = static_cast<const uint8_t*>(p);
    }
    // the mapping keeps its own reference to the file
    ::close(fd);
    f.parse();
    return f;
}

GgufFile GgufFile::from_memory(const uint8_t* data, size_t size, std::string label) {
    GgufFile f;
    f.m_path = std::move(label);
    f.m_base = data;
    f.m_size = data ? size : 0;
    f.parse();
    return f;
}

GgufFile::GgufFile(GgufFile&& o) noexcept
    : m_path(std::move(o.m_path))
    , m_base(o.m_base)
    , m_size(o.m_size)
    , m_map(o.m_map)
    , m_version(o.m_version)
    , m_alignment(o.m_alignment)
    , m_data_offset(o.m_data_offset)
    , m_kvs(std::move(o.m_kvs))
    , m_tensors(std::move(o.m_tensors))
    , m_kv_order(std::move(o.m_kv_order))
    , m_tensor_order(std::move(o.m_tensor_order)) {
    o.m_base = nullptr;
    o.m_size = 0;
    o.m_map = nullptr;
}

GgufFile& GgufFile::operator=(GgufFile&& o) noexcept {
    if (this != &o) {
        if (m_map) munmap(m_map, size_t(m_size));
        m_path = std::move(o.m_path);
        m_base = o.m_base;
        m_size = o.m_size;
        m_map = o.m_map;
        m_version = o.m_version;
        m_alignment = o.m_alignment;
        m_data_offset = o.m_data_offset;
        m_kvs = std::move(o.m_kvs);
        m_tensors = std::move(o.m_tensors);
        m_kv_order = std::move(o.m_kv_order);
        m_tensor_order = std::move(o.m_tensor_order);
        o.m_base = nullptr;
        o.m_size = 0;
        o.m_map = nullptr;
    }
    return *this;
}

GgufFile::~GgufFile() {
    if (m_map) munmap(m_map, size_t(m_size));
}

void GgufFile::parse() {
    Cursor c(m_base, m_size, m_path);

    // header
    if (m_size < k_header_bytes) {
        c.fail(cat("not a GGUF file: ", m_size, " bytes (the GGUF header alone is ", k_header_bytes, ")"));
    }
    const uint8_t* magic = c.take(4, "magic");
    if (std::memcmp(magic, "GGUF", 4) != 0) {
        c.fail(cat("not a GGUF file: magic is ", magic_string(magic), ", expected 47 47 55 46 (\"GGUF\")"));
    }
    m_version = c.u32("version");
    if (m_version != 2 && m_version != 3) {
        // a byte-swapped small version reads as a huge number with zero low bits
        if (m_version != 0 && (m_version & 0xffff) == 0) {
            c.fail(cat("unsupported GGUF version ", m_version,
                ": this looks like a big-endian file, only "
                "little-endian GGUF versions 2 and 3 are supported"));
        }
        c.fail(cat("unsupported GGUF version ", m_version, " (supported: 2, 3)"));
    }
    const uint64_t n_tensors = c.u64("tensor count");
    const uint64_t n_kv = c.u64("kv count");

    // Counts are checked against the bytes that could hold them before any
    // container grows, so a hostile count fails here instead of in the allocator.
    // Nothing is reserved from the counts either: vectors grow only as entries
    // actually parse.
    const uint64_t rest = c.left();
    if (n_tensors > rest / k_min_tensor_info_bytes) {
        c.fail(cat("tensor count ", n_tensors, " is more than the ", rest,
            " bytes after the header could hold (a "
            "tensor info takes at least ",
            k_min_tensor_info_bytes, " bytes)"));
    }
    if (n_kv > rest / k_min_kv_bytes) {
        c.fail(cat("kv count ", n_kv, " is more than the ", rest,
            " bytes after the header could hold (a "
            "key/value pair takes at least ",
            k_min_kv_bytes, " bytes)"));
    }
    if (n_tensors * k_min_tensor_info_bytes + n_kv * k_min_kv_bytes > rest) {
        c.fail(cat("tensor count ", n_tensors, " and kv count ", n_kv, " need at least ",
            n_tensors * k_min_tensor_info_bytes + n_kv * k_min_kv_bytes, " bytes, only ", rest, " follow the header"));
    }

    // key/value pairs
    for (uint64_t i = 0; i < n_kv; ++i) {
        c.at_item("key", i);
        GgufKV kv;
        const std::string_view key = c.str("key name");
        kv.key = std::string(key);
        c.at_name(key);
        const uint64_t type_at = c.pos();
        const uint32_t type = c.u32("value type");
        if (!is_known_value_type(type)) {
            c.fail(cat("key ", kv.key, " has unknown value type ", type, " at offset ", type_at));
        }
        kv.type = GgufValueType(type);
        if (kv.type == GgufValueType::ARRAY) {
            const uint64_t elem_at = c.pos();
            const uint32_t elem = c.u32("array element type");
            if (!is_known_value_type(elem)) {
                c.fail(cat("key ", kv.key, " is an array of unknown value type ", elem, " at offset ", elem_at));
            }
            kv.arr_type = GgufValueType(elem);
            if (kv.arr_type == GgufValueType::ARRAY) {
                c.fail(cat("key ", kv.key, " is an array of arrays (offset ", elem_at, "), which is not supported"));
            }
            const uint64_t count_at = c.pos();
            kv.arr_n = c.u64("array count");
            if (kv.arr_type == GgufValueType::STRING) {
                // each string carries at least its 8-byte length
                if (kv.arr_n > c.left() / 8) {
                    c.fail(cat("key ", kv.key, ": array of ", kv.arr_n, " strings at offset ", count_at,
                        " runs past the end of the file (", c.left(), " bytes left)"));
                }
                for (uint64_t k = 0; k < kv.arr_n; ++k)
                    kv.arr_strings.push_back(c.str("array element"));
            } else {
                const uint64_t esize = value_size(kv.arr_type);
                if (kv.arr_n > std::numeric_limits<uint64_t>::max() / esize) {
                    c.fail(cat("key ", kv.key, ": array of ", kv.arr_n, " ", gguf_value_type_name(kv.arr_type),
                        " at offset ", count_at, ": size in bytes overflows 64 bits"));
                }
                if (kv.arr_n * esize > c.left()) {
                    c.fail(cat("key ", kv.key, ": array of ", kv.arr_n, " ", gguf_value_type_name(kv.arr_type), " (",
                        kv.arr_n * esize, " bytes) at offset ", count_at, " runs past the end of the file (", c.left(),
                        " bytes left)"));
                }
                kv.arr_data = c.take(kv.arr_n * esize, "array data");
            }
        } else if (kv.type == GgufValueType::STRING) {
            kv.str = c.str("string value");
        } else {
            const Number n = decode_number(kv.type, c.take(value_size(kv.type), "value"));
            kv.u = n.u;
            kv.i = n.i;
            kv.f = n.f;
            kv.b = kv.type == GgufValueType::BOOL && n.u != 0;
        }
        m_kvs.push_back(std::move(kv));
    }

    m_kv_order.resize(m_kvs.size());
    for (size_t k = 0; k < m_kvs.size(); ++k)
        m_kv_order[k] = uint32_t(k);
    std::sort(
        m_kv_order.begin(), m_kv_order.end(), [this](uint32_t a, uint32_t b) { return m_kvs[a].key < m_kvs[b].key; });
    for (size_t k = 1; k < m_kv_order.size(); ++k) {
        if (m_kvs[m_kv_order[k - 1]].key == m_kvs[m_kv_order[k]].key) {
            c.fail(cat("duplicate key ", m_kvs[m_kv_order[k]].key));
        }
    }

    m_alignment = k_default_alignment;
    if (const GgufKV* a = find(k_alignment_key)) {
        if (a->type != GgufValueType::UINT32) {
            c.fail(cat("key ", k_alignment_key, " is ", gguf_value_type_name(a->type), ", expected UINT32"));
        }
        if (a->u == 0 || (a->u & (a->u - 1)) != 0) {
            c.fail(cat("key ", k_alignment_key, " is ", a->u, ", expected a nonzero power of two"));
        }
        m_alignment = a->u;
    }

    // tensor infos
    for (uint64_t i = 0; i < n_tensors; ++i) {
        c.at_item("tensor", i);
        GgufTensorInfo t;
        const std::string_view name = c.str("tensor name");
        t.name = std::string(name);
        c.at_name(name);
        const uint64_t dims_at = c.pos();
        t.n_dims = c.u32("n_dims");
        if (t.n_dims == 0 || t.n_dims > uint32_t(GGUF_MAX_DIMS)) {
            c.fail(cat("tensor ", t.name, " has n_dims ", t.n_dims, " at offset ", dims_at, ", expected 1 to ",
                GGUF_MAX_DIMS));
        }
        for (uint32_t j = 0; j < t.n_dims; ++j) {
            const uint64_t at = c.pos();
            t.ne[j] = c.i64("dimension");
            if (t.ne[j] <= 0) {
                c.fail(cat(
                    "tensor ", t.name, " dimension ", j, " is ", t.ne[j], " at offset ", at, ", expected at least 1"));
            }
        }
        int64_t n_elements = 1;
        for (int j = 0; j < GGUF_MAX_DIMS; ++j) {
            if (__builtin_mul_overflow(n_elements, t.ne[j], &n_elements)) {
                c.fail(cat("tensor ", t.name, " of shape ", shape_string(t.ne, t.n_dims),
                    ": element count overflows 64 bits"));
            }
        }
        const uint64_t type_at = c.pos();
        t.type = c.u32("tensor type");
        const TypeTraits* tt = type_traits(t.type);
        if (!tt) c.fail(cat("tensor ", t.name, " has unknown type ", t.type, " at offset ", type_at));
        if (t.ne[0] % tt->block_size != 0) {
            c.fail(cat("tensor ", t.name, " of type ", tt->name, " has rows of ", t.ne[0],
                " elements, not a multiple of the block size ", tt->block_size));
        }
        uint64_t nbytes = 0;
        bool overflow = __builtin_mul_overflow(uint64_t(t.ne[0] / tt->block_size), uint64_t(tt->type_size), &nbytes);
        if (!overflow) nbytes = row_size(t.type, t.ne[0]);
        for (int j = 1; j < GGUF_MAX_DIMS && !overflow; ++j) {
            overflow = __builtin_mul_overflow(nbytes, uint64_t(t.ne[j]), &nbytes);
        }
        if (overflow) {
            c.fail(cat("tensor ", t.name, " of type ", tt->name, " and shape ", shape_string(t.ne, t.n_dims),
                ": size in bytes overflows 64 bits"));
        }
        t.nbytes = nbytes;
        t.offset = c.u64("tensor data offset");
        m_tensors.push_back(std::move(t));
    }

    m_tensor_order.resize(m_tensors.size());
    for (size_t k = 0; k < m_tensors.size(); ++k)
        m_tensor_order[k] = uint32_t(k);
    std::sort(m_tensor_order.begin(), m_tensor_order.end(),
        [this](uint32_t a, uint32_t b) { return m_tensors[a].name < m_tensors[b].name; });
    for (size_t k = 1; k < m_tensor_order.size(); ++k) {
        if (m_tensors[m_tensor_order[k - 1]].name == m_tensors[m_tensor_order[k]].name) {
            c.fail(cat("duplicate tensor name ", m_tensors[m_tensor_order[k]].name));
        }
    }

    // data section: starts at the end of the tensor infos padded to the alignment
    const uint64_t header_end = c.pos();
    m_data_offset = (header_end + m_alignment - 1) / m_alignment * m_alignment;
    if (m_data_offset > m_size) {
        // a file without tensors need not carry the padding
        if (!m_tensors.empty()) {
            c.fail(cat("truncated: the tensor data section starts at offset ", m_data_offset, " (end of header ",
                header_end, " padded to ", m_alignment, ") but the file is ", m_size, " bytes"));
        }
        m_data_offset = m_size;
    }
    const uint64_t data_bytes = m_size - m_data_offset;
    for (GgufTensorInfo& t : m_tensors) {
        if (t.offset % m_alignment != 0) {
            c.fail(cat(
                "tensor ", t.name, ": data offset ", t.offset, " is not a multiple of the alignment ", m_alignment));
        }
        if (t.offset > data_bytes || t.nbytes > data_bytes - t.offset) {
            c.fail(cat("tensor ", t.name, ": data (", t.nbytes, " bytes at data offset ", t.offset,
                ") runs past the end of the file (data section is ", data_bytes, " bytes from offset ", m_data_offset,
                ")"));
        }
        t.data = m_base + m_data_offset + t.offset;
    }

    // tensors are non-empty, so sorted by offset any overlap shows between neighbours
    std::vector<uint32_t> by_offset(m_tensors.size());
    for (size_t k = 0; k < m_tensors.size(); ++k)
        by_offset[k] = uint32_t(k);
    std::sort(by_offset.begin(), by_offset.end(),
        [this](uint32_t a, uint32_t b) { return m_tensors[a].offset < m_tensors[b].offset; });
    for (size_t k = 1; k < by_offset.size(); ++k) {
        const GgufTensorInfo& a = m_tensors[by_offset[k - 1]];
        const GgufTensorInfo& b = m_tensors[by_offset[k]];
        if (a.offset + a.nbytes > b.offset) {
            c.fail(cat("tensor ", b.name, " (data bytes ", b.offset, " to ", b.offset + b.nbytes, ") overlaps tensor ",
                a.name, " (data bytes ", a.offset, " to ", a.offset + a.nbytes, ")"));
        }
    }
}

const GgufKV* GgufFile::find(std::string_view key) const {
    auto it = std::lower_bound(
        m_kv_order.begin(), m_kv_order.end(), key, [this](uint32_t a, std::string_view k) { return m_kvs[a].key < k; });
    if (it == m_kv_order.end() || m_kvs[*it].key != key) return nullptr;
    return &m_kvs[*it];
}

const GgufTensorInfo* GgufFile::find_tensor(std::string_view name) const {
    auto it = std::lower_bound(m_tensor_order.begin(), m_tensor_order.end(), name,
        [this](uint32_t a, std::string_view k) { return m_tensors[a].name < k; });
    if (it == m_tensor_order.end() || m_tensors[*it].name != name) return nullptr;
    return &m_tensors[*it];
}

namespace {

[[noreturn]] void fail_key(const std::string& path, std::string_view key, const std::string& msg) {
    throw GgufError(cat(path, ": key ", key, " ", msg));
}

const GgufKV& require(const GgufFile& f, std::string_view key) {
    const GgufKV* kv = f.find(key);
    if (!kv) throw GgufError(cat(f.path(), ": missing key ", key));
    return *kv;
}

uint64_t as_uint(const GgufFile& f, const GgufKV& kv) {
    if (!is_integer(kv.type))
        fail_key(f.path(), kv.key, cat("is ", gguf_value_type_name(kv.type), ", expected an integer"));
    if (is_signed_int(kv.type) && kv.i < 0) {
        fail_key(f.path(), kv.key,
            cat("is ", gguf_value_type_name(kv.type), " ", kv.i, ", expected a non-negative integer"));
    }
    return kv.u;
}

double as_float(const GgufFile& f, const GgufKV& kv) {
    if (!is_integer(kv.type) && !is_float(kv.type)) {
        fail_key(f.path(), kv.key, cat("is ", gguf_value_type_name(kv.type), ", expected a number"));
    }
    return kv.f;
}

std::string type_description(const GgufKV& kv) {
    if (kv.type == GgufValueType::ARRAY) return cat("an array of ", gguf_value_type_name(kv.arr_type));
    return gguf_value_type_name(kv.type);
}

} // namespace

uint64_t GgufFile::get_uint(std::string_view key) const {
    return as_uint(*this, require(*this, key));
}

uint64_t GgufFile::get_uint(std::string_view key, uint64_t fallback) const {
    const GgufKV* kv = find(key);
    return kv ? as_uint(*this, *kv) : fallback;
}

double GgufFile::get_float(std::string_view key) const {
    return as_float(*this, require(*this, key));
}

double GgufFile::get_float(std::string_view key, double fallback) const {
    const GgufKV* kv = find(key);
    return kv ? as_float(*this, *kv) : fallback;
}

bool GgufFile::get_bool(std::string_view key, bool fallback) const {
    const GgufKV* kv = find(key);
    if (!kv) return fallback;
    if (kv->type != GgufValueType::BOOL) fail_key(m_path, key, cat("is ", type_description(*kv), ", expected BOOL"));
    return kv->b;
}

std::string GgufFile::get_string(std::string_view key) const {
    const GgufKV& kv = require(*this, key);
    if (kv.type != GgufValueType::STRING) fail_key(m_path, key, cat("is ", type_description(kv), ", expected STRING"));
    return std::string(kv.str);
}

std::string GgufFile::get_string(std::string_view key, std::string fallback) const {
    if (!find(key)) return fallback;
    return get_string(key);
}

std::vector<double> GgufFile::get_float_array(std::string_view key) const {
    const GgufKV& kv = require(*this, key);
    if (kv.type != GgufValueType::ARRAY || !(is_integer(kv.arr_type) || is_float(kv.arr_type))) {
        fail_key(m_path, key, cat("is ", type_description(kv), ", expected an array of numbers"));
    }
    const uint64_t esize = value_size(kv.arr_type);
    std::vector<double> out(size_t(kv.arr_n));
    for (uint64_t k = 0; k < kv.arr_n; ++k)
        out[k] = decode_number(kv.arr_type, kv.arr_data + k * esize).f;
    return out;
}

std::vector<int64_t> GgufFile::get_int_array(std::string_view key) const {
    const GgufKV& kv = require(*this, key);
    // bool arrays count as 0/1 integers: llama.cpp stores per-layer flags that way
    if (kv.type != GgufValueType::ARRAY || !(is_integer(kv.arr_type) || kv.arr_type == GgufValueType::BOOL)) {
        fail_key(m_path, key, cat("is ", type_description(kv), ", expected an array of integers"));
    }
    const uint64_t esize = value_size(kv.arr_type);
    std::vector<int64_t> out(size_t(kv.arr_n));
    for (uint64_t k = 0; k < kv.arr_n; ++k) {
        const Number n = decode_number(kv.arr_type, kv.arr_data + k * esize);
        if (!n.fits_i)
            fail_key(m_path, key, cat("element ", k, " is ", n.u, ", which does not fit a 64-bit signed integer"));
        out[k] = n.i;
    }
    return out;
}

// ---------------------------------------------------------------------------
// GgufWriter

GgufWriter::GgufWriter(uint32_t version, uint64_t alignment)
    : m_version(version)
    , m_alignment(alignment) {
    if (version != 2 && version != 3) throw Error(cat("cannot write GGUF version ", version, " (supported: 2, 3)"));
    if (alignment == 0 || (alignment & (alignment - 1)) != 0 || alignment > std::numeric_limits<uint32_t>::max()) {
        throw Error(cat("GGUF alignment ", alignment, " is not a power of two that fits 32 bits"));
    }
}

GgufWriter::KV& GgufWriter::slot(const std::string& key) {
    if (key.empty()) throw Error("GGUF keys cannot be empty");
    if (key == k_alignment_key) {
        throw Error(cat(k_alignment_key, " is set from the writer's alignment (set_uint32 or the constructor)"));
    }
    for (KV& kv : m_kvs) {
        if (kv.key == key) {
            kv = KV {};
            kv.key = key;
            return kv;
        }
    }
    m_kvs.push_back(KV {});
    m_kvs.back().key = key;
    return m_kvs.back();
}

namespace {

template <class T> void put_bytes(std::vector<uint8_t>& out, const T& v) {
    const auto* p = reinterpret_cast<const uint8_t*>(&v);
    out.insert(out.end(), p, p + sizeof v);
}

// A scalar value replaces whatever the key held before.
template <class KVT, class T> void set_scalar(KVT& kv, GgufValueType type, const T& v) {
    kv.type = type;
    kv.bytes.clear();
    put_bytes(kv.bytes, v);
}

} // namespace

void GgufWriter::set_uint32(const std::string& key, uint32_t v) {
    if (key == k_alignment_key) {
        if (v == 0 || (v & (v - 1)) != 0) throw Error(cat(k_alignment_key, " ", v, " is not a power of two"));
        m_alignment = v;
        return;
    }
    set_scalar(slot(key), GgufValueType::UINT32, v);
}

void GgufWriter::set_int32(const std::string& key, int32_t v) {
    set_scalar(slot(key), GgufValueType::INT32, v);
}

void GgufWriter::set_uint64(const std::string& key, uint64_t v) {
    set_scalar(slot(key), GgufValueType::UINT64, v);
}

void GgufWriter::set_float32(const std::string& key, float v) {
    set_scalar(slot(key), GgufValueType::FLOAT32, v);
}

void GgufWriter::set_bool(const std::string& key, bool v) {
    KV& kv = slot(key);
    kv.type = GgufValueType::BOOL;
    kv.bytes.push_back(v ? 1 : 0);
}

void GgufWriter::set_string(const std::string& key, const std::string& v) {
    KV& kv = slot(key);
    kv.type = GgufValueType::STRING;
    kv.strings.push_back(v);
}

void GgufWriter::set_string_array(const std::string& key, const std::vector<std::string>& v) {
    KV& kv = slot(key);
    kv.type = GgufValueType::ARRAY;
    kv.arr_type = GgufValueType::STRING;
    kv.arr_n = v.size();
    kv.strings = v;
}

void GgufWriter::set_float32_array(const std::string& key, const std::vector<float>& v) {
    KV& kv = slot(key);
    kv.type = GgufValueType::ARRAY;
    kv.arr_type = GgufValueType::FLOAT32;
    kv.arr_n = v.size();
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    kv.bytes.assign(p, p + v.size() * sizeof(float));
}

void GgufWriter::set_int32_array(const std::string& key, const std::vector<int32_t>& v) {
    KV& kv = slot(key);
    kv.type = GgufValueType::ARRAY;
    kv.arr_type = GgufValueType::INT32;
    kv.arr_n = v.size();
    const auto* p = reinterpret_cast<const uint8_t*>(v.data());
    kv.bytes.assign(p, p + v.size() * sizeof(int32_t));
}

void GgufWriter::add_tensor(const std::string& name, uint32_t ggml_type, std::vector<int64_t> ne, Fill fill) {
    // ggml keeps names in a 64-byte buffer; a longer name would not load in llama.cpp
    if (name.empty() || name.size() >= 64) {
        throw Error(cat("tensor name '", name, "' must be 1 to 63 bytes long"));
    }
    for (const Tensor& t : m_tensors) {
        if (t.name == name) throw Error(cat("duplicate tensor name ", name));
    }
    const TypeTraits* tt = type_traits(ggml_type);
    if (!tt) throw Error(cat("tensor ", name, " has unknown type ", ggml_type));
    if (ne.empty() || ne.size() > size_t(GGUF_MAX_DIMS)) {
        throw Error(cat("tensor ", name, " has ", ne.size(), " dimensions, expected 1 to ", GGUF_MAX_DIMS));
    }
    uint64_t nbytes = 0;
    for (size_t j = 0; j < ne.size(); ++j) {
        if (ne[j] <= 0) throw Error(cat("tensor ", name, " dimension ", j, " is ", ne[j], ", expected at least 1"));
    }
    if (ne[0] % tt->block_size != 0) {
        throw Error(cat("tensor ", name, " of type ", tt->name, " has rows of ", ne[0],
            " elements, not a multiple of the block size ", tt->block_size));
    }
    bool overflow = __builtin_mul_overflow(uint64_t(ne[0] / tt->block_size), uint64_t(tt->type_size), &nbytes);
    if (!overflow) nbytes = row_size(ggml_type, ne[0]);
    for (size_t j = 1; j < ne.size() && !overflow; ++j)
        overflow = __builtin_mul_overflow(nbytes, uint64_t(ne[j]), &nbytes);
    if (overflow || nbytes > std::numeric_limits<size_t>::max()) {
        throw Error(cat("tensor ", name, ": size in bytes overflows"));
    }
    m_tensors.push_back(Tensor { name, ggml_type, std::move(ne), nbytes, std::move(fill) });
}

template <class Sink> void GgufWriter::emit(Sink& sink) const {
    static const uint8_t zeros[256] = {};
    uint64_t written = 0;
    auto raw = [&](const void* p, size_t n) {
        if (n == 0) return;
        sink.write(p, n);
        written += n;
    };
    auto u32 = [&](uint32_t v) { raw(&v, 4); };
    auto u64 = [&](uint64_t v) { raw(&v, 8); };
    auto str = [&](const std::string& s) {
        u64(s.size());
        raw(s.data(), s.size());
    };
    auto pad_to = [&](uint64_t target) {
        while (written < target)
            raw(zeros, size_t(std::min<uint64_t>(sizeof zeros, target - written)));
    };
    auto padded = [&](uint64_t n) { return (n + m_alignment - 1) / m_alignment * m_alignment; };

    const bool write_alignment = m_alignment != k_default_alignment;
    raw("GGUF", 4);
    u32(m_version);
    u64(m_tensors.size());
    u64(m_kvs.size() + (write_alignment ? 1 : 0));

    if (write_alignment) {
        str(k_alignment_key);
        u32(uint32_t(GgufValueType::UINT32));
        u32(uint32_t(m_alignment));
    }
    for (const KV& kv : m_kvs) {
        str(kv.key);
        u32(uint32_t(kv.type));
        if (kv.type == GgufValueType::ARRAY) {
            u32(uint32_t(kv.arr_type));
            u64(kv.arr_n);
        }
        if (kv.type == GgufValueType::STRING || kv.arr_type == GgufValueType::STRING) {
            for (const std::string& s : kv.strings)
                str(s);
        } else {
            raw(kv.bytes.data(), kv.bytes.size());
        }
    }

    // tensors are laid out in the order added, each starting on the alignment
    std::vector<uint64_t> offsets(m_tensors.size());
    uint64_t data_size = 0;
    for (size_t k = 0; k < m_tensors.size(); ++k) {
        offsets[k] = data_size;
        data_size = padded(data_size + m_tensors[k].nbytes);
    }
    for (size_t k = 0; k < m_tensors.size(); ++k) {
        const Tensor& t = m_tensors[k];
        str(t.name);
        u32(uint32_t(t.ne.size()));
        for (int64_t d : t.ne)
            raw(&d, 8);
        u32(t.type);
        u64(offsets[k]);
    }
    pad_to(padded(written));

    const uint64_t data_start = written;
    std::vector<uint8_t> buf;
    for (size_t k = 0; k < m_tensors.size(); ++k) {
        const Tensor& t = m_tensors[k];
        pad_to(data_start + offsets[k]);
        if (buf.size() < t.nbytes) buf.resize(size_t(t.nbytes));
        // zeroed so a fill that skips bytes still gives a reproducible file
        std::memset(buf.data(), 0, size_t(t.nbytes));
        if (t.fill) t.fill(buf.data(), size_t(t.nbytes));
        raw(buf.data(), size_t(t.nbytes));
    }
    // trailing padding as ggml writes it: readers that load the data section
    // as one padded blob (gguf_init_from_file without no_alloc) expect it
    pad_to(data_start + data_size);
}

namespace {

struct VectorSink {
    std::vector<uint8_t>& out;
    void write(const void* p, size_t n) {
        const auto* b = static_cast<const uint8_t*>(p);
        out.insert(out.end(), b, b + n);
    }
};

struct FileSink {
    FILE* f;
    const std::string& path;
    void write(const void* p, size_t n) {
        if (std::fwrite(p, 1, n, f) != n) {
            const int e = errno;
            throw Error(cat("cannot write ", path, ": ", e ? std::strerror(e) : "write failed"));
        }
    }
};

} // namespace

std::vector<uint8_t> GgufWriter::to_bytes() const {
    std::vector<uint8_t> out;
    VectorSink sink { out };
    emit(sink);
    return out;
}

void GgufWriter::write(const std::string& path) const {
    const std::string tmp = path + ".tmp";
    FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) throw Error(cat("cannot create ", tmp, ": ", std::strerror(errno)));
    try {
        FileSink sink { f, tmp };
        emit(sink);
        errno = 0;
        if (std::fflush(f) != 0) throw Error(cat("cannot write ", tmp, ": ", std::strerror(errno)));
        // without fsync a crash after the rename can leave an empty file under the real name
        if (fsync(fileno(f)) != 0) throw Error(cat("cannot sync ", tmp, ": ", std::strerror(errno)));
    } catch (...) {
        std::fclose(f);
        std::remove(tmp.c_str());
        throw;
    }
    if (std::fclose(f) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw Error(cat("cannot write ", tmp, ": ", std::strerror(e)));
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        const int e = errno;
        std::remove(tmp.c_str());
        throw Error(cat("cannot rename ", tmp, " to ", path, ": ", std::strerror(e)));
    }
}

} // namespace moe
