// The cost of a planned tile on the modeled hardware, and the plan built for that hardware
// (its spatial mappings chosen by the cost model): what the simulator and the analytical model
// on a plan share.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/cost/sram_banks.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <unordered_map>
#include <vector>

namespace fusesim {

// build_tile_plan for this hardware: its cores, and for every operator the mapping does not fix
// the spatial mapping with the fewest cycles for the operator's nominal tile extents.
TilePlan build_plan_for(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                        int layers);

struct TileCost {
    uint64_t cycles = 0;  // what the tile takes: max(array cycles, SRAM time)
    uint64_t compute = 0; // its array cycles
    // With the bank model (core.sram_bank_width): cycles − compute when the banks bound the
    // tile, and the part of it beyond the conflict-free time (accesses ÷ (banks × ports)).
    uint64_t sram_stall = 0;
    uint64_t conflict_stall = 0;
    // On an RDU, an FFT or scan tile (rdu_op.hpp): compute is the PCU's passes, and this the
    // baseline's PMU round trips, part of cycles (and of the estimate's compute, not a stall).
    uint64_t pmu_round_trip = 0;
};

// The bank accesses of a tile's operands: every input slice (SliceGeometry within its chunk)
// and the output chunk, each chunk starting at a bank-0-aligned address.
BankTime tile_bank_time(const HardwareSpec& hw, const TilePlan& plan, const Tile& t,
                        std::vector<int64_t>& scratch);

// Tile costs with the bank time cached by operand signature (tiles of one operator share their
// geometry but at the edges), so that costing 10⁶ tiles visits the banks a few times only.
class TileCoster {
  public:
    TileCoster(const Workload& w, const HardwareSpec& hw, const TilePlan& plan)
        : w_(w), hw_(hw), plan_(plan) {}
    TileCost operator()(const Tile& t);

  private:
    struct KeyHash {
        size_t operator()(const std::vector<int64_t>& k) const;
    };
    const Workload& w_;
    const HardwareSpec& hw_;
    const TilePlan& plan_;
    static constexpr size_t kMaxCached = 1 << 16;
    std::vector<int64_t> key_, scratch_;
    std::unordered_map<std::vector<int64_t>, BankTime, KeyHash> cache_;
};

// Cycles of one tile (its array cycles under the plan's spatial mapping, or the SRAM bound when
// finite: the bank model's time, or without it operand bytes ÷ (banks × sram_bandwidth)).
uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t);

} // namespace fusesim
