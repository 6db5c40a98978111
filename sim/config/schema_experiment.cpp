// Every section of a resolved experiment read at once, so that each command checks all of them
// (a mistake in a section a command does not use is still a mistake), and the bound on the
// simulated time that keeps the timing simulation finite.
#include "hw/cost/noc_route.hpp"
#include "hw/cost/rdu_op.hpp"
#include "sim/analytic/analytic.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/params_run.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/schema_gpu.hpp"
#include "sim/config/schema_rdu.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace fusesim {

namespace {

constexpr size_t kMaxPoints = 4096;
constexpr double kMaxCountedCycles = 1e18; // uint64_t holds 1.8e19

// Where a bandwidth error is reported: the DRAM bandwidth if written, else the hardware section.
std::pair<Origin, std::string> bandwidth_key(const ConfigNode& hardware) {
    const ConfigNode* dram = hardware.find("dram");
    const ConfigNode* bw = dram && dram->is_map() ? dram->find("bandwidth") : nullptr;
    if (bw) return {bw->origin(), "hardware.dram.bandwidth"};
    return {hardware.origin(), "hardware"};
}

// An upper bound of the analytical model's cycles of the whole model: every op on one PE at
// its CPO, every byte over the DRAM port.
void check_countable(const WorkloadSpec& ws, const Workload& w, const HardwareSpec& hw,
                     const ConfigNode& hardware) {
    double compute = 0, memory = 0;
    for (const Operator& op : w.ops) {
        if (op.kind == OpKind::View) continue;
        const Box box = op.full_box();
        compute +=
            static_cast<double>(op.ops()) * static_cast<double>(hw.cpo[static_cast<int>(op.kind)]);
        memory += (static_cast<double>(op_read_bytes(w, op, box)) +
                   static_cast<double>(op_write_bytes(w, op, box))) /
                  hw.dram.bytes_per_cycle;
    }
    const double layers = static_cast<double>(w.layers);
    if ((compute + memory) * layers <= kMaxCountedCycles) return;
    const std::string what =
        fmt::format("a point of about {:.3g} cycles ({} layers, L = {}) cannot be counted (at "
                    "most {:g})",
                    (compute + memory) * layers, w.layers, w.seq_len, kMaxCountedCycles);
    if (memory > compute) {
        const auto [origin, key] = bandwidth_key(hardware);
        throw ConfigError(origin, key, what + ": raise the bandwidth or lower the sizes");
    }
    const WorkloadSpec::SizeKey* at = nullptr;
    for (const auto& k : ws.size_keys)
        if (!at || k.value > at->value) at = &k;
    throw ConfigError(at ? at->origin : ws.origin, at ? at->key : "workload",
                      what + ": lower the model's dimensions, seq_len, batch, layers or the cpo");
}

} // namespace

AnalysisSpec read_analysis(const ConfigNode* node) {
    AnalysisSpec a;
    if (!node) return a;
    Reader r(*node, "analysis");
    a.roofline_seq_len = read_opt_int(r, run_param::roofline_seq_len);
    if (read_choice_or_default(r, run_param::execution) == "dataflow")
        a.execution = Execution::Dataflow;
    r.finish();
    return a;
}

ExperimentSpec read_experiment(const ResolvedExperiment& e) {
    ExperimentSpec x;
    const ConfigNode& hardware = *e.tree.find("hardware");
    if (is_gpu_hardware(hardware)) {
        x.gpu = read_gpu(hardware);
        x.hw = gpu_stand_in(*x.gpu);
    } else if (is_rdu_hardware(hardware)) {
        x.hw = read_rdu(hardware);
    } else {
        x.hw = read_hardware(hardware);
    }
    size_t points = 0;
    for (const ConfigNode* n : experiment_workloads(e)) {
        // Every point is built here and analysed by `analyze`: their number bounds the time.
        x.workloads.push_back(read_workload(*n));
        const WorkloadSpec& ws = x.workloads.back();
        points += ws.stages.size() * ws.seq_lens.size();
        if (points > kMaxPoints)
            throw ConfigError(ws.seq_len_origin, "workload.seq_len",
                              "the experiment has more than " + std::to_string(kMaxPoints) +
                                  " points (workloads × stages × seq_len values)");
    }
    const ConfigNode* mapping = e.tree.find("mapping");
    for (const WorkloadSpec& ws : x.workloads) {
        // Operator and dimension names are checked against each workload's first point.
        const Workload w = ws.build(ws.stages.front(), ws.seq_lens.front());
        if (mapping) read_mapping(*mapping, w, x.hw.core.sram_bytes);
    }
    // The analytical model counts cycles in 64 bits: every point must stay countable.
    for (const WorkloadSpec& ws : x.workloads)
        for (Stage st : ws.stages)
            for (int64_t L : ws.seq_lens) {
                const Workload w = ws.build(st, L);
                check_countable(ws, w, x.hw, *e.tree.find("hardware"));
                // On an RDU every FFT and scan must map onto one unit (one PMU holds it).
                if (x.hw.rdu)
                    if (const std::string err = rdu_mapping_error(w, x.hw); !err.empty())
                        throw ConfigError(ws.seq_len_origin, "workload.seq_len",
                                          "at seq_len " + std::to_string(L) + ": " + err);
            }
    x.simulation = read_simulation(e.tree.find("simulation"));
    x.analysis = read_analysis(e.tree.find("analysis"));
    if (x.gpu && x.analysis.execution == Execution::Dataflow)
        throw ConfigError(e.tree.find("analysis")->find("execution")->origin(),
                          "analysis.execution",
                          "`dataflow` is for an accelerator or an RDU: a GPU runs one kernel per "
                          "operator (use `layer-by-layer`)");
    return x;
}

void check_simulated_time(const Workload& w, const HardwareSpec& hw, int64_t layers,
                          const ConfigNode& hardware) {
    // Generous per operator (no overlap of compute and transfers, every byte over every link,
    // all the work on one core) so that poor utilization or refetches stay below the kernel's
    // 64-bit clock.
    auto per = [](double bytes, double bytes_per_cycle) {
        return bytes_per_cycle > 0 ? bytes / bytes_per_cycle : 0.0;
    };
    const double pes = static_cast<double>(hw.core.pes());
    // With the bank model every access may land on one bank.
    const double sram_bw =
        hw.core.sram_bank_width > 0
            ? hw.core.sram_bytes_per_cycle
            : hw.core.sram_bytes_per_cycle * static_cast<double>(hw.core.sram_banks);
    // A mesh or ring: headers on the wire, and a route of at most every router.
    const InterconnectSpec& ic = hw.interconnect;
    const bool noc = is_noc(ic.topology);
    const double noc_wire =
        noc ? 1.0 + static_cast<double>(ic.header_bytes) /
                        static_cast<double>(std::max<int64_t>(1, ic.packet_bytes))
            : 1.0;
    const double noc_hops_latency =
        noc ? static_cast<double>(hw.cores) * static_cast<double>(ic.hop_latency_cycles) : 0.0;
    double cycles = 0;
    for (const Operator& op : w.ops) {
        if (op.kind == OpKind::View) continue;
        const Box box = op.full_box();
        const double bytes = static_cast<double>(op_read_bytes(w, op, box)) +
                             static_cast<double>(op_write_bytes(w, op, box));
        const double cpo = static_cast<double>(hw.cpo[static_cast<int>(op.kind)]);
        cycles += static_cast<double>(op.ops()) * cpo / pes + per(bytes, hw.dram.bytes_per_cycle) +
                  per(bytes, sram_bw) + per(bytes * noc_wire, hw.interconnect.bytes_per_cycle) +
                  2.0 * static_cast<double>(hw.dram.latency_cycles +
                                            hw.interconnect.latency_cycles + noc_hops_latency);
    }
    cycles *= static_cast<double>(layers);
    if (cycles <= kMaxSimulatedCycles) return;
    // Named at the DRAM bandwidth, the usual reason; the message lists the other levers.
    const auto [origin, key] = bandwidth_key(hardware);
    throw ConfigError(origin, key,
                      fmt::format("the simulation would cover about {:.3g} cycles of {} layer(s) "
                                  "(at most {:g}): raise the bandwidths, lower seq_len or batch, "
                                  "or simulate one layer (simulation.layers: one)",
                                  cycles, layers, kMaxSimulatedCycles));
}

} // namespace fusesim
