// The timing simulation: a tile plan executed on the modeled hardware by the SystemC scheduler.
// One simulation per process (SystemC allows one elaboration): callers fork when they need more.
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/engine/timing_result.hpp"
#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

namespace fusesim {

// Runs the simulation of a finished plan (its spatial mappings resolved: build_plan_for in
// sim/engine/tile_cost.hpp) on the hardware: elaborates the SystemC modules, sc_start. Throws
// ScheduleError naming the stuck tiles if the schedule cannot progress.
TimingResult simulate(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      const SimOptions& options);

} // namespace fusesim
