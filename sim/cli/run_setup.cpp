#include "sim/cli/run_setup.hpp"

#include "sim/cli/auto_fusion.hpp"
#include "sim/config/decode_state.hpp"
#include "sim/config/schema_gpu.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim/report/trace_plan.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

SimOptions sim_options(const SimulationSpec& simulation, int layers, bool traces) {
    SimOptions o;
    o.layers = layers;
    o.prefetch_depth = simulation.prefetch;
    o.cache_weights = simulation.cache_weights;
    o.stream_operands = simulation.stream_operands;
    o.vcd_limit = static_cast<uint64_t>(simulation.vcd_limit);
    o.timeline = traces && simulation.timeline;
    if (traces) {
        o.lifetime_group = simulation.lifetime_group;
        o.lifetime_step = simulation.lifetime_step;
    }
    return o;
}

std::unique_ptr<RunSetup> prepare_run(const CommandArgs& args, bool force_one_layer) {
    auto s = std::make_unique<RunSetup>();
    s->experiment = load_experiment(args.experiment, args.overrides, args.files);
    const ConfigNode& tree = s->experiment.tree;
    const ConfigNode* wl = tree.find("workload");
    if (wl && wl->is_sequence())
        throw ConfigError(wl->origin(), "workload",
                          "this command simulates one workload; the experiment lists several");
    ExperimentSpec x = read_experiment(s->experiment); // every section, used or not
    refuse_gpu(*tree.find("hardware"), force_one_layer ? "validate" : "run");
    s->hw = std::move(x.hw);
    s->spec = std::move(x.workloads.front());
    s->simulation = x.simulation;
    s->workload = s->spec.build(s->spec.single_stage(), s->spec.single_seq_len());
    apply_decode_state(s->spec, s->hw, s->workload);
    const ConfigNode& mapping = *tree.find("mapping");
    s->mapping = read_mapping(mapping, s->workload,
                              s->hw.core.sram_bytes - s->workload.resident_sram_per_core);
    s->simulated_layers =
        force_one_layer || !s->simulation.all_layers ? 1 : static_cast<int>(s->workload.layers);
    check_simulated_time(s->workload, s->hw, s->simulated_layers, *tree.find("hardware"));
    const bool allocation_auto = s->mapping.allocation == "auto";
    if (s->mapping.fusion == "auto") {
        SimOptions o = sim_options(s->simulation, 1, false);
        o.memory_limit = memory_limit(args.max_memory, args.memory_share, nullptr);
        const auto cands = search_fusion(s->workload, s->hw, s->mapping, o);
        // No candidate fits the hardware: the point is infeasible (a result in a sweep), like a
        // preset whose tiles do not fit. Candidates refused for other reasons (the memory
        // limit) make it a configuration error below.
        if (!cands.empty() && cands.front().cycles == 0 &&
            std::all_of(cands.begin(), cands.end(), [](const auto& c) { return c.infeasible; }))
            throw ScheduleError(mapping.origin().str() +
                                ": mapping.fusion: fusion: auto found no plan that runs on this "
                                "hardware (" +
                                cands.front().error + ")");
        if (cands.empty() || cands.front().cycles == 0)
            throw ConfigError(
                mapping.origin(), "mapping.fusion",
                "fusion: auto found no plan that runs on this hardware (" +
                    (cands.empty() ? std::string("no candidates") : cands.front().error) + ")");
        MappingSpec chosen = cands.front().mapping;
        for (const auto& c : cands)
            chosen.candidates.push_back(c.name + ": " +
                                        (c.cycles
                                             ? std::to_string(c.cycles) + " cycles per layer"
                                             : "does not run (" + c.error.substr(0, 120) + ")"));
        chosen.fusion_note = "auto chose '" + cands.front().name + "', the fastest of " +
                             std::to_string(cands.size()) + " candidates" +
                             (chosen.fusion_note.empty() ? "" : "; " + chosen.fusion_note);
        chosen.fusion = "auto: " + cands.front().name;
        s->mapping = chosen;
    }
    if (allocation_auto) {
        s->mapping.allocation = "auto";
        SimOptions o = sim_options(s->simulation, 1, false);
        o.memory_limit = memory_limit(args.max_memory, args.memory_share, nullptr);
        const auto cands = search_allocation(s->workload, s->hw, s->mapping, o);
        if (cands.front().cycles == 0)
            throw ScheduleError(mapping.origin().str() +
                                ": mapping.allocation: allocation: auto found no allocation that "
                                "runs on this hardware (" +
                                cands.front().error + ")");
        MappingSpec chosen = cands.front().mapping;
        for (const auto& c : cands)
            chosen.allocation_candidates.push_back(
                c.name + ": " +
                (c.cycles ? std::to_string(c.cycles) + " cycles per layer"
                          : "does not run (" + c.error.substr(0, 120) + ")"));
        chosen.allocation_note = "auto chose '" + cands.front().name + "', the fastest of " +
                                 std::to_string(cands.size()) + " candidates";
        s->mapping = chosen;
    }
    // Estimated from the tiling before the plan is built: a plan that would exhaust the machine
    // is a configuration error now, not std::bad_alloc minutes later.
    const bool all_layers = s->simulated_layers > 1;
    std::string why;
    const int64_t limit = memory_limit(args.max_memory, args.memory_share, &why);
    try {
        s->memory = estimate_run_memory(s->workload, s->mapping, s->hw, s->simulated_layers,
                                        s->simulation.timeline, static_cast<double>(limit),
                                        static_cast<double>(timeline_slice_limit(
                                            static_cast<uint64_t>(s->simulation.trace_budget))));
        const std::string problem = memory_problem(s->memory, limit, why, all_layers);
        // Past kMaxPlanTiles build_tile_plan says that the plan cannot be represented at all.
        if (!problem.empty() && s->memory.tiles <= kMaxPlanTiles) {
            const ConfigNode* sim = tree.find("simulation");
            throw ConfigError(all_layers && sim ? sim->origin() : mapping.origin(),
                              all_layers ? "simulation.layers" : "mapping.tiling", problem);
        }
        const std::string reads = reads_problem(s->memory);
        if (!reads.empty()) throw ConfigError(mapping.origin(), "mapping.tiling", reads);
        s->plan = build_plan_for(s->workload, s->mapping, s->hw, s->simulated_layers);
    } catch (const std::invalid_argument& e) {
        throw ConfigError(mapping.origin(), "mapping", e.what());
    }
    return s;
}

} // namespace fusesim
