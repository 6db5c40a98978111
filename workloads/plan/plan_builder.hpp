// The plan builder behind build_tile_plan and count_plan (plan_builder.cpp; internal to the
// plan stage): groups (plan_groups.cpp), tiles and their input chunks (plan_tiles.cpp), issue
// order and the reader index (plan_order.cpp).
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

struct PlanBuilder {
    const Workload& w;
    const MappingSpec& m;
    int64_t cores;
    TilePlan plan;
    std::vector<int> op_rank;                 // topological position
    std::vector<int64_t> chunk_base;          // per (layer, op): first produced chunk
    std::vector<std::string> sequential_name; // per group: its recurrence dim, "" if none
    std::map<std::pair<std::pair<int, int>, std::pair<Coords, Coords>>, int> external; // → chunk
    // Scratch for one tile: (chunk, bytes, geometry), sorted to merge reads of one chunk.
    struct Ref {
        int first;
        int64_t second;
        uint32_t geometry;
        Ref(int c, int64_t b, uint32_t g = 0) : first(c), second(b), geometry(g) {}
        bool operator<(const Ref& o) const {
            return first != o.first     ? first < o.first
                   : second != o.second ? second < o.second
                                        : geometry < o.geometry;
        }
    };
    std::vector<Ref> refs;
    std::map<SliceGeometry, uint32_t> geometry_ids; // into plan.geometries
    uint32_t geometry_of(const Box& slice, const Box& chunk, int64_t bytes_per_element);
    // Allocation (allocation.cpp), per operator: the loop dim whose blocks go to cores (split;
    // -1: none), else the first core and number of cores its tiles go round-robin over.
    const OpWork* work;
    std::vector<int> split_dim;
    std::vector<int64_t> first_core, core_count;
    // Token blocks (plan_steps.cpp), per operator: the loop dim its tiles step l tokens along
    // (mapping.step_tokens), -1: none.
    std::vector<int> block_dim;

    void make_groups();
    void name_sequential();
    void prepare(int layers);
    void resolve(int layer, int t, const Box& s);
    size_t count_refs(int o, int64_t i);
    PlanCount count(int layers, int samples);
    void build(int layers);
    void add_ref(const Tile& tile, int chunk, int64_t bytes, uint32_t geometry);
    void replicate(std::vector<Tile>& tiles, int layers, size_t produced_end, size_t first_tile,
                   size_t first_ext);
    void order(std::vector<Tile>& tiles);
    void retile_for_split();
    void apply_step_tokens();
    // The loop range tile `box` of `o` reads input `in` over: a token block's carried read is
    // the state before its first token (the later ones are passed inside the block).
    Box read_box(int o, const Operand& in, const Box& box) const {
        const int d = block_dim.empty() ? -1 : block_dim[o];
        if (!in.carried || d < 0) return box;
        Box b = box;
        b.hi[d] = b.lo[d] + 1;
        return b;
    }
    void allocate();
    double op_weight(int o) const;

    int ops() const { return static_cast<int>(w.ops.size()); }

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
        if (!split_dim.empty() && split_dim[o] >= 0) {
            // Blocked: the core owning the tile's first channel (core k owns [k·S/P, (k+1)·S/P)).
            const auto d = static_cast<size_t>(split_dim[o]);
            return static_cast<int>(c[d] * t.extent[d] * cores / op.dims[d].size);
        }
        // A recurrence keeps its chain of tokens on one core; partial sums stay together.
        const std::string& skip = sequential_name[plan.group_of_op[o]];
        int64_t idx = 0;
        for (size_t d = 0; d < c.size(); ++d) {
            if (t.reduction[d] || op.dims[d].name == skip) continue;
            idx = idx * t.count[d] + c[d];
        }
        if (first_core.empty()) return static_cast<int>(idx % cores);
        return static_cast<int>(first_core[o] + idx % core_count[o]);
    }

    int64_t chunk_id(int layer, int o, int64_t local) const {
        return chunk_base[static_cast<size_t>(layer) * w.ops.size() + o] + local;
    }
};

// Marks the chunks passed inside token blocks as one step in size and sets every block tile's
// steps (plan_steps.cpp); needs the reader index.
void mark_stepped(const Workload& w, TilePlan& plan, const std::vector<int>& block_dim);

// Readers of every chunk (one per input reference) in the order of `tiles`.
ReaderIndex index_readers(const std::vector<Tile>& tiles, const std::vector<InputRef>& inputs,
                          size_t chunks);

} // namespace fusesim
