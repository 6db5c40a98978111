#include "sim/engine/recorder.hpp"

namespace fusesim {

Recorder::Recorder(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                   const SimOptions& options)
    : w_(w), hw_(hw), plan_(plan), options_(options), ops_(w.ops.size()),
      groups_(plan.groups.size()), core_useful_(hw.cores, 0), last_slice_(hw.cores, SIZE_MAX),
      last_sample_(hw.cores, SIZE_MAX), lifetimes_on_(!options.lifetime_group.empty()) {
    if (lifetimes_on_) placed_at_.assign(plan.chunks.size(), 0);
}

Recorder::IdleSplit Recorder::compute_started(int tile, int core, uint64_t now, uint64_t cycles,
                                              uint64_t fetch_start, uint64_t idle_since, Idle idle,
                                              bool sram_blocked) {
    const Tile& t = plan_.tiles[tile];
    // Idle time before this tile: until its fetch began, held by SRAM or dependencies
    // (whichever blocked last); after, waiting for the fetch. A fetch that SRAM held back until
    // now waited for memory, not for DRAM.
    IdleSplit split;
    if (now > idle_since) {
        const uint64_t began = std::max(idle_since, fetch_start);
        (idle == Idle::Memory ? split.memory : split.dependency) += began - idle_since;
        (sram_blocked ? split.memory : split.fetch) += now - began;
    }
    if (in_window(t)) {
        window_from_ = std::min(window_from_, fetch_start);
        window_to_ = std::max(window_to_, now + cycles);
    }
    if (t.layer == 0) {
        GroupStats& g = groups_[t.group];
        g.stall_memory += split.memory;
        g.stall_dependency += split.dependency;
        g.stall_fetch += split.fetch;
    }
    OpStats& st = ops_[t.op];
    ++st.tiles;
    st.compute_cycles += cycles;
    int64_t ops = 1;
    for (int64_t e : plan_.tile_extents(w_, t)) ops *= e;
    const double useful = static_cast<double>(ops) *
                          static_cast<double>(hw_.cpo[static_cast<int>(w_.ops[t.op].kind)]);
    st.useful_pe_cycles += useful;
    st.ops += ops;
    core_useful_[core] += useful;
    if (options_.timeline) {
        ++timeline_tiles_;
        add_slice({now, now + cycles, core, t.op, t.layer, 1, cycles});
        // Past the limit the whole timeline gets coarser (the run stays covered to its end).
        while (timeline_.size() > options_.timeline_limit && level_ != TimelineLevel::Layer)
            coarsen_timeline();
    }
    return split;
}

bool Recorder::same_slice(const TimelineSlice& last, const TimelineSlice& next) const {
    if (last.layer != next.layer) return false;
    switch (level_) {
    case TimelineLevel::Tiles:
        return last.op == next.op && last.end == next.start;
    case TimelineLevel::Operator:
        return last.op == next.op;
    case TimelineLevel::Group:
        return plan_.group_of_op[last.op] == plan_.group_of_op[next.op];
    case TimelineLevel::Layer:
        return true;
    }
    return false;
}

void Recorder::add_slice(const TimelineSlice& s) {
    size_t& last = last_slice_[static_cast<size_t>(s.core)];
    if (last != SIZE_MAX && same_slice(timeline_[last], s)) {
        TimelineSlice& l = timeline_[last];
        l.end = std::max(l.end, s.end);
        l.tiles += s.tiles;
        l.busy += s.busy;
        return;
    }
    last = timeline_.size();
    timeline_.push_back(s);
}

void Recorder::coarsen_timeline() {
    level_ = static_cast<TimelineLevel>(static_cast<int>(level_) + 1);
    std::vector<TimelineSlice> kept;
    kept.swap(timeline_);
    std::fill(last_slice_.begin(), last_slice_.end(), SIZE_MAX);
    for (const auto& s : kept) add_slice(s);
}

const char* describe(TimelineLevel level) {
    switch (level) {
    case TimelineLevel::Tiles:
        return "back-to-back tiles of one operator on one core";
    case TimelineLevel::Operator:
        return "consecutive tiles of one operator and layer on one core";
    case TimelineLevel::Group:
        return "consecutive tiles of one fusion group and layer on one core";
    case TimelineLevel::Layer:
        return "the tiles of one layer on one core";
    }
    return "";
}

void Recorder::occupancy(int core, int64_t bytes, uint64_t now) {
    if (bucket_ == 0) { // every change, exactly
        if (!samples_.empty() && samples_.back().cycle == now && samples_.back().core == core)
            samples_.back().bytes = bytes;
        else
            samples_.push_back({now, core, bytes});
        if (samples_.size() > kExactSamples) coarsen(now);
    } else { // the largest value per interval of `bucket_` cycles
        const uint64_t b = now / bucket_ * bucket_;
        size_t& last = last_sample_[core];
        if (last != SIZE_MAX && samples_[last].cycle == b)
            samples_[last].bytes = std::max(samples_[last].bytes, bytes);
        else {
            last = samples_.size();
            samples_.push_back({b, core, bytes});
        }
        if (samples_.size() > kExactSamples) coarsen(now);
    }
    if (on_occupancy) on_occupancy(core, bytes);
}

void Recorder::coarsen(uint64_t now) {
    // Long runs keep occupancy as the maximum per interval, at most about 100,000 intervals
    // up to now (the widths double as the run goes on): the peak is never lost.
    bucket_ = std::max<uint64_t>(bucket_ * 2, now / 100000 + 1);
    std::vector<OccupancySample> merged;
    std::fill(last_sample_.begin(), last_sample_.end(), SIZE_MAX);
    for (const auto& s : samples_) {
        const uint64_t b = s.cycle / bucket_ * bucket_;
        size_t& last = last_sample_[s.core];
        if (last != SIZE_MAX && merged[last].cycle == b) {
            merged[last].bytes = std::max(merged[last].bytes, s.bytes);
        } else {
            last = merged.size();
            merged.push_back({b, s.core, s.bytes});
        }
    }
    samples_.swap(merged);
}

void Recorder::left(int chunk, int core, uint64_t now) {
    const Chunk& ch = plan_.chunks[chunk];
    Lifetime l;
    l.tensor = w_.tensors[ch.tensor].name;
    l.producer = ch.producer_op >= 0 ? w_.ops[ch.producer_op].name : "DRAM";
    l.bytes = ch.bytes;
    l.core = core;
    l.start = placed_at_[chunk];
    l.end = now;
    lifetimes_.push_back(l);
}

bool Recorder::in_window(const Tile& t) const {
    return lifetimes_on_ && t.layer == 0 && t.grid_index == options_.lifetime_step &&
           plan_.groups[t.group].name.find(options_.lifetime_group) != std::string::npos;
}

void Recorder::fill(TimingResult& r) const {
    r.cycles = end_;
    r.ops = ops_;
    r.groups = groups_;
    r.core_useful_pe_cycles = core_useful_;
    r.dram_read_bytes = dram_read_;
    r.dram_write_bytes = dram_write_;
    r.refetched_bytes = refetched_;
    r.streamed_read_bytes = streamed_read_;
    r.streamed_write_bytes = streamed_write_;
    r.streamed_tiles = streamed_tiles_;
    r.noc_bytes = noc_;
    r.noc_byte_hops = noc_byte_hops_;
    r.sram_operand_read_bytes = sram_operand_read_;
    r.sram_operand_write_bytes = sram_operand_write_;
    r.occupancy = samples_;
    r.timeline = timeline_;
    r.timeline_level = level_;
    r.timeline_tiles = timeline_tiles_;
    if (window_from_ <= window_to_) {
        r.lifetime_from = window_from_;
        r.lifetime_to = window_to_;
        for (const auto& l : lifetimes_)
            if (l.end > window_from_ && l.start < window_to_) r.lifetimes.push_back(l);
    }
}

} // namespace fusesim
