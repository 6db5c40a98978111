#include "sim/engine/scheduler.hpp"

#include "sim/engine/tile_cost.hpp"

#include <algorithm>

namespace fusesim {

bool Scheduler::start_compute(int core) {
    CoreState& cs = cores_[core];
    const int t = cs.ready.front();
    if (refetching_[t]) return false;
    {
        const Tile& tile = plan_.tiles[t];
        const uint64_t now = now_cycles();
        auto evict = [&](int c) { write_back(c, true); };
        // Inputs that were in SRAM when the tile was fetched may have made way since: read
        // them again (the core waits), then pin everything.
        std::vector<int> keep{tile.out_chunk};
        int64_t missing = 0;
        uint64_t address = 0; // of the first chunk read back (one transfer)
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            if (ref_pinned_[r] != kResidentAtFetch) continue;
            const int c = plan_.inputs[r].chunk;
            if (mem_.state(c).core == core && mem_.usable(c, tile)) {
                keep.push_back(c);
                continue;
            }
            if (missing == 0) address = addr_.chunk(c);
            missing += plan_.held_bytes(plan_.inputs[r]);
        }
        if (missing > 0) {
            if (!mem_.make_room(core, missing, keep, evict, now, true)) {
                cs.block = {CoreState::Block::ReadBack, t, missing, mem_.used(core)};
                return false;
            }
            for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
                if (ref_pinned_[r] != kResidentAtFetch) continue;
                const int c = plan_.inputs[r].chunk;
                if (mem_.state(c).core == core && mem_.usable(c, tile)) continue;
                ref_pinned_[r] = 0; // now a temporary copy
                if (mem_.state(c).evicted) rec_.refetched(tile, plan_.held_bytes(plan_.inputs[r]));
                if (w_.tensors[plan_.chunks[c].tensor].role == TensorRole::Weight)
                    rec_.weight_read(tile, plan_.held_bytes(plan_.inputs[r]));
            }
            temp_[t] += missing;
            mem_.alloc_temp(core, missing, now);
            rec_.read_back(tile, missing);
            refetching_[t] = 1;
            hw_top_.dram_path().transfer({missing, kDramEndpoint, core, address}, [this, t, core] {
                refetching_[t] = 0;
                kick(core);
            });
            return false;
        }
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
            if (ref_pinned_[r] == kResidentAtFetch) {
                ref_pinned_[r] = 1;
                mem_.acquire(plan_.inputs[r].chunk);
            }
        // The output chunk is allocated by its first producing tile, now; it may evict.
        mem_.set_group(core, tile.group);
        reserved_[core] -= reserve_[t];
        reserve_[t] = 0;
        if (mem_.state(tile.out_chunk).core < 0 && !streams_.streams_output(tile.out_chunk)) {
            const int64_t bytes = plan_.chunks[tile.out_chunk].bytes;
            if (!mem_.make_room(core, bytes, {tile.out_chunk}, evict, now, true)) {
                cs.block = {CoreState::Block::Output, t, bytes, mem_.used(core)};
                return false;
            }
            mem_.place(tile.out_chunk, core, now);
        }
        mem_.acquire(tile.out_chunk);
    }
    cs.ready.pop_front();
    --cs.in_flight;
    if (moves_[t]) --cs.fetches;
    ++cs.compute_pos;
    cs.computing = t;
    const Tile& tile = plan_.tiles[t];
    const TileCost cost = coster_(tile);
    const uint64_t cycles = cost.cycles;
    rec_.sram_banks(tile, core, cost.sram_stall, cost.conflict_stall);
    hw_top_.cores[core]->sram_stalled(cost.sram_stall, cost.conflict_stall);
    hw_top_.cores[core]->pmu_round_trip(cost.pmu_round_trip);
    const Recorder::IdleSplit idle =
        rec_.compute_started(t, core, now_cycles(), cycles, fetch_start_[t], cs.idle_since,
                             cs.idle_kind, sram_blocked_[t] != 0, noc_last_[t] != 0);
    hw_top_.cores[core]->stalled(idle.dram, idle.noc, idle.memory, idle.dependency);
    // A streaming tile ends when its compute and its streams through the DRAM port have.
    const int64_t in = streams_.tile_read(t), out = streams_.tile_write(t);
    cs.parts_left = 1 + (in > 0) + (out > 0);
    rec_.streamed(tile, in, out);
    rec_.weight_read(tile, streams_.tile_weight_read(t));
    // The array reads its input slices from SRAM and writes its output there, but for the
    // operands streamed through the DRAM port.
    int64_t sram_in = 0;
    uint64_t in_address = 0; // of the first streamed input (the stream is one transfer)
    bool streamed = false;
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        if (!streams_.streams_input(r)) {
            sram_in += plan_.inputs[r].bytes;
        } else if (!streamed) {
            streamed = true;
            in_address = addr_.chunk(plan_.inputs[r].chunk);
        }
    }
    rec_.operands(sram_in, streams_.streams_output(tile.out_chunk) ? 0 : plan_.written_bytes(tile));
    hw_top_.cores[core]->compute(cycles, tile.op, [this, core] { part_done(core); });
    if (in > 0)
        hw_top_.dram_path().transfer({in, kDramEndpoint, core, in_address},
                                     [this, core] { part_done(core); });
    if (out > 0)
        hw_top_.dram_path().transfer({out, core, kDramEndpoint, addr_.chunk(tile.out_chunk)},
                                     [this, core] { part_done(core); });
    return true;
}

void Scheduler::part_done(int core) {
    if (--cores_[core].parts_left == 0) compute_done(core);
}

void Scheduler::compute_done(int core) {
    CoreState& cs = cores_[core];
    const int t = cs.computing;
    cs.computing = -1;
    cs.idle_since = now_cycles();
    const Tile& tile = plan_.tiles[t];
    const uint64_t now = now_cycles();
    ++done_;
    rec_.compute_done(tile, now);
    mem_.free_temp(core, temp_[t], now);
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        mem_.release_read(plan_.inputs[r].chunk, tile, ref_pinned_[r] == 1);
        ref_pinned_[r] = 0;
    }
    if (mem_.release_write(tile.out_chunk)) {
        if (streams_.streams_output(tile.out_chunk)) mem_.write_done(tile.out_chunk);
        chunk_complete(tile.out_chunk);
    }
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
        mem_.release_if_done(plan_.inputs[r].chunk, now);
    mem_.release_if_done(tile.out_chunk, now);
    kick(core);
}

void Scheduler::chunk_complete(int chunk) {
    const Chunk& ch = plan_.chunks[chunk];
    if (ch.writeback && !streams_.streams_output(chunk)) write_back(chunk, false);
    for (const int* t = plan_.readers.begin(chunk); t != plan_.readers.end(chunk); ++t)
        if (--waiting_[*t] == 0) kick(plan_.tiles[*t].core);
}

void Scheduler::write_back(int chunk, bool eviction) {
    const int64_t bytes = plan_.chunks[chunk].bytes;
    const int from = mem_.state(chunk).core;
    rec_.write_issued(chunk, eviction);
    if (eviction) {
        // The bytes leave SRAM with the eviction; DRAM holds them from the write's issue on.
        mem_.evicted_to_dram(chunk);
        hw_top_.dram_path().transfer(
            {bytes, from, kDramEndpoint, addr_.chunk(chunk)},
            [this, chunk] { rec_.write_arrived(chunk, true, now_cycles()); });
        return;
    }
    mem_.write_started(chunk);
    hw_top_.dram_path().transfer({bytes, from, kDramEndpoint, addr_.chunk(chunk)}, [this, chunk] {
        mem_.write_done(chunk);
        const uint64_t now = now_cycles();
        rec_.write_arrived(chunk, false, now);
        const int core = mem_.state(chunk).core;
        mem_.release_if_done(chunk, now);
        if (core >= 0) kick(core);
    });
}

} // namespace fusesim
