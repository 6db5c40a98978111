// The memory keys of the hardware beyond capacity and bandwidth: the SRAM bank model of the
// `core` section (README "Banked SRAM") and the DRAM channels and row buffer of the `dram`
// section (README "DRAM channels and row buffers").
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/config/config_reader.hpp"

namespace fusesim {

// core.sram_bank_width and core.sram_ports (after sram_bandwidth and sram_banks are read).
void read_sram_banks(Reader& core, HardwareSpec& hw);
// dram.channels, dram.interleave and the optional dram.row_buffer section.
void read_dram_channels(Reader& dram, HardwareSpec& hw);

} // namespace fusesim
