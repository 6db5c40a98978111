#include "sim/analytic/plan_analytic.hpp"

#include "sim/analytic/working_set.hpp"
#include "sim/engine/streaming.hpp"
#include "sim/engine/tile_cost.hpp"

#include <algorithm>
#include <map>
#include <tuple>

namespace fusesim {

std::vector<GroupEstimate> estimate_groups(const Workload& w, const HardwareSpec& hw,
                                           const TilePlan& plan, bool stream_operands,
                                           bool cache_weights) {
    std::vector<GroupEstimate> est(plan.groups.size());
    // Operands too large for SRAM stream through DRAM, in both models (sim/engine/streaming.hpp).
    const StreamPlan streams =
        stream_operands ? plan_streams(w, plan, hw.core.sram_bytes - w.resident_sram_per_core)
                        : StreamPlan{};
    // A whole chunk read from DRAM stays as a clean copy on the reading core for its reader's
    // later tiles, until room is needed (sim/engine/scheduler.cpp). The estimate keeps it while
    // it is still there by a least-recently-used rule: a read again is free if the bytes the core
    // fetched from DRAM since the chunk's last read, the chunk and the group's working set on
    // that core (working_set.hpp) fit one core's SRAM; otherwise it is read again (the cascade's
    // weights, once per sequence tile). Weights under `cache_weights` false: every read.
    const int64_t cores = hw.cores;
    const int64_t capacity = hw.core.sram_bytes - w.resident_sram_per_core;
    const std::vector<int64_t> working = group_working_sets(plan, streams, cores);
    std::vector<int64_t> fetched(static_cast<size_t>(cores), 0); // per core, so far
    // (chunk, reader, core) → the core's `fetched` at the chunk's last read there.
    std::map<std::tuple<int, int, int>, int64_t> last_read;
    std::vector<int> first(plan.groups.size(), -1), last(plan.groups.size(), -1);
    TileCoster cost(w, hw, plan); // the simulator's tile cost, bank time cached
    for (size_t i = 0; i < plan.tiles.size(); ++i) {
        const Tile& t = plan.tiles[i];
        if (t.layer != 0) continue;
        GroupEstimate& g = est[t.group];
        const int reader = plan.cache_owner(t);
        ++g.tiles;
        // The array's cycles: the bank model's stall is what the simulation adds (validate).
        const TileCost c = cost(t);
        g.compute_cycles += c.cycles - c.sram_stall;
        int64_t ops = 1;
        for (int64_t e : plan.tile_extents(w, t)) ops *= e;
        g.useful_pe_cycles += static_cast<double>(ops) *
                              static_cast<double>(hw.cpo[static_cast<int>(w.ops[t.op].kind)]);
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
            const InputRef& ref = plan.inputs[r];
            const Chunk& ch = plan.chunks[ref.chunk];
            if (streams.streams_input(r)) continue; // counted with the tile's streams
            if (ch.resident) continue;              // the decode state, kept on chip
            if (plan.read_on_chip(ref.chunk, t) && !streams.streams_output(ref.chunk)) continue;
            const int64_t bytes = plan.held_bytes(ref);
            int64_t& moved = fetched[static_cast<size_t>(t.core)];
            const bool weight = w.tensors[ch.tensor].role == TensorRole::Weight;
            if (bytes == ch.bytes && (cache_weights || !weight)) {
                const auto [it, first_read] =
                    last_read.try_emplace({ref.chunk, reader, t.core}, moved);
                const int64_t ws = working[static_cast<size_t>(t.group * cores + t.core)];
                const bool stayed = !first_read && moved - it->second + bytes + ws <= capacity;
                if (!stayed) moved += bytes;
                it->second = moved;
                if (stayed) continue;
            } else {
                moved += bytes;
            }
            g.read_bytes += bytes;
        }
        g.read_bytes += streams.tile_read(static_cast<int>(i));
        fetched[static_cast<size_t>(t.core)] += streams.tile_read(static_cast<int>(i));
        g.write_bytes += streams.tile_write(static_cast<int>(i));
        if (first[t.group] < 0) first[t.group] = static_cast<int>(i);
        last[t.group] = static_cast<int>(i);
    }
    for (size_t c = 0; c < plan.chunks.size(); ++c) {
        const Chunk& ch = plan.chunks[c];
        if (ch.layer == 0 && ch.producer_op >= 0 && ch.writeback &&
            !streams.streams_output(static_cast<int>(c)))
            est[ch.group].write_bytes += ch.bytes;
    }
    for (size_t g = 0; g < est.size(); ++g) {
        GroupEstimate& e = est[g];
        // The cores share the group's tiles evenly (the aggregated view: imbalance, fill
        // between cores and the network are what the timing simulation adds).
        const auto cores = static_cast<uint64_t>(hw.cores);
        e.compute_cycles = (e.compute_cycles + cores - 1) / cores;
        e.memory_cycles = transfer_cycles(e.read_bytes + e.write_bytes, hw.dram.bytes_per_cycle);
        e.cycles = std::max(e.compute_cycles, e.memory_cycles);
        if (first[g] >= 0) {
            int64_t in = 0;
            const Tile& a = plan.tiles[first[g]];
            for (uint32_t r = a.in_begin; r < a.in_end; ++r)
                if (!plan.chunks[plan.inputs[r].chunk].resident)
                    in += plan.held_bytes(plan.inputs[r]);
            const Tile& b = plan.tiles[last[g]];
            const int64_t out =
                plan.chunks[b.out_chunk].writeback ? plan.chunks[b.out_chunk].bytes : 0;
            e.fill_cycles = transfer_cycles(in, hw.dram.bytes_per_cycle) +
                            transfer_cycles(out, hw.dram.bytes_per_cycle) +
                            2 * hw.dram.latency_cycles;
        }
    }
    return est;
}

} // namespace fusesim
