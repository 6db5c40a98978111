#include "sim/engine/scheduler.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

Scheduler::Scheduler(sc_core::sc_module_name name, Accelerator& accelerator, const Workload& w,
                     const HardwareSpec& hw, const TilePlan& plan, const MappingSpec& mapping,
                     const SimOptions& options)
    : sc_module(name), w_(w), hw_(hw), plan_(plan), options_(options), hw_top_(accelerator),
      dram_(accelerator.dram.get()), spatial_(choose_spatial(w, hw, plan, mapping)),
      mem_(plan, hw.cores, hw.core.sram_bytes), cores_(hw.cores), waiting_(plan.tiles.size(), 0),
      temp_(plan.tiles.size(), 0), pending_(plan.tiles.size(), 0),
      fetch_start_(plan.tiles.size(), 0), sram_blocked_(plan.tiles.size(), 0),
      refetching_(plan.tiles.size(), 0), reserve_(plan.tiles.size(), 0), reserved_(hw.cores, 0),
      ref_pinned_(plan.inputs.size(), 0), stats_(w.ops.size()), group_stats_(plan.groups.size()),
      last_slice_(hw.cores, SIZE_MAX), dirty_(hw.cores, 0) {
    // Consumers of every produced chunk, and how many chunks each tile waits for.
    std::vector<uint32_t> count(plan.chunks.size() + 1, 0);
    for (size_t t = 0; t < plan.tiles.size(); ++t) {
        const Tile& tile = plan.tiles[t];
        cores_[tile.core].queue.push_back(static_cast<int>(t));
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            const int c = plan.inputs[r].chunk;
            if (plan.chunks[c].producer_op < 0) continue;
            ++count[c + 1];
            ++waiting_[t];
        }
    }
    for (size_t c = 0; c < plan.chunks.size(); ++c) count[c + 1] += count[c];
    consumer_begin_ = count;
    consumer_tiles_.resize(count.back());
    for (size_t t = 0; t < plan.tiles.size(); ++t) {
        const Tile& tile = plan.tiles[t];
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            const int c = plan.inputs[r].chunk;
            if (plan.chunks[c].producer_op < 0) continue;
            consumer_tiles_[count[c]++] = static_cast<int>(t);
        }
    }
    if (!options_.lifetime_group.empty()) {
        placed_at_.assign(plan.chunks.size(), 0);
        mem_.on_residency = [this](int chunk, int core, bool placed) {
            const Chunk& ch = plan_.chunks[chunk];
            if (ch.layer != 0) return;
            const uint64_t now = now_cycles();
            if (placed) {
                placed_at_[chunk] = now;
                return;
            }
            Lifetime l;
            l.tensor = w_.tensors[ch.tensor].name;
            l.producer = ch.producer_op >= 0 ? w_.ops[ch.producer_op].name : "DRAM";
            l.bytes = ch.bytes;
            l.core = core;
            l.start = placed_at_[chunk];
            l.end = now;
            lifetimes_.push_back(l);
        };
    }
    mem_.on_change = [this](int core, int64_t bytes) {
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
            cs.idle_kind = 'm';
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
            cs.idle_kind = 'm';
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
        cs.idle_kind = 'd';
}

// Copies read from DRAM serve a fused group as a whole, but only one operator of an unfused
// one: unfused operators each read their inputs from DRAM.
int Scheduler::cache_owner(const Tile& tile) const {
    return plan_.groups[tile.group].on_chip ? tile.group
                                            : static_cast<int>(plan_.groups.size()) + tile.op;
}

// Whether tile `tile` may use chunk `c` where it sits in SRAM: produced in place and read by its
// own on-chip group, or a copy read from DRAM for this tile's group. Anything else crosses a
// group boundary and goes through DRAM.
bool Scheduler::usable(int c, const Tile& tile) const {
    const ChunkState& s = mem_.state(c);
    if (s.core < 0) return false;
    if (s.cache_group >= 0) return s.cache_group == cache_owner(tile);
    const Chunk& ch = plan_.chunks[c];
    return ch.group == tile.group && plan_.groups[tile.group].on_chip;
}

bool Scheduler::start_fetch(int t) {
    const Tile& tile = plan_.tiles[t];
    const int core = tile.core;
    const uint64_t now = now_cycles();
    const int owner = cache_owner(tile);
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
        if (mem_.state(ref.chunk).core == core && usable(ref.chunk, tile))
            keep.push_back(ref.chunk);
        else
            need += ref.bytes;
    }
    auto evict = [&](int c) { write_back(c, plan_.chunks[c].producer_op, true); };
    // Room is also kept for the outputs of the fetched tiles ahead of this one (and its own),
    // allocated when they start computing. Only a fetch the core is waiting for may write data
    // back to make room; a prefetch may drop clean copies only.
    const int64_t out_bytes =
        mem_.state(tile.out_chunk).core < 0 ? plan_.chunks[tile.out_chunk].bytes : 0;
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
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        const InputRef& ref = plan_.inputs[r];
        ChunkState& s = mem_.state(ref.chunk);
        const Chunk& ch = plan_.chunks[ref.chunk];
        if (s.core == core && usable(ref.chunk, tile)) {
            // Not pinned yet: until this tile computes, it may still make way (see start_compute).
            ref_pinned_[r] = kResidentAtFetch;
            continue;
        }
        const bool whole = ref.bytes == ch.bytes;
        const bool from_noc = s.core >= 0 && s.cache_group < 0 && usable_remote(ref.chunk, tile);
        if (from_noc) {
            noc_bytes += ref.bytes;
        } else {
            dram_bytes += ref.bytes;
            if (s.evicted) {
                refetched_ += ref.bytes;
                group_stats_[tile.group].refetched_bytes += ref.bytes;
            }
        }
        const bool keep_copy =
            options_.cache_weights || w_.tensors[ch.tensor].role != TensorRole::Weight;
        if (whole && s.core < 0 && !from_noc && keep_copy) {
            // A whole chunk read from DRAM stays as a clean copy for this group's later tiles.
            mem_.place(ref.chunk, core, now);
            s.cache_group = owner;
            ++s.pins;
            ref_pinned_[r] = 1;
        } else {
            temp_[t] += ref.bytes;
        }
    }
    mem_.alloc_temp(core, temp_[t], now);
    reserve_[t] = out_bytes;
    reserved_[core] += out_bytes;
    OpStats& st = stats_[tile.op];
    if (tile.layer == 0) {
        st.first_start = std::min(st.first_start, now);
        group_stats_[tile.group].first_start = std::min(group_stats_[tile.group].first_start, now);
    }
    st.read_bytes += dram_bytes;
    dram_read_ += dram_bytes;
    fetch_start_[t] = now;
    pending_[t] = 1; // released below, so zero-byte fetches complete in order too
    if (dram_bytes > 0) {
        ++pending_[t];
        dram_->transfer(dram_bytes, [this, t] { fetch_arrived(t); });
    }
    if (noc_bytes > 0) {
        ++pending_[t];
        hw_top_.link_into(core)->transfer(noc_bytes, [this, t] { fetch_arrived(t); });
    }
    fetch_arrived(t);
    return true;
}

// A chunk in another core's SRAM that this tile may read over the interconnect: produced by
// its own on-chip group.
bool Scheduler::usable_remote(int c, const Tile& tile) const {
    const Chunk& ch = plan_.chunks[c];
    return !hw_top_.links.empty() && ch.producer_op >= 0 && ch.group == tile.group &&
           plan_.groups[tile.group].on_chip;
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

bool Scheduler::start_compute(int core) {
    CoreState& cs = cores_[core];
    const int t = cs.ready.front();
    if (refetching_[t]) return false;
    {
        const Tile& tile = plan_.tiles[t];
        const uint64_t now = now_cycles();
        auto evict = [&](int c) { write_back(c, plan_.chunks[c].producer_op, true); };
        // Inputs that were in SRAM when the tile was fetched may have made way since: read
        // them again (the core waits), then pin everything.
        std::vector<int> keep{tile.out_chunk};
        int64_t missing = 0;
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
            if (ref_pinned_[r] != kResidentAtFetch) continue;
            const int c = plan_.inputs[r].chunk;
            if (mem_.state(c).core == core && usable(c, tile))
                keep.push_back(c);
            else
                missing += plan_.inputs[r].bytes;
        }
        if (missing > 0) {
            if (!mem_.make_room(core, missing, keep, evict, now, true)) {
                cs.block = {CoreState::Block::ReadBack, t, missing, mem_.used(core)};
                return false;
            }
            for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
                if (ref_pinned_[r] != kResidentAtFetch) continue;
                const int c = plan_.inputs[r].chunk;
                if (mem_.state(c).core == core && usable(c, tile)) continue;
                ref_pinned_[r] = 0; // now a temporary copy
                if (mem_.state(c).evicted) {
                    refetched_ += plan_.inputs[r].bytes;
                    group_stats_[tile.group].refetched_bytes += plan_.inputs[r].bytes;
                }
            }
            temp_[t] += missing;
            mem_.alloc_temp(core, missing, now);
            stats_[tile.op].read_bytes += missing;
            dram_read_ += missing;
            refetching_[t] = 1;
            dram_->transfer(missing, [this, t, core] {
                refetching_[t] = 0;
                kick(core);
            });
            return false;
        }
        for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
            if (ref_pinned_[r] == kResidentAtFetch) {
                ref_pinned_[r] = 1;
                ++mem_.state(plan_.inputs[r].chunk).pins;
            }
        // The output chunk is allocated by its first producing tile, now; it may evict.
        mem_.set_group(core, tile.group);
        reserved_[core] -= reserve_[t];
        reserve_[t] = 0;
        if (mem_.state(tile.out_chunk).core < 0) {
            const int64_t bytes = plan_.chunks[tile.out_chunk].bytes;
            if (!mem_.make_room(core, bytes, {tile.out_chunk}, evict, now, true)) {
                cs.block = {CoreState::Block::Output, t, bytes, mem_.used(core)};
                return false;
            }
            mem_.place(tile.out_chunk, core, now);
        }
        ++mem_.state(tile.out_chunk).pins;
    }
    cs.ready.pop_front();
    --cs.in_flight;
    cs.computing = t;
    const Tile& tile = plan_.tiles[t];
    const uint64_t cycles = tile_compute_cycles(w_, hw_, plan_, tile, spatial_[tile.op]);
    const uint64_t now = now_cycles();
    if (in_window(tile)) {
        window_from_ = std::min(window_from_, fetch_start_[t]);
        window_to_ = std::max(window_to_, now + cycles);
    }
    if (tile.layer == 0 && now > cs.idle_since) {
        // Idle time before this tile: until its fetch began, held by SRAM or dependencies
        // (whichever blocked last); after, waiting for the fetch.
        // A fetch that SRAM held back until now waited for memory, not for DRAM.
        GroupStats& g = group_stats_[tile.group];
        const uint64_t began = std::max(cs.idle_since, fetch_start_[t]);
        (cs.idle_kind == 'm' ? g.stall_memory : g.stall_dependency) += began - cs.idle_since;
        (sram_blocked_[t] ? g.stall_memory : g.stall_fetch) += now - began;
    }
    cs.busy += cycles;
    OpStats& st = stats_[tile.op];
    ++st.tiles;
    st.compute_cycles += cycles;
    int64_t ops = 1;
    for (int64_t e : plan_.tile_extents(w_, tile)) ops *= e;
    const double useful = static_cast<double>(ops) *
                          static_cast<double>(hw_.cpo[static_cast<int>(w_.ops[tile.op].kind)]);
    st.useful_pe_cycles += useful;
    cs.useful += useful;
    if (options_.timeline) {
        // Back-to-back tiles of one operator on one core make one slice.
        size_t& last = last_slice_[core];
        if (last != SIZE_MAX && timeline_[last].op == tile.op &&
            timeline_[last].layer == tile.layer && timeline_[last].end == now) {
            timeline_[last].end = now + cycles;
        } else if (timeline_.size() < options_.timeline_limit) {
            last = timeline_.size();
            timeline_.push_back({now, now + cycles, core, tile.op, tile.layer});
        } else {
            timeline_truncated_ = true;
        }
    }
    hw_top_.cores[core]->compute(cycles, tile.op, [this, core] { compute_done(core); });
    return true;
}

void Scheduler::compute_done(int core) {
    CoreState& cs = cores_[core];
    const int t = cs.computing;
    cs.computing = -1;
    cs.idle_since = now_cycles();
    const Tile& tile = plan_.tiles[t];
    const uint64_t now = now_cycles();
    ++done_;
    end_ = std::max(end_, now);
    OpStats& st = stats_[tile.op];
    if (tile.layer == 0) {
        st.last_end = std::max(st.last_end, now);
        group_stats_[tile.group].last_end = std::max(group_stats_[tile.group].last_end, now);
    }
    mem_.free_temp(core, temp_[t], now);
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
        if (ref_pinned_[r] == 1) {
            ref_pinned_[r] = 0;
            --mem_.state(plan_.inputs[r].chunk).pins;
        }
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r) {
        const int c = plan_.inputs[r].chunk;
        ChunkState& s = mem_.state(c);
        --s.consumers_left;
        const Chunk& ch = plan_.chunks[c];
        if (ch.producer_op >= 0 && ch.group == tile.group && plan_.groups[tile.group].on_chip)
            --s.local_left;
    }
    ChunkState& out = mem_.state(tile.out_chunk);
    --out.pins;
    if (--out.producers_left == 0) chunk_complete(tile.out_chunk);
    for (uint32_t r = tile.in_begin; r < tile.in_end; ++r)
        mem_.release_if_done(plan_.inputs[r].chunk, now);
    mem_.release_if_done(tile.out_chunk, now);
    kick(core);
}

void Scheduler::chunk_complete(int chunk) {
    const Chunk& ch = plan_.chunks[chunk];
    if (ch.writeback) write_back(chunk, ch.producer_op, false);
    for (uint32_t i = consumer_begin_[chunk]; i < consumer_begin_[chunk + 1]; ++i) {
        const int t = consumer_tiles_[i];
        if (--waiting_[t] == 0) kick(plan_.tiles[t].core);
    }
}

void Scheduler::write_back(int chunk, int op, bool eviction) {
    ChunkState& s = mem_.state(chunk);
    const bool first_layer = plan_.chunks[chunk].layer == 0;
    const int group = plan_.chunks[chunk].group;
    const int64_t bytes = plan_.chunks[chunk].bytes;
    dram_write_ += bytes;
    stats_[op].write_bytes += bytes;
    if (eviction) {
        // The bytes leave SRAM with the eviction; DRAM holds them from the write's issue on.
        s.in_dram = true;
        group_stats_[group].evicted_bytes += bytes;
        dram_->transfer(bytes, [this, op, first_layer] {
            if (first_layer) stats_[op].last_end = std::max(stats_[op].last_end, now_cycles());
            end_ = std::max(end_, now_cycles());
        });
        return;
    }
    s.writing = true;
    dram_->transfer(bytes, [this, chunk, op, first_layer, group] {
        ChunkState& st = mem_.state(chunk);
        st.writing = false;
        st.in_dram = true;
        const uint64_t now = now_cycles();
        if (first_layer) {
            stats_[op].last_end = std::max(stats_[op].last_end, now);
            group_stats_[group].last_end = std::max(group_stats_[group].last_end, now);
        }
        end_ = std::max(end_, now);
        const int core = st.core;
        mem_.release_if_done(chunk, now);
        if (core >= 0) kick(core);
    });
}

bool Scheduler::in_window(const Tile& t) const {
    return !options_.lifetime_group.empty() && t.layer == 0 &&
           t.grid_index == options_.lifetime_step &&
           plan_.groups[t.group].name.find(options_.lifetime_group) != std::string::npos;
}

std::string Scheduler::stuck_report() const {
    std::string s;
    for (size_t c = 0; c < cores_.size(); ++c) {
        const CoreState& cs = cores_[c];
        if (cs.next >= cs.queue.size() && cs.ready.empty() && cs.computing < 0) continue;
        const auto& b = cs.block;
        const int t = b.tile >= 0 ? b.tile : cs.next < cs.queue.size() ? cs.queue[cs.next] : -1;
        if (t < 0) continue;
        const std::string sram = " bytes of SRAM for its ";
        const std::string in_use =
            " (" + std::to_string(b.used) + " of " + std::to_string(mem_.capacity()) + " in use)";
        std::string why = "cannot start";
        if (b.kind == CoreState::Block::Waiting)
            why = "waits for " + std::to_string(b.bytes) + " input chunk(s)";
        else if (b.kind == CoreState::Block::Inputs)
            why = "needs " + std::to_string(b.bytes) + sram +
                  "inputs and the outputs of the fetched tiles" + in_use;
        else if (b.kind == CoreState::Block::ReadBack)
            why = "needs " + std::to_string(b.bytes) + sram + "inputs to be read back" + in_use;
        else if (b.kind == CoreState::Block::Output)
            why = "needs " + std::to_string(b.bytes) + sram + "output" + in_use;
        s += "\n  core " + std::to_string(c) + ": tile " + plan_.tile_name(w_, plan_.tiles[t]) +
             " " + why;
    }
    return s;
}

TimingResult Scheduler::result() const {
    TimingResult r;
    r.cycles = end_;
    r.tiles = done_;
    r.ops = stats_;
    r.groups = group_stats_;
    for (size_t g = 0; g < r.groups.size(); ++g)
        r.groups[g].peak_sram = mem_.group_peak(static_cast<int>(g));
    for (const auto& c : cores_) {
        r.core_busy.push_back(c.busy);
        r.core_useful_pe_cycles.push_back(c.useful);
    }
    r.dram_read_bytes = dram_read_;
    r.dram_write_bytes = dram_write_;
    r.evicted_bytes = mem_.evicted_bytes();
    r.evictions = mem_.evictions();
    r.refetched_bytes = refetched_;
    r.dram_busy_cycles = dram_->busy_cycles();
    for (size_t c = 0; c < cores_.size(); ++c)
        r.peak_sram.push_back(mem_.peak(static_cast<int>(c)));
    r.occupancy = mem_.samples();
    r.timeline = timeline_;
    r.timeline_truncated = timeline_truncated_;
    r.kernel_events = wakeups_;
    if (window_from_ <= window_to_) {
        r.lifetime_from = window_from_;
        r.lifetime_to = window_to_;
        for (const auto& l : lifetimes_)
            if (l.end > window_from_ && l.start < window_to_) r.lifetimes.push_back(l);
    }
    return r;
}

} // namespace fusesim
