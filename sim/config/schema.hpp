// The configuration schema: hardware and workload sections of a resolved experiment, read and
// validated into plain values before anything runs. Every mistake is a ConfigError naming the
// file, line and key. The keys are documented in README.md ("Configuration reference").
#pragma once

#include "hw/cost/gpu.hpp"
#include "hw/cost/hardware.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/experiment.hpp"
#include "sim/config/params_run.hpp"
#include "sim/config/params_workload.hpp"
#include "workloads/models/custom.hpp"
#include "workloads/models/registry.hpp"
#include "workloads/plan/mapping.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

HardwareSpec read_hardware(const ConfigNode& hardware);

class Reader;
// The optional `cpo` section (cycles per op by kind) into hw.cpo; unknown kinds are errors.
void read_cpo(Reader& r, HardwareSpec& hw);

// A `model: custom` workload as read, with the line of each operator's Einsum.
struct CustomSpec {
    CustomModel model;
    std::vector<Origin> origins;
};

struct WorkloadSpec {
    std::string name;
    std::string model; // a registered model (workloads/models/registry.hpp) or custom
    std::vector<Stage> stages;
    std::vector<int64_t> seq_lens;
    int64_t batch = workload_param::batch.default_int();
    std::string decode_state = "dram"; // on_chip, dram or auto (sim/config/decode_state.hpp)
    Origin decode_state_origin;
    Precision precision;
    LayerBuilder layer; // a registered model's, with its sizes (empty: custom)
    CustomSpec custom;
    Origin origin;

    // The operator graph of one layer; ConfigError (at the operator's line) for custom mistakes.
    Workload build(Stage stage, int64_t seq_len) const;
    // For commands that simulate one point: the single stage and length, else ConfigError.
    Stage single_stage() const;
    int64_t single_seq_len() const;
    Origin stage_origin, seq_len_origin;
    std::vector<std::pair<std::string, Origin>> key_origins; // every key of the section
    // The sizes read (dimensions, seq_len, batch) with their keys and lines, for errors about
    // operators too large to count.
    struct SizeKey {
        std::string key;
        int64_t value;
        Origin origin;
    };
    std::vector<SizeKey> size_keys;
};

WorkloadSpec read_workload(const ConfigNode& workload);

} // namespace fusesim

namespace fusesim {

// The mapping section: tiling, fusion (a preset name or a list of groups), fixed spatial
// mappings. Operator and dimension names are checked against `w` (a ConfigError at the line that
// names them); `sram_bytes` (one core) sizes automatic tiles and Mem-Aware's split.
MappingSpec read_mapping(const ConfigNode& mapping, const Workload& w, int64_t sram_bytes);

// The simulation section of an experiment (all keys optional).
struct SimulationSpec {
    // Defaults: the declarations of params_run.hpp.
    bool all_layers = true; // false: simulate one layer and scale by the number of layers
    int prefetch = static_cast<int>(run_param::prefetch.default_int());   // tiles fetched ahead
    bool cache_weights = run_param::cache_weights.default_value != 0;     // false: re-read weights
    bool stream_operands = run_param::stream_operands.default_value != 0; // false: must fit
    std::string lifetime_group; // lifetimes chart: group name contains this (empty: none)
    int64_t lifetime_step = run_param::lifetime_step.default_int(); // ... for this tile index
    bool vcd = run_param::vcd.default_value != 0;
    int64_t vcd_limit = run_param::vcd_limit.default_int(); // trace.vcd is cut at this size
    bool timeline = run_param::timeline.default_value != 0;
    int64_t trace_budget = run_param::trace_budget.default_int(); // per trace file, planned
    bool fst = run_param::fst.default_value != 0;                 // trace.vcd → trace.fst
};
SimulationSpec read_simulation(const ConfigNode* simulation);

// The analysis section of `analyze`.
enum class Execution { LayerByLayer, Dataflow };
struct AnalysisSpec {
    std::optional<int64_t> roofline_seq_len;
    Execution execution = Execution::LayerByLayer;
};
AnalysisSpec read_analysis(const ConfigNode* analysis);

// Every section of an experiment, read and checked: the hardware, each workload (built at every
// stage and length), the mapping (against each workload's first stage and length), simulation
// and analysis. Every command calls it first, so that no section goes unchecked.
struct ExperimentSpec {
    HardwareSpec hw;            // a GPU's stand-in (gpu_stand_in) when `gpu` is set
    std::optional<GpuSpec> gpu; // `hardware.kind: gpu`: the roofline reference of `analyze`
    std::vector<WorkloadSpec> workloads;
    SimulationSpec simulation;
    AnalysisSpec analysis;
};
ExperimentSpec read_experiment(const ResolvedExperiment& e);

// The timing simulation counts cycles on SystemC's 64-bit picosecond clock (1.8e16 cycles):
// a generous estimate of the cycles of `layers` layers above kMaxSimulatedCycles is a
// ConfigError (at hardware.dram.bandwidth) instead of an overflow that never ends.
constexpr double kMaxSimulatedCycles = 1e14;
void check_simulated_time(const Workload& w, const HardwareSpec& hw, int64_t layers,
                          const ConfigNode& hardware);

} // namespace fusesim
