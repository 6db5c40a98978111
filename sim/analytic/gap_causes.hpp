// Why a timing simulation took longer (or shorter) than the analytical estimate on the same plan,
// by measured cause, so that the causes add up to the gap exactly. Per core c of N, the simulated
// time T is spent computing (busy_c), idle before a tile by cause (stalls_c), or idle after its
// last tile (tail_c): T = busy_c + stalls_c + tail_c. Averaged over the cores, and with the
// estimate A = C + X (C: compute, X: the memory-bound excess Σ_g max(0, M_g − C_g)):
//   T − A = (mean busy − mean bank stall − C)      compute: per-tile cost vs the estimate
//         + mean bank stall                         SRAM bank conflicts
//         + (mean DRAM wait − X₁)                   DRAM beyond the estimate's bandwidth time
//         + mean interconnect wait                  data from other cores
//         + (mean SRAM-full wait − X₂)              no room to prefetch
// where X₁ = min(X, mean DRAM wait) and X₂ = X − X₁: the memory-bound time the estimate has
// shows as waits for DRAM or, when the port is busy, for SRAM to prefetch into.
//         + mean dependency wait                    fill: producers not done yet
//         + mean tail                               imbalance: cores done before the end
#pragma once

#include "sim/analytic/plan_analytic.hpp"
#include "sim/engine/timing_result.hpp"

#include <string>
#include <vector>

namespace fusesim {

struct GapCause {
    std::string name;        // compute, sram_banks, dram, noc, sram_full, fill, imbalance
    double cycles = 0;       // signed, per layer (mean over the cores)
    std::string explanation; // what it measures
};

struct GapBreakdown {
    double simulated = 0, analytic = 0; // T and A
    std::vector<GapCause> causes;       // Σ cycles == simulated − analytic (up to rounding)
};

GapBreakdown explain_gap(const TimingResult& r, const std::vector<GroupEstimate>& estimate);

} // namespace fusesim
