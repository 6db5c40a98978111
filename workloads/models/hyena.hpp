// Hyena (Poli et al. 2023): the builder of one block and its sizes (its keys: hyena.cpp).
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>

namespace fusesim {

struct HyenaParams {
    int64_t d_model = 768;
    int64_t layers = 18;
    int64_t order = 2; // order + 1 projection branches; order gates
    // false: order long convolutions, each gated after (the paper); true: a gate first, then
    // order − 1 convolutions each gated after (the released code).
    bool released_form = false;
    int64_t short_conv = 3; // width of the short depthwise causal convolution
    int64_t mlp_width = 0;  // the MLP sub-block's hidden width; 0: none
    int fft_radix = 2;
    int64_t fft_max_points = 0; // 0: one operator per FFT; else the four-step split above it
};

// The operators of one Hyena block, prefill of L tokens (2L a power of 2): LayerNorm, input
// projection to (order + 1) branches, short causal conv, then `order` times an FFT long
// convolution with a skip term and a gate by the next branch (released form: a gate, then
// order − 1 of them); output projection, residual; then
// the MLP sub-block when mlp_width > 0. Throws ModelError for a decode stage or an L whose 2L is
// not a power of 2.
Workload build_hyena(const HyenaParams& p, Stage stage, int64_t batch, int64_t seq_len,
                     const Precision& precision);

} // namespace fusesim
