// Plots of a sweep's results.csv (gnuplot, SVG): the sweep spec's `plots:` entries.
#pragma once

#include "sim/output.hpp"
#include "sim/sweep.hpp"

#include <string>

namespace fusesim {

void draw_sweep_plots(const SweepSpec& spec, const std::string& results_csv, const OutputDir& out);

} // namespace fusesim
