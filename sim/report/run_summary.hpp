// The typed summary of one timing run: built once from the TimingResult and the set-up (figures
// scaled from the simulated layers to the model), then rendered into report.json, summary.txt
// and ops.csv, and read by sweeps as result cells. No renderer reads another's output back.
#pragma once

#include "hw/cost/rdu_op.hpp"
#include "sim/config/experiment.hpp"
#include "sim/engine/timing.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

// What a run was set up from and what it produced (the raw result, not yet scaled).
struct RunContext {
    const ResolvedExperiment& experiment;
    const Workload& workload;
    const HardwareSpec& hw;
    const TilePlan& plan;
    const MappingSpec& mapping;
    const TimingResult& result;
    int simulated_layers;
};

struct OpLine {
    std::string name, type, group;
    int64_t ops = 0;                                            // model total
    int64_t dram_bytes = 0;                                     // model total
    uint64_t compute_cycles = 0, memory_cycles = 0, cycles = 0; // model totals
    uint64_t tiles = 0;
    uint64_t span_cycles = 0; // first fetch to last write of layer 0
    // Of compute_cycles (model totals): waiting for the SRAM banks, and of that bank conflicts.
    uint64_t sram_stall_cycles = 0, sram_conflict_cycles = 0;
    bool compute_bound = true;
    Staged staged; // an FFT's or parallel scan's stage structure (empty algorithm: none)
    std::optional<RduOpMapping> rdu; // on an RDU, an FFT's or scan's mapping onto a unit
};

struct CoreLine {
    double busy_fraction = 0; // of the simulated cycles
    double utilization = 0;   // useful PE-cycles ÷ (simulated cycles × PEs of the core)
    int64_t peak_sram_bytes = 0;
    uint64_t sram_stall_cycles = 0, sram_conflict_cycles = 0; // simulated, of its busy cycles
};

struct GroupLine {
    std::string name;
    bool on_chip = false;
    std::vector<std::string> operators;
    int64_t peak_sram_bytes = 0, evicted_bytes = 0, refetched_bytes = 0, streamed_bytes = 0;
    // Per layer (simulated ÷ simulated layers): weight bytes read from DRAM, the conv's halo
    // kept on chip between sequence tiles, and intermediates never written to DRAM.
    int64_t weight_dram_bytes_per_layer = 0, halo_bytes_per_layer = 0, on_chip_bytes_per_layer = 0;
};

struct RunSummary {
    // The set-up.
    std::string experiment, workload, stage, precision;
    int64_t seq_len = 0, batch = 0;
    double tokens = 1; // a prefill produces seq_len tokens, a decode step one
    // Decode: where the recurrent state stayed between tokens (on_chip or dram; empty: no
    // state or prefill), why, and its bytes (every layer and batch item).
    std::string decode_state, decode_state_note;
    int64_t state_bytes = 0;
    std::string hardware;
    int64_t cores = 1, pe_rows = 0, pe_cols = 0, sram_bytes_per_core = 0;
    int64_t total_pes = 0, total_sram_bytes = 0;
    double dram_bytes_per_cycle = 0, clock_hz = 1;
    std::string mapping, fusion, fusion_note;
    int64_t split_d = 1, fuse_all_bytes = 0;
    std::vector<std::string> candidates;
    // mapping.allocation: what the plan did, and (auto) which won among the candidates.
    std::string allocation, allocation_note;
    std::vector<std::string> allocation_candidates;
    size_t plan_groups = 0;
    int simulated_layers = 1, model_layers = 1;
    double scale = 1;        // model layers ÷ simulated layers
    std::string config_json; // the resolved experiment
    std::string config_hash; // its SHA-256 (sim/config/config_hash.hpp)
    std::string version;     // of this build (version.hpp)
    // The results, scaled to the model unless named simulated.
    uint64_t cycles = 0, simulated_cycles = 0;
    double seconds = 0;
    double tokens_per_second = 0; // batch × tokens ÷ seconds (decode: batch ÷ latency per step)
    int64_t peak_sram_bytes = 0;  // largest over the cores
    std::vector<int64_t> peak_sram_per_core;
    int64_t dram_read_bytes = 0, dram_write_bytes = 0, evicted_bytes = 0, refetched_bytes = 0;
    int64_t streamed_bytes = 0;    // operands streamed through DRAM (in the read/write totals)
    uint64_t streamed_tiles = 0;   // simulated tiles that streamed
    uint64_t dram_busy_cycles = 0; // simulated
    double dram_busy_fraction = 0;
    double utilization = 0; // of all PE-cycles of the chip
    // SRAM bank stall cycles (core.sram_bank_width), summed over cores, scaled to the model.
    uint64_t sram_bank_stall_cycles = 0, sram_bank_conflict_cycles = 0;
    // Energy and area (hw/cost/energy.hpp) from the run's counts, scaled to the model.
    EnergyCounts counts;
    EnergyBreakdown energy;
    double edp_joule_seconds = 0; // total energy × latency
    ChipArea area;
    std::optional<RduSpec> rdu; // `kind: rdu`: the grid, variant, area and power as read
    std::vector<CoreLine> core_lines;
    uint64_t tiles_simulated = 0, scheduler_wakeups = 0, evictions = 0;
    std::vector<std::pair<size_t, std::string>>
        vcd_op_codes;              // accelerator.coreN.op value, operator
    std::vector<OpLine> operators; // topological order, no views
    std::vector<GroupLine> groups;
    std::vector<ModuleRecord> modules; // simulated (not scaled): per module of the hardware
};

RunSummary summarize(const RunContext& c);

// A sweep point's results.csv cells, in the order of result_columns() (sim/config/sweep.hpp),
// starting with the status "ok".
std::vector<std::string> result_cells(const RunSummary& s);

} // namespace fusesim
