#include "sim/engine/scheduler.hpp"

#include <string>

namespace fusesim {

std::string Scheduler::stuck_report() const {
    std::string s;
    for (size_t c = 0; c < cores_.size(); ++c) {
        const CoreState& cs = cores_[c];
        if (cs.next >= cs.queue.size() && cs.ready.empty() && cs.computing < 0) continue;
        const auto& b = cs.block;
        const int t = b.tile >= 0 ? b.tile : cs.next < cs.queue.size() ? cs.queue[cs.next] : -1;
        if (t < 0) continue;
        const std::string sram = " bytes of SRAM for its ";
        const std::string in_use =
            " (" + std::to_string(b.used) + " of " + std::to_string(mem_.capacity()) + " in use)";
        std::string why = "cannot start";
        if (b.kind == CoreState::Block::Waiting)
            why = "waits for " + std::to_string(b.bytes) + " input chunk(s)";
        else if (b.kind == CoreState::Block::Inputs)
            why = "needs " + std::to_string(b.bytes) + sram +
                  "inputs and the outputs of the fetched tiles" + in_use;
        else if (b.kind == CoreState::Block::ReadBack)
            why = "needs " + std::to_string(b.bytes) + sram + "inputs to be read back" + in_use;
        else if (b.kind == CoreState::Block::Output)
            why = "needs " + std::to_string(b.bytes) + sram + "output" + in_use;
        s += "\n  core " + std::to_string(c) + ": tile " + plan_.tile_name(w_, plan_.tiles[t]) +
             " " + why;
    }
    return s;
}

TimingResult Scheduler::result() const {
    TimingResult r;
    rec_.fill(r);
    r.tiles = done_;
    for (size_t g = 0; g < r.groups.size(); ++g)
        r.groups[g].peak_sram = mem_.group_peak(static_cast<int>(g));
    r.evicted_bytes = mem_.evicted_bytes();
    r.evictions = mem_.evictions();
    r.dram_busy_cycles = dram_->stats().busy_cycles;
    for (size_t c = 0; c < cores_.size(); ++c) {
        r.peak_sram.push_back(mem_.peak(static_cast<int>(c)));
        r.core_busy.push_back(hw_top_.cores[c]->busy_cycles()); // each core counts its own
    }
    for (const NamedStats& m : hw_top_.stats())
        r.modules.push_back({m.module, m.stats.bytes, m.stats.busy_cycles, m.stats.transfers,
                             m.stats.stall_cycles, m.counters, m.busy, m.busy_merge_gap});
    // DRAM traffic that crossed a mesh or ring counts for the interconnect's energy too.
    r.noc_byte_hops += hw_top_.dram_network_byte_hops();
    r.kernel_events = wakeups_;
    return r;
}

} // namespace fusesim
