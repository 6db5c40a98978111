#include "workloads/plan/plan_builder.hpp"

namespace fusesim {

PlanCount count_plan(const Workload& w, const MappingSpec& m, int layers, int samples,
                     int64_t cores) {
    PlanBuilder b{w, m, cores, {}, {}, {}, {}, {}, {}, {}, nullptr, {}, {}, {}, {}};
    return b.count(layers, samples);
}

TilePlan build_tile_plan(const Workload& w, const MappingSpec& m, int64_t cores, int layers,
                         const SpatialChooser& choose, const OpWork& work) {
    PlanBuilder b{w, m, cores, {}, {}, {}, {}, {}, {}, {}, &work, {}, {}, {}, {}};
    // The tile reads are most of a large plan (37.5 M of 16 B at L = 1M). Grown by doubling they
    // were copied ~once more and held twice at the last growth; reserved from the sampled count,
    // an eighth over (capacity never written is never faulted in), they are written once.
    const double reads = count_plan(w, m, layers, 64, cores).input_refs;
    if (reads > 0 && reads < kMaxPlanReads)
        b.plan.inputs.reserve(static_cast<size_t>(reads * 1.125) + 64);
    b.build(layers);
    TilePlan& plan = b.plan;
    plan.readers = index_readers(plan.tiles, plan.inputs, plan.chunks.size());
    mark_stepped(w, plan, b.block_dim);
    plan.block_dim = b.block_dim;
    plan.spatial.resize(w.ops.size());
    for (size_t o = 0; o < w.ops.size(); ++o) {
        auto it = m.spatial.find(w.ops[o].name);
        if (it != m.spatial.end()) {
            plan.spatial[o].row_dim = w.ops[o].dim_index(it->second.first);
            plan.spatial[o].col_dim = w.ops[o].dim_index(it->second.second);
        } else {
            // A token block's operators run token by token: the tokens are never laid on the
            // array, so a block costs its steps times one step.
            const int d = b.block_dim[o];
            Coords e = plan.op_tiling[o].extent;
            if (d >= 0) e[d] = 1;
            plan.spatial[o] = choose(e);
            if (d >= 0 && plan.spatial[o].row_dim == d) plan.spatial[o].row_dim = -1;
            if (d >= 0 && plan.spatial[o].col_dim == d) plan.spatial[o].col_dim = -1;
        }
    }
    return std::move(b.plan);
}

} // namespace fusesim
