#pragma once
// Tensor element types and block formats, bit-exact with the ggml/GGUF
// layouts so files written by other tools load: dequantization,
// quantization (for the writer and synthetic models) and dot products
// against float activations (the CPU backend's inner loop; AVX2 fast paths
// on x86-64, portable code everywhere else).
#include <cstddef>
#include <cstdint>

namespace moe {

// ggml type ids as stored in GGUF tensor infos.
enum GgmlType : uint32_t {
    GGML_TYPE_F32 = 0,
    GGML_TYPE_F16 = 1,
    GGML_TYPE_Q4_0 = 2,
    GGML_TYPE_Q4_1 = 3,
    GGML_TYPE_Q5_0 = 6,
    GGML_TYPE_Q5_1 = 7,
    GGML_TYPE_Q8_0 = 8,
    GGML_TYPE_Q8_1 = 9,
    GGML_TYPE_Q2_K = 10,
    GGML_TYPE_Q3_K = 11,
    GGML_TYPE_Q4_K = 12,
    GGML_TYPE_Q5_K = 13,
    GGML_TYPE_Q6_K = 14,
    GGML_TYPE_Q8_K = 15,
    GGML_TYPE_IQ2_XXS = 16,
    GGML_TYPE_IQ2_XS = 17,
    GGML_TYPE_IQ3_XXS = 18,
    GGML_TYPE_IQ1_S = 19,
    GGML_TYPE_IQ4_NL = 20,
    GGML_TYPE_IQ3_S = 21,
    GGML_TYPE_IQ2_S = 22,
    GGML_TYPE_IQ4_XS = 23,
    GGML_TYPE_IQ1_M = 29,
    GGML_TYPE_BF16 = 30,
    GGML_TYPE_TQ1_0 = 34,
    GGML_TYPE_TQ2_0 = 35,
    GGML_TYPE_MXFP4 = 39,
    GGML_TYPE_NVFP4 = 40,
    GGML_TYPE_Q1_0 = 41,
    GGML_TYPE_Q2_0 = 42,
    GGML_TYPE_COUNT = 43,
};

struct TypeTraits {
    const char* name; // "Q8_0", as ggml spells it
    int64_t block_size; // elements per block (1 for F32/F16/BF16)
    size_t type_size; // bytes per block
    bool supported; // dequantize_row and vec_dot implemented by us
    bool can_quantize; // quantize_row too (every supported type that needs no importance matrix)
};

// nullptr for a type id ggml does not define (the loader refuses it, naming the number).
const TypeTraits* type_traits(uint32_t type);
// "Q8_0", or "type 99" for an unknown id.
const char* type_name(uint32_t type);
// Parses "Q8_0", "f16", ... (case-insensitive); returns false when unknown.
bool type_from_name(const char* name, uint32_t* type);

// Bytes of a row of n elements; n must be a multiple of the block size.
size_t row_size(uint32_t type, int64_t n);

// n must be a multiple of the type's block size for every function below.
void dequantize_row(uint32_t type, const void* src, float* dst, int64_t n);
// Throws for a type whose traits say !can_quantize. Where ggml's reference
// quantizer is deterministic (all but the K-quants Q4_K..Q6_K, which use our
// own scale search), the bytes equal ggml_quantize_chunk's without an
// importance matrix, as llama-quantize writes them.
void quantize_row(uint32_t type, const float* src, void* dst, int64_t n);
// sum_i dequant(row)[i] * x[i]
float vec_dot(uint32_t type, const void* row, const float* x, int64_t n);

// For tests and benchmarks: false forces the portable scalar code even where
// the CPU has AVX2/FMA/F16C, true (the default) uses the fast paths when the
// CPU has them. Process-wide; not meant to be flipped during inference.
void set_simd_enabled(bool enabled);
// Whether vec_dot and friends use the AVX2 paths now (CPU support and not disabled).
bool simd_enabled();

// Scalar conversions (IEEE half, bfloat16 with round-to-nearest-even).
float fp16_to_fp32(uint16_t h);
uint16_t fp32_to_fp16(float f);
float bf16_to_fp32(uint16_t h);
uint16_t fp32_to_bf16(float f);

} // namespace moe
