// What a timing simulation is asked (SimOptions) and what it measures (TimingResult): plain
// values shared by the scheduler, the recorder and the reports, apart from simulate() itself.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

struct OccupancySample {
    uint64_t cycle;
    int core;
    int64_t bytes;
};

struct SimOptions {
    int layers = 1;              // layers simulated in full (chained); the rest scale
    int prefetch_depth = 1;      // tiles fetched ahead of the one computing, per core; 0: none
    bool cache_weights = true;   // false: every tile reads its weights from DRAM again
    bool stream_operands = true; // false: a tile whose operands exceed SRAM cannot run
    // Lifetime chart: the chunks in SRAM while the tiles of step `lifetime_step` (their index in
    // their operator's tile order) of the group whose name contains `lifetime_group` run, layer 0.
    std::string lifetime_group;
    int64_t lifetime_step = 0;
    std::string vcd_path;                     // empty: no VCD
    uint64_t vcd_limit = uint64_t{256} << 20; // the VCD stops before it would pass this size
    // trace.vcd in intervals of this many cycles (1: every change; see VcdWriter).
    uint64_t vcd_interval = 1;
    bool timeline = true; // collect compute slices for timeline.json
    // Past this many slices the timeline is merged one level coarser (TimelineLevel), never cut.
    size_t timeline_limit = 400000;
    size_t timeline_counters = 200000; // SRAM counter events in timeline.json (see memory.csv)
    int64_t memory_limit = 0; // auto fusion: candidates estimated above it are skipped; 0: default
};

struct OpStats {
    uint64_t tiles = 0;
    uint64_t compute_cycles = 0;       // sum over tiles
    double useful_pe_cycles = 0;       // ops × CPO
    int64_t ops = 0;                   // sum over its tiles' loop extents
    int64_t read_bytes = 0;            // DRAM reads for its tiles (external, spilled, refetched)
    int64_t write_bytes = 0;           // DRAM writes of its outputs (write-back and eviction)
    uint64_t first_start = UINT64_MAX; // first fetch (layer 0)
    uint64_t last_end = 0;             // last compute end or write-back end (layer 0)
    // Cycles its tiles' arrays waited for the SRAM banks (in compute_cycles), and the part of
    // them from bank conflicts (beyond accesses ÷ (banks × ports)).
    uint64_t sram_stall_cycles = 0, sram_conflict_cycles = 0;
};

struct GroupStats {
    uint64_t first_start = UINT64_MAX; // layer 0
    uint64_t last_end = 0;             // layer 0
    int64_t refetched_bytes = 0;       // all layers
    int64_t evicted_bytes = 0;         // all layers
    int64_t streamed_bytes = 0;        // all layers: operands streamed in and out
    int64_t weight_read_bytes = 0;     // all layers: weight bytes its tiles read from DRAM
    int64_t peak_sram = 0;             // SRAM occupancy while its tiles compute (any core)
    // Cycles a core sat idle before a tile of this group, by what held it (layer 0):
    uint64_t stall_fetch = 0;      // its inputs were on their way from DRAM or another core
    uint64_t stall_memory = 0;     // it could not get SRAM (prefetch blocked, eviction)
    uint64_t stall_dependency = 0; // its inputs were not produced (or written back) yet
    // Cycles its tiles computed waiting for the SRAM banks (layer 0; in both models' compute),
    // and the part of them from bank conflicts.
    uint64_t stall_sram_bank = 0, stall_sram_conflict = 0;
};

struct Lifetime {
    std::string tensor, producer; // producer tile, or "DRAM" for weights and inputs
    int64_t bytes = 0;
    int core = 0;
    uint64_t start = 0, end = 0;
};

struct TimelineSlice {
    uint64_t start, end;
    int core, op, layer;
    uint64_t tiles = 1; // tiles merged into it
    uint64_t busy = 0;  // cycles of them computing (end - start when nothing idled between)
};

// How far the timeline's slices are merged. Each level merges the consecutive slices of one core
// that share: Tiles, back-to-back tiles of one operator and layer; Operator, one operator and
// layer (idle gaps included); Group, one fusion group and layer; Layer, one layer.
enum class TimelineLevel : int { Tiles = 0, Operator = 1, Group = 2, Layer = 3 };
const char* describe(TimelineLevel level);

// The statistics one hardware module kept (hw/modules/module_stats.hpp), gathered from the
// module tree after the run: its hierarchical name, the common counters, and its own.
struct ModuleRecord {
    std::string module; // accelerator.core3, accelerator.dram, ...
    uint64_t bytes = 0, busy_cycles = 0, transfers = 0, stall_cycles = 0;
    std::vector<std::pair<std::string, uint64_t>> counters;
    // Links and DRAM channels: when they carried data ([start, end) cycles; idle gaps up to
    // busy_merge_gap merged, see hw/modules/busy_track.hpp), for their timeline tracks.
    std::vector<std::pair<uint64_t, uint64_t>> busy;
    uint64_t busy_merge_gap = 0;
};

struct TimingResult {
    uint64_t cycles = 0;
    uint64_t tiles = 0;
    std::vector<OpStats> ops;       // per operator of the workload (summed over simulated layers)
    std::vector<GroupStats> groups; // per group of the plan
    std::vector<uint64_t> core_busy;
    std::vector<double> core_useful_pe_cycles;
    int64_t dram_read_bytes = 0, dram_write_bytes = 0;
    int64_t evicted_bytes = 0, refetched_bytes = 0;
    // Operands too large for SRAM, streamed through the DRAM port (in the DRAM totals too).
    int64_t streamed_read_bytes = 0, streamed_write_bytes = 0;
    uint64_t streamed_tiles = 0;
    int64_t noc_bytes = 0, noc_byte_hops = 0; // moved between cores over the interconnect
    // Operand bytes the arrays read from and wrote to SRAM (streamed operands aside).
    int64_t sram_operand_read_bytes = 0, sram_operand_write_bytes = 0;
    // SRAM bank stall cycles (core.sram_bank_width): the arrays waiting for their banks, all of
    // it and the part from bank conflicts; in total and per core.
    uint64_t sram_bank_stall_cycles = 0, sram_bank_conflict_cycles = 0;
    std::vector<uint64_t> core_sram_stall, core_sram_conflict;
    uint64_t evictions = 0;
    uint64_t dram_busy_cycles = 0;
    std::vector<ModuleRecord> modules; // every module of the accelerator, in elaboration order
    std::vector<int64_t> peak_sram;    // per core
    std::vector<OccupancySample> occupancy;
    std::vector<TimelineSlice> timeline;
    TimelineLevel timeline_level = TimelineLevel::Tiles;
    uint64_t timeline_tiles = 0;     // tiles in the timeline
    uint64_t kernel_events = 0;      // SystemC delta cycles + timed notifications processed
    std::vector<Lifetime> lifetimes; // when SimOptions::lifetime_group is set
    uint64_t lifetime_from = 0, lifetime_to = 0; // the window of the chosen step
    bool vcd_truncated = false;                  // trace.vcd reached SimOptions::vcd_limit
    uint64_t vcd_cut_cycle = 0;                  // ... and holds the changes before this cycle only
    uint64_t vcd_bytes = 0;
};

// A schedule that cannot progress (a tile's working set never fits, say): the hardware and the
// mapping do not go together, so the CLI reports it as a configuration error (exit 2).
class ScheduleError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

} // namespace fusesim
