// A core: one PE array computing one tile at a time. It is told how long a tile takes (the cost
// math of hardware.hpp) and wakes once, when the tile is done: no clock, no per-cycle process.
#pragma once

#include "hw/modules/module_stats.hpp"
#include "hw/modules/vcd_writer.hpp"

#include <systemc>

#include <cstdint>
#include <functional>

namespace fusesim {

class Core : public sc_core::sc_module, public StatsSource {
  public:
    // `pmu_round_trips`: an RDU's unit (README "RDU (`kind: rdu`)"), which also counts the
    // cycles its FFT and scan tiles spent on round trips through its PMU.
    explicit Core(sc_core::sc_module_name name, bool pmu_round_trips = false);

    // Computes operator `op` for `cycles`; `done` runs in the simulation when it finishes.
    void compute(uint64_t cycles, int op, std::function<void()> done);
    bool busy() const { return busy_; }
    uint64_t busy_cycles() const { return stats_.busy_cycles; }
    const ModuleStats& stats() const override { return stats_; } // transfers: tiles computed
    // Idle cycles before a tile, by what held the core (stall_cycles is their sum): its inputs
    // on their way from DRAM or over the interconnect from another core, no SRAM for them
    // (memory), not produced yet (dependency).
    void stalled(uint64_t dram, uint64_t noc, uint64_t memory, uint64_t dependency);
    // Of its busy cycles, those its tiles waited for their SRAM banks (`conflict` of them from
    // bank conflicts): part of the tile's time, not idle, so not in stall_cycles.
    void sram_stalled(uint64_t stall, uint64_t conflict) {
        stall_sram_bank_ += stall;
        stall_sram_conflict_ += conflict;
    }
    // Of its busy cycles, those of the baseline RDU's shuffles through the PMU (rdu_tile.hpp).
    void pmu_round_trip(uint64_t cycles) { pmu_round_trip_ += cycles; }
    uint64_t last_done() const { return last_done_; } // when its last tile finished
    Counters counters() const override;

    bool busy_ = false;
    int op_ = 0;             // operator index + 1; 0 when idle
    uint64_t sram_bytes = 0; // this core's SRAM occupancy (kept by the memory manager)
    void set_sram_bytes(uint64_t bytes);

    // Records <module path>.busy, .op and .sram_bytes in `vcd` from now on.
    void trace(VcdWriter& vcd);

  private:
    VcdWriter* vcd_ = nullptr;
    int vcd_busy_ = -1, vcd_op_ = -1, vcd_sram_ = -1;
    void traced_state();
    sc_core::sc_event done_event_;
    std::function<void()> done_;
    ModuleStats stats_;
    uint64_t stall_dram_ = 0, stall_noc_ = 0, stall_memory_ = 0, stall_dependency_ = 0;
    uint64_t stall_sram_bank_ = 0, stall_sram_conflict_ = 0;
    bool rdu_ = false;
    uint64_t pmu_round_trip_ = 0;
    uint64_t last_done_ = 0;
    void on_done();
};

} // namespace fusesim
