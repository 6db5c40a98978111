#include "workloads/plan/plan_builder.hpp"

namespace fusesim {

PlanCount count_plan(const Workload& w, const MappingSpec& m, int layers, int samples,
                     int64_t cores) {
    PlanBuilder b{w, m, cores, {}, {}, {}, {}, {}, {}, {}, nullptr, {}, {}, {}};
    return b.count(layers, samples);
}

TilePlan build_tile_plan(const Workload& w, const MappingSpec& m, int64_t cores, int layers,
                         const SpatialChooser& choose, const OpWork& work) {
    PlanBuilder b{w, m, cores, {}, {}, {}, {}, {}, {}, {}, &work, {}, {}, {}};
    b.build(layers);
    TilePlan& plan = b.plan;
    plan.readers = index_readers(plan.tiles, plan.inputs, plan.chunks.size());
    plan.spatial.resize(w.ops.size());
    for (size_t o = 0; o < w.ops.size(); ++o) {
        auto it = m.spatial.find(w.ops[o].name);
        if (it != m.spatial.end()) {
            plan.spatial[o].row_dim = w.ops[o].dim_index(it->second.first);
            plan.spatial[o].col_dim = w.ops[o].dim_index(it->second.second);
        } else {
            plan.spatial[o] = choose(plan.op_tiling[o].extent);
        }
    }
    return std::move(b.plan);
}

} // namespace fusesim
