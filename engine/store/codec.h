#pragma once
// Compact blobs for the run store: the routing trace and plain arrays.
//
// A routing trace of a long run is the bulk of a run (48 layers × top-8 is
// 384 (expert, weight) pairs per token, 3 KiB as int32 + float), so it is
// packed before zstd sees it:
//  - columnar by layer: one layer's routing over time has its own expert
//    popularity, so zstd's entropy tables fit it;
//  - each token's top-k as a SET coded against the previous token of the
//    same layer: a bit mask of which previous experts stay, then only the new
//    expert ids (1 byte when E <= 256), ascending;
//  - gate weights in the set's id order, quantized to 8 bits of the trace's
//    largest weight (absolute error <= max / 510).
// On decode each row is put back in descending gate order (ties: lower id
// first), which is the order the backend reports. Traces the set coding
// cannot hold exactly (repeated or negative ids, negative or non-finite
// weights) are stored raw instead, so every trace round-trips.
#include "telemetry/routing.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace moe {

struct TraceCodecStats {
    size_t raw_bytes = 0; // packed payload before zstd
    size_t compressed_bytes = 0; // the whole blob
    size_t id_bytes = 0; // payload share of expert ids (masks + new ids), before zstd
    size_t weight_bytes = 0; // payload share of gate weights, before zstd
};

// zstd_level: 1 (fast) .. 19; 3 is zstd's default.
std::vector<uint8_t> encode_routing(const RoutingTrace& trace, int zstd_level = 3, TraceCodecStats* stats = nullptr);
// Throws moe::Error("damaged routing trace: ...") when the blob does not decode.
RoutingTrace decode_routing(const uint8_t* data, size_t size);

// zstd frames of little-endian arrays (with a content checksum, so damage is
// detected rather than returned as numbers). Empty input gives an empty blob.
std::vector<uint8_t> pack_i32(const std::vector<int32_t>& v);
std::vector<int32_t> unpack_i32(const uint8_t* data, size_t size);
std::vector<uint8_t> pack_f64(const std::vector<double>& v);
std::vector<double> unpack_f64(const uint8_t* data, size_t size);

} // namespace moe
