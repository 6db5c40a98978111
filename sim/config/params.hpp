// One declaration per configuration parameter: its key, type, range, default and a one-line
// description. The schema readers take the range and default from here (params_read.hpp), the
// structs of schema.hpp take their defaults from here, and `fusesim reference` prints the
// README's reference tables from here, so code and docs cannot drift.
#pragma once

#include "workloads/vocab/param.hpp"

#include <vector>

namespace fusesim {

// One table of the reference: a section's parameters in the order they are documented.
struct ParamTable {
    const char* id; // marker name in README.md: <!-- reference:ID begin -->
    const Param* const* params;
    int count;
};

// Every table, in README order: hardware, workload, one per registered model (its id is the
// model's name), custom, then the experiment's sections.
std::vector<ParamTable> param_tables();

} // namespace fusesim
