// What the reports say about trace.vcd: its size and, when it reached its cap, the cycle where
// it was cut (a line of the summary, the "trace_vcd" object of report.json).
#pragma once

#include "sim/timing.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fusesim {

// "" when no VCD was written or it is complete; else a line naming the cut.
std::string vcd_note(const TimingResult& r, const SimOptions& o);
// `report` with "trace_vcd": {bytes, limit_bytes, truncated, cut_cycle} when a VCD was written.
nlohmann::ordered_json with_vcd(nlohmann::ordered_json report, const TimingResult& r,
                                const SimOptions& o);

} // namespace fusesim
