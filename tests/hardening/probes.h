#pragma once
// The probe's hostile inputs, rebuilt on every run from a tiny synthetic
// model (nothing big is committed): GGUF files with one key changed, a
// vocabulary cut short, a NaN written into one tensor, and files that are
// not files (a FIFO, a directory, a zstd bomb).
#include "gguf/gguf.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace probes {

// A tiny synthetic model of `arch` with 2-D weights of ggml type `quant`.
void write_tiny_model(const std::string& path, const std::string& arch, uint32_t quant, uint64_t seed = 3);

// Copies a GGUF file key by key and tensor by tensor into a writer, lets
// `edit` change it (keys set again replace the old ones), and writes `out`.
void rewrite(const std::string& in, const std::string& out, const std::function<void(moe::GgufWriter&)>& edit);

// Byte offset in the file of a tensor's data.
uint64_t tensor_offset(const std::string& path, const std::string& tensor);

// Overwrites bytes of a file in place.
void patch(const std::string& path, uint64_t offset, const void* bytes, size_t n);

// A zstd frame of `n` zero bytes, streamed so it never holds them all.
void write_zstd_zeros(const std::string& path, uint64_t n);

// Runs a program with arguments; returns its exit status, and its peak
// resident memory (KiB), wall time (s) and stderr+stdout.
struct ChildResult {
    int status = -1;
    long max_rss_kib = 0;
    double seconds = 0;
    std::string output;
};
ChildResult run(const std::vector<std::string>& argv, double timeout_s = 60);

} // namespace probes
