#include "workloads/plan/tiling.hpp"

#include <algorithm>

namespace fusesim {

namespace {

// Bytes a tile of these extents reads and writes (its slices of every operand).
int64_t tile_bytes(const Workload& w, const Operator& op, const Coords& extent) {
    Box box;
    for (size_t d = 0; d < extent.size(); ++d) {
        box.lo.push_back(0);
        box.hi.push_back(extent[d]);
    }
    int64_t bytes = 0;
    for (const auto& in : op.inputs)
        bytes += operand_slice(op, in, w.tensors[in.tensor], box).volume() *
                 w.tensors[in.tensor].bytes_per_element;
    return bytes + operand_slice(op, op.output, w.tensors[op.output.tensor], box).volume() *
                       w.tensors[op.output.tensor].bytes_per_element;
}

// Estimated DRAM traffic of an operator tiled with these extents, tiles issued in row-major
// order (innermost loop dim last): an input's slice is read again whenever a loop dim at or
// outside its innermost indexing dim advances; the output is written once (partial sums stay).
// Each tile also costs a fixed 4 KiB-equivalent, so that splits that save nothing are avoided.
double tiled_cost(const Workload& w, const Operator& op, const Coords& extent,
                  const Coords& order) {
    const size_t n = extent.size();
    Coords count(n);
    double tiles = 1;
    for (size_t d = 0; d < n; ++d) {
        count[d] = ceil_div(op.dims[d].size, extent[d]);
        tiles *= static_cast<double>(count[d]);
    }
    Box box;
    for (size_t d = 0; d < n; ++d) {
        box.lo.push_back(0);
        box.hi.push_back(extent[d]);
    }
    double traffic = 0;
    for (const auto& in : op.inputs) {
        // Position (in the tile loop order) of the innermost dim indexing this input.
        size_t inner = 0;
        bool any = false;
        for (size_t k = 0; k < order.size(); ++k)
            for (const auto& ax : in.axes)
                for (const auto& t : ax.terms)
                    if (t.dim == order[k]) {
                        inner = k;
                        any = true;
                    }
        double reads = 1;
        if (any)
            for (size_t k = 0; k <= inner; ++k) reads *= static_cast<double>(count[order[k]]);
        traffic +=
            reads * static_cast<double>(operand_slice(op, in, w.tensors[in.tensor], box).volume() *
                                        w.tensors[in.tensor].bytes_per_element);
    }
    return traffic + static_cast<double>(w.tensors[op.output.tensor].bytes()) + tiles * 4096.0;
}

bool reduced(const Operator& op, int d) {
    const auto r = op.reduction_dims();
    return std::find(r.begin(), r.end(), d) != r.end();
}

// Halves one dimension at a time until the tile fits `budget`: each step takes the halving that
// adds the least traffic per byte of tile it saves (GEMMs split their reduction first, then
// balance the output tile). A recurrence's token dimension is already 1. Greedy halving can
// overshoot (a GEMM's reduction split to 20 while its output tile takes most of the budget), so
// a reduction dim then grows back, one doubling at a time up to the extent it started from,
// taking the doubling that lowers the estimated traffic (tiles included) most, while the tile
// stays within 4/5 of the budget. (Up to the whole budget, the tiles left no room for the clean
// copies the next tiles reuse: Fig. 11's Mem-Aware at L = 512 and 3 MiB ran 17 % slower.)
void shrink_to_fit(const Workload& w, const Operator& op, Coords& extent, const Coords& order,
                   int64_t budget, int frozen) {
    const Coords start = extent;
    int64_t bytes = tile_bytes(w, op, extent);
    double cost = tiled_cost(w, op, extent, order);
    while (bytes > budget) {
        int best = -1;
        double best_ratio = 0;
        int64_t best_bytes = 0;
        double best_cost = 0;
        for (size_t d = 0; d < extent.size(); ++d) {
            if (extent[d] <= 1 || static_cast<int>(d) == op.sequential_dim ||
                static_cast<int>(d) == frozen)
                continue;
            Coords e = extent;
            e[d] = (e[d] + 1) / 2;
            const int64_t b = tile_bytes(w, op, e);
            if (b >= bytes) continue;
            const double c = tiled_cost(w, op, e, order);
            const double ratio = (c - cost) / static_cast<double>(bytes - b);
            if (best < 0 || ratio < best_ratio - 1e-12) {
                best = static_cast<int>(d);
                best_ratio = ratio;
                best_bytes = b;
                best_cost = c;
            }
        }
        if (best < 0) return; // nothing left to split
        extent[best] = (extent[best] + 1) / 2;
        bytes = best_bytes;
        cost = best_cost;
    }
    while (true) {
        int best = -1;
        double best_cost = cost;
        for (size_t d = 0; d < extent.size(); ++d) {
            if (extent[d] >= start[d] || !reduced(op, static_cast<int>(d))) continue;
            Coords e = extent;
            e[d] = std::min(start[d], e[d] * 2);
            if (tile_bytes(w, op, e) > budget * 4 / 5) continue;
            const double c = tiled_cost(w, op, e, order);
            if (c < best_cost - 1e-9) {
                best = static_cast<int>(d);
                best_cost = c;
            }
        }
        if (best < 0) return;
        extent[best] = std::min(start[best], extent[best] * 2);
        cost = best_cost;
    }
}

} // namespace

bool auto_tiled(const Operator& op, const MappingSpec& m) {
    auto it = m.per_op.find(op.name);
    return m.fit_bytes > 0 && (it == m.per_op.end() || !it->second.fixed) &&
           op.kind != OpKind::View;
}

OpTiling tiling_for(const Workload& w, const Operator& op, const MappingSpec& m, int frozen,
                    int64_t frozen_extent) {
    TilingRule rule = m.default_rule;
    auto it = m.per_op.find(op.name);
    if (it != m.per_op.end()) {
        for (const auto& [d, v] : it->second.tile) {
            rule.tile[d] = v;
            rule.split.erase(d);
        }
        for (const auto& [d, v] : it->second.split) {
            rule.split[d] = v;
            rule.tile.erase(d);
        }
        if (!it->second.order.empty()) rule.order = it->second.order;
    }
    OpTiling t;
    t.reduction.assign(op.dims.size(), 0);
    for (int d : op.reduction_dims()) t.reduction[d] = 1;
    for (const auto& d : op.dims) {
        int64_t e = d.size;
        if (auto x = rule.tile.find(d.name); x != rule.tile.end()) e = std::min(x->second, d.size);
        if (auto x = rule.split.find(d.name); x != rule.split.end())
            e = ceil_div(d.size, std::min(x->second, d.size));
        t.extent.push_back(e);
    }
    for (const auto& name : rule.order) {
        const int d = op.dim_index(name);
        if (d >= 0 && std::find(t.order.begin(), t.order.end(), d) == t.order.end())
            t.order.push_back(d);
    }
    for (size_t d = 0; d < op.dims.size(); ++d)
        if (std::find(t.order.begin(), t.order.end(), static_cast<int64_t>(d)) == t.order.end())
            t.order.push_back(static_cast<int64_t>(d));
    // The token recurrence advances one token per tile.
    if (op.sequential_dim >= 0) t.extent[op.sequential_dim] = 1;
    if (frozen >= 0) t.extent[frozen] = frozen_extent;
    if (auto_tiled(op, m)) shrink_to_fit(w, op, t.extent, t.order, m.fit_bytes, frozen);
    for (size_t d = 0; d < op.dims.size(); ++d) {
        t.count.push_back(ceil_div(op.dims[d].size, t.extent[d]));
        t.tiles *= t.count.back();
    }
    return t;
}

Box invert_output(const Operator& op, const Box& s) {
    Box r = op.full_box();
    for (size_t a = 0; a < op.output.axes.size(); ++a) {
        const AxisIndex& ax = op.output.axes[a];
        for (const auto& term : ax.terms) {
            int64_t others_min = ax.offset, others_max = ax.offset;
            for (const auto& o : ax.terms) {
                if (&o == &term) continue;
                const int64_t lo = 0, hi = op.dims[o.dim].size - 1;
                others_min += std::min(o.coef * lo, o.coef * hi);
                others_max += std::max(o.coef * lo, o.coef * hi);
            }
            if (term.coef <= 0) continue; // builders use positive coefficients only
            const int64_t lo = -floor_div(others_max - s.lo[a], term.coef); // ceil
            const int64_t hi = floor_div(s.hi[a] - 1 - others_min, term.coef) + 1;
            r.lo[term.dim] = std::max(r.lo[term.dim], lo);
            r.hi[term.dim] = std::min(r.hi[term.dim], hi);
        }
    }
    return r;
}

double tiles_of(const Workload& w, const std::vector<OpTiling>& tiling, int layers) {
    double total = 0;
    for (size_t o = 0; o < w.ops.size(); ++o)
        if (w.ops[o].kind != OpKind::View) total += static_cast<double>(tiling[o].tiles) * layers;
    return total;
}

} // namespace fusesim
