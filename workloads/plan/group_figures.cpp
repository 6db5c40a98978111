#include "workloads/plan/group_figures.hpp"

namespace fusesim {

std::vector<GroupFigures> group_figures(const Workload& w, const TilePlan& plan) {
    std::vector<GroupFigures> out(plan.groups.size());
    for (const Chunk& c : plan.chunks)
        if (c.producer_op >= 0 && !c.writeback && c.consumers > 0)
            out[static_cast<size_t>(c.group)].on_chip_bytes += c.bytes;
    // A tile that produced each chunk (the tiles of a split reduction share their token range).
    std::vector<int> producer(plan.chunks.size(), -1);
    for (size_t t = 0; t < plan.tiles.size(); ++t)
        producer[static_cast<size_t>(plan.tiles[t].out_chunk)] = static_cast<int>(t);
    for (const Tile& tile : plan.tiles) {
        const Operator& op = w.ops[tile.op];
        const int l = op.dim_index("l");
        if (l < 0) continue;
        int64_t lo = -1;
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            const InputRef& ref = plan.inputs[r];
            const Chunk& c = plan.chunks[ref.chunk];
            if (c.producer_op < 0 || !plan.read_on_chip(ref.chunk, tile)) continue;
            bool carried = false; // the recurrence's state of the previous token is no halo
            for (const auto& in : op.inputs)
                carried = carried || (in.carried && in.tensor == c.tensor);
            const int p = producer[static_cast<size_t>(ref.chunk)];
            const int pl = w.ops[c.producer_op].dim_index("l");
            if (carried || p < 0 || pl < 0) continue;
            if (lo < 0) lo = plan.tile_box(w, tile).lo[l];
            if (plan.tile_box(w, plan.tiles[p]).hi[pl] <= lo)
                out[static_cast<size_t>(tile.group)].halo_bytes += ref.bytes;
        }
    }
    return out;
}

} // namespace fusesim
