// A core: one PE array computing one tile at a time. It is told how long a tile takes (the cost
// math of hardware.hpp) and wakes once, when the tile is done: no clock, no per-cycle process.
#pragma once

#include <systemc>

#include <cstdint>
#include <functional>

namespace fusesim {

class Core : public sc_core::sc_module {
  public:
    explicit Core(sc_core::sc_module_name name);

    // Computes operator `op` for `cycles`; `done` runs in the simulation when it finishes.
    void compute(uint64_t cycles, int op, std::function<void()> done);
    bool busy() const { return busy_; }
    uint64_t busy_cycles() const { return busy_cycles_; }

    // Traced (plain variables, sampled by the VCD writer at every time step).
    bool busy_ = false;
    int op_ = 0;             // operator index + 1; 0 when idle
    uint64_t sram_bytes = 0; // this core's SRAM occupancy (kept by the memory manager)

  private:
    sc_core::sc_event done_event_;
    std::function<void()> done_;
    uint64_t busy_cycles_ = 0;
    void on_done();
};

} // namespace fusesim
