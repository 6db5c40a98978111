// Allocation of tiles to cores (mapping.allocation): round-robin over the output coordinates
// (PlanBuilder::core_of), split (contiguous blocks of one loop dim per core), or pipeline (each
// operator a stage on its own subset of cores, sized by its compute cycles).
#include "workloads/plan/plan_builder.hpp"
#include "workloads/plan/tiling.hpp"

#include <stdexcept>

namespace fusesim {

namespace {

std::string core_range(int64_t first, int64_t n) {
    return n == 1 ? std::to_string(first)
                  : std::to_string(first) + "-" + std::to_string(first + n - 1);
}

} // namespace

// split: every operator with the dim as an output dim gets a multiple of `cores` tiles along it
// (count rounded up: ceil(count / P) · P), so that the blocks of P cores are equal. An operator
// tiled automatically is tiled again with that extent along the dim, its other dims split only
// as far as the SRAM budget asks: a finer split of the dim makes room for more of the others.
// (Rounding the count up alone would keep the others' extents, chosen when one tile spanned the
// whole dim, and shrink its tiles up to P times below the budget.)
void PlanBuilder::retile_for_split() {
    if (m.allocation != "split") return;
    bool found = false;
    for (const auto& op : w.ops) found = found || op.dim_index(m.allocation_dim) >= 0;
    if (!found)
        throw std::invalid_argument("allocation: split: no operator has a dimension '" +
                                    m.allocation_dim + "'");
    if (cores <= 1) return;
    for (int o = 0; o < ops(); ++o) {
        const Operator& op = w.ops[o];
        const int d = op.dim_index(m.allocation_dim);
        OpTiling& t = plan.op_tiling[o];
        if (d < 0 || op.kind == OpKind::View || t.reduction[d] || op.sequential_dim == d) continue;
        if (t.count[d] % cores == 0) continue;
        const int64_t want = ceil_div(t.count[d], cores) * cores;
        const int64_t extent = ceil_div(op.dims[d].size, std::min(want, op.dims[d].size));
        if (auto_tiled(op, m)) {
            t = tiling_for(w, op, m, d, extent);
            continue;
        }
        t.extent[d] = extent;
        t.tiles = t.tiles / t.count[d];
        t.count[d] = ceil_div(op.dims[d].size, t.extent[d]);
        t.tiles *= t.count[d];
    }
}

// Compute cycles of all of an operator's tiles (one layer), from the caller's cost, else ops.
double PlanBuilder::op_weight(int o) const {
    const OpTiling& t = plan.op_tiling[o];
    if (work && *work) return (*work)(o, t.extent) * static_cast<double>(t.tiles);
    return static_cast<double>(w.ops[o].ops());
}

void PlanBuilder::allocate() {
    const int n = ops();
    split_dim.assign(n, -1);
    first_core.assign(n, 0);
    core_count.assign(n, std::max<int64_t>(cores, 1));
    if (m.allocation == "round-robin" || m.allocation.empty()) {
        plan.allocation = "round-robin over " + std::to_string(cores) + " core(s)";
        return;
    }
    if (m.allocation == "split") {
        std::string fallback;
        int split_ops = 0;
        int64_t fewest = cores;
        for (int o = 0; o < n; ++o) {
            const Operator& op = w.ops[o];
            if (op.kind == OpKind::View) continue;
            const int d = op.dim_index(m.allocation_dim);
            if (d < 0 || plan.op_tiling[o].reduction[d] || op.sequential_dim == d) {
                fallback += (fallback.empty() ? "" : ", ") + op.name;
                continue;
            }
            split_dim[o] = d;
            ++split_ops;
            fewest = std::min(fewest, plan.op_tiling[o].count[d]);
        }
        plan.allocation = "split over " + m.allocation_dim + ": " + std::to_string(split_ops) +
                          " operator(s) in blocks of " + m.allocation_dim + " over " +
                          std::to_string(cores) + " core(s)";
        if (fewest < cores)
            plan.allocation += " (the smallest has " + std::to_string(fewest) + " tile(s) along " +
                               m.allocation_dim + ": it uses " + std::to_string(fewest) +
                               " core(s))";
        if (!fallback.empty())
            plan.allocation +=
                "; round-robin (no " + m.allocation_dim + " as an output dim): " + fallback;
        return;
    }
    if (m.allocation != "pipeline")
        throw std::invalid_argument("unknown allocation '" + m.allocation + "'");
    // Stages: the non-view operators in topological order (a fused group's operators are
    // stages of their own, passing chunks over the interconnect).
    std::vector<int> stages;
    std::vector<double> weight;
    double total = 0;
    for (int o : w.topo_order) {
        if (w.ops[o].kind == OpKind::View) continue;
        stages.push_back(o);
        weight.push_back(std::max(op_weight(o), 1.0));
        total += weight.back();
    }
    const auto S = static_cast<int64_t>(stages.size());
    std::vector<int64_t> count(stages.size(), 1);
    if (S <= cores) {
        // One core each, then each further core to the stage with the most work per core
        // (highest averages: per-core work as even as it can be, about proportional to work).
        for (int64_t extra = cores - S; extra > 0; --extra) {
            size_t best = 0;
            for (size_t s = 1; s < stages.size(); ++s)
                if (weight[s] / static_cast<double>(count[s]) >
                    weight[best] / static_cast<double>(count[best]))
                    best = s;
            ++count[best];
        }
        int64_t next = 0;
        for (size_t s = 0; s < stages.size(); ++s) {
            first_core[stages[s]] = next;
            core_count[stages[s]] = count[s];
            next += count[s];
        }
    } else {
        // More stages than cores: each stage on one core, at the middle of its share of the
        // cumulative work (neighbouring stages share a core).
        double before = 0;
        for (size_t s = 0; s < stages.size(); ++s) {
            const auto c =
                static_cast<int64_t>(static_cast<double>(cores) * (before + weight[s] / 2) / total);
            first_core[stages[s]] = std::min(c, cores - 1);
            core_count[stages[s]] = 1;
            before += weight[s];
        }
    }
    plan.allocation = "pipeline over " + std::to_string(cores) + " core(s):";
    for (int o : stages)
        plan.allocation += " " + w.ops[o].name + " " + core_range(first_core[o], core_count[o]);
}

} // namespace fusesim
