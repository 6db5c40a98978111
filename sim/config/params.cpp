#include "sim/config/params.hpp"

#include "sim/config/params_hardware.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/params_run.hpp"
#include "sim/config/params_sweep.hpp"
#include "sim/config/params_workload.hpp"

#include <iterator>

namespace fusesim {

std::vector<std::string> param_choices(const Param& p) {
    std::vector<std::string> out;
    std::string item;
    for (const char* c = p.choices ? p.choices : ""; *c; ++c) {
        if (*c == '|') {
            out.push_back(item);
            item.clear();
        } else {
            item += *c;
        }
    }
    if (!item.empty()) out.push_back(item);
    return out;
}

const ParamTable* param_tables(int& count) {
    static const ParamTable tables[] = {
        {"hardware", hw_param::all, static_cast<int>(std::size(hw_param::all))},
        {"workload", workload_param::common, static_cast<int>(std::size(workload_param::common))},
        {"mamba1", workload_param::mamba1, static_cast<int>(std::size(workload_param::mamba1))},
        {"opt", workload_param::opt, static_cast<int>(std::size(workload_param::opt))},
        {"custom", workload_param::custom, static_cast<int>(std::size(workload_param::custom))},
        {"experiment", run_param::experiment, static_cast<int>(std::size(run_param::experiment))},
        {"mapping", run_param::mapping_keys, static_cast<int>(std::size(run_param::mapping_keys))},
        {"simulation", run_param::simulation_keys,
         static_cast<int>(std::size(run_param::simulation_keys))},
        {"sweep", sweep_param::all, static_cast<int>(std::size(sweep_param::all))},
    };
    count = static_cast<int>(std::size(tables));
    return tables;
}

} // namespace fusesim
