#include "sim/run_setup.hpp"

#include <stdexcept>

namespace fusesim {

std::unique_ptr<RunSetup> prepare_run(const CommandArgs& args, bool force_one_layer) {
    auto s = std::make_unique<RunSetup>();
    s->experiment = load_experiment(args.experiment, args.overrides);
    const ConfigNode& tree = s->experiment.tree;
    const ConfigNode* wl = tree.find("workload");
    if (wl && wl->is_sequence())
        throw ConfigError(wl->origin(), "workload",
                          "this command simulates one workload; the experiment lists several");
    s->hw = read_hardware(*tree.find("hardware"));
    s->spec = read_workload(*wl);
    s->workload = s->spec.build(s->spec.single_stage(), s->spec.single_seq_len());
    const ConfigNode& mapping = *tree.find("mapping");
    s->mapping = read_mapping(mapping, s->workload, s->hw.core.sram_bytes);
    s->simulation = read_simulation(tree.find("simulation"));
    s->simulated_layers =
        force_one_layer || !s->simulation.all_layers ? 1 : static_cast<int>(s->workload.layers);
    try {
        s->plan = build_tile_plan(s->workload, s->mapping, s->hw.cores, s->simulated_layers);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(mapping.origin(), "mapping", e.what());
    }
    return s;
}

} // namespace fusesim
