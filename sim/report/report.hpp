// What a timing run produces: the numbers (scaled to the whole model), and the files
// report.json, summary.txt, ops.csv, memory.csv and timeline.json.
#pragma once

#include "sim/config/experiment.hpp"
#include "sim/engine/timing.hpp"
#include "sim/report/output.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fusesim {

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
    bool compute_bound = true;
};

// Per operator, scaled from the simulated layers to the model.
std::vector<OpLine> op_lines(const RunContext& c);
double scale_of(const RunContext& c); // model layers ÷ simulated layers
uint64_t model_cycles(const RunContext& c);

nlohmann::ordered_json report_json(const RunContext& c);
std::string summary_text(const RunContext& c);
std::string ops_csv(const RunContext& c);
std::string memory_csv(const RunContext& c);
std::string timeline_json(const RunContext& c);
// Tensor lifetimes in SRAM around one step of a group (simulation.lifetimes): CSV and a gnuplot
// script drawing them as bars over time (the paper's Figure 10).
std::string lifetimes_csv(const RunContext& c);
std::string lifetimes_script(const RunContext& c, const std::string& svg_path);

} // namespace fusesim
