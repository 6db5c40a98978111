// Traces sized for the run: before the simulation, trace.vcd and timeline.json are each planned
// to stay within simulation.trace_budget, from what the plan knows (its tiles, and the cycles the
// analytical model expects of it). The VCD is written with every change when its estimate fits,
// else in intervals of many cycles; the timeline merges its slices one level coarser whenever it
// passes its share (the recorder does that as it goes), and keeps the SRAM counters as peaks per
// interval. After the run, the notes say what was written, merged, cut or converted.
#pragma once

#include "sim/engine/timing_result.hpp"
#include "sim/report/output.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <string>

namespace fusesim {

struct HardwareSpec;
struct Workload;

// Measured on the shipped runs (see README "Traces sized for the run").
constexpr double kVcdBytesPerTile = 190;      // every change: about 181 B a tile, one core
constexpr double kVcdBytesPerSignal = 30;     // an interval step: a 64-bit value and its code
constexpr double kTimelineSliceBytes = 180;   // one slice of timeline.json
constexpr double kTimelineCounterBytes = 85;  // one SRAM counter event
constexpr size_t kTimelineMaxSlices = 400000; // the memory estimate's bound (memory_budget.hpp)

struct TracePlan {
    uint64_t budget = 0;
    double estimated_cycles = 0;
    double vcd_full_bytes = 0; // estimate with every change
    uint64_t vcd_interval = 1;
    size_t timeline_slices = 0, timeline_counters = 0;
};

// The timeline slices a trace budget allows (3/4 of it, at 180 B a slice, 64 to 400,000).
size_t timeline_slice_limit(uint64_t budget);

// The plan of the traces of one run; sets options.vcd_interval and the timeline's limits.
TracePlan plan_traces(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      uint64_t budget, SimOptions& options);

// The summary's lines on the traces (empty when none was written): sizes, what was merged and
// why, a cut, a conversion. `vcd_bytes` is trace.vcd's final size, `timeline_bytes` that of
// timeline.json, `fst` what became of trace.fst ("" when not asked).
std::string trace_notes(const TracePlan& p, const TimingResult& r, const SimOptions& o,
                        uint64_t timeline_bytes, const std::string& fst);

// Converts the staged trace.vcd to trace.fst with vcd2fst if it is on PATH, removing trace.vcd
// when that worked. Returns the summary's words on it.
std::string convert_to_fst(const OutputDir& out, uint64_t vcd_bytes);

} // namespace fusesim
