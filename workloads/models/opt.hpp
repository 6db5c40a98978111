// OPT: the builder of one decoder layer and its sizes (its keys and registration: opt.cpp).
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>

namespace fusesim {

struct OptParams {
    int64_t d_model = 2560;
    int64_t heads = 32;
    int64_t head_dim = 80;
    int64_t ffn = 10240;
    int64_t layers = 32;
};

// One OPT decoder layer (pre-LayerNorm attention + ReLU FFN). Prefill: L tokens, causal mask not
// exploited (full L×L scores). Decode: one token attending a KV cache of L tokens (L−1 cached).
Workload build_opt(const OptParams& p, Stage stage, int64_t batch, int64_t seq_len,
                   const Precision& precision);

} // namespace fusesim
