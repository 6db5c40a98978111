#include "sim/report/report.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/report/table.hpp"

#include <algorithm>

namespace fusesim {

double scale_of(const RunContext& c) {
    return static_cast<double>(c.workload.layers) / static_cast<double>(c.simulated_layers);
}

uint64_t model_cycles(const RunContext& c) {
    return static_cast<uint64_t>(static_cast<double>(c.result.cycles) * scale_of(c) + 0.5);
}

std::vector<OpLine> op_lines(const RunContext& c) {
    const double k = scale_of(c);
    std::vector<OpLine> lines;
    for (int o : c.workload.topo_order) {
        const Operator& op = c.workload.ops[o];
        if (op.kind == OpKind::View) continue;
        const OpStats& s = c.result.ops[o];
        OpLine l;
        l.name = op.name;
        l.type = op.type;
        l.group = c.plan.groups[c.plan.group_of_op[o]].name;
        l.ops = static_cast<int64_t>(static_cast<double>(op.ops()) * c.workload.layers);
        l.dram_bytes = static_cast<int64_t>(static_cast<double>(s.read_bytes + s.write_bytes) * k);
        l.compute_cycles = static_cast<uint64_t>(static_cast<double>(s.compute_cycles) * k);
        l.memory_cycles =
            static_cast<uint64_t>(static_cast<double>(transfer_cycles(s.read_bytes + s.write_bytes,
                                                                      c.hw.dram.bytes_per_cycle)) *
                                  k);
        l.cycles = std::max(l.compute_cycles, l.memory_cycles);
        l.compute_bound = l.compute_cycles >= l.memory_cycles;
        l.tiles = s.tiles;
        l.span_cycles = s.last_end >= s.first_start && s.first_start != UINT64_MAX
                            ? s.last_end - s.first_start
                            : 0;
        lines.push_back(l);
    }
    return lines;
}

namespace {

double utilization(const RunContext& c) {
    double useful = 0;
    for (double u : c.result.core_useful_pe_cycles) useful += u;
    const double capacity =
        static_cast<double>(c.result.cycles) * static_cast<double>(c.hw.total_pes());
    return capacity > 0 ? useful / capacity : 0.0;
}

std::string mode_text(const RunContext& c) {
    return c.simulated_layers == c.workload.layers
               ? "all " + std::to_string(c.workload.layers) + " layers simulated"
               : std::to_string(c.simulated_layers) + " of " + std::to_string(c.workload.layers) +
                     " layers simulated, scaled ×" + fixed(scale_of(c), 2);
}

} // namespace

nlohmann::ordered_json report_json(const RunContext& c) {
    const double k = scale_of(c);
    const uint64_t cycles = model_cycles(c);
    nlohmann::ordered_json j;
    j["experiment"] = c.experiment.name;
    j["workload"] = {{"name", c.workload.name},
                     {"stage", to_string(c.workload.stage)},
                     {"seq_len", c.workload.seq_len},
                     {"batch", c.workload.batch}};
    j["hardware"] = c.hw.name;
    j["mapping"] = c.mapping.name;
    j["fusion"] = {{"scheme", c.mapping.fusion},
                   {"split_d", c.mapping.split_d},
                   {"fuse_all_bytes_eq2", c.mapping.fuse_all_bytes},
                   {"note", c.mapping.fusion_note},
                   {"candidates", c.mapping.candidates}};
    j["latency"] = {{"cycles", cycles},
                    {"seconds", static_cast<double>(cycles) / c.hw.clock_hz},
                    {"simulated_cycles", c.result.cycles}};
    j["simulated_layers"] = c.simulated_layers;
    j["model_layers"] = c.workload.layers;
    j["layer_mode"] = c.simulated_layers == c.workload.layers ? "all layers simulated"
                                                              : "one layer simulated, scaled";
    j["peak_sram_bytes"] = *std::max_element(c.result.peak_sram.begin(), c.result.peak_sram.end());
    j["peak_sram_bytes_per_core"] = c.result.peak_sram;
    j["sram_capacity_bytes_per_core"] = c.hw.core.sram_bytes;
    j["dram"] = {
        {"read_bytes", static_cast<int64_t>(static_cast<double>(c.result.dram_read_bytes) * k)},
        {"write_bytes", static_cast<int64_t>(static_cast<double>(c.result.dram_write_bytes) * k)},
        {"evicted_bytes", static_cast<int64_t>(static_cast<double>(c.result.evicted_bytes) * k)},
        {"refetched_bytes",
         static_cast<int64_t>(static_cast<double>(c.result.refetched_bytes) * k)},
        {"busy_fraction", c.result.cycles ? static_cast<double>(c.result.dram_busy_cycles) /
                                                static_cast<double>(c.result.cycles)
                                          : 0.0}};
    j["utilization"] = utilization(c);
    // Only the off-chip traffic's energy is modeled (hardware dram.energy_per_bit).
    j["energy"] = {
        {"dram_joules", static_cast<double>(c.result.dram_read_bytes + c.result.dram_write_bytes) *
                            k * 8.0 * c.hw.dram.energy_pj_per_bit * 1e-12}};
    nlohmann::ordered_json cores = nlohmann::ordered_json::array();
    for (size_t i = 0; i < c.result.core_busy.size(); ++i)
        cores.push_back(
            {{"core", i},
             {"busy_fraction", c.result.cycles ? static_cast<double>(c.result.core_busy[i]) /
                                                     static_cast<double>(c.result.cycles)
                                               : 0.0},
             {"utilization", c.result.cycles ? c.result.core_useful_pe_cycles[i] /
                                                   (static_cast<double>(c.result.cycles) *
                                                    static_cast<double>(c.hw.core.pes()))
                                             : 0.0},
             {"peak_sram_bytes", c.result.peak_sram[i]}});
    j["cores"] = cores;
    j["tiles_simulated"] = c.result.tiles;
    // The values of coreN_op in trace.vcd: operator index + 1 (0: idle).
    nlohmann::ordered_json codes;
    for (size_t o = 0; o < c.workload.ops.size(); ++o)
        if (c.workload.ops[o].kind != OpKind::View)
            codes[std::to_string(o + 1)] = c.workload.ops[o].name;
    j["vcd_op_codes"] = codes;
    j["scheduler_wakeups"] = c.result.kernel_events;
    j["evictions"] = c.result.evictions;
    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const auto& l : op_lines(c))
        ops.push_back({{"name", l.name},
                       {"type", l.type},
                       {"group", l.group},
                       {"ops", l.ops},
                       {"dram_bytes", l.dram_bytes},
                       {"cycles", l.cycles},
                       {"compute_cycles", l.compute_cycles},
                       {"memory_cycles", l.memory_cycles},
                       {"bound", l.compute_bound ? "compute" : "memory"},
                       {"tiles", l.tiles},
                       {"span_cycles_layer0", l.span_cycles}});
    j["operators"] = ops;
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& g : c.plan.groups) {
        nlohmann::ordered_json names = nlohmann::ordered_json::array();
        for (int o : g.ops) names.push_back(c.workload.ops[o].name);
        const GroupStats& gs = c.result.groups[&g - c.plan.groups.data()];
        groups.push_back({{"name", g.name},
                          {"on_chip", g.on_chip},
                          {"operators", names},
                          {"peak_sram_bytes", gs.peak_sram},
                          {"evicted_bytes", gs.evicted_bytes},
                          {"refetched_bytes", gs.refetched_bytes}});
    }
    j["groups"] = groups;
    j["config"] = nlohmann::ordered_json::parse(c.experiment.tree.to_json_string());
    return j;
}

std::string summary_text(const RunContext& c) {
    const uint64_t cycles = model_cycles(c);
    const double k = scale_of(c);
    std::string s = "fusesim run: " + c.experiment.name + "\n";
    s += "  workload  " + c.workload.name + ", " + to_string(c.workload.stage) +
         ", L = " + std::to_string(c.workload.seq_len) + ", batch " +
         std::to_string(c.workload.batch) + ", " + c.workload.precision.name + " (" + mode_text(c) +
         ")\n";
    s += "  hardware  " + c.hw.name + ": " + std::to_string(c.hw.cores) + " core(s) of " +
         std::to_string(c.hw.core.pe_rows) + "x" + std::to_string(c.hw.core.pe_cols) + " PEs, " +
         format_bytes(c.hw.core.sram_bytes) + " SRAM each, DRAM " +
         fixed(c.hw.dram.bytes_per_cycle, 1) + " B/cycle\n";
    s += "  mapping   " + c.mapping.name + ": fusion " + c.mapping.fusion + ", " +
         std::to_string(c.plan.groups.size()) + " groups, " + std::to_string(c.result.tiles) +
         " tiles simulated\n";
    if (!c.mapping.fusion_note.empty()) s += "            " + c.mapping.fusion_note + "\n";
    for (const auto& cand : c.mapping.candidates) s += "              " + cand + "\n";
    s += "\n";
    s += "latency      " + std::to_string(cycles) +
         " cycles = " + seconds_text(static_cast<double>(cycles) / c.hw.clock_hz) + "\n";
    s += "DRAM         read " +
         format_bytes(static_cast<int64_t>(static_cast<double>(c.result.dram_read_bytes) * k)) +
         ", written " +
         format_bytes(static_cast<int64_t>(static_cast<double>(c.result.dram_write_bytes) * k)) +
         " (evicted " +
         format_bytes(static_cast<int64_t>(static_cast<double>(c.result.evicted_bytes) * k)) +
         ", refetched " +
         format_bytes(static_cast<int64_t>(static_cast<double>(c.result.refetched_bytes) * k)) +
         "), port busy " +
         fixed(c.result.cycles ? 100.0 * static_cast<double>(c.result.dram_busy_cycles) /
                                     static_cast<double>(c.result.cycles)
                               : 0.0,
               1) +
         " %\n";
    const int64_t peak = *std::max_element(c.result.peak_sram.begin(), c.result.peak_sram.end());
    s += "peak SRAM    " + format_bytes(peak) + " of " + format_bytes(c.hw.core.sram_bytes) +
         " per core\n";
    s += "utilization  " + fixed(100.0 * utilization(c), 1) + " % of PE-cycles";
    if (c.result.core_busy.size() > 1) {
        double lo = 1, hi = 0;
        for (size_t i = 0; i < c.result.core_busy.size(); ++i) {
            const double u = c.result.cycles ? c.result.core_useful_pe_cycles[i] /
                                                   (static_cast<double>(c.result.cycles) *
                                                    static_cast<double>(c.hw.core.pes()))
                                             : 0.0;
            lo = std::min(lo, u);
            hi = std::max(hi, u);
        }
        s += " (cores " + fixed(100.0 * lo, 1) + "–" + fixed(100.0 * hi, 1) + " %)";
    }
    s += "\n\n";
    Table t({"operator", "type", "group", "tiles", "ops", "DRAM bytes", "compute cyc", "memory cyc",
             "bound", "share"});
    for (const auto& l : op_lines(c))
        t.row({l.name, l.type, l.group, std::to_string(l.tiles), sci(static_cast<double>(l.ops), 4),
               sci(static_cast<double>(l.dram_bytes), 4), std::to_string(l.compute_cycles),
               std::to_string(l.memory_cycles), l.compute_bound ? "compute" : "memory",
               fixed(cycles ? 100.0 * static_cast<double>(l.cycles) / static_cast<double>(cycles)
                            : 0.0,
                     1) +
                   " %"});
    return s + t.text();
}

std::string ops_csv(const RunContext& c) {
    Table t({"name", "type", "group", "tiles", "ops", "dram_bytes", "compute_cycles",
             "memory_cycles", "cycles", "bound", "span_cycles_layer0"});
    for (const auto& l : op_lines(c))
        t.row({l.name, l.type, l.group, std::to_string(l.tiles), std::to_string(l.ops),
               std::to_string(l.dram_bytes), std::to_string(l.compute_cycles),
               std::to_string(l.memory_cycles), std::to_string(l.cycles),
               l.compute_bound ? "compute" : "memory", std::to_string(l.span_cycles)});
    return t.csv();
}

std::string memory_csv(const RunContext& c) {
    // Every change of occupancy, or for long runs the largest value in each of 100,000 equal
    // intervals per core (the peak is never lost).
    constexpr size_t kLimit = 200000;
    std::string s = "cycle,core,sram_bytes\n";
    const auto& samples = c.result.occupancy;
    if (samples.size() <= kLimit) {
        for (const auto& x : samples)
            s += std::to_string(x.cycle) + "," + std::to_string(x.core) + "," +
                 std::to_string(x.bytes) + "\n";
        return s;
    }
    // A row per core per interval: fewer intervals with many cores (at most ~2,000,000 rows).
    const size_t cores = c.result.peak_sram.size();
    const uint64_t intervals =
        std::clamp<uint64_t>(2000000 / std::max<size_t>(cores, 1), 100, 100000);
    const uint64_t width = std::max<uint64_t>(1, c.result.cycles / intervals + 1);
    std::vector<int64_t> current(cores, 0), best(cores, -1);
    uint64_t bucket = 0;
    auto flush = [&](uint64_t b) {
        for (size_t k = 0; k < cores; ++k)
            if (best[k] >= 0)
                s += std::to_string(b * width) + "," + std::to_string(k) + "," +
                     std::to_string(best[k]) + "\n";
    };
    for (const auto& x : samples) {
        const uint64_t b = x.cycle / width;
        if (b != bucket) {
            flush(bucket);
            bucket = b;
            for (size_t k = 0; k < cores; ++k) best[k] = current[k];
        }
        current[x.core] = x.bytes;
        best[x.core] = std::max(best[x.core], x.bytes);
    }
    flush(bucket);
    return s;
}

std::string timeline_json(const RunContext& c) {
    // Chrome trace format (Perfetto, chrome://tracing): one thread per core; ts/dur in µs.
    const double us = 1e6 / c.hw.clock_hz;
    std::string s = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    s += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"" + c.hw.name +
         "\"}}";
    for (size_t k = 0; k < c.result.core_busy.size(); ++k)
        s += ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(k) +
             ",\"args\":{\"name\":\"core " + std::to_string(k) + "\"}}";
    for (const auto& x : c.result.timeline) {
        const Operator& op = c.workload.ops[x.op];
        s += ",\n{\"name\":\"" + op.name + "\",\"cat\":\"" + op.type +
             "\",\"ph\":\"X\",\"pid\":1,\"tid\":" + std::to_string(x.core) +
             ",\"ts\":" + fixed(static_cast<double>(x.start) * us, 3) +
             ",\"dur\":" + fixed(static_cast<double>(x.end - x.start) * us, 3) +
             ",\"args\":{\"layer\":" + std::to_string(x.layer) + ",\"group\":\"" +
             c.plan.groups[c.plan.group_of_op[x.op]].name + "\"}}";
    }
    size_t n = 0;
    for (const auto& x : c.result.occupancy) {
        if (++n > 200000) break;
        s += ",\n{\"name\":\"SRAM core " + std::to_string(x.core) +
             "\",\"ph\":\"C\",\"pid\":1,\"ts\":" + fixed(static_cast<double>(x.cycle) * us, 3) +
             ",\"args\":{\"bytes\":" + std::to_string(x.bytes) + "}}";
    }
    for (const auto& l : c.result.lifetimes) // a track of SRAM lifetimes (simulation.lifetimes)
        s += ",\n{\"name\":\"" + l.tensor +
             "\",\"cat\":\"sram\",\"ph\":\"X\",\"pid\":2,\"tid\":" + std::to_string(l.core) +
             ",\"ts\":" + fixed(static_cast<double>(l.start) * us, 3) +
             ",\"dur\":" + fixed(static_cast<double>(l.end - l.start) * us, 3) +
             ",\"args\":{\"bytes\":" + std::to_string(l.bytes) + ",\"producer\":\"" + l.producer +
             "\"}}";
    s += "\n],\"otherData\":{\"truncated\":" +
         std::string(c.result.timeline_truncated ? "true" : "false") + "}}\n";
    return s;
}

std::string lifetimes_csv(const RunContext& c) {
    Table t({"tensor", "producer", "bytes", "core", "start_cycle", "end_cycle"});
    for (const auto& l : c.result.lifetimes)
        t.row({l.tensor, l.producer, std::to_string(l.bytes), std::to_string(l.core),
               std::to_string(l.start), std::to_string(l.end)});
    return t.csv();
}

std::string lifetimes_script(const RunContext& c, const std::string& svg_name) {
    const auto& ls = c.result.lifetimes;
    const uint64_t from = c.result.lifetime_from, to = c.result.lifetime_to;
    // Every string goes through gnuplot_string; the data block holds numbers only.
    std::string s = "set terminal svg size 1000," + std::to_string(160 + 26 * ls.size()) +
                    " dynamic noenhanced font 'sans,12' background 'white'\nset output " +
                    gnuplot_string(svg_name) + "\n";
    s += "set title " +
         gnuplot_string("Tensor lifetimes in SRAM, cycles " + std::to_string(from) + " to " +
                        std::to_string(to) + " (bars: resident; label: bytes)") +
         "\n";
    s += "set xlabel 'cycle'\nset xrange [" + std::to_string(from) + ":" + std::to_string(to) +
         "]\nset yrange [0:" + std::to_string(ls.size() + 1) + "]\nset ytics (";
    for (size_t i = 0; i < ls.size(); ++i)
        s += (i ? ", " : "") + gnuplot_string(ls[i].tensor) + " " + std::to_string(i + 1);
    s += ")\nset grid xtics\nset style fill solid 0.7\n$L << EOD\n";
    for (size_t i = 0; i < ls.size(); ++i) {
        const uint64_t a = std::max(ls[i].start, from), b = std::min(ls[i].end, to);
        s += std::to_string(a) + " " + std::to_string(b) + " " + std::to_string(i + 1) + " " +
             std::to_string(ls[i].bytes) + "\n";
    }
    s += "EOD\nplot $L using (($1+$2)/2):3:(($2-$1)/2):(0.35) with boxxyerror notitle lc rgb "
         "'#3b82f6', $L using 1:3:4 with labels left offset 0.5,0 notitle\n";
    return s;
}

} // namespace fusesim
