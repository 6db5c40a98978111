// Mamba-2: the builder of one block with the SSD (state space duality) mixer and its sizes (its
// keys and registration: mamba2.cpp).
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>

namespace fusesim {

struct Mamba2Params {
    int64_t d_model = 2560;
    int64_t d_inner = 5120;   // D = heads × head_dim
    int64_t d_state = 128;    // N
    int64_t head_dim = 64;    // P
    int64_t n_groups = 1;     // G: heads share B and C within a group
    int64_t d_conv = 4;       // over x, B and C
    int64_t chunk_size = 256; // Q
    int64_t layers = 64;

    int64_t heads() const { return d_inner / head_dim; } // H
};

// The chunk length and count of a prefill of L tokens: Q = min(chunk_size, L), C = ceil(L / Q)
// (the last chunk padded with zeros when Q does not divide L).
int64_t ssd_chunk(const Mamba2Params& p, int64_t seq_len);
int64_t ssd_chunks(const Mamba2Params& p, int64_t seq_len);

// The operators of one Mamba-2 block (Dao & Gu 2024; README "Mamba-2"). Prefill runs the chunked
// SSD algorithm: per chunk, the diagonal block (C·Bᵀ masked by the decay, times X), the chunk
// state, a recurrence over chunks passing the H×P×N state, and the state's contribution to the
// outputs. Decode runs the recurrent form for one token against the conv and SSM state.
Workload build_mamba2(const Mamba2Params& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision);

} // namespace fusesim
