#include "store/codec.h"

#include "error.h"

#include <fmt/format.h>
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <memory>

namespace moe {

namespace {

static_assert(std::endian::native == std::endian::little, "the store's blobs are little-endian byte copies");

// Blob header, then one zstd frame of the payload.
constexpr char k_magic[4] = { 'M', 'R', 'T', '1' };
constexpr uint8_t k_format = 1;
constexpr uint8_t k_flag_raw_ids = 1; // ids as given (id_bytes each, signed when 4)
constexpr uint8_t k_flag_f32_weights = 2; // weights as float32 as given
// 32 bytes of fields, then an XXH3-64 of them: zstd checks the payload, this the header
constexpr size_t k_header = 40;
// Set coding keeps one bit per expert: ids from 0 to 4095 (every MoE published so far has <= 512).
constexpr int32_t k_max_set_expert = 4096;

struct Header {
    uint8_t flags = 0;
    uint8_t id_bytes = 1;
    uint32_t n_tokens = 0;
    uint32_t n_layers = 0;
    uint32_t k = 0;
    float weight_scale = 1.0f;
    uint64_t payload = 0;
};

template <class T> void put(uint8_t* p, T v) {
    std::memcpy(p, &v, sizeof(T));
}
template <class T> T get(const uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return v;
}

[[noreturn]] void damaged(const std::string& what) {
    throw Error("damaged routing trace: " + what);
}

struct CCtxFree {
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

std::vector<uint8_t> zstd_compress(const uint8_t* src, size_t n, int level, size_t reserve_front) {
    std::unique_ptr<ZSTD_CCtx, CCtxFree> cctx(ZSTD_createCCtx());
    if (!cctx) throw Error("out of memory compressing a run");
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_compressionLevel, level);
    // the checksum turns a damaged page inside a blob into an error instead of wrong numbers
    ZSTD_CCtx_setParameter(cctx.get(), ZSTD_c_checksumFlag, 1);
    std::vector<uint8_t> out(reserve_front + ZSTD_compressBound(n));
    const size_t got = ZSTD_compress2(cctx.get(), out.data() + reserve_front, out.size() - reserve_front, src, n);
    if (ZSTD_isError(got)) throw Error(fmt::format("compressing a run failed: {}", ZSTD_getErrorName(got)));
    out.resize(reserve_front + got);
    return out;
}

// Decompresses one frame that must hold exactly `expected` bytes.
void zstd_decompress(const uint8_t* src, size_t n, uint8_t* dst, size_t expected, const char* what) {
    const unsigned long long content = ZSTD_getFrameContentSize(src, n);
    if (content == ZSTD_CONTENTSIZE_ERROR || content == ZSTD_CONTENTSIZE_UNKNOWN || content != expected) {
        throw Error(
            fmt::format("damaged {}: the compressed frame does not hold the expected {} bytes", what, expected));
    }
    const size_t got = ZSTD_decompress(dst, expected, src, n);
    if (ZSTD_isError(got)) throw Error(fmt::format("damaged {}: {}", what, ZSTD_getErrorName(got)));
    if (got != expected) throw Error(fmt::format("damaged {}: {} bytes instead of {}", what, got, expected));
}

// Sorts distinct integer keys in descending order. Top-8 is by far the most
// common routing, so it gets a branch-free sorting network (19
// compare-exchanges, Knuth's optimal one for 8 inputs).
void sort_keys_desc(int32_t* v, size_t n) {
    if (n != 8) {
        std::sort(v, v + n, std::greater<>());
        return;
    }
    // in registers: a loop over an index table stalls on store-to-load forwarding
    int32_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3], v4 = v[4], v5 = v[5], v6 = v[6], v7 = v[7];
    auto ce = [](int32_t& a, int32_t& b) {
        const int32_t hi = std::max(a, b), lo = std::min(a, b);
        a = hi;
        b = lo;
    };
    ce(v0, v2), ce(v1, v3), ce(v4, v6), ce(v5, v7);
    ce(v0, v4), ce(v1, v5), ce(v2, v6), ce(v3, v7);
    ce(v0, v1), ce(v2, v3), ce(v4, v5), ce(v6, v7);
    ce(v2, v4), ce(v3, v5);
    ce(v1, v4), ce(v3, v6);
    ce(v1, v2), ce(v3, v4), ce(v5, v6);
    v[0] = v0, v[1] = v1, v[2] = v2, v[3] = v3, v[4] = v4, v[5] = v5, v[6] = v6, v[7] = v7;
}

// One allocation for the whole trace instead of growing it token by token:
// on a 100,000-token trace the doublings touch twice the pages, and page
// faults are a good part of the read time. Used when RoutingTrace offers
// reserve(n_tokens, n_layers, k).
template <class Trace> void reserve_trace(Trace& t, size_t n_tokens, int n_layers, int k) {
    if constexpr (requires { t.reserve(n_tokens, n_layers, k); }) t.reserve(n_tokens, n_layers, k);
}

void put_id(uint8_t* p, int32_t id, int id_bytes) {
    if (id_bytes == 1) {
        *p = uint8_t(id);
    } else if (id_bytes == 2) {
        put<uint16_t>(p, uint16_t(id));
    } else {
        put<int32_t>(p, id);
    }
}

int32_t get_id(const uint8_t* p, int id_bytes) {
    if (id_bytes == 1) return *p;
    if (id_bytes == 2) return get<uint16_t>(p);
    return get<int32_t>(p);
}

} // namespace

// Payload layout (T tokens, L layers, K experts per token, M = ceil(K / 8)):
//   int32 token[T]; int32 pos_step[T] (pos[i] - pos[i-1] - 1: 0 for a plain run)
//   set coding: uint8 mask[L][T][M]; weights; new ids of layer 0, 1, ... (ascending per row)
//   raw:        weights; int32 ids[L][T][K] as given
//   weights:    uint8[L][T][K] (of weight_scale / 255), or float32[L][T][K] as given
// The variable-length part goes last so every other part sits at a fixed offset.
//
// Sets are handled as bitmaps of the experts (one bit per expert id), so
// "which previous experts stay" and "which are new" are ANDs and the rows
// come out in ascending id order without sorting: branch-free enough to code
// 100,000 tokens × 48 layers in a fraction of a second.
std::vector<uint8_t> encode_routing(const RoutingTrace& t, int zstd_level, TraceCodecStats* stats) {
    Header h;
    const size_t T = t.size();
    const size_t L = T ? size_t(t.n_layers()) : 0;
    const size_t K = T ? size_t(t.k()) : 0;
    if (T > UINT32_MAX) throw Error("a routing trace of more than 4 billion tokens cannot be stored");
    h.n_tokens = uint32_t(T);
    h.n_layers = uint32_t(L);
    h.k = uint32_t(K);
    const size_t cells = T * L * K;
    const int32_t* all_ids = cells ? t.ids(0, 0) : nullptr;
    const float* all_w = cells ? t.weights(0, 0) : nullptr;

    // what the trace allows: set coding needs ids in [0, 4096) (repeats are
    // found below), 8-bit weights need finite non-negative weights
    int32_t max_id = 0, min_id = 0;
    float max_w = 0.0f;
    bool w_ok = true;
    for (size_t i = 0; i < cells; ++i) {
        max_id = std::max(max_id, all_ids[i]);
        min_id = std::min(min_id, all_ids[i]);
        if (!std::isfinite(all_w[i]) || all_w[i] < 0.0f)
            w_ok = false;
        else
            max_w = std::max(max_w, all_w[i]);
    }
    bool ids_ok = min_id >= 0 && max_id < k_max_set_expert;
    h.weight_scale = max_w > 0.0f ? max_w : 1.0f;
    const size_t mb = (K + 7) / 8;
    const size_t w_size = cells * (w_ok ? 1 : 4);
    const float qs = 255.0f / h.weight_scale;

    std::vector<uint8_t> payload;
    size_t mask_size = 0, fresh_total = 0;
    // (re)lays out the payload for the chosen coding; tokens and positions first
    auto start_payload = [&](size_t masks, size_t max_ids_bytes) {
        mask_size = masks;
        payload.clear();
        payload.resize(T * 8 + mask_size + w_size + max_ids_bytes);
        for (size_t i = 0; i < T; ++i) {
            put<int32_t>(payload.data() + i * 4, t.token(i));
            const int32_t step = i == 0 ? t.pos(0) : int32_t(uint32_t(t.pos(i)) - uint32_t(t.pos(i - 1)) - 1u);
            put<int32_t>(payload.data() + T * 4 + i * 4, step);
        }
    };
    auto put_weight = [&](uint8_t* w_out, size_t at, float w) {
        if (w_ok) {
            w_out[at] = uint8_t(std::min(w * qs, 255.0f) + 0.5f);
        } else {
            put<float>(w_out + at * 4, w);
        }
    };

    if (ids_ok) {
        h.id_bytes = max_id < 256 ? 1 : 2;
        const size_t ib = h.id_bytes;
        const size_t W = size_t(max_id) / 64 + 1; // bitmap words per set
        start_payload(T * L * mb, 0);
        uint8_t* masks = payload.data() + T * 8;
        uint8_t* w_out = masks + mask_size;
        // new ids go to one buffer per layer (worst case: all new), joined after;
        // left uninitialised so only the pages written are ever touched
        std::unique_ptr<uint8_t[]> fresh(new uint8_t[std::max<size_t>(cells * ib, 1)]);
        std::vector<size_t> fresh_n(L, 0);
        std::vector<uint64_t> prev(L * W, 0), cur(W);
        std::vector<float> w_by_id(W * 64);
        for (size_t i = 0; i < T && ids_ok; ++i) {
            for (size_t l = 0; l < L; ++l) {
                const size_t row = i * L + l;
                std::fill(cur.begin(), cur.end(), 0);
                for (size_t j = 0; j < K; ++j) {
                    const uint32_t e = uint32_t(all_ids[row * K + j]);
                    cur[e >> 6] |= uint64_t(1) << (e & 63);
                    w_by_id[e] = all_w[row * K + j];
                }
                size_t n = 0;
                for (size_t x = 0; x < W; ++x)
                    n += size_t(std::popcount(cur[x]));
                if (n != K) {
                    ids_ok = false; // an expert twice in one row: not a set, store raw
                    break;
                }
                // mask bit a: the a-th (ascending) expert of the previous token stays
                uint64_t* pv = prev.data() + l * W;
                uint8_t* m = masks + (l * T + i) * mb;
                std::fill(m, m + mb, 0);
                size_t a = 0;
                for (size_t x = 0; x < W; ++x) {
                    for (uint64_t b = pv[x]; b; b &= b - 1, ++a) {
                        const int tz = std::countr_zero(b);
                        m[a >> 3] |= uint8_t(((cur[x] >> tz) & 1u) << (a & 7));
                    }
                }
                uint8_t* f = fresh.get() + (l * T * K + fresh_n[l]) * ib;
                size_t n_new = 0;
                const size_t wo = (l * T + i) * K;
                size_t j = 0;
                for (size_t x = 0; x < W; ++x) {
                    for (uint64_t b = cur[x] & ~pv[x]; b; b &= b - 1) {
                        put_id(f + (n_new++) * ib, int32_t(x * 64 + size_t(std::countr_zero(b))), int(ib));
                    }
                    for (uint64_t b = cur[x]; b; b &= b - 1) {
                        put_weight(w_out, wo + j++, w_by_id[x * 64 + size_t(std::countr_zero(b))]);
                    }
                    pv[x] = cur[x];
                }
                fresh_n[l] += n_new;
            }
        }
        if (ids_ok) {
            for (size_t l = 0; l < L; ++l)
                fresh_total += fresh_n[l];
            const size_t at = payload.size();
            payload.resize(at + fresh_total * ib);
            size_t off = at;
            for (size_t l = 0; l < L; ++l) {
                std::memcpy(payload.data() + off, fresh.get() + l * T * K * ib, fresh_n[l] * ib);
                off += fresh_n[l] * ib;
            }
        }
    }
    if (!ids_ok) {
        h.flags |= k_flag_raw_ids;
        h.id_bytes = 4;
        start_payload(0, cells * 4);
        uint8_t* w_out = payload.data() + T * 8;
        uint8_t* ids_out = w_out + w_size;
        for (size_t i = 0; i < T; ++i) {
            for (size_t l = 0; l < L; ++l) {
                const size_t src = (i * L + l) * K, dst = (l * T + i) * K;
                for (size_t j = 0; j < K; ++j) {
                    put<int32_t>(ids_out + (dst + j) * 4, all_ids[src + j]);
                    put_weight(w_out, dst + j, all_w[src + j]);
                }
            }
        }
        fresh_total = cells;
    }
    if (!w_ok) h.flags |= k_flag_f32_weights;
    h.payload = payload.size();

    std::vector<uint8_t> out = zstd_compress(payload.data(), payload.size(), zstd_level, k_header);
    uint8_t* p = out.data();
    std::memcpy(p, k_magic, 4);
    p[4] = k_format;
    p[5] = h.flags;
    p[6] = h.id_bytes;
    p[7] = 0;
    put<uint32_t>(p + 8, h.n_tokens);
    put<uint32_t>(p + 12, h.n_layers);
    put<uint32_t>(p + 16, h.k);
    put<float>(p + 20, h.weight_scale);
    put<uint64_t>(p + 24, h.payload);
    put<uint64_t>(p + 32, uint64_t(XXH3_64bits(p, 32)));
    if (stats) {
        stats->raw_bytes = payload.size();
        stats->compressed_bytes = out.size();
        stats->id_bytes = mask_size + fresh_total * h.id_bytes;
        stats->weight_bytes = w_size;
    }
    return out;
}

RoutingTrace decode_routing(const uint8_t* data, size_t size) {
    RoutingTrace t;
    if (size < k_header) damaged(fmt::format("{} bytes, shorter than its header", size));
    if (std::memcmp(data, k_magic, 4) != 0) damaged("wrong magic");
    if (get<uint64_t>(data + 32) != uint64_t(XXH3_64bits(data, 32))) damaged("header checksum mismatch");
    if (data[4] != k_format) damaged(fmt::format("format {} is not known to this build", int(data[4])));
    Header h;
    h.flags = data[5];
    h.id_bytes = data[6];
    h.n_tokens = get<uint32_t>(data + 8);
    h.n_layers = get<uint32_t>(data + 12);
    h.k = get<uint32_t>(data + 16);
    h.weight_scale = get<float>(data + 20);
    h.payload = get<uint64_t>(data + 24);
    const bool raw_ids = h.flags & k_flag_raw_ids;
    const bool f32_w = h.flags & k_flag_f32_weights;
    if (h.flags & ~(k_flag_raw_ids | k_flag_f32_weights)) damaged("unknown flags");
    if (raw_ids ? h.id_bytes != 4 : (h.id_bytes != 1 && h.id_bytes != 2)) damaged("bad id width");
    if (h.n_tokens == 0) return t;
    if (h.n_layers == 0 || h.k == 0 || h.n_layers > 100000 || h.k > uint32_t(k_max_set_expert)) damaged("bad shape");
    if (!std::isfinite(h.weight_scale) || h.weight_scale <= 0.0f) damaged("bad weight scale");
    const size_t T = h.n_tokens, L = h.n_layers, K = h.k, ib = h.id_bytes;
    const size_t cells = T * L * K;
    const size_t mb = (K + 7) / 8;
    const size_t mask_size = raw_ids ? 0 : T * L * mb;
    const size_t w_size = cells * (f32_w ? 4 : 1);
    // bound the payload by what the shape allows before allocating it
    const size_t fixed = T * 8 + mask_size + w_size;
    if (h.payload < fixed || h.payload > fixed + cells * ib) damaged("payload size does not fit its shape");
    std::unique_ptr<uint8_t[]> payload(new uint8_t[h.payload]);
    zstd_decompress(data + k_header, size - k_header, payload.get(), h.payload, "routing trace");
    const uint8_t* tokens_in = payload.get();
    const uint8_t* steps_in = tokens_in + T * 4;
    const uint8_t* masks = steps_in + T * 4;
    const uint8_t* w_in = masks + mask_size;
    const uint8_t* ids_in = w_in + w_size;
    const uint8_t* ids_end = payload.get() + h.payload;
    const float dq = h.weight_scale / 255.0f;

    // where each layer's new ids start: count them from the masks first, so
    // the rows can then be rebuilt token by token straight into frames
    const size_t W = ib == 1 ? 4 : size_t(k_max_set_expert) / 64;
    std::vector<const uint8_t*> cursor(L);
    if (raw_ids) {
        if (size_t(ids_end - ids_in) != cells * 4) damaged("expert ids do not fit the shape");
    } else {
        const uint8_t* at = ids_in;
        for (size_t l = 0; l < L; ++l) {
            cursor[l] = at;
            size_t kept = 0;
            const uint8_t* m = masks + l * T * mb;
            for (size_t i = 0; i < T * mb; ++i)
                kept += size_t(std::popcount(unsigned(m[i])));
            if (kept > T * K || size_t(ids_end - at) < (T * K - kept) * ib) damaged("expert ids end early");
            at += (T * K - kept) * ib;
        }
        if (at != ids_end) damaged("expert ids left over");
    }

    reserve_trace(t, T, int(L), int(K));
    std::vector<int32_t> ids(L * K), row_ids(K), key(K);
    std::vector<float> w(L * K), row_w(K);
    std::vector<uint64_t> prev(raw_ids ? 0 : L * W, 0), cur(W);
    RoutingFrame f;
    f.n_layers = int(L);
    f.k = int(K);
    f.ids = ids.data();
    f.weights = w.data();
    int32_t pos = 0;
    for (size_t i = 0; i < T; ++i) {
        for (size_t l = 0; l < L; ++l) {
            const size_t src = (l * T + i) * K;
            for (size_t j = 0; j < K; ++j)
                row_w[j] = f32_w ? get<float>(w_in + (src + j) * 4) : float(w_in[src + j]) * dq;
            if (raw_ids) {
                for (size_t j = 0; j < K; ++j)
                    ids[l * K + j] = get<int32_t>(ids_in + (src + j) * 4);
                std::memcpy(w.data() + l * K, row_w.data(), K * sizeof(float));
                continue;
            }
            const uint8_t* m = masks + (l * T + i) * mb;
            uint64_t* pv = prev.data() + l * W;
            std::fill(cur.begin(), cur.end(), 0);
            size_t a = 0, n_keep = 0;
            for (size_t x = 0; x < W; ++x) {
                for (uint64_t b = pv[x]; b; b &= b - 1, ++a) {
                    const uint64_t keep = (m[a >> 3] >> (a & 7)) & 1u;
                    cur[x] |= keep << std::countr_zero(b);
                    n_keep += keep;
                }
            }
            if (i == 0) {
                for (size_t x = 0; x < mb; ++x) {
                    if (m[x]) damaged("first token keeps experts it has no predecessor for");
                }
            }
            if (n_keep > K) damaged("more experts kept than a token has");
            const size_t n_new = K - n_keep;
            const uint8_t* fresh = cursor[l];
            for (size_t b = 0; b < n_new; ++b) {
                const uint32_t e = uint32_t(get_id(fresh + b * ib, int(ib)));
                if (e >= W * 64 || ((cur[e >> 6] >> (e & 63)) & 1u)) damaged("an expert id repeats in one token");
                cur[e >> 6] |= uint64_t(1) << (e & 63);
            }
            cursor[l] = fresh + n_new * ib;
            size_t j = 0;
            for (size_t x = 0; x < W; ++x) {
                for (uint64_t b = cur[x]; b; b &= b - 1)
                    row_ids[j++] = int32_t(x * 64 + size_t(std::countr_zero(b)));
                pv[x] = cur[x];
            }
            // back to the backend's order: descending weight, lower id first
            // among equals; ranks by counting instead of a branchy sort
            int32_t* out_ids = ids.data() + l * K;
            float* out_w = w.data() + l * K;
            if (!f32_w) {
                // one integer key per expert: 8-bit weight above, inverted id
                // below; sorted keys give both the order and the values back
                for (size_t r = 0; r < K; ++r)
                    key[r] = int32_t(uint32_t(w_in[src + r]) << 16 | (0xFFFFu - uint32_t(row_ids[r])));
                sort_keys_desc(key.data(), K);
                for (size_t r = 0; r < K; ++r) {
                    out_ids[r] = int32_t(0xFFFFu - (uint32_t(key[r]) & 0xFFFFu));
                    out_w[r] = float(uint32_t(key[r]) >> 16) * dq;
                }
            } else {
                for (size_t r = 0; r < K; ++r) {
                    size_t rank = 0;
                    for (size_t q = 0; q < K; ++q) {
                        rank += size_t(row_w[q] > row_w[r]) + size_t(row_w[q] == row_w[r] && q < r);
                    }
                    out_ids[rank] = row_ids[r];
                    out_w[rank] = row_w[r];
                }
            }
        }
        const int32_t step = get<int32_t>(steps_in + i * 4);
        pos = i == 0 ? step : int32_t(uint32_t(pos) + uint32_t(step) + 1u);
        f.pos = pos;
        f.token = get<int32_t>(tokens_in + i * 4);
        t.on_routing(f);
    }
    return t;
}

namespace {

template <class T> std::vector<uint8_t> pack(const std::vector<T>& v) {
    if (v.empty()) return {};
    return zstd_compress(reinterpret_cast<const uint8_t*>(v.data()), v.size() * sizeof(T), 3, 0);
}

template <class T> std::vector<T> unpack(const uint8_t* data, size_t size, const char* what) {
    if (size == 0) return {};
    const unsigned long long n = ZSTD_getFrameContentSize(data, size);
    if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n % sizeof(T) != 0 || n > (uint64_t(1) << 34)) {
        throw Error(fmt::format("damaged {}: not a compressed array", what));
    }
    std::vector<T> v(size_t(n) / sizeof(T));
    zstd_decompress(data, size, reinterpret_cast<uint8_t*>(v.data()), size_t(n), what);
    return v;
}

} // namespace

std::vector<uint8_t> pack_i32(const std::vector<int32_t>& v) {
    return pack(v);
}
std::vector<int32_t> unpack_i32(const uint8_t* data, size_t size) {
    return unpack<int32_t>(data, size, "token ids");
}
std::vector<uint8_t> pack_f64(const std::vector<double>& v) {
    return pack(v);
}
std::vector<double> unpack_f64(const uint8_t* data, size_t size) {
    return unpack<double>(data, size, "timings");
}

} // namespace moe
