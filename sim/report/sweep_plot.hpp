// Plots of a sweep's results.csv (gnuplot, SVG): the sweep spec's `plots:` entries.
#pragma once

#include "sim/config/sweep.hpp"
#include "sim/report/output.hpp"

#include <string>

namespace fusesim {

void draw_sweep_plots(const SweepSpec& spec, const std::string& results_csv, const OutputDir& out);

// The spec's `best:` tables: best point per group and its speedup over the baseline point;
// written to best.csv and returned as text for the terminal.
std::string write_best_tables(const SweepSpec& spec, const std::string& results_csv,
                              const OutputDir& out);

// Cell equality for matching rows: numerically when both parse as numbers ("1" == "1.0").
bool same_value(const std::string& a, const std::string& b);

} // namespace fusesim
