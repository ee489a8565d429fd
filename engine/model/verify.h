#pragma once
// Finding non-finite weights (NaN, ±Inf). A model whose file holds them
// runs without complaint and prints garbage, so the engine looks for them
// in two places: verify_tensors() scans a whole file on request (moe-cli
// check), and locate_non_finite() names the first weight a token read that
// holds one, when a forward pass has produced a non-finite logit or gate.
#include "model/model.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace moe {

// Where a tensor (or a matrix view into one) first holds a non-finite value.
struct NonFinite {
    std::string tensor; // tensor name, with ", expert E" for a slice of a merged expert tensor
    int64_t count = 0; // non-finite elements in it
    int64_t first_index = 0; // element index (storage order) of the first one
    float first_value = 0.0f; // NaN, +Inf or -Inf
    std::string describe() const; // "blk.2.ffn_up_exps.weight: 3 non-finite values, first NaN at element 17"
};

struct TensorScan {
    uint64_t n_tensors = 0; // tensors in the file
    uint64_t n_scanned = 0; // tensors whose values were read
    uint64_t bytes_scanned = 0;
    std::vector<NonFinite> bad; // in file order
    std::vector<std::string> skipped; // tensors of a type we cannot decode, with the type named
};

// Reads every tensor of the model's file (dequantized, so NaN/Inf block
// scales count) and reports each one holding non-finite values. Uses
// n_threads threads (0: all hardware threads).
TensorScan verify_tensors(const Model& m, int n_threads = 0);

// The non-finite elements of one tensor or matrix view (nullopt: all finite).
std::optional<NonFinite> find_non_finite(const GgufTensorInfo& t);
std::optional<NonFinite> find_non_finite(const Matrix& w, const std::string& name);

// For a token whose forward pass produced non-finite values: the first
// weight it read, in the order of the forward pass, that holds one.
// routed(layer) gives the token's top_k expert ids in that MoE layer
// (nullptr for dense layers). nullopt when every weight read is finite,
// i.e. the activations themselves overflowed.
std::optional<NonFinite> locate_non_finite(
    const Model& m, int32_t token, const std::function<const int32_t*(int layer)>& routed, int top_k);

} // namespace moe
