// The accelerator top: its cores, the off-chip DRAM port shared by all of them, and the
// interconnect (one link shared by all cores, or one incoming link per core), built from the
// hardware spec. The scheduler (sim/) drives it; the on-chip memory manager (sim/) keeps the
// SRAM contents.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/core.hpp"
#include "hw/modules/shared_port.hpp"

#include <systemc>

#include <memory>
#include <vector>

namespace fusesim {

class Accelerator : public sc_core::sc_module {
  public:
    Accelerator(sc_core::sc_module_name name, const HardwareSpec& hw);

    std::vector<std::unique_ptr<Core>> cores;
    std::unique_ptr<SharedPort> dram;
    std::vector<std::unique_ptr<SharedPort>> links; // empty on a single core

    // The interconnect link that carries data into `core` (nullptr without an interconnect).
    SharedPort* link_into(int core);
    // VCD signals: per core busy, operator, SRAM bytes; DRAM bytes in flight.
    void trace(VcdWriter& vcd);
};

} // namespace fusesim
