#pragma once
// The fast path's matrix ops (the CPU backend's default; `--exact` and
// BackendOptions::exact select ops.h's float ones instead): the activations
// of each op are quantized once per token to 8-bit blocks (quant/int_dot.h)
// and every weight row is multiplied into them with integer dot products.
// Weight types without an integer path (F32, F16, BF16, the lattice
// i-quants, ...) keep the float dot product of ops.h, row by row, in the same
// loops. Shapes and meanings as the ops of the same name in ops.h.
#include "cpu/moe_groups.h"
#include "model/model.h"

#include <cstdint>
#include <span>
#include <vector>

namespace moe {

class ThreadPool;

namespace cpu {

struct ExpertGlu; // cpu/attention_sinks.h

// Room for quantized activations, allocated once (the forward pass never
// allocates): rows × width activations in any activation format, twice (the
// gate and up matrices of a mix may want different formats).
class ActScratch {
public:
    void reserve(int64_t rows, int64_t width);
    uint8_t* first(size_t bytes);
    uint8_t* second(size_t bytes);

private:
    std::vector<uint8_t> m_a, m_b;
};

// Y (n, w.rows) = X (n, w.cols) · Wᵀ.
void int_matvec(
    const Matrix& w, const float* x, int n, int ldx, float* y, int ldy, ActScratch& scratch, ThreadPool* pool);
// h (slots, F) = silu(gate_e · x) * (up_e · x), gate and up of a row together
// (glu not null: cpu::expert_glu).
void int_expert_gate_up(std::span<const Matrix> gate, std::span<const Matrix> up, const float* xn, int ldx,
    const MoeGroups& g, float* h, ActScratch& scratch, ThreadPool* pool, const ExpertGlu* glu = nullptr);
// y (slots, D) = down_e · h[slot].
void int_expert_down(
    std::span<const Matrix> down, const float* h, const MoeGroups& g, float* y, ActScratch& scratch, ThreadPool* pool);

} // namespace cpu
} // namespace moe
