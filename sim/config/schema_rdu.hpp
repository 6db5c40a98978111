// An RDU hardware file (`kind: rdu`, README "RDU (`kind: rdu`)"): read and checked, and lowered
// to the HardwareSpec every command runs on (its units as cores, HardwareSpec::rdu set).
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/config/config_tree.hpp"

namespace fusesim {

// True when the hardware section says `kind: rdu`.
bool is_rdu_hardware(const ConfigNode& hardware);

// The grid as cores: core i = unit i (row i ÷ cols, column i mod cols), pe_rows = lanes, pe_cols
// = stages, SRAM = the PMU scratchpad with its banks (the bank model on, one port), a mesh of
// the switches, the DRAM as written; rdu holds the unit's figures.
HardwareSpec read_rdu(const ConfigNode& hardware);

} // namespace fusesim
