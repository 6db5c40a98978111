#include "workloads/plan/tile_plan.hpp"

#include <algorithm>

namespace fusesim {

Box TilePlan::tile_box(const Workload& w, const Tile& t) const {
    const OpTiling& tl = op_tiling[t.op];
    Box b;
    const Coords c = tl.decode(t.grid_index);
    b.lo.resize(tl.count.size());
    b.hi.resize(tl.count.size());
    for (size_t d = 0; d < tl.count.size(); ++d) {
        b.lo[d] = c[d] * tl.extent[d];
        b.hi[d] = std::min(w.ops[t.op].dims[d].size, (c[d] + 1) * tl.extent[d]);
    }
    return b;
}

Coords TilePlan::tile_extents(const Workload& w, const Tile& t) const {
    const Box b = tile_box(w, t);
    Coords e(b.lo.size());
    for (size_t d = 0; d < e.size(); ++d) e[d] = b.hi[d] - b.lo[d];
    return e;
}

std::string TilePlan::tile_name(const Workload& w, const Tile& t) const {
    const OpTiling& tl = op_tiling[t.op];
    std::string s = w.ops[t.op].name + "[";
    const Coords c = tl.decode(t.grid_index);
    bool first = true;
    for (size_t d = 0; d < c.size(); ++d) {
        if (tl.count[d] == 1) continue;
        s += (first ? "" : ",") + w.ops[t.op].dims[d].name + "=" + std::to_string(c[d]);
        first = false;
    }
    return s + "]@layer" + std::to_string(t.layer);
}

} // namespace fusesim
