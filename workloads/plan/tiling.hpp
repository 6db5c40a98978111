// Per-operator tiling (tile extents, loop order, automatic splitting to fit) and the loop-range
// inversion of an operator's output index: the pieces the plan builder is made of.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

inline int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}
inline int64_t floor_div(int64_t a, int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

// The tiling of one operator under the mapping's rules (merged over the default rule). With
// `frozen` ≥ 0 that loop dim takes `frozen_extent` and automatic tiling splits the others only.
OpTiling tiling_for(const Workload& w, const Operator& op, const MappingSpec& m, int frozen = -1,
                    int64_t frozen_extent = 0);

// Whether automatic tiling (mapping.tiling.auto) sizes this operator's tiles.
bool auto_tiled(const Operator& op, const MappingSpec& m);

// Loop range of `op` (per dim, half-open) whose output lands inside slice `s` of its output
// tensor; dims not in the output (reductions) keep their full range. Exact for single-term
// indices, a bounding range for multi-term ones (reshapes).
Box invert_output(const Operator& op, const Box& s);

// Tiles of all layers (views make none).
double tiles_of(const Workload& w, const std::vector<OpTiling>& tiling, int layers);

} // namespace fusesim
