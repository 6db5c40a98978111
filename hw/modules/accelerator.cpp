#include "hw/modules/accelerator.hpp"

#include <string>

namespace fusesim {

Accelerator::Accelerator(sc_core::sc_module_name name, const HardwareSpec& hw) : sc_module(name) {
    for (int64_t c = 0; c < hw.cores; ++c)
        cores.push_back(std::make_unique<Core>(("core" + std::to_string(c)).c_str()));
    dram = make_dram(hw);
    dram_port = dynamic_cast<SharedPort*>(dram.get());
    interconnect = make_interconnect(hw);
}

void Accelerator::trace(VcdWriter& vcd) {
    for (auto& core : cores) core->trace(vcd);
    if (dram_port) dram_port->trace(vcd, std::string(dram_port->name()) + ".bytes_in_flight");
    if (auto* d = dynamic_cast<Dram*>(dram.get())) d->trace(vcd); // and its channels
}

} // namespace fusesim
