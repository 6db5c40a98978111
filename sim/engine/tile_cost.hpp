// The cost of a planned tile on the modeled hardware, and the plan built for that hardware
// (its spatial mappings chosen by the cost model): what the simulator and the analytical model
// on a plan share.
#pragma once

#include "hw/cost/hardware.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>

namespace fusesim {

// build_tile_plan for this hardware: its cores, and for every operator the mapping does not fix
// the spatial mapping with the fewest cycles for the operator's nominal tile extents.
TilePlan build_plan_for(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                        int layers);

// Compute cycles of one tile (its array cycles under the plan's spatial mapping, or the SRAM
// bandwidth bound when finite).
uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t);

} // namespace fusesim
