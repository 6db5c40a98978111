#include "sim/engine/scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

Scheduler::Scheduler(sc_core::sc_module_name name, Accelerator& accelerator, const Workload& w,
                     const HardwareSpec& hw, const TilePlan& plan, const SimOptions& options)
    : sc_module(name), w_(w), hw_(hw), hops_(hw), plan_(plan), options_(options),
      hw_top_(accelerator), dram_(accelerator.dram.get()),
      streams_(options.stream_operands
                   ? plan_streams(w, plan, hw.core.sram_bytes - w.resident_sram_per_core)
                   : StreamPlan{}),
      addr_(w, plan, hw.dram.row_bytes > 0 ? hw.dram.row_bytes : 4096), rec_(w, hw, plan, options_),
      mem_(plan, hw.cores, hw.core.sram_bytes - w.resident_sram_per_core, rec_), cores_(hw.cores),
      waiting_(plan.tiles.size(), 0), temp_(plan.tiles.size(), 0), pending_(plan.tiles.size(), 0),
      fetch_start_(plan.tiles.size(), 0), sram_blocked_(plan.tiles.size(), 0),
      refetching_(plan.tiles.size(), 0), reserve_(plan.tiles.size(), 0), reserved_(hw.cores, 0),
      ref_pinned_(plan.inputs.size(), 0), fetched_(plan.tiles.size(), 0),
      moves_(plan.tiles.size(), 0), noc_last_(plan.tiles.size(), 0), dirty_(hw.cores, 0),
      coster_(w, hw, plan) {
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
        std::vector<int>& list = progress_list_;
        list.clear();
        list.swap(dirty_list_);
        std::sort(list.begin(), list.end());
        for (int c : list) dirty_[c] = 0;
        for (int c : list) progress(c);
    }
}

void Scheduler::progress(int core) {
    CoreState& cs = cores_[core];
    while (true) {
        // Tiles compute in queue order, whatever order their fetches completed in.
        if (cs.computing < 0 && !cs.ready.empty() && cs.ready.front() == cs.queue[cs.compute_pos]) {
            if (start_compute(core)) continue;
            cs.idle_kind = Recorder::Idle::Memory;
            break;
        }
        if (!fetch_one(core)) break;
    }
    if (cs.computing < 0 && cs.compute_pos < cs.queue.size() &&
        !fetched_[cs.queue[cs.compute_pos]] && waiting_[cs.queue[cs.compute_pos]] > 0)
        cs.idle_kind = Recorder::Idle::Dependency;
}

// Issues the next fetch the core may start, as a DMA engine would: in queue order, and in a
// fused group past a tile still waiting for its producers (within the group, at most kLookahead
// tiles ahead) to the next fetch that can go. The prefetch depth counts fetches that move data; a
// tile with nothing to move does not hold a slot. Depth 0: no overlap at all, a tile is fetched
// only once the previous one is done, in order.
bool Scheduler::fetch_one(int core) {
    CoreState& cs = cores_[core];
    while (cs.next < cs.queue.size() && fetched_[cs.queue[cs.next]]) ++cs.next;
    if (cs.next >= cs.queue.size()) return false;
    const bool overlap = options_.prefetch_depth > 0;
    const int head = cs.queue[cs.next];
    // The tile the core waits for may always be fetched: nothing else can compute before it.
    const bool head_awaited = cs.compute_pos == cs.next;
    if (!overlap && cs.in_flight >= (cs.computing < 0 ? 1 : 0)) return false;
    if (overlap && !head_awaited && cs.fetches >= options_.prefetch_depth) return false;
    // Looking ahead pays in a fused group, whose tiles wait for each other on chip; an unfused
    // operator's tiles wait only for other groups' write-backs.
    constexpr size_t kLookahead = 16;
    const bool look_ahead = overlap && plan_.groups[plan_.tiles[head].group].on_chip;
    const size_t end = std::min(cs.queue.size(), cs.next + (look_ahead ? kLookahead : 1));
    for (size_t i = cs.next; i < end; ++i) {
        const int t = cs.queue[i];
        if (fetched_[t]) continue;
        const bool ahead = t != head;
        if (ahead && (cs.fetches >= options_.prefetch_depth ||
                      plan_.cache_owner(plan_.tiles[t]) != plan_.cache_owner(plan_.tiles[head])))
            return false;
        if (waiting_[t] > 0) {
            if (!ahead) cs.block = {CoreState::Block::Waiting, t, waiting_[t], 0};
            continue;
        }
        if (!start_fetch(t, ahead ? i : 0)) {
            if (!ahead) {
                cs.idle_kind = Recorder::Idle::Memory;
                cs.sram_blocked = true;
            }
            return false;
        }
        if (!ahead) {
            sram_blocked_[t] = cs.sram_blocked;
            cs.sram_blocked = false;
            if (cs.block.kind == CoreState::Block::Waiting ||
                cs.block.kind == CoreState::Block::Inputs)
                cs.block = {};
        }
        fetched_[t] = 1;
        ++cs.in_flight;
        if (moves_[t]) ++cs.fetches;
        return true;
    }
    return false;
}

// Room for a tile skipped by a fetch ahead of it: its output and every input it may have to
// bring in, so that the fetches ahead can never take the room it needs.
int64_t Scheduler::room_for(int t) const {
    const Tile& tile = plan_.tiles[t];
    int64_t bytes = mem_.state(tile.out_chunk).core < 0 && !streams_.streams_output(tile.out_chunk)
                        ? plan_.chunks[tile.out_chunk].bytes
                        : 0;
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        const InputRef& ref = plan_.inputs[r];
        if (streams_.streams_input(r) || plan_.chunks[ref.chunk].resident) continue;
        if (mem_.state(ref.chunk).core == tile.core && mem_.usable(ref.chunk, tile)) continue;
        bytes += plan_.held_bytes(ref);
    }
    return bytes;
}

bool Scheduler::start_fetch(int t, size_t ahead_of) {
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
    std::vector<int>& keep = fetch_keep_;
    keep.clear();
    int64_t need = 0;
    keep.push_back(tile.out_chunk);
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        const InputRef& ref = plan_.inputs[r];
        if (streams_.streams_input(r)) continue;        // read while the tile computes
        if (plan_.chunks[ref.chunk].resident) continue; // in the state's SRAM region
        if (mem_.state(ref.chunk).core == core && mem_.usable(ref.chunk, tile))
            keep.push_back(ref.chunk);
        else
            need += plan_.held_bytes(ref);
    }
    auto evict = [&](int c) { write_back(c, true); };
    CoreState& cs = cores_[core];
    // A tile reached after fetches ahead of it uses the room they kept for it.
    const int64_t kept = reserve_[t];
    // A fetch ahead keeps room for the tiles it skips (positions cs.next .. ahead_of - 1).
    std::vector<std::pair<int, int64_t>>& skipped = fetch_skipped_;
    skipped.clear();
    int64_t skipped_bytes = 0;
    for (size_t i = cs.next; i < ahead_of; ++i) {
        const int s = cs.queue[i];
        if (fetched_[s] || reserve_[s] > 0) continue;
        skipped.emplace_back(s, room_for(s));
        skipped_bytes += skipped.back().second;
    }
    // Room is also kept for the outputs of the fetched tiles ahead of this one (and its own),
    // allocated when they start computing. Only a fetch the core is waiting for may write data
    // back to make room; a prefetch may drop clean copies only.
    const int64_t out_bytes =
        mem_.state(tile.out_chunk).core < 0 && !streams_.streams_output(tile.out_chunk)
            ? plan_.chunks[tile.out_chunk].bytes
            : 0;
    // A prefetch never drops what a tile in the next few will read.
    constexpr int64_t kProtectedTiles = 16;
    // The core is idle when nothing fetched can compute next.
    const bool idle = ahead_of == 0 && cs.computing < 0 &&
                      (cs.ready.empty() || cs.ready.front() != cs.queue[cs.compute_pos]);
    const int64_t room = need + reserved_[core] - kept + out_bytes + skipped_bytes;
    if (!mem_.make_room(core, room, keep, evict, now, idle, idle ? 0 : t + kProtectedTiles)) {
        if (ahead_of == 0) cs.block = {CoreState::Block::Inputs, t, room, mem_.used(core)};
        return false;
    }
    reserved_[core] -= kept;
    reserve_[t] = 0;
    for (const auto& [s, bytes] : skipped) {
        reserve_[s] = bytes;
        reserved_[core] += bytes;
    }
    int64_t dram_bytes = 0, noc_bytes = 0;
    int noc_src = -1;          // the first core it reads from over the interconnect
    uint64_t dram_address = 0; // of the first chunk read from DRAM (the fetch is one transfer)
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        if (streams_.streams_input(r)) continue;
        const InputRef& ref = plan_.inputs[r];
        const ChunkState& s = mem_.state(ref.chunk);
        const Chunk& ch = plan_.chunks[ref.chunk];
        if (ch.resident) continue; // the decode state, held in its SRAM region across tokens
        if (s.core == core && mem_.usable(ref.chunk, tile)) {
            // Not pinned yet: until this tile computes, it may still make way (see start_compute).
            ref_pinned_[r] = kResidentAtFetch;
            continue;
        }
        const int64_t bytes = plan_.held_bytes(ref);
        const bool whole = bytes == ch.bytes;
        const bool from_noc = s.core >= 0 && s.cache_group < 0 && usable_remote(ref.chunk, tile);
        if (from_noc) {
            if (noc_src < 0) noc_src = s.core;
            noc_bytes += bytes;
        } else {
            if (dram_bytes == 0) dram_address = addr_.chunk(ref.chunk);
            dram_bytes += bytes;
            if (s.evicted) rec_.refetched(tile, bytes);
            if (w_.tensors[ch.tensor].role == TensorRole::Weight) rec_.weight_read(tile, bytes);
        }
        const bool keep_copy =
            options_.cache_weights || w_.tensors[ch.tensor].role != TensorRole::Weight;
        if (whole && s.core < 0 && !from_noc && keep_copy) {
            // A whole chunk read from DRAM stays as a clean copy for this group's later tiles.
            mem_.place_copy(ref.chunk, core, owner, now);
            ref_pinned_[r] = 1;
        } else {
            temp_[t] += bytes;
        }
    }
    mem_.alloc_temp(core, temp_[t], now);
    reserve_[t] = out_bytes;
    reserved_[core] += out_bytes;
    moves_[t] = dram_bytes + noc_bytes > 0;
    rec_.fetch_started(tile, now, dram_bytes, noc_bytes, noc_bytes > 0 ? hops_(noc_src, core) : 0);
    fetch_start_[t] = now;
    pending_[t] = 1; // released below, so zero-byte fetches complete in order too
    if (dram_bytes > 0) {
        ++pending_[t];
        hw_top_.dram_path().transfer({dram_bytes, kDramEndpoint, core, dram_address},
                                     [this, t] { fetch_arrived(t); });
    }
    if (noc_bytes > 0) {
        ++pending_[t];
        hw_top_.interconnect->transfer({noc_bytes, noc_src, core, 0},
                                       [this, t] { fetch_arrived(t, true); });
    }
    fetch_arrived(t);
    return true;
}

// A chunk in another core's SRAM that this tile may read over the interconnect: one it reads
// on chip (produced by its own on-chip group).
bool Scheduler::usable_remote(int c, const Tile& tile) const {
    return hw_top_.interconnect && plan_.read_on_chip(c, tile);
}

void Scheduler::fetch_arrived(int t, bool from_noc) {
    noc_last_[t] = from_noc; // the last call decides
    if (--pending_[t] > 0) return;
    const int core = plan_.tiles[t].core;
    // Keep issue order: a tile is ready only in queue order (the deque is filled in order).
    CoreState& cs = cores_[core];
    cs.ready.push_back(t);
    std::sort(cs.ready.begin(), cs.ready.end());
    kick(core);
}

} // namespace fusesim
