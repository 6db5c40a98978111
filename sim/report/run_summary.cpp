#include "sim/report/run_summary.hpp"

#include "sim/config/config_hash.hpp"
#include "sim/report/version.hpp"

#include "sim/report/table.hpp"
#include "workloads/plan/group_figures.hpp"

#include <algorithm>

namespace fusesim {

namespace {

int64_t scaled(int64_t bytes, double k) {
    return static_cast<int64_t>(static_cast<double>(bytes) * k);
}

double fraction(uint64_t part, uint64_t whole) {
    return whole ? static_cast<double>(part) / static_cast<double>(whole) : 0.0;
}

// Per operator, scaled from the simulated layers to the model.
std::vector<OpLine> op_lines(const RunContext& c, double k) {
    std::vector<OpLine> lines;
    for (int o : c.workload.topo_order) {
        const Operator& op = c.workload.ops[o];
        if (op.kind == OpKind::View) continue;
        const OpStats& s = c.result.ops[o];
        OpLine l;
        l.name = op.name;
        l.type = op.type;
        l.staged = op.staged;
        if (rdu_costs(c.hw, op)) l.rdu = rdu_op_mapping(c.workload, c.hw, op);
        l.group = c.plan.groups[c.plan.group_of_op[o]].name;
        l.ops = static_cast<int64_t>(static_cast<double>(op.ops()) * c.workload.layers);
        l.dram_bytes = scaled(s.read_bytes + s.write_bytes, k);
        l.compute_cycles = static_cast<uint64_t>(static_cast<double>(s.compute_cycles) * k);
        l.memory_cycles =
            static_cast<uint64_t>(static_cast<double>(transfer_cycles(s.read_bytes + s.write_bytes,
                                                                      c.hw.dram.bytes_per_cycle)) *
                                  k);
        l.cycles = std::max(l.compute_cycles, l.memory_cycles);
        l.compute_bound = l.compute_cycles >= l.memory_cycles;
        l.tiles = s.tiles;
        l.sram_stall_cycles = static_cast<uint64_t>(static_cast<double>(s.sram_stall_cycles) * k);
        l.sram_conflict_cycles =
            static_cast<uint64_t>(static_cast<double>(s.sram_conflict_cycles) * k);
        l.span_cycles = s.last_end >= s.first_start && s.first_start != UINT64_MAX
                            ? s.last_end - s.first_start
                            : 0;
        lines.push_back(l);
    }
    return lines;
}

// What the energy model counts, from the simulated layers scaled by `k`: ops per kind; SRAM
// reads (the arrays' operands, write-backs to DRAM, sends to other cores) and writes (the
// arrays' outputs, fills from DRAM, receives), streamed operands aside; byte-hops between
// cores; DRAM bytes.
EnergyCounts energy_counts(const RunContext& c, double k, double seconds) {
    const TimingResult& r = c.result;
    EnergyCounts n;
    for (size_t o = 0; o < c.workload.ops.size(); ++o)
        n.ops[static_cast<int>(c.workload.ops[o].kind)] += static_cast<double>(r.ops[o].ops) * k;
    const auto noc = static_cast<double>(r.noc_bytes);
    const auto drained = static_cast<double>(r.dram_write_bytes - r.streamed_write_bytes);
    const auto filled = static_cast<double>(r.dram_read_bytes - r.streamed_read_bytes);
    n.sram_read_bytes = (static_cast<double>(r.sram_operand_read_bytes) + drained + noc) * k;
    n.sram_write_bytes = (static_cast<double>(r.sram_operand_write_bytes) + filled + noc) * k;
    n.noc_byte_hops = static_cast<double>(r.noc_byte_hops) * k;
    n.dram_bytes = static_cast<double>(r.dram_read_bytes + r.dram_write_bytes) * k;
    n.seconds = seconds;
    return n;
}

void set_up(const RunContext& c, RunSummary& s) {
    s.experiment = c.experiment.name;
    s.workload = c.workload.name;
    s.stage = to_string(c.workload.stage);
    s.precision = c.workload.precision.name;
    s.seq_len = c.workload.seq_len;
    s.batch = c.workload.batch;
    s.tokens = c.workload.stage == Stage::Prefill ? static_cast<double>(c.workload.seq_len) : 1.0;
    s.decode_state = c.workload.decode_state;
    s.decode_state_note = c.workload.decode_state_note;
    s.state_bytes = c.workload.state_bytes;
    s.hardware = c.hw.name;
    s.cores = c.hw.cores;
    s.pe_rows = c.hw.core.pe_rows;
    s.pe_cols = c.hw.core.pe_cols;
    s.sram_bytes_per_core = c.hw.core.sram_bytes;
    s.total_pes = c.hw.total_pes();
    s.total_sram_bytes = c.hw.total_sram_bytes();
    s.dram_bytes_per_cycle = c.hw.dram.bytes_per_cycle;
    s.clock_hz = c.hw.clock_hz;
    s.mapping = c.mapping.name;
    s.fusion = c.mapping.fusion;
    s.fusion_note = c.mapping.fusion_note;
    s.split_d = c.mapping.split_d;
    s.fuse_all_bytes = c.mapping.fuse_all_bytes;
    s.candidates = c.mapping.candidates;
    s.allocation = c.plan.allocation;
    s.allocation_note = c.mapping.allocation_note;
    s.allocation_candidates = c.mapping.allocation_candidates;
    s.plan_groups = c.plan.groups.size();
    s.simulated_layers = c.simulated_layers;
    s.model_layers = c.workload.layers;
    s.scale = static_cast<double>(c.workload.layers) / static_cast<double>(c.simulated_layers);
    s.config_json = c.experiment.tree.to_json_string();
    s.config_hash = config_hash(c.experiment.tree);
    s.version = build_version();
}

} // namespace

RunSummary summarize(const RunContext& c) {
    RunSummary s;
    set_up(c, s);
    const TimingResult& r = c.result;
    const double k = s.scale;
    s.simulated_cycles = r.cycles;
    s.cycles = static_cast<uint64_t>(static_cast<double>(r.cycles) * k + 0.5);
    s.seconds = static_cast<double>(s.cycles) / c.hw.clock_hz;
    s.tokens_per_second = s.seconds > 0 ? static_cast<double>(s.batch) * s.tokens / s.seconds : 0.0;
    s.peak_sram_per_core = r.peak_sram;
    s.peak_sram_bytes = *std::max_element(r.peak_sram.begin(), r.peak_sram.end());
    s.dram_read_bytes = scaled(r.dram_read_bytes, k);
    s.dram_write_bytes = scaled(r.dram_write_bytes, k);
    s.evicted_bytes = scaled(r.evicted_bytes, k);
    s.refetched_bytes = scaled(r.refetched_bytes, k);
    s.streamed_bytes = scaled(r.streamed_read_bytes + r.streamed_write_bytes, k);
    s.streamed_tiles = r.streamed_tiles;
    s.dram_busy_cycles = r.dram_busy_cycles;
    s.dram_busy_fraction = fraction(r.dram_busy_cycles, r.cycles);
    double useful = 0;
    for (double u : r.core_useful_pe_cycles) useful += u;
    const double capacity = static_cast<double>(r.cycles) * static_cast<double>(c.hw.total_pes());
    s.utilization = capacity > 0 ? useful / capacity : 0.0;
    s.sram_bank_stall_cycles =
        static_cast<uint64_t>(static_cast<double>(r.sram_bank_stall_cycles) * k);
    s.sram_bank_conflict_cycles =
        static_cast<uint64_t>(static_cast<double>(r.sram_bank_conflict_cycles) * k);
    s.counts = energy_counts(c, k, s.seconds);
    s.area = chip_area(c.hw.energy, c.hw.total_pes(), c.hw.total_sram_bytes());
    s.rdu = c.hw.rdu;
    s.energy = run_energy(c.hw.energy, c.hw.dram.energy_pj_per_bit, s.precision, s.area, s.counts);
    s.edp_joule_seconds = s.energy.total_joules() * s.seconds;
    for (size_t i = 0; i < r.core_busy.size(); ++i)
        s.core_lines.push_back(
            {fraction(r.core_busy[i], r.cycles),
             r.cycles ? r.core_useful_pe_cycles[i] /
                            (static_cast<double>(r.cycles) * static_cast<double>(c.hw.core.pes()))
                      : 0.0,
             r.peak_sram[i], r.core_sram_stall.at(i), r.core_sram_conflict.at(i)});
    s.tiles_simulated = r.tiles;
    s.scheduler_wakeups = r.kernel_events;
    s.evictions = r.evictions;
    s.modules = r.modules;
    for (size_t o = 0; o < c.workload.ops.size(); ++o)
        if (c.workload.ops[o].kind != OpKind::View)
            s.vcd_op_codes.emplace_back(o + 1, c.workload.ops[o].name);
    s.operators = op_lines(c, k);
    const std::vector<GroupFigures> figures = group_figures(c.workload, c.plan);
    const int64_t layers = std::max(1, c.simulated_layers);
    for (size_t g = 0; g < c.plan.groups.size(); ++g) {
        const auto& group = c.plan.groups[g];
        GroupLine line{group.name,
                       group.on_chip,
                       {},
                       r.groups[g].peak_sram,
                       r.groups[g].evicted_bytes,
                       r.groups[g].refetched_bytes,
                       r.groups[g].streamed_bytes,
                       r.groups[g].weight_read_bytes / layers,
                       figures[g].halo_bytes / layers,
                       figures[g].on_chip_bytes / layers};
        for (int o : group.ops) line.operators.push_back(c.workload.ops[o].name);
        s.groups.push_back(std::move(line));
    }
    return s;
}

std::vector<std::string> result_cells(const RunSummary& s) {
    return {"ok",
            std::to_string(s.cycles),
            exact(s.seconds),
            exact(s.seconds / s.tokens),
            std::to_string(s.peak_sram_bytes),
            std::to_string(s.dram_read_bytes),
            std::to_string(s.dram_write_bytes),
            exact(s.utilization),
            std::to_string(s.total_pes),
            std::to_string(s.total_sram_bytes),
            exact(s.dram_bytes_per_cycle),
            std::to_string(s.split_d),
            std::to_string(s.evicted_bytes),
            sci(s.energy.total_joules(), 8),
            sci(s.edp_joule_seconds, 8),
            sci(s.area.total_mm2(), 8),
            s.config_hash,
            s.version,
            exact(s.tokens_per_second),
            s.decode_state,
            std::to_string(s.state_bytes)};
}

} // namespace fusesim
