#include "hw/modules/accelerator.hpp"

#include <string>

namespace fusesim {

Accelerator::Accelerator(sc_core::sc_module_name name, const HardwareSpec& hw) : sc_module(name) {
    for (int64_t c = 0; c < hw.cores; ++c)
        cores.push_back(std::make_unique<Core>(("core" + std::to_string(c)).c_str()));
    dram = std::make_unique<SharedPort>("dram", hw.dram.bytes_per_cycle, hw.dram.latency_cycles);
    if (hw.cores > 1) {
        const int64_t n = hw.interconnect.topology == "p2p" ? hw.cores : 1;
        for (int64_t k = 0; k < n; ++k)
            links.push_back(std::make_unique<SharedPort>(("link" + std::to_string(k)).c_str(),
                                                         hw.interconnect.bytes_per_cycle,
                                                         hw.interconnect.latency_cycles));
    }
}

SharedPort* Accelerator::link_into(int core) {
    if (links.empty()) return nullptr;
    return links[links.size() == 1 ? 0 : static_cast<size_t>(core)].get();
}

void Accelerator::trace(VcdWriter& vcd) {
    for (auto& core : cores) core->trace(vcd);
    dram->trace(vcd, "dram_bytes_in_flight");
}

} // namespace fusesim
