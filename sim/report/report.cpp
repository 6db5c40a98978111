#include "sim/report/report.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/report/table.hpp"

#include <algorithm>
#include <cstdio>

namespace fusesim {

namespace {

std::string mode_text(const RunSummary& s) {
    return s.simulated_layers == s.model_layers
               ? "all " + std::to_string(s.model_layers) + " layers simulated"
               : std::to_string(s.simulated_layers) + " of " + std::to_string(s.model_layers) +
                     " layers simulated, scaled ×" + fixed(s.scale, 2);
}

// Joules per component, and the counts they come from (model totals).
nlohmann::ordered_json energy_json(const RunSummary& s) {
    const EnergyBreakdown& e = s.energy;
    nlohmann::ordered_json by_kind, ops;
    for (int k = 0; k < kOpKindCount; ++k) {
        if (static_cast<OpKind>(k) == OpKind::View) continue;
        const char* kind = to_string(static_cast<OpKind>(k));
        by_kind[kind] = e.compute_joules[k];
        ops[kind] = s.counts.ops[k];
    }
    return {{"compute_joules", by_kind},
            {"compute_total_joules", e.compute_total()},
            {"sram_joules", e.sram_joules()},
            {"sram_read_joules", e.sram_read_joules},
            {"sram_write_joules", e.sram_write_joules},
            {"noc_joules", e.noc_joules},
            {"dram_joules", e.dram_joules},
            {"static_joules", e.static_joules},
            {"total_joules", e.total_joules()},
            {"counts",
             {{"ops", ops},
              {"sram_read_bytes", s.counts.sram_read_bytes},
              {"sram_write_bytes", s.counts.sram_write_bytes},
              {"noc_byte_hops", s.counts.noc_byte_hops},
              {"dram_bytes", s.counts.dram_bytes}}}};
}

// How an FFT or scan mapped onto one RDU unit (hw/cost/rdu_tile.hpp).
nlohmann::ordered_json rdu_mapping_json(const RduOpMapping& m) {
    const RduMapping& p = m.per_transform;
    return {{"variant", m.variant},
            {"algorithm", m.algorithm},
            {"points", m.points},
            {"point_bytes", m.point_bytes},
            {"transforms_per_layer", m.transforms_per_layer},
            {"steps", p.steps},
            {"cross_lane_steps", p.cross_lane_steps},
            {"passes", p.passes},
            {"vectors_per_pass", p.vectors_per_pass},
            {"pmu_round_trips", p.pmu_round_trips},
            {"lane_utilization", p.lane_utilization},
            {"stage_utilization", p.stage_utilization},
            {"cycles_per_transform", p.cycles},
            {"round_trip_cycles_per_transform", p.round_trip_cycles}};
}

nlohmann::ordered_json rdu_json(const RduSpec& r) {
    return {{"variant", to_string(r.pcu.variant)},
            {"rows", r.rows},
            {"cols", r.cols},
            {"units", r.units()},
            {"lanes", r.pcu.lanes},
            {"stages", r.pcu.stages},
            {"pmu_bytes", r.pmu.scratchpad_bytes},
            {"pmu_banks", r.pmu.banks},
            {"pmu_bytes_per_cycle", r.pmu.bytes_per_cycle()},
            {"area_mm2", r.area_mm2()},
            {"power_watts", r.power_watts()}};
}

} // namespace

nlohmann::ordered_json report_json(const RunSummary& s) {
    nlohmann::ordered_json j;
    j["experiment"] = s.experiment;
    j["version"] = s.version;
    j["config_hash"] = s.config_hash;
    j["workload"] = {
        {"name", s.workload}, {"stage", s.stage}, {"seq_len", s.seq_len}, {"batch", s.batch}};
    j["hardware"] = s.hardware;
    if (s.rdu) j["rdu"] = rdu_json(*s.rdu);
    j["mapping"] = s.mapping;
    j["fusion"] = {{"scheme", s.fusion},
                   {"split_d", s.split_d},
                   {"fuse_all_bytes_eq2", s.fuse_all_bytes},
                   {"note", s.fusion_note},
                   {"candidates", s.candidates}};
    j["allocation"] = {{"scheme", s.allocation},
                       {"note", s.allocation_note},
                       {"candidates", s.allocation_candidates}};
    j["latency"] = {
        {"cycles", s.cycles}, {"seconds", s.seconds}, {"simulated_cycles", s.simulated_cycles}};
    j["tokens_per_second"] = s.tokens_per_second;
    if (!s.decode_state.empty())
        j["decode"] = {{"state", s.decode_state},
                       {"state_bytes", s.state_bytes},
                       {"note", s.decode_state_note}};
    j["simulated_layers"] = s.simulated_layers;
    j["model_layers"] = s.model_layers;
    j["layer_mode"] = s.simulated_layers == s.model_layers ? "all layers simulated"
                                                           : "one layer simulated, scaled";
    j["peak_sram_bytes"] = s.peak_sram_bytes;
    j["peak_sram_bytes_per_core"] = s.peak_sram_per_core;
    j["sram_capacity_bytes_per_core"] = s.sram_bytes_per_core;
    j["dram"] = {{"read_bytes", s.dram_read_bytes},      {"write_bytes", s.dram_write_bytes},
                 {"evicted_bytes", s.evicted_bytes},     {"refetched_bytes", s.refetched_bytes},
                 {"streamed_bytes", s.streamed_bytes},   {"streamed_tiles", s.streamed_tiles},
                 {"busy_fraction", s.dram_busy_fraction}};
    j["utilization"] = s.utilization;
    j["sram_banks"] = {{"stall_cycles", s.sram_bank_stall_cycles},
                       {"conflict_cycles", s.sram_bank_conflict_cycles}};
    j["energy"] = energy_json(s);
    j["edp_joule_seconds"] = s.edp_joule_seconds;
    j["area"] = {{"pe_mm2", s.area.pe_mm2},
                 {"sram_mm2", s.area.sram_mm2},
                 {"total_mm2", s.area.total_mm2()}};
    nlohmann::ordered_json cores = nlohmann::ordered_json::array();
    for (size_t i = 0; i < s.core_lines.size(); ++i)
        cores.push_back({{"core", i},
                         {"busy_fraction", s.core_lines[i].busy_fraction},
                         {"utilization", s.core_lines[i].utilization},
                         {"peak_sram_bytes", s.core_lines[i].peak_sram_bytes},
                         {"sram_bank_stall_cycles", s.core_lines[i].sram_stall_cycles},
                         {"sram_bank_conflict_cycles", s.core_lines[i].sram_conflict_cycles}});
    j["cores"] = cores;
    j["tiles_simulated"] = s.tiles_simulated;
    // The values of accelerator.coreN.op in trace.vcd: operator index + 1 (0: idle).
    nlohmann::ordered_json codes;
    for (const auto& [code, name] : s.vcd_op_codes) codes[std::to_string(code)] = name;
    j["vcd_op_codes"] = codes;
    // Each module's own statistics over the simulated layers (not scaled to the model).
    nlohmann::ordered_json modules = nlohmann::ordered_json::array();
    for (const ModuleRecord& m : s.modules) {
        nlohmann::ordered_json e = {
            {"module", m.module},
            {"busy_cycles", m.busy_cycles},
            {"busy_fraction", s.simulated_cycles > 0 ? static_cast<double>(m.busy_cycles) /
                                                           static_cast<double>(s.simulated_cycles)
                                                     : 0.0},
            {"bytes", m.bytes},
            {"transfers", m.transfers},
            {"stall_cycles", m.stall_cycles}};
        for (const auto& [name, value] : m.counters) e[name] = value;
        modules.push_back(e);
    }
    j["modules"] = modules;
    j["scheduler_wakeups"] = s.scheduler_wakeups;
    j["evictions"] = s.evictions;
    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const auto& l : s.operators) {
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
                       {"span_cycles_layer0", l.span_cycles},
                       {"sram_bank_stall_cycles", l.sram_stall_cycles},
                       {"sram_bank_conflict_cycles", l.sram_conflict_cycles}});
        // For a hardware model that lays the stages onto pipeline stages.
        if (!l.staged.algorithm.empty())
            ops.back()["staged"] = {{"algorithm", l.staged.algorithm},
                                    {"points", l.staged.points},
                                    {"radix", l.staged.radix},
                                    {"stages", l.staged.stages},
                                    {"radix2_stages", l.staged.radix2_stages}};
        if (l.rdu) ops.back()["rdu_mapping"] = rdu_mapping_json(*l.rdu);
    }
    j["operators"] = ops;
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& g : s.groups)
        groups.push_back({{"name", g.name},
                          {"on_chip", g.on_chip},
                          {"operators", g.operators},
                          {"peak_sram_bytes", g.peak_sram_bytes},
                          {"evicted_bytes", g.evicted_bytes},
                          {"refetched_bytes", g.refetched_bytes},
                          {"streamed_bytes", g.streamed_bytes},
                          {"weight_dram_bytes_per_layer", g.weight_dram_bytes_per_layer},
                          {"halo_bytes_per_layer", g.halo_bytes_per_layer},
                          {"on_chip_bytes_per_layer", g.on_chip_bytes_per_layer}});
    j["groups"] = groups;
    j["config"] = nlohmann::ordered_json::parse(s.config_json);
    return j;
}

std::string summary_text(const RunSummary& r) {
    std::string s = "fusesim run: " + r.experiment + "\n";
    s += "  workload  " + r.workload + ", " + r.stage + ", L = " + std::to_string(r.seq_len) +
         ", batch " + std::to_string(r.batch) + ", " + r.precision + " (" + mode_text(r) + ")\n";
    s += "  hardware  " + r.hardware + ": " + std::to_string(r.cores) + " core(s) of " +
         std::to_string(r.pe_rows) + "x" + std::to_string(r.pe_cols) + " PEs, " +
         format_bytes(r.sram_bytes_per_core) + " SRAM each, DRAM " +
         fixed(r.dram_bytes_per_cycle, 1) + " B/cycle\n";
    s += "  mapping   " + r.mapping + ": fusion " + r.fusion + ", " +
         std::to_string(r.plan_groups) + " groups, " + std::to_string(r.tiles_simulated) +
         " tiles simulated\n";
    if (!r.fusion_note.empty()) s += "            " + r.fusion_note + "\n";
    for (const auto& cand : r.candidates) s += "              " + cand + "\n";
    if (r.cores > 1 && !r.allocation.empty()) s += "  cores     " + r.allocation + "\n";
    if (!r.allocation_note.empty()) s += "            " + r.allocation_note + "\n";
    for (const auto& cand : r.allocation_candidates) s += "              " + cand + "\n";
    s += "\n";
    s += "latency      " + std::to_string(r.cycles) + " cycles = " + seconds_text(r.seconds) + "\n";
    if (r.stage == "decode") {
        char tps[64];
        std::snprintf(tps, sizeof tps, "%.6g", r.tokens_per_second);
        s += "tokens/s     " + std::string(tps) + " (batch " + std::to_string(r.batch) +
             " ÷ latency per token step)\n";
        if (!r.decode_state.empty()) s += "state        " + r.decode_state_note + "\n";
    }
    s += "DRAM         read " + format_bytes(r.dram_read_bytes) + ", written " +
         format_bytes(r.dram_write_bytes) + " (evicted " + format_bytes(r.evicted_bytes) +
         ", refetched " + format_bytes(r.refetched_bytes) +
         (r.streamed_tiles ? ", streamed " + format_bytes(r.streamed_bytes) + " by " +
                                 std::to_string(r.streamed_tiles) + " tiles"
                           : std::string()) +
         "), port busy " +
         fixed(r.simulated_cycles ? 100.0 * static_cast<double>(r.dram_busy_cycles) /
                                        static_cast<double>(r.simulated_cycles)
                                  : 0.0,
               1) +
         " %\n";
    s += "peak SRAM    " + format_bytes(r.peak_sram_bytes) + " of " +
         format_bytes(r.sram_bytes_per_core) + " per core\n";
    s += "utilization  " + fixed(100.0 * r.utilization, 1) + " % of PE-cycles";
    if (r.core_lines.size() > 1) {
        double lo = 1, hi = 0;
        for (const auto& core : r.core_lines) {
            lo = std::min(lo, core.utilization);
            hi = std::max(hi, core.utilization);
        }
        s += " (cores " + fixed(100.0 * lo, 1) + "–" + fixed(100.0 * hi, 1) + " %)";
    }
    s += "\n";
    if (r.sram_bank_stall_cycles > 0)
        s += "SRAM banks   " + std::to_string(r.sram_bank_stall_cycles) +
             " stall cycles (all cores), " + std::to_string(r.sram_bank_conflict_cycles) +
             " of them bank conflicts\n";
    const EnergyBreakdown& e = r.energy;
    s += "energy       " + sci(e.total_joules(), 4) + " J (compute " + sci(e.compute_total(), 4) +
         ", SRAM " + sci(e.sram_joules(), 4) + ", NoC " + sci(e.noc_joules, 4) + ", DRAM " +
         sci(e.dram_joules, 4) +
         (e.static_joules > 0 ? ", static " + sci(e.static_joules, 4) : "") + "), EDP " +
         sci(r.edp_joule_seconds, 4) + " J·s\n";
    for (const auto& g : r.groups) {
        // The fused groups (more than one operator, intermediates on chip): what they keep.
        if (!g.on_chip || g.operators.size() < 2) continue;
        s += "fused group  " + g.operators.front() + " … " + g.operators.back() + " (" +
             std::to_string(g.operators.size()) + " operators), per layer: weights from DRAM " +
             format_bytes(g.weight_dram_bytes_per_layer) + ", halo " +
             format_bytes(g.halo_bytes_per_layer) + ", kept on chip " +
             format_bytes(g.on_chip_bytes_per_layer) + "\n";
    }
    s += "area         " + fixed(r.area.total_mm2(), 2) + " mm² (PEs " + fixed(r.area.pe_mm2, 2) +
         ", SRAM " + fixed(r.area.sram_mm2, 2) + ")\n\n";
    Table t({"operator", "type", "group", "tiles", "ops", "DRAM bytes", "compute cyc", "memory cyc",
             "bound", "core time"});
    for (const auto& l : r.operators)
        t.row({l.name, l.type, l.group, std::to_string(l.tiles), sci(static_cast<double>(l.ops), 4),
               sci(static_cast<double>(l.dram_bytes), 4), std::to_string(l.compute_cycles),
               std::to_string(l.memory_cycles), l.compute_bound ? "compute" : "memory",
               // Its cycles summed over the cores, of the cores' time (cores × latency).
               fixed(r.cycles ? 100.0 * static_cast<double>(l.cycles) /
                                    (static_cast<double>(r.cycles) * static_cast<double>(r.cores))
                              : 0.0,
                     1) +
                   " %"});
    s += t.text();
    // On an RDU, how each FFT and scan mapped onto a unit.
    bool any = false;
    Table m({"operator", "variant", "points", "passes", "vectors/pass", "PMU round trips",
             "lane use", "stage use", "cycles/transform", "transforms/layer"});
    for (const auto& l : r.operators) {
        if (!l.rdu) continue;
        any = true;
        const RduMapping& p = l.rdu->per_transform;
        m.row({l.name, l.rdu->variant, std::to_string(l.rdu->points), std::to_string(p.passes),
               std::to_string(p.vectors_per_pass), std::to_string(p.pmu_round_trips),
               fixed(100.0 * p.lane_utilization, 1) + " %",
               fixed(100.0 * p.stage_utilization, 1) + " %", std::to_string(p.cycles),
               std::to_string(l.rdu->transforms_per_layer)});
    }
    if (any) s += "\nRDU mapping (one transform on one unit)\n" + m.text();
    return s;
}

std::string ops_csv(const RunSummary& r) {
    Table t({"name", "type", "group", "tiles", "ops", "dram_bytes", "compute_cycles",
             "memory_cycles", "cycles", "bound", "span_cycles_layer0"});
    for (const auto& l : r.operators)
        t.row({l.name, l.type, l.group, std::to_string(l.tiles), std::to_string(l.ops),
               std::to_string(l.dram_bytes), std::to_string(l.compute_cycles),
               std::to_string(l.memory_cycles), std::to_string(l.cycles),
               l.compute_bound ? "compute" : "memory", std::to_string(l.span_cycles)});
    return t.csv();
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
