// What the reports say about the run's bounds: trace.vcd's size and, when it reached its cap, the
// cycle where it was cut (a line of the summary, "trace_vcd" in report.json), and the memory
// estimate the run was admitted with ("memory_estimate").
#pragma once

#include "sim/engine/memory_budget.hpp"
#include "sim/engine/timing.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fusesim {

// "" when no VCD was written or it is complete; else a line naming the cut.
std::string vcd_note(const TimingResult& r, const SimOptions& o);
// `report` with "memory_estimate": {bytes, tiles, tile_reads}, when a timeline was written
// "timeline": {bytes, tiles, slices, merged, slice_is} and, when a VCD was written,
// "trace_vcd": {bytes, limit_bytes, interval_cycles, truncated, cut_cycle}.
nlohmann::ordered_json with_bounds(nlohmann::ordered_json report, const TimingResult& r,
                                   const SimOptions& o, const MemoryEstimate& memory,
                                   uint64_t vcd_interval = 1, uint64_t timeline_bytes = 0);

} // namespace fusesim
