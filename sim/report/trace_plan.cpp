#include "sim/report/trace_plan.hpp"

#include "sim/analytic/plan_analytic.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/report/table.hpp"

#include <algorithm>
#include <cmath>

namespace fusesim {

namespace {

// The smallest of 1, 2, 5, 10, 20, 50, ... at least `v`: intervals a reader can count with.
uint64_t round_up_nice(double v) {
    uint64_t step = 1;
    for (;;) {
        for (uint64_t m : {1, 2, 5})
            if (static_cast<double>(step * m) >= v) return step * m;
        step *= 10;
    }
}

std::string commas(uint64_t v) {
    std::string d = std::to_string(v), out;
    for (size_t i = 0; i < d.size(); ++i) {
        if (i && (d.size() - i) % 3 == 0) out += ',';
        out += d[i];
    }
    return out;
}

std::string mib(double bytes) {
    return approx_bytes(bytes);
}

} // namespace

size_t timeline_slice_limit(uint64_t budget) {
    return std::clamp<size_t>(
        static_cast<size_t>(0.75 * static_cast<double>(budget) / kTimelineSliceBytes), 64,
        kTimelineMaxSlices);
}

TracePlan plan_traces(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      uint64_t budget, SimOptions& options) {
    TracePlan p;
    p.budget = budget;
    const double b = static_cast<double>(budget);
    if (!options.vcd_path.empty()) {
        p.vcd_full_bytes = static_cast<double>(plan.tiles.size()) * kVcdBytesPerTile;
        if (p.vcd_full_bytes > b) {
            double cycles = 0;
            for (const auto& g :
                 estimate_groups(w, hw, plan, options.stream_operands, options.cache_weights))
                cycles += static_cast<double>(g.cycles);
            p.estimated_cycles = cycles * plan.layers;
            // An interval's step holds its time and, in practice, the SRAM peak of each core and
            // the DRAM figure (busy and op change rarely at that scale): 14 B an interval
            // measured on the default run at 1,000,000 cycles, 76 B here, to be safe.
            const double step = 16 + kVcdBytesPerSignal * (static_cast<double>(hw.cores) + 1);
            const double header = 200 + 60 * (3.0 * hw.cores + 1);
            const double room = std::max(b - header, b / 2);
            p.vcd_interval = round_up_nice(std::max(2.0, p.estimated_cycles * step / room));
        }
    }
    options.vcd_interval = p.vcd_interval;
    p.timeline_slices = timeline_slice_limit(budget);
    p.timeline_counters = std::clamp<size_t>(static_cast<size_t>(0.25 * b / kTimelineCounterBytes),
                                             static_cast<size_t>(hw.cores) * 16, 200000);
    options.timeline_limit = p.timeline_slices;
    options.timeline_counters = p.timeline_counters;
    return p;
}

std::string trace_notes(const TracePlan& p, const TimingResult& r, const SimOptions& o,
                        uint64_t timeline_bytes, const std::string& fst) {
    std::string s;
    const std::string budget = mib(static_cast<double>(p.budget)) + " (simulation.trace_budget)";
    if (!o.vcd_path.empty()) {
        s += "trace.vcd: " + mib(static_cast<double>(r.vcd_bytes));
        if (p.vcd_interval == 1)
            s += ", every change";
        else
            s += ", one step per " + commas(p.vcd_interval) +
                 " cycles (peaks; op: the last operator): every change would take about " +
                 mib(p.vcd_full_bytes) + " (" + commas(static_cast<uint64_t>(kVcdBytesPerTile)) +
                 " B × " + commas(r.tiles) + " tiles), over " + budget;
        if (r.vcd_truncated)
            s += "; cut at cycle " + commas(r.vcd_cut_cycle) + " of " + commas(r.cycles) + " at " +
                 mib(static_cast<double>(o.vcd_limit)) + " (simulation.vcd_limit)";
        s += "\n";
        if (!fst.empty()) s += "trace.fst: " + fst + "\n";
    }
    if (o.timeline) {
        s += "timeline.json: " + mib(static_cast<double>(timeline_bytes)) + ", " +
             commas(r.timeline_tiles) + " tiles in " + commas(r.timeline.size()) +
             " slices, each " + describe(r.timeline_level);
        if (r.timeline_level != TimelineLevel::Tiles)
            s += " (merged: finer would pass " + commas(p.timeline_slices) + " slices, 3/4 of " +
                 budget + ")";
        s += "\n";
    }
    return s;
}

std::string convert_to_fst(const OutputDir& out, uint64_t vcd_bytes) {
    const std::string exe = find_on_path("vcd2fst");
    if (exe.empty()) return "not written: vcd2fst (GTKWave) is not on PATH; trace.vcd kept";
    const ToolRun t = out.run(exe, {"./trace.vcd", "./trace.fst"});
    const int64_t fst_bytes = out.staged_size("trace.fst");
    if (!t.ok || fst_bytes < 0) {
        out.remove_staged("trace.fst");
        return "not written: vcd2fst failed (" + (t.ok ? std::string("no output") : t.failure) +
               "); trace.vcd kept";
    }
    out.remove_staged("trace.vcd");
    return mib(static_cast<double>(fst_bytes)) + ", converted from trace.vcd (" +
           mib(static_cast<double>(vcd_bytes)) + ") by " + exe + "; trace.vcd removed";
}

} // namespace fusesim
