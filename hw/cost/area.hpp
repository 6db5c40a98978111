// The area model of the design-space study (REFERENCE.md §2): a chip of area scale a (of the
// reference die) with a share m of it spent on SRAM has
//   PEs = a · full_pes · (1 − m),  SRAM = a · full_sram · m,  DRAM = base_bandwidth · √a,
// where full_pes and full_sram are what the whole reference die would hold of either, and the
// off-chip bandwidth follows the die's perimeter. The PEs form one aggregated core whose array
// keeps `array_cols` columns (rows = PEs ÷ columns, rounded down), so spatial under-utilization
// stays modeled as the array grows or shrinks.
#pragma once

#include "hw/cost/hardware.hpp"

#include <cstdint>

namespace fusesim {

struct AreaModel {
    double scale = 1.0;        // a
    double memory_share = 0.8; // m
    double full_pes = 40960;   // PEs if the whole reference die were PEs
    int64_t full_sram = 0;     // bytes if the whole reference die were SRAM
    double base_bytes_per_cycle = 256;
    int64_t array_cols = 64;
};

// Replaces the core count, array, SRAM and DRAM bandwidth of `hw` with the derived values.
// Throws std::invalid_argument when the point has no PE or no SRAM left.
void apply_area_model(const AreaModel& a, HardwareSpec& hw);

} // namespace fusesim
