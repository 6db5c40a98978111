#include "workloads/plan/plan_builder.hpp"
#include "workloads/plan/tiling.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

// Adds the chunks that hold slice `s` of tensor `t` (as seen by layer `layer`) to `refs`.
void PlanBuilder::resolve(int layer, int t, const Box& s) {
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
            c.resident = w.state_on_chip && w.tensors[t].role == TensorRole::State;
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
            const Box in = operand_slice(op, op.inputs[0], w.tensors[op.inputs[0].tensor], range);
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
                                  v * w.tensors[t].bytes_per_element,
                                  geometry_of(inter, out, w.tensors[t].bytes_per_element));
            size_t d = c.size();
            while (d-- > 0) {
                if (++c[d] < hi[d]) break;
                c[d] = lo[d];
            }
            if (d == static_cast<size_t>(-1)) break;
        }
    }
}

// The geometry of `slice` inside `chunk` (boxes in tensor coordinates, the chunk stored
// row-major, last axis fastest): see SliceGeometry. Id 0 is a whole chunk.
uint32_t PlanBuilder::geometry_of(const Box& slice, const Box& chunk, int64_t bytes_per_element) {
    const size_t n = slice.lo.size();
    int64_t pitch[Coords::kCapacity + 1]; // bytes per step of axis a (no allocation: one per ref)
    pitch[n] = bytes_per_element;
    for (size_t a = n; a-- > 0;) pitch[a] = pitch[a + 1] * (chunk.hi[a] - chunk.lo[a]);
    auto extent = [&](size_t a) { return slice.hi[a] - slice.lo[a]; };
    size_t j = n; // innermost axis the slice cuts, n: none
    for (size_t a = n; a-- > 0;)
        if (extent(a) != chunk.hi[a] - chunk.lo[a]) {
            j = a;
            break;
        }
    if (j == n) return 0;
    SliceGeometry g;
    for (size_t a = 0; a < n; ++a) g.offset += (slice.lo[a] - chunk.lo[a]) * pitch[a + 1];
    g.run = extent(j) * pitch[j + 1];
    g.stride = g.run;
    for (size_t a = j; a-- > 0;)
        if (extent(a) > 1) {
            g.stride = pitch[a + 1];
            break;
        }
    if (plan.geometries.empty()) plan.geometries.push_back({});
    auto it = geometry_ids.find(g);
    if (it == geometry_ids.end()) {
        it = geometry_ids.emplace(g, static_cast<uint32_t>(plan.geometries.size())).first;
        plan.geometries.push_back(g);
    }
    return it->second;
}

// Checks the mapping's names and derives every operator's tiling.
void PlanBuilder::prepare(int layers) {
    plan.layers = layers;
    op_rank.assign(w.ops.size(), 0);
    for (size_t i = 0; i < w.topo_order.size(); ++i) op_rank[w.topo_order[i]] = static_cast<int>(i);
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
    retile_for_split();
    make_groups();
    name_sequential();
    apply_step_tokens();
}

// Input references of the tile of `o` at grid index `i` in layer 0 (after merging reads of one
// chunk), as build() derives them.
size_t PlanBuilder::count_refs(int o, int64_t i) {
    const Operator& op = w.ops[o];
    const Box box = box_of(o, coords(o, i));
    refs.clear();
    for (const auto& in : op.inputs)
        resolve(0, in.tensor, operand_slice(op, in, w.tensors[in.tensor], read_box(o, in, box)));
    std::sort(refs.begin(), refs.end());
    size_t n = 0;
    for (size_t r = 0; r < refs.size(); ++r)
        if (r + 1 == refs.size() || refs[r + 1].first != refs[r].first) ++n;
    return n;
}

PlanCount PlanBuilder::count(int layers, int samples) {
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
            sum += static_cast<double>(count_refs(o, k == 1 ? 0 : used * (tiles - 1) / (k - 1)));
            ++used;
        }
        if (used > 0)
            pc.input_refs += sum / static_cast<double>(used) * static_cast<double>(tiles) * layers;
    }
    return pc;
}

void PlanBuilder::build(int layers) {
    prepare(layers);
    plan.geometries.assign(1, SliceGeometry{}); // 0: a whole chunk
    // A plan past this bound cannot be represented (callers refuse smaller plans earlier,
    // from their memory estimate).
    const double total = tiles_of(w, plan.op_tiling, layers);
    if (total > kMaxPlanTiles)
        throw std::invalid_argument(
            "the tiling makes " + std::to_string(static_cast<int64_t>(total)) +
            " tiles (at most 200,000,000): use larger tiles, or simulation.layers: one");
    allocate();

    // Produced chunks, per layer and operator.
    for (int layer = 0; layer < layers; ++layer)
        for (int o = 0; o < ops(); ++o) {
            chunk_base.push_back(static_cast<int64_t>(plan.chunks.size()));
            const Operator& op = w.ops[o];
            if (op.kind == OpKind::View) continue;
            const OpTiling& t = plan.op_tiling[o];
            int64_t n = 1, per = 1;
            for (size_t d = 0; d < t.count.size(); ++d) (t.reduction[d] ? per : n) *= t.count[d];
            for (int64_t i = 0; i < n; ++i) {
                Chunk c;
                c.tensor = op.output.tensor;
                c.layer = layer;
                c.producer_op = o;
                c.producer_tiles = static_cast<int>(per);
                c.group = plan.group_of_op[o];
                c.in_place = w.tensors[op.output.tensor].in_place;
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
                    resolve(layer, in.tensor,
                            operand_slice(op, in, w.tensors[in.tensor], read_box(o, in, box)));
                // One read per chunk (x·x reads x once).
                std::sort(refs.begin(), refs.end());
                tile.in_begin = static_cast<uint32_t>(plan.inputs.size());
                for (size_t r = 0; r < refs.size(); ++r) {
                    if (r + 1 < refs.size() && refs[r + 1].first == refs[r].first) continue;
                    add_ref(tile, refs[r].first, refs[r].second, refs[r].geometry);
                }
                tile.in_end = static_cast<uint32_t>(plan.inputs.size());
                tiles.push_back(tile);
            }
        }
    }
    if (layers > 2) replicate(tiles, layers, produced_end, layer1_tiles, layer1_ext);
    // The state a decode step leaves for the next token reaches DRAM unless it stays on chip.
    for (auto& c : plan.chunks) {
        if (c.producer_op < 0) continue;
        const bool state = w.tensors[c.tensor].state_out;
        if (state && !w.state_on_chip) c.writeback = true;
        if (c.consumers == 0 && !(state && w.state_on_chip)) c.writeback = true;
    }
    order(tiles);
}

void PlanBuilder::add_ref(const Tile& tile, int chunk, int64_t bytes, uint32_t geometry) {
    plan.inputs.push_back({chunk, geometry, bytes});
    Chunk& ch = plan.chunks[chunk];
    ++ch.consumers;
    if (ch.producer_op >= 0 && !plan.read_on_chip(chunk, tile)) ch.writeback = true;
}

// Adds layers 2 … layers−1 as copies of layer 1: a produced chunk of layer i is layer 1's
// moved by (i−1) layers of produced chunks (so layer 1's reads of layer 0's output become
// layer i's reads of layer i−1's), an external one by (i−1) layers of external chunks.
void PlanBuilder::replicate(std::vector<Tile>& tiles, int layers, size_t produced_end,
                            size_t first_tile, size_t first_ext) {
    const size_t last_tile = tiles.size(), last_ext = plan.chunks.size();
    const auto per_layer = static_cast<int64_t>(produced_end / static_cast<size_t>(layers));
    const auto ext_per_layer = static_cast<int64_t>(last_ext - first_ext);
    for (int layer = 2; layer < layers; ++layer) {
        const int64_t prod_shift = (layer - 1) * per_layer, ext_shift = (layer - 1) * ext_per_layer;
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
                add_ref(tile, static_cast<int>(ref.chunk + shift), ref.bytes, ref.geometry);
            }
            tile.in_end = static_cast<uint32_t>(plan.inputs.size());
            tiles.push_back(tile);
        }
    }
}
} // namespace fusesim
