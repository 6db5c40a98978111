// `fusesim run`: the timing simulation of one experiment, with its reports and traces.
#include "sim/cli/run_setup.hpp"
#include "sim/report/bounds_report.hpp"
#include "sim/report/report.hpp"
#include "sim/report/trace_plan.hpp"

#include <iostream>

namespace fusesim {

int cmd_run(const CommandArgs& args) {
    auto s = prepare_run(args);
    OutputDir out(args.output.empty() ? s->experiment.output : args.output);
    out.set_quiet(args.quiet);
    SimOptions options = sim_options(s->simulation, s->simulated_layers, true);
    if (s->simulation.vcd) options.vcd_path = out.staged("trace.vcd"); // committed with the rest
    const TracePlan traces = plan_traces(
        s->workload, s->hw, s->plan, static_cast<uint64_t>(s->simulation.trace_budget), options);
    const TimingResult result = simulate(s->workload, s->hw, s->plan, options);
    RunContext c{s->experiment, s->workload,        s->hw, s->plan, s->mapping,
                 result,        s->simulated_layers};
    const RunSummary run = summarize(c);
    const std::string timeline =
        options.timeline ? timeline_json(c, options.timeline_counters) : std::string();
    const bool fst = !options.vcd_path.empty() && s->simulation.fst;
    const std::string fst_note = fst ? convert_to_fst(out, result.vcd_bytes) : "";
    const bool vcd_kept = !options.vcd_path.empty() && out.staged_size("trace.vcd") >= 0;
    const std::string summary = summary_text(run) +
                                trace_notes(traces, result, options, timeline.size(), fst_note) +
                                vcd_note(result, options);
    out.write("report.json", with_bounds(report_json(run), result, options, s->memory,
                                         traces.vcd_interval, timeline.size())
                                     .dump(2) +
                                 "\n");
    out.write("summary.txt", summary);
    out.write("ops.csv", ops_csv(run));
    out.write("memory.csv", memory_csv(c));
    if (options.timeline) out.write("timeline.json", timeline);
    out.write("config.yaml", s->experiment.tree.to_yaml());
    if (!options.lifetime_group.empty()) {
        if (result.lifetimes.empty())
            throw ConfigError(s->experiment.tree.find("simulation")->origin(),
                              "simulation.lifetimes",
                              "no tile of a group named like '" + options.lifetime_group +
                                  "' has step " + std::to_string(options.lifetime_step));
        out.write("lifetimes.csv", lifetimes_csv(c));
        out.plot("lifetimes.gp", lifetimes_script(c, "lifetimes.svg"));
    }
    out.commit();
    if (!args.quiet)
        std::cout << summary << "\nwrote " << out.path()
                  << "/{report.json, summary.txt, ops.csv, memory.csv"
                  << (options.timeline ? ", timeline.json" : "") << (vcd_kept ? ", trace.vcd" : "")
                  << (fst && !vcd_kept ? ", trace.fst" : "") << "}\n";
    return 0;
}

} // namespace fusesim
