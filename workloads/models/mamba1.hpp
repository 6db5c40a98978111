// Mamba-1: the builder of one block and its sizes (its keys and registration: mamba1.cpp).
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>
#include <string>

namespace fusesim {

struct MambaParams {
    int64_t d_model = 2560;
    int64_t d_inner = 5120; // D
    int64_t d_state = 16;   // N
    int64_t d_conv = 4;
    int64_t dt_rank = 160; // R
    int64_t layers = 64;
    // The state update h = dA ⊙ h + dBx: in place (hd, the product dA ⊙ h, never leaves the
    // chip; the default), or split into two operators that each go through DRAM when unfused.
    bool split_state_update = false;
    // Prefill's state update: sequential (the token recurrence), hillis-steele or blelloch (a
    // parallel scan within chunks of scan_chunk tokens, a power of 2).
    std::string scan = "sequential";
    int64_t scan_chunk = 256;
};

// The operators of one Mamba-1 block (REFERENCE.md §1). Prefill processes L tokens with the
// state starting at zero; decode processes one token against the conv and SSM state, read from
// and written back to DRAM.
Workload build_mamba1(const MambaParams& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision);

} // namespace fusesim
