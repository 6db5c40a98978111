// The off-chip memory behind the MeteredBackend interface. Today one port whose bandwidth
// concurrent transfers share, with a fixed latency (SharedPort, named "dram"); a DRAM controller
// (banks, row buffers, refresh) is a new MeteredBackend class and one line in make_dram.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/transfer_backend.hpp"

#include <memory>

namespace fusesim {

// Call it inside the parent module's constructor, so that the port is its child (and its
// statistics are found in the module tree).
std::unique_ptr<MeteredBackend> make_dram(const HardwareSpec& hw);

} // namespace fusesim
