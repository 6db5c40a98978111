// The bytes a fusion group holds in one core's SRAM at its peak, from the plan alone: what the
// analytic model on the plan leaves beside a copy it takes to stay on chip (plan_analytic.cpp).
#pragma once

#include "sim/engine/streaming.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

// Per group and core (index group · cores + core), over the tiles of layer 0: the maximum, over
// the group's tiles on the core, of the chunks the core's tiles produced that are alive then
// (from their first producer to their last on-chip reader: a fused group's intermediates, Eq. 2's
// step for the fused state update), plus the tile's own output if it is not one of those and the
// partial slices it reads from DRAM. Whole chunks read from DRAM (the copies the model decides on)
// and streamed operands are not counted.
std::vector<int64_t> group_working_sets(const TilePlan& plan, const StreamPlan& streams,
                                        int64_t cores);

} // namespace fusesim
