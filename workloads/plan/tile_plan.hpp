// The tile plan: every operator split into tiles (hyper-rectangles of its loop nest), the data
// chunks they produce and read, their dependencies (from slice overlap, exact through views and
// the token recurrence), their fusion group, core and issue order. Dependencies are found per
// consumer slice by inverting the producer's affine output index, so building the plan costs
// time near-linear in the number of tiles and dependencies, with no per-element structures.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/mapping.hpp"
#include "workloads/vocab/spatial.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fusesim {

// A piece of a tensor that lives as one unit in memory: the output slice of a producer tile
// (shared by the tiles of a tiled reduction), or a slice of a weight/input read from DRAM.
struct Chunk {
    int tensor = -1;
    int layer = 0;
    int64_t bytes = 0;
    int producer_op = -1;   // -1: external (weights, inputs, states before the run)
    int producer_tiles = 0; // tiles that must finish before the chunk is complete
    int consumers = 0;      // tile reads of this chunk
    int group = -1;         // producing group
    int core = 0;           // core whose SRAM holds it when produced
    bool writeback = false; // must reach DRAM: read outside its group, spilled, or final output
    bool in_place = false;  // of an in-place tensor: read on chip even in a group that spills
    bool resident = false;  // external state held in SRAM across tokens: read without DRAM
};

struct InputRef {
    int chunk = -1;
    uint32_t geometry = 0; // into TilePlan::geometries: where the slice lies in the chunk
    int64_t bytes = 0;     // bytes of the chunk this tile reads (its slice ∩ the chunk)
};

// Where a tile's slice of a chunk lies in the chunk as stored (row-major from its first byte):
// runs of `run` contiguous bytes, `stride` bytes apart, the first `offset` bytes in (the number
// of runs is the slice's bytes ÷ run). A slice cut in more than two axes is described by its
// two innermost levels (runs along the innermost cut axis, spaced by the next axis it spans).
struct SliceGeometry {
    int64_t offset = 0, run = 0, stride = 0;
    bool operator<(const SliceGeometry& o) const {
        return offset != o.offset ? offset < o.offset
               : run != o.run     ? run < o.run
                                  : stride < o.stride;
    }
};

struct Tile {
    int op = -1;
    int layer = 0;
    int group = -1;
    int core = 0;
    int64_t grid_index = 0; // linear index in the operator's tile grid
    int out_chunk = -1;
    uint32_t in_begin = 0, in_end = 0; // into TilePlan::inputs
    int steps = 1; // tokens of a token block (mapping.step_tokens) this tile covers
};

struct OpTiling {
    Coords extent;               // nominal tile extent per loop dim
    Coords count;                // tiles per loop dim
    std::vector<char> reduction; // per loop dim: reduced over (not an output index)
    Coords order;                // loop dims from outermost to innermost tile loop
    // Grid coordinates (per loop dim) of the tile with this linear index in `order`.
    Coords decode(int64_t index) const {
        Coords c(count.size());
        for (size_t k = order.size(); k-- > 0;) {
            const auto d = static_cast<size_t>(order[k]);
            c[d] = index % count[d];
            index /= count[d];
        }
        return c;
    }
    int64_t tiles = 1;
};

struct GroupInfo {
    std::string name;
    std::vector<int> ops; // in topological order
    bool on_chip = false; // intermediates stay on chip
};

// Readers of every chunk, one per input reference, in issue order (a flat CSR array).
struct ReaderIndex {
    std::vector<uint32_t> first; // per chunk, and one past the last: its range in `tiles`
    std::vector<int> tiles;
    const int* begin(int chunk) const { return tiles.data() + first[chunk]; }
    const int* end(int chunk) const { return tiles.data() + first[chunk + 1]; }
    uint32_t count(int chunk) const { return first[chunk + 1] - first[chunk]; }
};

struct TilePlan {
    int layers = 1;
    std::vector<OpTiling> op_tiling; // per operator
    std::vector<int> group_of_op;
    std::vector<GroupInfo> groups; // in execution order
    std::vector<Tile> tiles;       // in issue order (topological, deterministic)
    std::vector<InputRef> inputs;
    std::vector<SliceGeometry> geometries; // distinct slice geometries of the inputs; 0: whole
    std::vector<Chunk> chunks;
    ReaderIndex readers;                 // built with the plan
    std::vector<SpatialMapping> spatial; // per operator: which loop dims its tiles lay on the array
    std::string allocation;              // how tiles were laid onto cores, for reports
    // Per operator: the loop dim of its token blocks (mapping.step_tokens), -1: none.
    std::vector<int> block_dim;
    // Per chunk (empty without token blocks): an intermediate passed inside a token block. Its
    // producer and readers run token by token on one core, so one token step of it is alive at
    // a time and its `bytes` are that step; the tiles write and read it once per token.
    std::vector<char> stepped;

    // Whether `reader` reads chunk `c` on chip, where its producer left it: a chunk produced by
    // the reader's own group, when that group keeps its intermediates on chip or the chunk is of
    // an in-place tensor (Tensor::in_place). Every other read of a produced chunk crosses a
    // group boundary or is spilled, and goes through DRAM.
    bool read_on_chip(int c, const Tile& reader) const {
        const Chunk& ch = chunks[c];
        return ch.producer_op >= 0 && ch.group == reader.group &&
               (groups[reader.group].on_chip || ch.in_place);
    }
    // Whom a copy read from DRAM for this tile serves: a fused group as a whole, but only one
    // operator of an unfused one (unfused operators each read their inputs from DRAM).
    int cache_owner(const Tile& t) const {
        return groups[t.group].on_chip ? t.group : static_cast<int>(groups.size()) + t.op;
    }
    // Bytes of a read that occupy SRAM or move between memories: the slice, but at most the
    // chunk (a stepped chunk holds one token step while its block reads every step of it).
    int64_t held_bytes(const InputRef& r) const { return std::min(r.bytes, chunks[r.chunk].bytes); }
    bool is_stepped(int c) const { return !stepped.empty() && stepped[c]; }
    // Bytes a tile writes into SRAM: its output chunk, once per token step if the chunk is one.
    int64_t written_bytes(const Tile& t) const {
        const int64_t bytes = chunks[t.out_chunk].bytes;
        return !stepped.empty() && stepped[t.out_chunk] ? bytes * t.steps : bytes;
    }

    Box tile_box(const Workload& w, const Tile& t) const;
    Coords tile_extents(const Workload& w, const Tile& t) const;
    std::string tile_name(const Workload& w, const Tile& t) const; // "ssm_add[l=5,d=0]@layer0"
};

// The spatial mapping of an operator the mapping leaves open, from its nominal tile extents: the
// hardware's choice (sim/engine/tile_cost.hpp passes the cost model's best).
using SpatialChooser = std::function<SpatialMapping(const Coords& extents)>;
// Compute cycles of one tile of operator `op` with these extents (the pipeline allocation's
// stage weights; sim/engine/tile_cost.hpp passes the cost model's). Empty: the tile's ops.
using OpWork = std::function<double(int op, const Coords& extents)>;

// `cores`: tiles spread over this many cores; `layers`: how many identical layers to chain
// (layer i+1 reads layer i's output); `choose`: the spatial mapping of operators the mapping
// does not fix. Throws std::invalid_argument for an unknown operator or dimension in the mapping
// (the config layer adds file and line).
TilePlan build_tile_plan(const Workload& w, const MappingSpec& m, int64_t cores, int layers,
                         const SpatialChooser& choose, const OpWork& work = {});

// The size of the plan build_tile_plan would make, found without building it, so that the memory
// a plan needs can be estimated before it is tried (sim/memory_budget.hpp). Tiles are counted
// from the tiling; input references (a tile's reads of chunks, the bulk of a plan whose tiles
// read many small chunks) are counted exactly for up to `samples` tiles per operator, spread
// over its grid, and scaled to all of its tiles. Doubles: user input can overflow any integer.
// `samples` 0: tiles and chunks only. Throws std::invalid_argument like build_tile_plan for names
// the mapping gets wrong.
struct PlanCount {
    double tiles = 0;
    double input_refs = 0;
    double produced_chunks = 0;
};
// `cores`: the split allocation re-tiles by it (allocation.cpp).
PlanCount count_plan(const Workload& w, const MappingSpec& m, int layers, int samples = 64,
                     int64_t cores = 1);

// Tile and chunk ids are 32-bit: build_tile_plan refuses plans of more tiles than this whatever
// memory the machine has.
constexpr double kMaxPlanTiles = 2e8;
// Input references are indexed with 32 bits too (Tile::in_begin); callers refuse plans whose
// counted reads pass this (half the range: the count is sampled).
constexpr double kMaxPlanReads = 2e9;

} // namespace fusesim
