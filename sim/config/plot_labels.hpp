// Axis labels and units of sweep plots: a table of the known result and axis columns
// ("workload.seq_len" → "sequence length L", "peak_sram_bytes" → "peak SRAM" in MiB), the unit
// of any other column from its name's suffix (_bytes, _seconds, _cycles), and the scale of each
// unit a spec may ask for (plots[i].xunit / yunit).
#pragma once

#include <string>

namespace fusesim {

struct AxisLabel {
    std::string text; // "peak SRAM"
    std::string unit; // "MiB"; "" for a plain number
};

// The label a column gets by default.
AxisLabel default_axis(const std::string& column);
// `unit` for `column` ("none" for the values as written): "" if it fits, else what would.
std::string unit_problem(const std::string& column, const std::string& unit);
// What a value of `column` is divided by to show it in `unit` (1 for "" and "none").
double unit_divisor(const std::string& column, const std::string& unit);
// "peak SRAM (MiB)"; the text alone without a unit.
std::string axis_text(const AxisLabel& a);

} // namespace fusesim
