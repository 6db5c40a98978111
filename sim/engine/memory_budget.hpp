// How much memory a timing simulation will take, estimated before its tile plan is built, and
// the limit it must stay under. The estimate counts tiles from the tiling alone (no plan is
// built), so a run that would exhaust the machine is refused in milliseconds with exit 2 instead
// of ending in std::bad_alloc after minutes. The constants were measured with /usr/bin/time -v
// (README "Memory bound").
#pragma once

#include "hw/cost/hardware.hpp"
#include "workloads/graph/workload.hpp"
#include "workloads/plan/mapping.hpp"

#include <cstdint>
#include <limits>
#include <string>

namespace fusesim {

struct MemoryEstimate {
    double tiles = 0;      // tiles of the plan (all simulated layers)
    double input_refs = 0; // their reads of chunks (0: not counted, the tiles alone are too many)
    double bytes = 0;      // peak resident memory of the whole run, estimated
    bool reads_counted = false; // false: `bytes` is a lower bound (the tiles alone are too many)
    std::string detail;         // "84,320 tiles × 300 B + 170,000 tile reads × 40 B + ..."
};

// Measured constants (peak RSS, Mamba-2.8B presets, one and all layers; README "Memory bound").
constexpr double kBytesPerTile = 300;           // tile, chunk, scheduler and memory-manager state
constexpr double kBytesPerRef = 40;             // a tile's read of a chunk (plan, CSR, pins)
constexpr double kBytesPerCore = 8 * 1024;      // SystemC modules, ports, per-core state
constexpr double kTimelineBytesPerSlice = 400;  // timeline.json slices, in memory and as text
constexpr double kTimelineSlices = 400000;      // the most SimOptions::timeline_limit allows
constexpr double kBaseBytes = 24 * 1024 * 1024; // the process with SystemC, protobuf, OpenSSL

// `limit`: when the tiles alone exceed it, their reads are not counted (the answer is no anyway).
// `timeline_slices`: the run's timeline limit (the trace budget's share, trace_plan.hpp).
MemoryEstimate estimate_run_memory(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                                   int layers, bool timeline,
                                   double limit = std::numeric_limits<double>::infinity(),
                                   double timeline_slices = kTimelineSlices);

// The default limit: half of physical memory, and at most 3/4 of RLIMIT_AS or of the cgroup's
// memory.max when those are set (what the process may really use). `why` describes it.
int64_t default_memory_limit(std::string* why = nullptr);

// "12.4 GiB": a size for messages (format_bytes is exact, this one is short).
std::string approx_bytes(double bytes);

// The limit a run works under: `requested` (--max-memory) if above 0, else the default divided
// by `share` (the points a sweep runs at once). `why` says where it comes from. Without a request
// of its own (0, 1) a caller gets what set_process_memory_limit set.
int64_t memory_limit(int64_t requested, int share, std::string* why);
// Why a plan this estimate describes cannot be represented whatever the memory (its tile reads
// pass kMaxPlanReads), or "".
std::string reads_problem(const MemoryEstimate& e);

// The command line's --max-memory (0: none) and -j for the whole process and the children it
// forks (a sweep's points build their own arguments).
void set_process_memory_limit(int64_t requested, int share);

// Why a run of this estimate cannot go ahead under `limit` (`why`: where the limit comes from,
// may be empty), or "" if it fits: the estimate, the limit and how to get under it.
// `all_layers`: the run simulates every layer (so `simulation.layers: one` is the first remedy).
std::string memory_problem(const MemoryEstimate& e, int64_t limit, const std::string& why,
                           bool all_layers);

} // namespace fusesim
