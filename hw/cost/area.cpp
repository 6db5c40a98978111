#include "hw/cost/area.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace fusesim {

void apply_area_model(const AreaModel& a, HardwareSpec& hw) {
    const double pes = a.scale * a.full_pes * (1.0 - a.memory_share);
    const auto rows =
        static_cast<int64_t>(std::floor(pes / static_cast<double>(a.array_cols) + 1e-9));
    const auto sram = static_cast<int64_t>(
        std::llround(a.scale * static_cast<double>(a.full_sram) * a.memory_share));
    if (rows < 1)
        throw std::invalid_argument("area scale " + std::to_string(a.scale) +
                                    " with memory share " + std::to_string(a.memory_share) +
                                    " leaves fewer PEs than one "
                                    "row of the array");
    if (sram < 1) throw std::invalid_argument("the area model leaves no SRAM");
    hw.cores = 1;
    hw.core.pe_rows = rows;
    hw.core.pe_cols = a.array_cols;
    hw.core.sram_bytes = sram;
    hw.dram.bytes_per_cycle = a.base_bytes_per_cycle * std::sqrt(a.scale);
}

} // namespace fusesim
