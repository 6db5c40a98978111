// Everything a timing command needs, read and validated from an experiment before SystemC
// elaborates anything: hardware, workload graph, mapping, tile plan, simulation options.
#pragma once

#include "sim/cli/commands.hpp"
#include "sim/config/schema.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/timing_result.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <memory>

namespace fusesim {

struct RunSetup {
    ResolvedExperiment experiment;
    HardwareSpec hw;
    WorkloadSpec spec;
    Workload workload;
    MappingSpec mapping;
    SimulationSpec simulation;
    TilePlan plan;
    int simulated_layers = 1;
    MemoryEstimate memory; // of the run, made before the plan was built
};

// The simulation options of `layers` simulated layers as the experiment's simulation section
// gives them: the one place a SimulationSpec becomes SimOptions. `traces` false: none of the
// traces (timeline, lifetimes; the VCD path is the caller's), for runs that keep only figures.
SimOptions sim_options(const SimulationSpec& simulation, int layers, bool traces);

// `force_one_layer`: simulate one layer whatever the experiment says (validate compares layers).
std::unique_ptr<RunSetup> prepare_run(const CommandArgs& args, bool force_one_layer = false);

} // namespace fusesim
