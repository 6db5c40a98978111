#include "hw/modules/accelerator.hpp"

#include <string>

namespace fusesim {

Accelerator::Accelerator(sc_core::sc_module_name name, const HardwareSpec& hw) : sc_module(name) {
    for (int64_t c = 0; c < hw.cores; ++c)
        // An RDU's units read as its PCUs (rdu.pcu3.busy), each with its PMU's SRAM.
        cores.push_back(std::make_unique<Core>(
            ((hw.rdu ? "pcu" : "core") + std::to_string(c)).c_str(), hw.rdu.has_value()));
    dram = make_dram(hw);
    interconnect = make_interconnect(hw);
    noc = dynamic_cast<Noc*>(interconnect.get());
    if (noc) dram_noc_ = std::make_unique<NocDramPath>(hw, *dram, *noc);
}

void Accelerator::trace(VcdWriter& vcd) {
    for (auto& core : cores) core->trace(vcd);
    if (noc) noc->trace(vcd);
    if (auto* d = dynamic_cast<Dram*>(dram.get())) d->trace(vcd); // and its channels
}

} // namespace fusesim
