// One point of a sweep, run in a sweep child: the run's typed results as results.csv cells.
#include "sim/cli/commands.hpp"
#include "sim/cli/run_setup.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/run_summary.hpp"

namespace fusesim {

std::vector<std::string> run_point(const std::string& experiment, const std::vector<Override>& o,
                                   const SectionFiles& files) {
    CommandArgs args;
    args.experiment = experiment;
    args.overrides = o;
    args.files = files;
    auto s = prepare_run(args);
    const TimingResult r = simulate(s->workload, s->hw, s->plan,
                                    sim_options(s->simulation, s->simulated_layers, false));
    RunContext c{s->experiment, s->workload, s->hw, s->plan, s->mapping, r, s->simulated_layers};
    return result_cells(summarize(c));
}

} // namespace fusesim
