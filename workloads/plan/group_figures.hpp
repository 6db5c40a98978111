// Per-group figures of a tile plan that show what a fusion group keeps on chip: the bytes of
// the conv's halo (the rows of an earlier sequence tile a tile reads again) and the bytes of
// intermediates that never leave the chip. Plan-level, so both models count the same bytes.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

struct GroupFigures {
    // Bytes its tiles read on chip from chunks its own tiles of an earlier sequence tile
    // produced (over loop dim "l"), not counting the token recurrence's carried state: under
    // the cascade, the (d_conv − 1) input rows of the conv per tile boundary.
    int64_t halo_bytes = 0;
    // Bytes of the chunks it produces that are read only on chip (never written to DRAM).
    int64_t on_chip_bytes = 0;
};

// One per group of the plan, summed over the plan's layers.
std::vector<GroupFigures> group_figures(const Workload& w, const TilePlan& plan);

} // namespace fusesim
