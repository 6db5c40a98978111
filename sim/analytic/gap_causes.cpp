#include "sim/analytic/gap_causes.hpp"

#include <algorithm>

namespace fusesim {

namespace {

uint64_t counter(const ModuleRecord& m, const std::string& name) {
    for (const auto& [key, value] : m.counters)
        if (key == name) return value;
    return 0;
}

bool is_core(const ModuleRecord& m) {
    const auto dot = m.module.rfind('.');
    const std::string leaf = m.module.substr(dot == std::string::npos ? 0 : dot + 1);
    // coreN, or pcuN on an RDU.
    const size_t n = leaf.rfind("core", 0) == 0 ? 4 : leaf.rfind("pcu", 0) == 0 ? 3 : 0;
    return n > 0 && leaf.size() > n && leaf.find_first_not_of("0123456789", n) == std::string::npos;
}

} // namespace

GapBreakdown explain_gap(const TimingResult& r, const std::vector<GroupEstimate>& estimate) {
    GapBreakdown b;
    double compute = 0, excess = 0;
    for (const auto& g : estimate) {
        compute += static_cast<double>(g.compute_cycles);
        excess += static_cast<double>(
            g.memory_cycles > g.compute_cycles ? g.memory_cycles - g.compute_cycles : 0);
    }
    b.simulated = static_cast<double>(r.cycles);
    b.analytic = compute + excess;
    double busy = 0, bank = 0, dram = 0, noc = 0, full = 0, dep = 0, tail = 0;
    double cores = 0;
    for (const ModuleRecord& m : r.modules) {
        if (!is_core(m)) continue;
        cores += 1;
        busy += static_cast<double>(m.busy_cycles);
        bank += static_cast<double>(counter(m, "stall_sram_bank"));
        dram += static_cast<double>(counter(m, "stall_dram"));
        noc += static_cast<double>(counter(m, "stall_noc"));
        full += static_cast<double>(counter(m, "stall_memory"));
        dep += static_cast<double>(counter(m, "stall_dependency"));
        const uint64_t last = std::min(counter(m, "last_done_cycle"), r.cycles);
        tail += static_cast<double>(r.cycles - last);
    }
    if (cores == 0) return b;
    auto mean = [&](double v) { return v / cores; };
    // The estimate's memory-bound time shows in the simulation as waits for data: from DRAM,
    // or for SRAM to prefetch into while the port is busy. It is taken from those waits, in
    // that order; what remains of them is time the estimate does not have.
    const double from_dram = std::min(excess, mean(dram));
    const double from_full = excess - from_dram;
    b.causes = {
        {"compute", mean(busy - bank) - compute,
         "the cores' compute (mean over cores) minus the estimate's: per-core cost and rounding"},
        {"sram_banks", mean(bank),
         "SRAM banks: tiles held by their banks' accesses (bank bandwidth and conflicts)"},
        {"dram", mean(dram) - from_dram,
         "waiting for DRAM beyond the estimate's bandwidth-bound time (latency, channels, sharing "
         "the port with write-backs, the network to the DRAM)"},
        {"noc", mean(noc), "waiting for data from other cores over the interconnect"},
        {"sram_full", mean(full) - from_full,
         "no SRAM to prefetch into (or inputs read back after eviction), beyond the "
         "bandwidth-bound time"},
        {"fill", mean(dep), "waiting for producers: pipeline fill across groups and cores"},
        {"imbalance", mean(tail), "cores idle after their last tile while others still work"},
    };
    return b;
}

} // namespace fusesim
