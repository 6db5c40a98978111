#include "hw/modules/dram.hpp"

#include "hw/modules/shared_port.hpp"

namespace fusesim {

std::unique_ptr<MeteredBackend> make_dram(const HardwareSpec& hw) {
    return std::make_unique<SharedPort>("dram", hw.dram.bytes_per_cycle, hw.dram.latency_cycles);
}

} // namespace fusesim
