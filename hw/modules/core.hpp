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
    explicit Core(sc_core::sc_module_name name);

    // Computes operator `op` for `cycles`; `done` runs in the simulation when it finishes.
    void compute(uint64_t cycles, int op, std::function<void()> done);
    bool busy() const { return busy_; }
    uint64_t busy_cycles() const { return stats_.busy_cycles; }
    const ModuleStats& stats() const override { return stats_; } // transfers: tiles computed
    // Idle cycles before a tile, by what held the core (stall_cycles is their sum): its inputs
    // on their way (fetch), no SRAM for them (memory), not produced yet (dependency).
    void stalled(uint64_t fetch, uint64_t memory, uint64_t dependency);
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
    uint64_t stall_fetch_ = 0, stall_memory_ = 0, stall_dependency_ = 0;
    void on_done();
};

} // namespace fusesim
