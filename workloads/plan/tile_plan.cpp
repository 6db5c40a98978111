#include "workloads/plan/tile_plan.hpp"

#include <algorithm>
#include <map>
#include <queue>
#include <set>
#include <stdexcept>

namespace fusesim {

namespace {

int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}
int64_t floor_div(int64_t a, int64_t b) {
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

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

// Halves one dimension at a time until the tile fits `budget`: each step takes the halving that
// adds the least traffic per byte of tile it saves (GEMMs split their reduction first, then
// balance the output tile). A recurrence's token dimension is already 1.
void shrink_to_fit(const Workload& w, const Operator& op, Coords& extent, const Coords& order,
                   int64_t budget) {
    int64_t bytes = tile_bytes(w, op, extent);
    double cost = tiled_cost(w, op, extent, order);
    while (bytes > budget) {
        int best = -1;
        double best_ratio = 0;
        int64_t best_bytes = 0;
        double best_cost = 0;
        for (size_t d = 0; d < extent.size(); ++d) {
            if (extent[d] <= 1 || static_cast<int>(d) == op.sequential_dim) continue;
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
}

OpTiling tiling_for(const Workload& w, const Operator& op, const MappingSpec& m) {
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
    if (m.fit_bytes > 0 && (it == m.per_op.end() || !it->second.fixed) && op.kind != OpKind::View)
        shrink_to_fit(w, op, t.extent, t.order, m.fit_bytes);
    for (size_t d = 0; d < op.dims.size(); ++d) {
        t.count.push_back(ceil_div(op.dims[d].size, t.extent[d]));
        t.tiles *= t.count.back();
    }
    return t;
}

// Loop range of `op` (per dim, half-open) whose output lands inside slice `s` of its output
// tensor; dims not in the output (reductions) keep their full range. Exact for single-term
// indices, a bounding range for multi-term ones (reshapes).
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

struct PlanBuilder {
    const Workload& w;
    const MappingSpec& m;
    int64_t cores;
    TilePlan plan;
    std::vector<int> op_rank;                 // topological position
    std::vector<int64_t> chunk_base;          // per (layer, op): first produced chunk
    std::vector<std::string> sequential_name; // per group: its recurrence dim, "" if none
    std::map<std::pair<std::pair<int, int>, std::pair<Coords, Coords>>, int> external; // → chunk
    std::vector<std::pair<int, int64_t>> refs; // scratch for one tile

    int ops() const { return static_cast<int>(w.ops.size()); }

    void make_groups() {
        plan.group_of_op.assign(w.ops.size(), -1);
        for (const auto& g : m.groups) {
            GroupInfo info;
            info.on_chip = g.on_chip;
            for (const auto& name : g.ops) {
                const int o = w.op_index(name);
                if (o < 0)
                    throw std::invalid_argument("fusion group names unknown operator '" + name +
                                                "'");
                if (plan.group_of_op[o] >= 0)
                    throw std::invalid_argument("operator '" + name + "' is in two fusion groups");
                plan.group_of_op[o] = static_cast<int>(plan.groups.size());
                info.ops.push_back(o);
                info.name += (info.name.empty() ? "" : "+") + name;
            }
            plan.groups.push_back(info);
        }
        // Operators of the token recurrence interleave per token even when unfused.
        GroupInfo rec;
        rec.name = "recurrence";
        for (int o : w.topo_order)
            if (w.ops[o].sequential_dim >= 0 && plan.group_of_op[o] < 0) {
                plan.group_of_op[o] = static_cast<int>(plan.groups.size());
                rec.ops.push_back(o);
                rec.name += (rec.ops.size() == 1 ? ":" : "+") + w.ops[o].name;
            }
        if (!rec.ops.empty()) plan.groups.push_back(rec);
        for (int o : w.topo_order) {
            if (plan.group_of_op[o] >= 0 || w.ops[o].kind == OpKind::View) continue;
            plan.group_of_op[o] = static_cast<int>(plan.groups.size());
            plan.groups.push_back({w.ops[o].name, {o}, false});
        }
        for (auto& g : plan.groups)
            std::sort(g.ops.begin(), g.ops.end(),
                      [&](int a, int b) { return op_rank[a] < op_rank[b]; });
        // Execution order: a topological order of the groups (a group runs after every group
        // that feeds it), earliest first operator first among those ready.
        const size_t n = plan.groups.size();
        std::vector<std::set<int>> feeds(n);
        std::vector<int> needs(n, 0);
        for (size_t o = 0; o < w.ops.size(); ++o) {
            const int g = plan.group_of_op[o];
            if (g < 0) continue;
            for (const auto& in : w.ops[o].inputs) {
                if (in.carried) continue;
                std::vector<int> ps;
                w.producers_through_views(in.tensor, ps);
                for (int p : ps) {
                    const int pg = plan.group_of_op[p];
                    if (pg >= 0 && pg != g && feeds[pg].insert(g).second) ++needs[g];
                }
            }
        }
        auto later = [&](int a, int b) {
            return op_rank[plan.groups[a].ops.front()] > op_rank[plan.groups[b].ops.front()];
        };
        std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
        for (size_t g = 0; g < n; ++g)
            if (needs[g] == 0) ready.push(static_cast<int>(g));
        std::vector<int> order;
        while (!ready.empty()) {
            const int g = ready.top();
            ready.pop();
            order.push_back(g);
            for (int h : feeds[g])
                if (--needs[h] == 0) ready.push(h);
        }
        if (order.size() != n) {
            std::string names;
            for (size_t g = 0; g < n; ++g)
                if (needs[g] > 0) names += (names.empty() ? "" : ", ") + plan.groups[g].name;
            throw std::invalid_argument("fusion groups depend on each other in a cycle (" + names +
                                        "): an operator outside a group sits between two of its "
                                        "operators");
        }
        std::vector<GroupInfo> sorted;
        for (int g : order) sorted.push_back(plan.groups[g]);
        plan.groups = sorted;
        for (size_t g = 0; g < plan.groups.size(); ++g)
            for (int o : plan.groups[g].ops) plan.group_of_op[o] = static_cast<int>(g);
    }

    // Grid coordinates of tile `index` of op `o`.
    Coords coords(int o, int64_t index) const { return plan.op_tiling[o].decode(index); }

    Box box_of(int o, const Coords& c) const {
        const OpTiling& t = plan.op_tiling[o];
        Box b;
        for (size_t d = 0; d < c.size(); ++d) {
            b.lo.push_back(c[d] * t.extent[d]);
            b.hi.push_back(std::min(w.ops[o].dims[d].size, (c[d] + 1) * t.extent[d]));
        }
        return b;
    }

    // Index of the chunk a tile writes: its coordinates over the output (non-reduction) dims.
    int64_t chunk_local(int o, const Coords& c) const {
        const OpTiling& t = plan.op_tiling[o];
        int64_t idx = 0;
        for (size_t d = 0; d < c.size(); ++d)
            if (!t.reduction[d]) idx = idx * t.count[d] + c[d];
        return idx;
    }

    int core_of(int o, const Coords& c) const {
        if (cores <= 1) return 0;
        const Operator& op = w.ops[o];
        const OpTiling& t = plan.op_tiling[o];
        // A recurrence keeps its chain of tokens on one core; partial sums stay together.
        const std::string& skip = sequential_name[plan.group_of_op[o]];
        int64_t idx = 0;
        for (size_t d = 0; d < c.size(); ++d) {
            if (t.reduction[d] || op.dims[d].name == skip) continue;
            idx = idx * t.count[d] + c[d];
        }
        return static_cast<int>(idx % cores);
    }

    int64_t chunk_id(int layer, int o, int64_t local) const {
        return chunk_base[static_cast<size_t>(layer) * w.ops.size() + o] + local;
    }

    // Adds the chunks that hold slice `s` of tensor `t` (as seen by layer `layer`) to `refs`.
    void resolve(int layer, int t, const Box& s) {
        if (s.volume() == 0) return;
        if (t == w.layer_input && layer > 0 && w.layer_output >= 0) {
            resolve(layer - 1, w.layer_output, s);
            return;
        }
        const auto& producers = w.producers[t];
        if (producers.empty()) {
            const auto key = std::make_pair(std::make_pair(layer, t), std::make_pair(s.lo, s.hi));
            auto it = external.find(key);
            if (it == external.end()) {
                Chunk c;
                c.tensor = t;
                c.layer = layer;
                c.bytes = s.volume() * w.tensors[t].bytes_per_element;
                plan.chunks.push_back(c);
                it = external.emplace(key, static_cast<int>(plan.chunks.size() - 1)).first;
            }
            refs.emplace_back(it->second, plan.chunks[it->second].bytes);
            return;
        }
        for (int p : producers) {
            const Operator& op = w.ops[p];
            const Box range = invert_output(op, s);
            if (range.volume() == 0) continue;
            if (op.kind == OpKind::View) {
                const Box in =
                    operand_slice(op, op.inputs[0], w.tensors[op.inputs[0].tensor], range);
                resolve(layer, op.inputs[0].tensor, in);
                continue;
            }
            const OpTiling& tl = plan.op_tiling[p];
            Coords lo(range.lo.size()), hi(range.lo.size());
            for (size_t d = 0; d < lo.size(); ++d) {
                lo[d] = range.lo[d] / tl.extent[d];
                hi[d] = ceil_div(range.hi[d], tl.extent[d]);
            }
            for (size_t d = 0; d < lo.size(); ++d)
                if (tl.reduction[d]) { // one tile of a reduction stands for its chunk
                    lo[d] = 0;
                    hi[d] = 1;
                }
            Coords c = lo;
            while (true) {
                const Box out = operand_slice(op, op.output, w.tensors[t], box_of(p, c));
                Box inter;
                for (size_t a = 0; a < s.lo.size(); ++a) {
                    inter.lo.push_back(std::max(s.lo[a], out.lo[a]));
                    inter.hi.push_back(std::min(s.hi[a], out.hi[a]));
                }
                const int64_t v = inter.volume();
                if (v > 0)
                    refs.emplace_back(static_cast<int>(chunk_id(layer, p, chunk_local(p, c))),
                                      v * w.tensors[t].bytes_per_element);
                size_t d = c.size();
                while (d-- > 0) {
                    if (++c[d] < hi[d]) break;
                    c[d] = lo[d];
                }
                if (d == static_cast<size_t>(-1)) break;
            }
        }
    }

    // Checks the mapping's names and derives every operator's tiling.
    void prepare(int layers) {
        plan.layers = layers;
        op_rank.assign(w.ops.size(), 0);
        for (size_t i = 0; i < w.topo_order.size(); ++i)
            op_rank[w.topo_order[i]] = static_cast<int>(i);
        for (const auto& [name, rule] : m.per_op) {
            const int o = w.op_index(name);
            if (o < 0) throw std::invalid_argument("tiling names unknown operator '" + name + "'");
            for (const auto* dims : {&rule.tile, &rule.split})
                for (const auto& kv : *dims)
                    if (w.ops[o].dim_index(kv.first) < 0)
                        throw std::invalid_argument("operator '" + name + "' has no dimension '" +
                                                    kv.first + "'");
        }
        for (const auto* dims : {&m.default_rule.tile, &m.default_rule.split})
            for (const auto& kv : *dims) {
                bool found = false;
                for (const auto& op : w.ops) found = found || op.dim_index(kv.first) >= 0;
                if (!found)
                    throw std::invalid_argument("no operator has a dimension '" + kv.first + "'");
            }
        for (const auto& op : w.ops) plan.op_tiling.push_back(tiling_for(w, op, m));
    }

    void name_sequential() {
        for (const auto& g : plan.groups) {
            std::string name;
            for (int o : g.ops)
                if (w.ops[o].sequential_dim >= 0)
                    name = w.ops[o].dims[w.ops[o].sequential_dim].name;
            sequential_name.push_back(name);
        }
    }

    // Input references of the tile of `o` at grid index `i` in layer 0 (after merging reads of one
    // chunk), as build() derives them.
    size_t count_refs(int o, int64_t i) {
        const Operator& op = w.ops[o];
        const Box box = box_of(o, coords(o, i));
        refs.clear();
        for (const auto& in : op.inputs)
            resolve(0, in.tensor, operand_slice(op, in, w.tensors[in.tensor], box));
        std::sort(refs.begin(), refs.end());
        size_t n = 0;
        for (size_t r = 0; r < refs.size(); ++r)
            if (r + 1 == refs.size() || refs[r + 1].first != refs[r].first) ++n;
        return n;
    }

    PlanCount count(int layers, int samples) {
        prepare(layers);
        PlanCount pc;
        pc.tiles = tiles_of(w, plan.op_tiling, layers);
        for (size_t o = 0; o < w.ops.size(); ++o) {
            if (w.ops[o].kind == OpKind::View) continue;
            const OpTiling& t = plan.op_tiling[o];
            double n = 1;
            for (size_t d = 0; d < t.count.size(); ++d)
                if (!t.reduction[d]) n *= static_cast<double>(t.count[d]);
            pc.produced_chunks += n * layers;
        }
        if (pc.tiles > kMaxPlanTiles || samples <= 0) return pc; // too large: refused outright
        make_groups();
        name_sequential();
        // Chunk ids of layer 0 only: the sampled tiles read nothing later (ids of external
        // chunks made while sampling are off, but only their number matters here).
        int64_t next = 0;
        for (int o = 0; o < ops(); ++o) {
            chunk_base.push_back(next);
            const OpTiling& t = plan.op_tiling[o];
            if (w.ops[o].kind == OpKind::View) continue;
            int64_t n = 1;
            for (size_t d = 0; d < t.count.size(); ++d)
                if (!t.reduction[d]) n *= t.count[d];
            next += n;
        }
        for (int o = 0; o < ops(); ++o) {
            if (w.ops[o].kind == OpKind::View) continue;
            const int64_t tiles = plan.op_tiling[o].tiles;
            const int64_t k = std::min<int64_t>(tiles, std::max(samples, 1));
            // Evenly spread, first and last tile included; a few samples suffice when each tile
            // reads very many chunks (the work stays bounded).
            double sum = 0;
            int64_t used = 0;
            while (used < k && (used == 0 || sum < 1e6)) {
                sum +=
                    static_cast<double>(count_refs(o, k == 1 ? 0 : used * (tiles - 1) / (k - 1)));
                ++used;
            }
            if (used > 0)
                pc.input_refs +=
                    sum / static_cast<double>(used) * static_cast<double>(tiles) * layers;
        }
        return pc;
    }

    void build(int layers) {
        prepare(layers);
        // A plan past this bound cannot be represented (callers refuse smaller plans earlier,
        // from their memory estimate).
        const double total = tiles_of(w, plan.op_tiling, layers);
        if (total > kMaxPlanTiles)
            throw std::invalid_argument(
                "the tiling makes " + std::to_string(static_cast<int64_t>(total)) +
                " tiles (at most 200,000,000): use larger tiles, or simulation.layers: one");
        make_groups();
        name_sequential();

        // Produced chunks, per layer and operator.
        for (int layer = 0; layer < layers; ++layer)
            for (int o = 0; o < ops(); ++o) {
                chunk_base.push_back(static_cast<int64_t>(plan.chunks.size()));
                const Operator& op = w.ops[o];
                if (op.kind == OpKind::View) continue;
                const OpTiling& t = plan.op_tiling[o];
                int64_t n = 1, per = 1;
                for (size_t d = 0; d < t.count.size(); ++d)
                    (t.reduction[d] ? per : n) *= t.count[d];
                for (int64_t i = 0; i < n; ++i) {
                    Chunk c;
                    c.tensor = op.output.tensor;
                    c.layer = layer;
                    c.producer_op = o;
                    c.producer_tiles = static_cast<int>(per);
                    c.group = plan.group_of_op[o];
                    plan.chunks.push_back(c);
                }
            }

        // Tiles, with their input chunks. Layers past the second are copies of the second (same
        // operators, tiles and slices; only chunk ids move), so only two are derived.
        const size_t produced_end = plan.chunks.size();
        std::vector<Tile> tiles;
        size_t layer1_tiles = 0, layer1_ext = 0;
        for (int layer = 0; layer < std::min(layers, 2); ++layer) {
            if (layer == 1) {
                layer1_tiles = tiles.size();
                layer1_ext = plan.chunks.size();
            }
            for (int o : w.topo_order) {
                const Operator& op = w.ops[o];
                if (op.kind == OpKind::View) continue;
                for (int64_t i = 0; i < plan.op_tiling[o].tiles; ++i) {
                    const auto c = coords(o, i);
                    const Box box = box_of(o, c);
                    Tile tile;
                    tile.op = o;
                    tile.layer = layer;
                    tile.group = plan.group_of_op[o];
                    tile.core = core_of(o, c);
                    tile.grid_index = i;
                    tile.out_chunk = static_cast<int>(chunk_id(layer, o, chunk_local(o, c)));
                    Chunk& out = plan.chunks[tile.out_chunk];
                    out.core = tile.core;
                    out.bytes =
                        operand_slice(op, op.output, w.tensors[op.output.tensor], box).volume() *
                        w.tensors[op.output.tensor].bytes_per_element;
                    refs.clear();
                    for (const auto& in : op.inputs)
                        resolve(layer, in.tensor, operand_slice(op, in, w.tensors[in.tensor], box));
                    // One read per chunk (x·x reads x once).
                    std::sort(refs.begin(), refs.end());
                    tile.in_begin = static_cast<uint32_t>(plan.inputs.size());
                    for (size_t r = 0; r < refs.size(); ++r) {
                        if (r + 1 < refs.size() && refs[r + 1].first == refs[r].first) continue;
                        add_ref(tile, refs[r].first, refs[r].second);
                    }
                    tile.in_end = static_cast<uint32_t>(plan.inputs.size());
                    tiles.push_back(tile);
                }
            }
        }
        if (layers > 2) replicate(tiles, layers, produced_end, layer1_tiles, layer1_ext);
        for (auto& c : plan.chunks)
            if (c.producer_op >= 0 && c.consumers == 0) c.writeback = true;
        order(tiles);
    }

    // Adds layers 2 … layers−1 as copies of layer 1: a produced chunk of layer i is layer 1's
    // moved by (i−1) layers of produced chunks (so layer 1's reads of layer 0's output become
    // layer i's reads of layer i−1's), an external one by (i−1) layers of external chunks.
    void add_ref(Tile& tile, int chunk, int64_t bytes) {
        plan.inputs.push_back({chunk, bytes});
        Chunk& ch = plan.chunks[chunk];
        ++ch.consumers;
        if (ch.producer_op >= 0 && (ch.group != tile.group || !plan.groups[ch.group].on_chip))
            ch.writeback = true;
    }

    void replicate(std::vector<Tile>& tiles, int layers, size_t produced_end, size_t first_tile,
                   size_t first_ext) {
        const size_t last_tile = tiles.size(), last_ext = plan.chunks.size();
        const auto per_layer = static_cast<int64_t>(produced_end / static_cast<size_t>(layers));
        const auto ext_per_layer = static_cast<int64_t>(last_ext - first_ext);
        for (int layer = 2; layer < layers; ++layer) {
            const int64_t prod_shift = (layer - 1) * per_layer,
                          ext_shift = (layer - 1) * ext_per_layer;
            for (size_t c = first_ext; c < last_ext; ++c) {
                Chunk copy = plan.chunks[c];
                copy.layer = layer;
                copy.consumers = 0;
                plan.chunks.push_back(copy);
            }
            for (size_t t = first_tile; t < last_tile; ++t) {
                const Tile src = tiles[t];
                Tile tile = src;
                tile.layer = layer;
                tile.out_chunk = static_cast<int>(src.out_chunk + prod_shift);
                Chunk& out = plan.chunks[tile.out_chunk];
                out.core = plan.chunks[src.out_chunk].core;
                out.bytes = plan.chunks[src.out_chunk].bytes;
                tile.in_begin = static_cast<uint32_t>(plan.inputs.size());
                for (uint32_t r = src.in_begin; r < src.in_end; ++r) {
                    const InputRef ref = plan.inputs[r];
                    const int64_t shift =
                        static_cast<size_t>(ref.chunk) < produced_end ? prod_shift : ext_shift;
                    add_ref(tile, static_cast<int>(ref.chunk + shift), ref.bytes);
                }
                tile.in_end = static_cast<uint32_t>(plan.inputs.size());
                tiles.push_back(tile);
            }
        }
    }

    // Issue order: a topological order of tiles; among ready tiles, the lowest key (layer, group,
    // position within the operator's tiles, operator) first: fused operators interleave.
    void order(std::vector<Tile>& tiles) {
        const size_t n = tiles.size();
        // Consumers of each produced chunk, as one flat array (CSR): no allocation per chunk.
        std::vector<uint32_t> begin(plan.chunks.size() + 1, 0);
        std::vector<int> waiting(n, 0);
        for (size_t i = 0; i < n; ++i)
            for (uint32_t r = tiles[i].in_begin; r < tiles[i].in_end; ++r) {
                const int c = plan.inputs[r].chunk;
                if (plan.chunks[c].producer_op < 0) continue;
                ++begin[c + 1];
                ++waiting[i];
            }
        for (size_t c = 0; c < plan.chunks.size(); ++c) begin[c + 1] += begin[c];
        std::vector<int> consumers(begin.back());
        {
            std::vector<uint32_t> fill(begin.begin(), begin.end() - 1);
            for (size_t i = 0; i < n; ++i)
                for (uint32_t r = tiles[i].in_begin; r < tiles[i].in_end; ++r) {
                    const int c = plan.inputs[r].chunk;
                    if (plan.chunks[c].producer_op >= 0) consumers[fill[c]++] = static_cast<int>(i);
                }
        }
        std::vector<int> left(plan.chunks.size());
        for (size_t c = 0; c < plan.chunks.size(); ++c) left[c] = plan.chunks[c].producer_tiles;
        auto later = [&](int a, int b) { // priority_queue pops the largest: invert
            const Tile& x = tiles[a];
            const Tile& y = tiles[b];
            if (x.layer != y.layer) return x.layer > y.layer;
            if (x.group != y.group) return x.group > y.group;
            const int64_t nx = plan.op_tiling[x.op].tiles, ny = plan.op_tiling[y.op].tiles;
            const int64_t fx = (x.grid_index + 1) * ny, fy = (y.grid_index + 1) * nx;
            if (fx != fy) return fx > fy;
            if (x.op != y.op) return op_rank[x.op] > op_rank[y.op];
            return x.grid_index > y.grid_index;
        };
        std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
        for (size_t i = 0; i < n; ++i)
            if (waiting[i] == 0) ready.push(static_cast<int>(i));
        plan.tiles.reserve(n);
        while (!ready.empty()) {
            const int i = ready.top();
            ready.pop();
            plan.tiles.push_back(tiles[i]);
            const int c = tiles[i].out_chunk;
            if (--left[c] == 0)
                for (uint32_t k = begin[c]; k < begin[c + 1]; ++k)
                    if (--waiting[consumers[k]] == 0) ready.push(consumers[k]);
        }
        if (plan.tiles.size() != n) {
            std::string stuck;
            int shown = 0;
            for (size_t i = 0; i < n && shown < 5; ++i)
                if (waiting[i] > 0) {
                    stuck += (shown++ ? ", " : "") + plan.tile_name(w, tiles[i]);
                }
            throw std::invalid_argument("the tile dependencies have a cycle; stuck tiles: " +
                                        stuck);
        }
    }
};

} // namespace

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

PlanCount count_plan(const Workload& w, const MappingSpec& m, int layers, int samples) {
    PlanBuilder b{w, m, 1, {}, {}, {}, {}, {}, {}};
    return b.count(layers, samples);
}

TilePlan build_tile_plan(const Workload& w, const MappingSpec& m, int64_t cores, int layers) {
    PlanBuilder b{w, m, cores, {}, {}, {}, {}, {}, {}};
    b.build(layers);
    return std::move(b.plan);
}

} // namespace fusesim
