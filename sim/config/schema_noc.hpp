// The mesh and ring keys of the hardware's `interconnect` section (README "Network on chip").
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/config/config_reader.hpp"

namespace fusesim {

// Reads rows, cols, hop_latency, packet_bytes, header_bytes and dram_routers into
// hw.interconnect (topology and cores already read); on `bus` and `p2p` these keys are errors.
void read_noc(Reader& ic, HardwareSpec& hw);

} // namespace fusesim
