// `fusesim validate`: the analytical model and the timing simulation on the same tile plan (one
// layer), group by group, with the reason wherever they differ by more than 2 %.
#include "sim/analytic/analytic.hpp"
#include "sim/analytic/gap_causes.hpp"
#include "sim/analytic/plan_analytic.hpp"
#include "sim/cli/run_setup.hpp"
#include "sim/config/config_hash.hpp"
#include "sim/report/report.hpp"
#include "sim/report/table.hpp"
#include "sim/report/version.hpp"

#include <cmath>
#include <iostream>

namespace fusesim {

namespace {

constexpr double kExplainAbove = 0.02;

// Why the simulated span of a group differs from its estimate: the idle time the simulation
// measured before the group's tiles, by cause, and what the estimate cannot see.
std::string reason(const GroupEstimate& e, const GroupStats& g, uint64_t simulated,
                   int64_t simulated_bytes, const HardwareSpec& hw) {
    std::vector<std::string> why;
    const double gap = static_cast<double>(simulated) - static_cast<double>(e.cycles);
    auto share = [&](uint64_t v) { return std::to_string(v) + " cycles"; };
    const int64_t estimated_bytes = e.read_bytes + e.write_bytes;
    if (gap > 0) {
        if (g.stall_fetch > 0)
            why.push_back("waiting for DRAM: " + share(g.stall_fetch) +
                          " with inputs in flight (pipeline fill " + std::to_string(e.fill_cycles) +
                          " cycles; the port is shared with write-backs)");
        if (g.stall_memory > 0)
            why.push_back(
                "SRAM full: " + share(g.stall_memory) +
                " waiting for SRAM to free up (the next tile could not be prefetched while "
                "the current one held its buffers)");
        if (g.stall_dependency > 0)
            why.push_back("dependencies: " + share(g.stall_dependency) +
                          " waiting for producers or their write-back");
        if (e.memory_cycles > e.compute_cycles && g.stall_fetch + g.stall_memory == 0)
            why.push_back("DRAM contention: the last write-backs finish after compute");
    } else if (e.memory_cycles > e.compute_cycles && simulated_bytes < estimated_bytes) {
        why.push_back("fewer DRAM bytes moved than the memory-bound estimate counts");
    } else {
        why.push_back("overlap with neighbouring groups (prefetch across the group boundary)");
    }
    if (g.stall_sram_bank > 0)
        why.push_back("SRAM banks: " + share(g.stall_sram_bank) + " waiting for banks, " +
                      share(g.stall_sram_conflict) + " of them bank conflicts (in both models)");
    if (g.streamed_bytes > 0)
        why.push_back("streaming: " + std::to_string(g.streamed_bytes) +
                      " B of operands too large for SRAM streamed (both models count them)");
    // The estimate's DRAM bytes against what the group moved: its reuse rule keeps or re-reads a
    // whole copy, where the simulation's eviction keeps part of a set or evicts other data.
    if (std::abs(static_cast<double>(estimated_bytes - simulated_bytes)) >
        kExplainAbove * static_cast<double>(std::max(estimated_bytes, simulated_bytes)))
        why.push_back("DRAM bytes: " + std::to_string(estimated_bytes) + " B estimated, " +
                      std::to_string(simulated_bytes) + " B moved (the estimate keeps a copy " +
                      "whole or reads it again; the simulation can keep part or evict other data)");
    if (g.evicted_bytes > 0 || g.refetched_bytes > 0)
        why.push_back("eviction: " + std::to_string(g.evicted_bytes) + " B written back, " +
                      std::to_string(g.refetched_bytes) + " B refetched");
    const double util = e.compute_cycles
                            ? e.useful_pe_cycles / (static_cast<double>(e.compute_cycles) *
                                                    static_cast<double>(hw.total_pes()))
                            : 1.0;
    if (util < 0.5 && e.compute_cycles >= e.memory_cycles)
        why.push_back("under-utilization: tiles fill " + fixed(100 * util, 0) +
                      " % of the PE array (in both models)");
    std::string s;
    for (const auto& w : why) s += (s.empty() ? "" : "; ") + w;
    return s.empty() ? "pipeline fill" : s;
}

} // namespace

int cmd_validate(const CommandArgs& args) {
    auto s = prepare_run(args, /*force_one_layer=*/true);
    const SimOptions options = sim_options(s->simulation, 1, false);
    const TimingResult r = simulate(s->workload, s->hw, s->plan, options);
    const auto est = estimate_groups(s->workload, s->hw, s->plan, options.stream_operands,
                                     options.cache_weights);
    const AnalyticReport lbl = analyze_layer_by_layer(s->workload, s->hw);

    Table t({"group", "tiles", "compute cyc", "memory cyc", "analytic", "simulated", "gap",
             "reason (gap > 2 %)"});
    Table csv({"group", "tiles", "compute_cycles", "memory_cycles", "analytic_cycles",
               "simulated_cycles", "gap_fraction", "reason"});
    nlohmann::ordered_json jg = nlohmann::ordered_json::array();
    uint64_t analytic_total = 0;
    int explained = 0;
    for (size_t g = 0; g < s->plan.groups.size(); ++g) {
        const GroupEstimate& e = est[g];
        const GroupStats& gs = r.groups[g];
        const uint64_t sim = gs.last_end >= gs.first_start && gs.first_start != UINT64_MAX
                                 ? gs.last_end - gs.first_start
                                 : 0;
        analytic_total += e.cycles;
        int64_t sim_read = 0, sim_write = 0; // the group's DRAM bytes in the simulation
        for (int op : s->plan.groups[g].ops) {
            sim_read += r.ops[static_cast<size_t>(op)].read_bytes;
            sim_write += r.ops[static_cast<size_t>(op)].write_bytes;
        }
        const double gap = e.cycles ? (static_cast<double>(sim) - static_cast<double>(e.cycles)) /
                                          static_cast<double>(e.cycles)
                                    : 0.0;
        std::string why;
        if (std::abs(gap) > kExplainAbove) {
            why = reason(e, gs, sim, sim_read + sim_write, s->hw);
            ++explained;
        }
        t.row({s->plan.groups[g].name, std::to_string(e.tiles), std::to_string(e.compute_cycles),
               std::to_string(e.memory_cycles), std::to_string(e.cycles), std::to_string(sim),
               (gap >= 0 ? "+" : "") + fixed(100 * gap, 2) + " %", why});
        csv.row({s->plan.groups[g].name, std::to_string(e.tiles), std::to_string(e.compute_cycles),
                 std::to_string(e.memory_cycles), std::to_string(e.cycles), std::to_string(sim),
                 exact(gap), why});
        jg.push_back({{"group", s->plan.groups[g].name},
                      {"tiles", e.tiles},
                      {"compute_cycles", e.compute_cycles},
                      {"memory_cycles", e.memory_cycles},
                      {"read_bytes", e.read_bytes},
                      {"write_bytes", e.write_bytes},
                      {"simulated_read_bytes", sim_read},
                      {"simulated_write_bytes", sim_write},
                      {"analytic_cycles", e.cycles},
                      {"simulated_cycles", sim},
                      {"gap", gap},
                      {"stall_fetch_cycles", gs.stall_fetch},
                      {"stall_memory_cycles", gs.stall_memory},
                      {"stall_dependency_cycles", gs.stall_dependency},
                      {"stall_sram_bank_cycles", gs.stall_sram_bank},
                      {"stall_sram_conflict_cycles", gs.stall_sram_conflict},
                      {"reason", why}});
    }
    const double layers = static_cast<double>(s->workload.layers);
    const double sim_total = static_cast<double>(r.cycles);
    const double gap_plan = (sim_total - static_cast<double>(analytic_total)) /
                            static_cast<double>(std::max<uint64_t>(1, analytic_total));
    const double gap_lbl = (sim_total - static_cast<double>(lbl.layer_cycles)) /
                           static_cast<double>(std::max<uint64_t>(1, lbl.layer_cycles));

    nlohmann::ordered_json j;
    j["experiment"] = s->experiment.name;
    j["version"] = build_version();
    j["config_hash"] = config_hash(s->experiment.tree);
    j["per_layer"] = {{"simulated_cycles", r.cycles},
                      {"analytic_plan_cycles", analytic_total},
                      {"analytic_layer_by_layer_cycles", lbl.layer_cycles},
                      {"gap_vs_plan", gap_plan},
                      {"gap_vs_layer_by_layer", gap_lbl}};
    j["model"] = {
        {"layers", s->workload.layers},
        {"simulated_seconds", sim_total * layers / s->hw.clock_hz},
        {"analytic_plan_seconds", static_cast<double>(analytic_total) * layers / s->hw.clock_hz},
        {"analytic_layer_by_layer_seconds",
         static_cast<double>(lbl.layer_cycles) * layers / s->hw.clock_hz}};
    j["groups"] = jg;
    // The per-layer gap by measured cause (sim/analytic/gap_causes.hpp): they add up to it.
    const GapBreakdown causes = explain_gap(r, est);
    nlohmann::ordered_json jc = nlohmann::ordered_json::array();
    Table tc({"cause", "cycles", "of the estimate", "what it measures"});
    double cause_sum = 0;
    for (const GapCause& c : causes.causes) {
        cause_sum += c.cycles;
        jc.push_back({{"cause", c.name}, {"cycles", c.cycles}, {"explanation", c.explanation}});
        tc.row({c.name, fixed(c.cycles, 0),
                (c.cycles >= 0 ? "+" : "") +
                    fixed(100 * c.cycles / std::max(1.0, causes.analytic), 2) + " %",
                c.explanation});
    }
    j["causes"] = {{"simulated_cycles", causes.simulated},
                   {"analytic_cycles", causes.analytic},
                   {"gap_cycles", causes.simulated - causes.analytic},
                   {"sum_of_causes", cause_sum},
                   {"causes", jc}};
    OutputDir out(args.output.empty() ? s->experiment.output + "-validate" : args.output);
    out.write("validate.json", j.dump(2) + "\n");
    out.write("validate.csv", csv.csv());
    out.commit();
    if (!args.quiet) {
        std::cout << "fusesim validate: " << s->experiment.name << " (" << s->workload.name << ", "
                  << to_string(s->workload.stage) << ", L = " << s->workload.seq_len
                  << "), one layer, analytic model and timing simulation on the same plan\n\n"
                  << t.text() << "\n";
        std::cout << "per layer: simulated " << r.cycles << " cycles; analytic on the plan "
                  << analytic_total << " (" << (gap_plan >= 0 ? "+" : "")
                  << fixed(100 * gap_plan, 2) << " %); analytic layer-by-layer, untiled "
                  << lbl.layer_cycles << " (" << (gap_lbl >= 0 ? "+" : "")
                  << fixed(100 * gap_lbl, 2) << " %)\n";
        std::cout << "model (" << s->workload.layers << " layers): simulated "
                  << seconds_text(sim_total * layers / s->hw.clock_hz) << ", analytic "
                  << seconds_text(static_cast<double>(analytic_total) * layers / s->hw.clock_hz)
                  << "\n"
                  << explained << " group(s) differ by more than 2 %, each with its reason\n\n"
                  << "the per-layer gap (" << fixed(causes.simulated - causes.analytic, 0)
                  << " cycles) by measured cause, mean over the cores:\n"
                  << tc.text() << "\n"
                  << "wrote " << out.path() << "/{validate.json, validate.csv}\n";
    }
    return 0;
}

} // namespace fusesim
