// Operand streaming: a tile whose operands (its input slices and its output chunk) cannot all be
// in one core's SRAM at once streams some of them through the DRAM port while it computes,
// instead of being impossible. The choice is made once per plan and hardware, so the timing
// simulation and the analytical model count the same bytes.
//
// Rules (README "Operand streaming"):
// - A tile streams only if its operands exceed SRAM capacity. It streams, largest first, the
//   operands that are in DRAM anyway (external data, and chunks another group produced), then
//   the others (on-chip intermediates; the output before an input of the same size), until the
//   rest fits.
// - A streamed input is read from DRAM as it is consumed, at the port's rate; an on-chip
//   intermediate streamed by a reader is therefore written to DRAM by its producer (streamed
//   out). A streamed output is written to DRAM as it is produced and never occupies SRAM; every
//   reader reads it from DRAM.
// - Re-reads: with the output in SRAM, each streamed input is read once (outer-product order).
//   With the output streamed, output elements are finished one after another, so a streamed
//   input is read again for every element of the output dims it does not index; a streamed
//   output accumulated by several tiles (a split reduction) is read back by all but its first.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

struct StreamPlan {
    std::vector<char> input;           // per input ref: streamed (empty when nothing streams)
    std::vector<char> output;          // per chunk: streamed out by its producers
    std::vector<int64_t> read_bytes;   // per tile: DRAM bytes streamed in, re-reads included
    std::vector<int64_t> write_bytes;  // per tile: DRAM bytes streamed out
    std::vector<int64_t> weight_bytes; // per tile: of read_bytes, those of weights
    uint64_t tiles = 0;                // tiles that stream
    int64_t total_read = 0, total_write = 0;

    bool any() const { return tiles > 0; }
    bool streams_input(uint32_t ref) const { return !input.empty() && input[ref]; }
    bool streams_output(int chunk) const { return !output.empty() && output[chunk]; }
    int64_t tile_read(int t) const { return read_bytes.empty() ? 0 : read_bytes[t]; }
    int64_t tile_write(int t) const { return write_bytes.empty() ? 0 : write_bytes[t]; }
    int64_t tile_weight_read(int t) const { return weight_bytes.empty() ? 0 : weight_bytes[t]; }
};

StreamPlan plan_streams(const Workload& w, const TilePlan& plan, int64_t sram_bytes);

} // namespace fusesim
