// One point of a sweep, run in a sweep child: the run's typed results as results.csv cells.
#include "sim/cli/commands.hpp"
#include "sim/cli/run_setup.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/report.hpp"
#include "sim/report/table.hpp"

namespace fusesim {

std::vector<std::string> run_point(const std::string& experiment, const std::vector<Override>& o) {
    CommandArgs args;
    args.experiment = experiment;
    args.overrides = o;
    auto s = prepare_run(args);
    SimOptions options;
    options.layers = s->simulated_layers;
    options.prefetch_depth = s->simulation.prefetch;
    options.cache_weights = s->simulation.cache_weights;
    options.timeline = false;
    const TimingResult r = simulate(s->workload, s->hw, s->plan, options);
    RunContext c{s->experiment, s->workload, s->hw, s->plan, s->mapping, r, s->simulated_layers};
    const auto j = report_json(c);
    const double seconds = j["latency"]["seconds"].get<double>();
    const double tokens =
        s->workload.stage == Stage::Prefill ? static_cast<double>(s->workload.seq_len) : 1.0;
    return {"ok",
            std::to_string(j["latency"]["cycles"].get<uint64_t>()),
            sci(seconds, 8),
            sci(seconds / tokens, 8),
            std::to_string(j["peak_sram_bytes"].get<int64_t>()),
            std::to_string(j["dram"]["read_bytes"].get<int64_t>()),
            std::to_string(j["dram"]["write_bytes"].get<int64_t>()),
            sci(j["utilization"].get<double>(), 6),
            std::to_string(s->hw.total_pes()),
            std::to_string(s->hw.total_sram_bytes()),
            sci(s->hw.dram.bytes_per_cycle, 8),
            std::to_string(s->mapping.split_d),
            std::to_string(j["dram"]["evicted_bytes"].get<int64_t>())};
}

} // namespace fusesim
