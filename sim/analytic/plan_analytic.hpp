// The analytical model on a tile plan (the same plan the timing simulation runs): per fusion
// group, max(compute, DRAM bytes ÷ bandwidth), where compute is the sum of the group's tile
// cycles shared evenly by the cores (⌈Σ ÷ cores⌉) and the bytes are those the plan must move at the
// least: every chunk a group reads from DRAM once per reader (the group if fused, each operator if
// not) and core, again where its copy cannot have stayed in SRAM since the last read (see
// plan_analytic.cpp), partial slices every time, and every chunk that must reach DRAM written
// once. What the simulation adds on top is pipeline fill, DRAM contention and eviction.
#pragma once

#include "hw/cost/hardware.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

struct GroupEstimate {
    uint64_t compute_cycles = 0;
    int64_t read_bytes = 0, write_bytes = 0;
    uint64_t memory_cycles = 0;
    uint64_t cycles = 0; // max of the two
    uint64_t tiles = 0;
    double useful_pe_cycles = 0;
    // The part that cannot overlap: the first tile's fetch and the last tile's write-back.
    uint64_t fill_cycles = 0;
};

// Per group of the plan, for layer 0.
// `stream_operands`: tiles whose operands exceed SRAM stream them (sim/engine/streaming.hpp),
// as the timing simulation does. `cache_weights` false: every weight read counts (as in
// simulation.cache_weights: false).
std::vector<GroupEstimate> estimate_groups(const Workload& w, const HardwareSpec& hw,
                                           const TilePlan& plan, bool stream_operands = true,
                                           bool cache_weights = true);

} // namespace fusesim
