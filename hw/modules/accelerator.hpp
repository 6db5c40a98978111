// The accelerator top: its cores, the off-chip DRAM port shared by all of them, and the
// interconnect (a TransferBackend chosen by the topology: interconnect.hpp), built from the
// hardware spec. The scheduler (sim/engine) drives it; the on-chip memory manager (sim/engine)
// keeps the SRAM contents. Each module keeps its own statistics: stats() gathers them.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/core.hpp"
#include "hw/modules/dram.hpp"
#include "hw/modules/interconnect.hpp"
#include "hw/modules/module_stats.hpp"
#include "hw/modules/noc_dram_path.hpp"
#include "hw/modules/noc_network.hpp"
#include "hw/modules/shared_port.hpp"

#include <systemc>

#include <memory>
#include <vector>

namespace fusesim {

class Accelerator : public sc_core::sc_module {
  public:
    Accelerator(sc_core::sc_module_name name, const HardwareSpec& hw);

    std::vector<std::unique_ptr<Core>> cores;
    std::unique_ptr<MeteredBackend> dram;          // the off-chip memory (dram.hpp)
    std::unique_ptr<TransferBackend> interconnect; // nullptr on a single core
    Noc* noc = nullptr; // the same when it is a mesh or ring (accelerator.noc)
    // What a transfer to or from DRAM goes through: the DRAM itself (bus, p2p, one core), or on
    // a mesh or ring the DRAM and the network from (to) the channels' attach routers together.
    TransferBackend& dram_path() {
        if (dram_noc_) return *dram_noc_;
        return *dram;
    }
    // Statistics of every module of the accelerator, in elaboration order.
    std::vector<NamedStats> stats() const { return gather_stats(*this); }
    // VCD signals: per core busy, operator, SRAM bytes; DRAM bytes in flight; per NoC link bytes.
    void trace(VcdWriter& vcd);

    // Bytes × hops of DRAM traffic on the network (0 unless DRAM attaches to routers).
    int64_t dram_network_byte_hops() const { return dram_noc_ ? dram_noc_->byte_hops() : 0; }

  private:
    std::unique_ptr<NocDramPath> dram_noc_;
};

} // namespace fusesim
