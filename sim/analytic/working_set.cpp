#include "sim/analytic/working_set.hpp"

#include <algorithm>

namespace fusesim {

std::vector<int64_t> group_working_sets(const TilePlan& plan, const StreamPlan& streams,
                                        int64_t cores) {
    const size_t n = plan.tiles.size();
    std::vector<int64_t> working(plan.groups.size() * static_cast<size_t>(cores), 0);
    // A produced chunk is alive from its first producer tile to its last reader on chip; chunks
    // ending at each tile, as a flat CSR array.
    std::vector<int> first(plan.chunks.size(), -1), end(plan.chunks.size(), -1);
    for (size_t i = 0; i < n; ++i) {
        const Tile& t = plan.tiles[i];
        if (t.layer != 0 || streams.streams_output(t.out_chunk)) continue;
        if (first[t.out_chunk] < 0) first[t.out_chunk] = static_cast<int>(i);
    }
    std::vector<uint32_t> ends_first(n + 1, 0);
    for (size_t c = 0; c < plan.chunks.size(); ++c) {
        if (first[c] < 0) continue;
        int last = -1;
        for (const int* r = plan.readers.begin(static_cast<int>(c));
             r != plan.readers.end(static_cast<int>(c)); ++r)
            if (plan.read_on_chip(static_cast<int>(c), plan.tiles[*r])) last = std::max(last, *r);
        if (last < first[c]) continue; // not kept for an on-chip reader: counted with its tile
        end[c] = last;
        ++ends_first[static_cast<size_t>(last) + 1];
    }
    for (size_t i = 0; i < n; ++i) ends_first[i + 1] += ends_first[i];
    std::vector<int> ends(ends_first[n]);
    std::vector<uint32_t> fill(ends_first.begin(), ends_first.end() - 1);
    for (size_t c = 0; c < plan.chunks.size(); ++c)
        if (end[c] >= 0) ends[fill[static_cast<size_t>(end[c])]++] = static_cast<int>(c);

    std::vector<int64_t> live(static_cast<size_t>(cores), 0);
    for (size_t i = 0; i < n; ++i) {
        const Tile& t = plan.tiles[i];
        if (t.layer != 0) continue;
        const int out = t.out_chunk;
        const bool tracked = end[out] >= 0;
        if (tracked && first[out] == static_cast<int>(i))
            live[static_cast<size_t>(plan.chunks[out].core)] += plan.chunks[out].bytes;
        int64_t own = tracked || streams.streams_output(out) ? 0 : plan.chunks[out].bytes;
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
            const InputRef& ref = plan.inputs[r];
            const Chunk& ch = plan.chunks[ref.chunk];
            if (ch.resident || streams.streams_input(r) || end[ref.chunk] >= 0) continue;
            const int64_t bytes = plan.held_bytes(ref);
            if (bytes < ch.bytes) own += bytes; // a partial slice, held while the tile runs
        }
        int64_t& ws = working[static_cast<size_t>(t.group * cores + t.core)];
        ws = std::max(ws, live[static_cast<size_t>(t.core)] + own);
        for (uint32_t k = ends_first[i]; k < ends_first[i + 1]; ++k)
            live[static_cast<size_t>(plan.chunks[ends[k]].core)] -= plan.chunks[ends[k]].bytes;
    }
    return working;
}

} // namespace fusesim
