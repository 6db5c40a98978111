// `fusion: auto`: the fusion plan with the lowest simulated latency among the paper's ten
// presets (for Mamba-1 blocks), the whole-layer cascade at several sequence tiles, and each
// preset extended with the layer's elementwise chains
// (norms, conv and its bias and SiLU, the dt bias and softplus, the skip and gating, the
// projections' following elementwise operators) fused too. Each candidate is simulated (one
// layer, in a child process: SystemC elaborates once per process); ties go to the simpler plan.
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/engine/timing.hpp"
#include "workloads/graph/workload.hpp"
#include "workloads/plan/mapping.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

struct FusionCandidate {
    std::string name;
    MappingSpec mapping;
    uint64_t cycles = 0; // one simulated layer; 0 when it could not run
    std::string error;
    bool infeasible = false; // it failed because its tiles do not fit (a ScheduleError)
};

// Chains of elementwise operators (and the operator feeding each chain) joined by
// producer-consumer edges, none of them in `taken`: groups that fusing can only help.
std::vector<FusionGroupSpec> elementwise_chains(const Workload& w,
                                                const std::vector<std::string>& taken);

// The sequence tiles `fusion: auto` tries the cascade preset at: 64, 128, 256 and 512 tokens and
// `own` (the mapping's sequence_tile), each capped at the sequence length, without repeats.
std::vector<int64_t> cascade_tiles(const Workload& w, int64_t own);

// Evaluates the candidates and returns them all, the best first; `base` carries the tiling.
std::vector<FusionCandidate> search_fusion(const Workload& w, const HardwareSpec& hw,
                                           const MappingSpec& base, const SimOptions& options);

// `allocation: auto`: round-robin, split over the channel dim (d, or j for a Mamba-2 block's
// heads) and pipeline, each simulated over one layer with `base`'s fusion; all returned, the best
// first (ties keep the earlier, simpler one).
std::vector<FusionCandidate> search_allocation(const Workload& w, const HardwareSpec& hw,
                                               const MappingSpec& base, const SimOptions& options);

} // namespace fusesim
