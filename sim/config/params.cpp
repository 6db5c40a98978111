#include "sim/config/params.hpp"

#include "sim/config/params_gpu.hpp"
#include "sim/config/params_hardware.hpp"
#include "sim/config/params_rdu.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/params_run.hpp"
#include "sim/config/params_sweep.hpp"
#include "sim/config/params_workload.hpp"
#include "workloads/models/registry.hpp"

#include <iterator>

namespace fusesim {

std::vector<std::string> workload_param::model_choices() {
    std::vector<std::string> names;
    for (const ModelDef& m : registered_models()) names.push_back(m.name);
    names.push_back("custom");
    return names;
}

std::vector<std::string> param_choices(const Param& p) {
    if (p.choice_list) return p.choice_list();
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

std::vector<ParamTable> param_tables() {
    auto table = [](const char* id, const auto& params) {
        return ParamTable{id, params, static_cast<int>(std::size(params))};
    };
    std::vector<ParamTable> tables = {table("hardware", hw_param::all),
                                      table("gpu", gpu_param::all), table("rdu", rdu_param::all),
                                      table("workload", workload_param::common)};
    for (const ModelDef& m : registered_models())
        tables.push_back({m.name.c_str(), m.params.data(), static_cast<int>(m.params.size())});
    for (const ParamTable& t :
         {table("custom", workload_param::custom), table("experiment", run_param::experiment),
          table("mapping", run_param::mapping_keys),
          table("simulation", run_param::simulation_keys), table("sweep", sweep_param::all)})
        tables.push_back(t);
    return tables;
}

} // namespace fusesim
