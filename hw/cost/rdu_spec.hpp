// A Reconfigurable Dataflow Unit as a machine (README "RDU (`kind: rdu`)"): a grid of units, one
// unit a Pattern Compute Unit (PCU) paired with a Pattern Memory Unit (PMU), the variant of the
// PCU (baseline or extended) and the area and power figures. The HardwareSpec that holds it is
// the same chip as cores (core i = unit i: pe_rows = lanes, pe_cols = stages, sram = the PMU),
// so every tile that is neither an FFT nor a scan costs as on any core; the FFT and scan tiles
// cost by the spatial mapping of rdu_unit.hpp (rdu_tile.hpp).
#pragma once

#include "hw/cost/rdu_unit.hpp"

#include <cstdint>

namespace fusesim {

struct RduSpec {
    int64_t rows = 1, cols = 1; // units on the mesh of switches
    PcuSpec pcu;                // lanes, stages, clock, op cycles, variant
    PmuSpec pmu;                // scratchpad, banks, bytes per bank a cycle
    // One PCU + PMU pair (switch and its share of the periphery included) and the fraction the
    // extended variant adds to both (applied only to `extended`).
    double unit_mm2 = 0;
    double unit_watts = 0;
    double extension_area = 0;
    double extension_power = 0;

    int64_t units() const { return rows * cols; }
    bool extended() const { return pcu.variant == RduVariant::Extended; }
    double area_mm2() const {
        return static_cast<double>(units()) * unit_mm2 * (1 + (extended() ? extension_area : 0));
    }
    double power_watts() const {
        return static_cast<double>(units()) * unit_watts * (1 + (extended() ? extension_power : 0));
    }
};

} // namespace fusesim
