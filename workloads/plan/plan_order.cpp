#include "workloads/plan/plan_builder.hpp"

#include <queue>
#include <stdexcept>

namespace fusesim {

// Issue order: a topological order of tiles; among ready tiles, the lowest key (layer, group,
// position within the operator's tiles, operator) first: fused operators interleave.
void PlanBuilder::order(std::vector<Tile>& tiles) {
    const size_t n = tiles.size();
    // Readers of each chunk in this (pre-order) list; a tile waits for its produced inputs.
    const ReaderIndex readers = index_readers(tiles, plan.inputs, plan.chunks.size());
    std::vector<int> waiting(n, 0);
    for (size_t i = 0; i < n; ++i)
        for (uint32_t r = tiles[i].in_begin; r < tiles[i].in_end; ++r)
            if (plan.chunks[plan.inputs[r].chunk].producer_op >= 0) ++waiting[i];
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
            for (const int* k = readers.begin(c); k != readers.end(c); ++k)
                if (--waiting[*k] == 0) ready.push(*k);
    }
    if (plan.tiles.size() != n) {
        std::string stuck;
        int shown = 0;
        for (size_t i = 0; i < n && shown < 5; ++i)
            if (waiting[i] > 0) {
                stuck += (shown++ ? ", " : "") + plan.tile_name(w, tiles[i]);
            }
        throw std::invalid_argument("the tile dependencies have a cycle; stuck tiles: " + stuck);
    }
}
ReaderIndex index_readers(const std::vector<Tile>& tiles, const std::vector<InputRef>& inputs,
                          size_t chunks) {
    // One flat array (CSR): no allocation per chunk.
    ReaderIndex x;
    x.first.assign(chunks + 1, 0);
    for (const Tile& t : tiles)
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) ++x.first[inputs[r].chunk + 1];
    for (size_t c = 0; c < chunks; ++c) x.first[c + 1] += x.first[c];
    x.tiles.resize(x.first.back());
    std::vector<uint32_t> fill(x.first.begin(), x.first.end() - 1);
    for (size_t i = 0; i < tiles.size(); ++i)
        for (uint32_t r = tiles[i].in_begin; r < tiles[i].in_end; ++r)
            x.tiles[fill[inputs[r].chunk]++] = static_cast<int>(i);
    return x;
}

} // namespace fusesim
