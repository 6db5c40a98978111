#include "sim/engine/scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

Scheduler::Scheduler(sc_core::sc_module_name name, Accelerator& accelerator, const Workload& w,
                     const HardwareSpec& hw, const TilePlan& plan, const SimOptions& options)
    : sc_module(name), w_(w), hw_(hw), plan_(plan), options_(options), hw_top_(accelerator),
      dram_(accelerator.dram.get()),
      streams_(options.stream_operands ? plan_streams(w, plan, hw.core.sram_bytes) : StreamPlan{}),
      rec_(w, hw, plan, options_), mem_(plan, hw.cores, hw.core.sram_bytes, rec_), cores_(hw.cores),
      waiting_(plan.tiles.size(), 0), temp_(plan.tiles.size(), 0), pending_(plan.tiles.size(), 0),
      fetch_start_(plan.tiles.size(), 0), sram_blocked_(plan.tiles.size(), 0),
      refetching_(plan.tiles.size(), 0), reserve_(plan.tiles.size(), 0), reserved_(hw.cores, 0),
      ref_pinned_(plan.inputs.size(), 0), dirty_(hw.cores, 0) {
    // Every core's queue, and how many produced chunks each tile waits for.
    for (size_t t = 0; t < plan.tiles.size(); ++t) {
        const Tile& tile = plan.tiles[t];
        cores_[tile.core].queue.push_back(static_cast<int>(t));
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
            if (plan.chunks[plan.inputs[r].chunk].producer_op >= 0) ++waiting_[t];
    }
    rec_.on_occupancy = [this](int core, int64_t bytes) {
        hw_top_.cores[core]->set_sram_bytes(static_cast<uint64_t>(bytes));
    };
    SC_HAS_PROCESS(Scheduler);
    SC_METHOD(on_event);
    sensitive << kick_event_;
    for (int64_t c = 0; c < hw.cores; ++c) kick(static_cast<int>(c));
}

Scheduler::~Scheduler() = default;

void Scheduler::kick(int core) {
    if (!dirty_[core]) {
        dirty_[core] = 1;
        dirty_list_.push_back(core);
    }
    kick_event_.notify(sc_core::SC_ZERO_TIME);
}

void Scheduler::on_event() {
    ++wakeups_;
    // Progress in core order, so that the outcome never depends on callback order.
    while (!dirty_list_.empty()) {
        std::vector<int> list;
        list.swap(dirty_list_);
        std::sort(list.begin(), list.end());
        for (int c : list) dirty_[c] = 0;
        for (int c : list) progress(c);
    }
}

void Scheduler::progress(int core) {
    CoreState& cs = cores_[core];
    while (true) {
        if (cs.computing < 0 && !cs.ready.empty()) {
            if (start_compute(core)) continue;
            cs.idle_kind = Recorder::Idle::Memory;
            break;
        }
        // Depth 0: no overlap at all, a tile is fetched only once the previous one is done.
        const int depth =
            options_.prefetch_depth > 0 ? options_.prefetch_depth : (cs.computing < 0 ? 1 : 0);
        if (cs.in_flight >= depth || cs.next >= cs.queue.size()) break;
        const int t = cs.queue[cs.next];
        if (waiting_[t] > 0) {
            cs.block = {CoreState::Block::Waiting, t, waiting_[t], 0};
            break;
        }
        if (!start_fetch(t)) {
            cs.idle_kind = Recorder::Idle::Memory;
            cs.sram_blocked = true;
            break;
        }
        sram_blocked_[t] = cs.sram_blocked;
        cs.sram_blocked = false;
        if (cs.block.kind == CoreState::Block::Waiting || cs.block.kind == CoreState::Block::Inputs)
            cs.block = {};
        ++cs.next;
        ++cs.in_flight;
    }
    if (cs.computing < 0 && cs.in_flight == 0 && cs.next < cs.queue.size() &&
        waiting_[cs.queue[cs.next]] > 0)
        cs.idle_kind = Recorder::Idle::Dependency;
}

bool Scheduler::start_fetch(int t) {
    const Tile& tile = plan_.tiles[t];
    const int core = tile.core;
    const uint64_t now = now_cycles();
    const int owner = plan_.cache_owner(tile);
    if (cores_[core].owner != owner) {
        cores_[core].owner = owner;
        mem_.drop_cached_except(core, owner, now);
    }
    // What must come in: chunks not usable here. (The output is allocated when the tile starts
    // computing: a prefetch holds only inputs.)
    std::vector<int> keep;
    int64_t need = 0;
    keep.push_back(tile.out_chunk);
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        const InputRef& ref = plan_.inputs[r];
        if (streams_.streams_input(r)) continue; // read while the tile computes
        if (mem_.state(ref.chunk).core == core && mem_.usable(ref.chunk, tile))
            keep.push_back(ref.chunk);
        else
            need += ref.bytes;
    }
    auto evict = [&](int c) { write_back(c, true); };
    // Room is also kept for the outputs of the fetched tiles ahead of this one (and its own),
    // allocated when they start computing. Only a fetch the core is waiting for may write data
    // back to make room; a prefetch may drop clean copies only.
    const int64_t out_bytes =
        mem_.state(tile.out_chunk).core < 0 && !streams_.streams_output(tile.out_chunk)
            ? plan_.chunks[tile.out_chunk].bytes
            : 0;
    // A prefetch never drops what a tile in the next few will read.
    constexpr int64_t kProtectedTiles = 16;
    const bool idle = cores_[core].computing < 0 && cores_[core].ready.empty();
    if (!mem_.make_room(core, need + reserved_[core] + out_bytes, keep, evict, now, idle,
                        idle ? 0 : t + kProtectedTiles)) {
        cores_[core].block = {CoreState::Block::Inputs, t, need + reserved_[core] + out_bytes,
                              mem_.used(core)};
        return false;
    }
    int64_t dram_bytes = 0, noc_bytes = 0;
    int noc_src = -1; // the first core it reads from over the interconnect
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        if (streams_.streams_input(r)) continue;
        const InputRef& ref = plan_.inputs[r];
        const ChunkState& s = mem_.state(ref.chunk);
        const Chunk& ch = plan_.chunks[ref.chunk];
        if (s.core == core && mem_.usable(ref.chunk, tile)) {
            // Not pinned yet: until this tile computes, it may still make way (see start_compute).
            ref_pinned_[r] = kResidentAtFetch;
            continue;
        }
        const bool whole = ref.bytes == ch.bytes;
        const bool from_noc = s.core >= 0 && s.cache_group < 0 && usable_remote(ref.chunk, tile);
        if (from_noc) {
            if (noc_src < 0) noc_src = s.core;
            noc_bytes += ref.bytes;
        } else {
            dram_bytes += ref.bytes;
            if (s.evicted) rec_.refetched(tile, ref.bytes);
        }
        const bool keep_copy =
            options_.cache_weights || w_.tensors[ch.tensor].role != TensorRole::Weight;
        if (whole && s.core < 0 && !from_noc && keep_copy) {
            // A whole chunk read from DRAM stays as a clean copy for this group's later tiles.
            mem_.place_copy(ref.chunk, core, owner, now);
            ref_pinned_[r] = 1;
        } else {
            temp_[t] += ref.bytes;
        }
    }
    mem_.alloc_temp(core, temp_[t], now);
    reserve_[t] = out_bytes;
    reserved_[core] += out_bytes;
    rec_.fetch_started(tile, now, dram_bytes);
    fetch_start_[t] = now;
    pending_[t] = 1; // released below, so zero-byte fetches complete in order too
    if (dram_bytes > 0) {
        ++pending_[t];
        dram_->transfer(dram_bytes, kDramEndpoint, core, [this, t] { fetch_arrived(t); });
    }
    if (noc_bytes > 0) {
        ++pending_[t];
        hw_top_.interconnect->transfer(noc_bytes, noc_src, core, [this, t] { fetch_arrived(t); });
    }
    fetch_arrived(t);
    return true;
}

// A chunk in another core's SRAM that this tile may read over the interconnect: one it reads
// on chip (produced by its own on-chip group).
bool Scheduler::usable_remote(int c, const Tile& tile) const {
    return hw_top_.interconnect && plan_.read_on_chip(c, tile);
}

void Scheduler::fetch_arrived(int t) {
    if (--pending_[t] > 0) return;
    const int core = plan_.tiles[t].core;
    // Keep issue order: a tile is ready only in queue order (the deque is filled in order).
    CoreState& cs = cores_[core];
    cs.ready.push_back(t);
    std::sort(cs.ready.begin(), cs.ready.end());
    kick(core);
}

} // namespace fusesim
