#include "sim/engine/streaming.hpp"

#include <algorithm>
#include <utility>

namespace fusesim {

namespace {

// The tensors whose chunks an operand's reads land on: itself, or through views the tensors
// the views read (a chunk belongs to the tensor its producer wrote, or to external data).
void source_tensors(const Workload& w, int t, std::vector<int>& out) {
    bool through_view = false;
    for (int p : w.producers[t])
        if (w.ops[p].kind == OpKind::View) {
            through_view = true;
            for (const auto& in : w.ops[p].inputs) source_tensors(w, in.tensor, out);
        }
    if (!through_view) out.push_back(t);
}

// Per operator: for each chunk tensor its inputs read, the output dims that input does not
// index (a streamed input is re-read across them when the output streams too).
using MissingDims = std::vector<std::pair<int, std::vector<int>>>;

std::vector<MissingDims> missing_output_dims(const Workload& w) {
    std::vector<MissingDims> out(w.ops.size());
    for (size_t o = 0; o < w.ops.size(); ++o) {
        const Operator& op = w.ops[o];
        std::vector<char> in_output(op.dims.size(), 0);
        for (const auto& a : op.output.axes)
            for (const auto& term : a.terms) in_output[term.dim] = 1;
        for (const auto& in : op.inputs) {
            std::vector<char> indexed(op.dims.size(), 0);
            for (const auto& a : in.axes)
                for (const auto& term : a.terms) indexed[term.dim] = 1;
            std::vector<int> missing;
            for (size_t d = 0; d < op.dims.size(); ++d)
                if (in_output[d] && !indexed[d]) missing.push_back(static_cast<int>(d));
            std::vector<int> sources;
            source_tensors(w, in.tensor, sources);
            for (int s : sources) out[o].emplace_back(s, missing);
        }
    }
    return out;
}

// Times a streamed input is read when the output streams too: the largest product, over the
// operands reading its tensor, of the tile's extents along the output dims they skip.
int64_t reread_factor(const MissingDims& missing, int tensor, const Coords& extents) {
    int64_t factor = 1;
    for (const auto& [t, dims] : missing) {
        if (t != tensor) continue;
        int64_t f = 1;
        for (int d : dims) f *= extents[static_cast<size_t>(d)];
        factor = std::max(factor, f);
    }
    return factor;
}

struct Candidate {
    int64_t bytes;
    bool in_dram; // read from DRAM whatever happens (external, or from another group)
    int ref;      // input ref, or -1 for the output
};

} // namespace

StreamPlan plan_streams(const Workload& w, const TilePlan& plan, int64_t sram_bytes) {
    StreamPlan s;
    // Pass 1: which tiles overflow, and what each streams.
    std::vector<int> overflowing;
    std::vector<Candidate> operands;
    for (size_t t = 0; t < plan.tiles.size(); ++t) {
        const Tile& tile = plan.tiles[t];
        int64_t total = plan.chunks[tile.out_chunk].bytes;
        // The resident decode state is in its own SRAM region, never streamed.
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
            if (!plan.chunks[plan.inputs[r].chunk].resident)
                total += plan.held_bytes(plan.inputs[r]);
        if (total <= sram_bytes) continue;
        if (s.input.empty()) {
            s.input.assign(plan.inputs.size(), 0);
            s.output.assign(plan.chunks.size(), 0);
        }
        overflowing.push_back(static_cast<int>(t));
        operands.clear();
        operands.push_back({plan.chunks[tile.out_chunk].bytes, false, -1});
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            const InputRef& ref = plan.inputs[r];
            if (plan.chunks[ref.chunk].resident) continue;
            const bool in_dram =
                plan.chunks[ref.chunk].producer_op < 0 || !plan.read_on_chip(ref.chunk, tile);
            operands.push_back({plan.held_bytes(ref), in_dram, static_cast<int>(r)});
        }
        // Largest first; of equal sizes, an input in DRAM anyway, then the output (first in
        // the list: the sort is stable), then on-chip inputs.
        std::stable_sort(operands.begin(), operands.end(),
                         [](const Candidate& a, const Candidate& b) {
                             if (a.bytes != b.bytes) return a.bytes > b.bytes;
                             return a.in_dram && !b.in_dram;
                         });
        for (const Candidate& op : operands) {
            if (total <= sram_bytes) break;
            total -= op.bytes;
            if (op.ref < 0) {
                s.output[tile.out_chunk] = 1;
            } else {
                s.input[op.ref] = 1;
                // An on-chip intermediate read from DRAM must be put there by its producer.
                const int c = plan.inputs[op.ref].chunk;
                if (plan.chunks[c].producer_op >= 0) s.output[c] = 1;
            }
        }
    }
    if (overflowing.empty()) return s;
    // Pass 2: the bytes each tile streams, now that every streamed-out chunk is known (a tile
    // reading one is in DRAM for it; a tile writing one streams its output).
    s.read_bytes.assign(plan.tiles.size(), 0);
    s.write_bytes.assign(plan.tiles.size(), 0);
    s.weight_bytes.assign(plan.tiles.size(), 0);
    const auto missing = missing_output_dims(w);
    std::vector<int> producers_seen(plan.chunks.size(), 0);
    for (size_t t = 0; t < plan.tiles.size(); ++t) {
        const Tile& tile = plan.tiles[t];
        if (!s.output[tile.out_chunk]) {
            bool any = false;
            for (uint32_t r = tile.in_begin; r < tile.in_end && !any; ++r) any = s.input[r];
            if (!any) continue;
        }
        const bool out_streams = s.output[tile.out_chunk];
        const Coords extents = out_streams ? plan.tile_extents(w, tile) : Coords{};
        int64_t read = 0;
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            if (!s.input[r]) continue;
            const InputRef& ref = plan.inputs[r];
            // A stepped intermediate streamed through DRAM passes every step of the block.
            const int tensor = plan.chunks[ref.chunk].tensor;
            const int64_t held = plan.is_stepped(ref.chunk) ? ref.bytes : plan.held_bytes(ref);
            const int64_t bytes =
                out_streams ? held * reread_factor(missing[tile.op], tensor, extents) : held;
            read += bytes;
            if (w.tensors[tensor].role == TensorRole::Weight) s.weight_bytes[t] += bytes;
        }
        if (out_streams) {
            const int64_t bytes = plan.written_bytes(tile);
            if (producers_seen[tile.out_chunk]++ > 0) read += bytes; // partial sums come back
            s.write_bytes[t] = bytes;
        }
        s.read_bytes[t] = read;
        s.total_read += read;
        s.total_write += s.write_bytes[t];
        ++s.tiles;
    }
    return s;
}

} // namespace fusesim
