// Model builders: one layer of a model as Einsum operators, for a stage, batch and sequence length.
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>

namespace fusesim {

struct MambaParams {
    int64_t d_model = 2560;
    int64_t d_inner = 5120; // D
    int64_t d_state = 16;   // N
    int64_t d_conv = 4;
    int64_t dt_rank = 160; // R
    int64_t layers = 64;
};

struct OptParams {
    int64_t d_model = 2560;
    int64_t heads = 32;
    int64_t head_dim = 80;
    int64_t ffn = 10240;
    int64_t layers = 32;
};

// The operators of one Mamba-1 block (REFERENCE.md §1). Prefill processes L tokens with the
// state starting at zero; decode processes one token against the conv and SSM state, read from
// and written back to DRAM.
Workload build_mamba1(const MambaParams& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision);

// One OPT decoder layer (pre-LayerNorm attention + ReLU FFN). Prefill: L tokens, causal mask not
// exploited (full L×L scores). Decode: one token attending a KV cache of L tokens (L−1 cached).
Workload build_opt(const OptParams& p, Stage stage, int64_t batch, int64_t seq_len,
                   const Precision& precision);

} // namespace fusesim
