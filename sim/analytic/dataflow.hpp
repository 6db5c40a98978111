// The analytical model under dataflow execution (README "Dataflow execution"): the whole layer is
// one spatial pipeline, as an RDU's compiler maps a graph. Every operator runs at once on its
// share of the cores (shares in proportion to its work, no fill or drain), intermediates stream
// from core to core on chip, and DRAM holds only what the layer reads from outside (its input,
// weights, the state) and what it hands on (its output, the new state). A layer takes
// max(Σ compute, DRAM bytes ÷ bandwidth): the lower bound a dataflow mapping approaches.
#pragma once

#include "sim/analytic/analytic.hpp"

namespace fusesim {

AnalyticReport analyze_dataflow(const Workload& w, const HardwareSpec& hw);

} // namespace fusesim
