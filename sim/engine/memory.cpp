#include "sim/engine/memory.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace fusesim {

MemoryManager::MemoryManager(const TilePlan& plan, int64_t cores, int64_t capacity_bytes)
    : plan_(plan), capacity_(capacity_bytes), chunks_(plan.chunks.size()), used_(cores, 0),
      peak_(cores, 0), resident_(cores), slot_(plan.chunks.size(), -1), group_of_core_(cores, -1),
      group_peak_(plan.groups.size(), 0), last_sample_(cores, SIZE_MAX) {
    for (size_t c = 0; c < plan.chunks.size(); ++c) {
        const Chunk& ch = plan.chunks[c];
        chunks_[c].producers_left = ch.producer_tiles;
        chunks_[c].consumers_left = ch.consumers;
        chunks_[c].in_dram = ch.producer_op < 0;
    }
    // Readers of every chunk in issue order, for the next-use distance.
    readers_begin_.assign(plan.chunks.size() + 1, 0);
    for (const Tile& t : plan.tiles)
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) ++readers_begin_[plan.inputs[r].chunk + 1];
    for (size_t c = 0; c < plan.chunks.size(); ++c) readers_begin_[c + 1] += readers_begin_[c];
    readers_.resize(readers_begin_.back());
    {
        std::vector<uint32_t> fill(readers_begin_.begin(), readers_begin_.end() - 1);
        for (size_t i = 0; i < plan.tiles.size(); ++i)
            for (uint32_t r = plan.tiles[i].in_begin; r < plan.tiles[i].in_end; ++r)
                readers_[fill[plan.inputs[r].chunk]++] = static_cast<int>(i);
    }
    // Reads from the chunk's own on-chip group keep it resident.
    for (const Tile& t : plan.tiles)
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
            const Chunk& ch = plan.chunks[plan.inputs[r].chunk];
            if (ch.producer_op >= 0 && ch.group == t.group && plan.groups[t.group].on_chip)
                ++chunks_[plan.inputs[r].chunk].local_left;
        }
}

int64_t MemoryManager::next_use(int chunk) const {
    const ChunkState& s = chunks_[chunk];
    if (s.consumers_left <= 0) return INT64_MAX;
    const int done = plan_.chunks[chunk].consumers - s.consumers_left;
    return readers_[readers_begin_[chunk] + static_cast<uint32_t>(done)];
}

int64_t MemoryManager::peak() const {
    return *std::max_element(peak_.begin(), peak_.end());
}

void MemoryManager::changed(int core, uint64_t now) {
    peak_[core] = std::max(peak_[core], used_[core]);
    if (group_of_core_[core] >= 0)
        group_peak_[group_of_core_[core]] =
            std::max(group_peak_[group_of_core_[core]], used_[core]);
    if (bucket_ == 0) { // every change, exactly
        if (!samples_.empty() && samples_.back().cycle == now && samples_.back().core == core)
            samples_.back().bytes = used_[core];
        else
            samples_.push_back({now, core, used_[core]});
        if (samples_.size() > kExactSamples) coarsen(now);
    } else { // the largest value per interval of `bucket_` cycles
        const uint64_t b = now / bucket_ * bucket_;
        size_t& last = last_sample_[core];
        if (last != SIZE_MAX && samples_[last].cycle == b)
            samples_[last].bytes = std::max(samples_[last].bytes, used_[core]);
        else {
            last = samples_.size();
            samples_.push_back({b, core, used_[core]});
        }
        if (samples_.size() > kExactSamples) coarsen(now);
    }
    if (on_change) on_change(core, used_[core]);
}

void MemoryManager::coarsen(uint64_t now) {
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

bool MemoryManager::make_room(int core, int64_t bytes, const std::vector<int>& keep,
                              const std::function<void(int)>& write_back, uint64_t now,
                              bool may_write_back, int64_t protect_before) {
    if (bytes > capacity_) return false;
    if (used_[core] + bytes <= capacity_) return true;
    // Candidates: unpinned, not kept, complete (a chunk being produced cannot move).
    std::vector<std::tuple<int, int64_t, int>> cand; // (dirty, -next use, -id)
    int64_t freeable = 0;
    for (int c : resident_[core]) {
        const ChunkState& s = chunks_[c];
        if (s.pins > 0 || !s.complete() || s.writing) continue;
        if (std::find(keep.begin(), keep.end(), c) != keep.end()) continue;
        const bool dirty = !s.in_dram && s.consumers_left > 0;
        if (dirty && !may_write_back) continue;
        const int64_t next = next_use(c);
        if (next < protect_before) continue;
        cand.emplace_back(dirty ? 1 : 0, -next, -c);
        freeable += plan_.chunks[c].bytes;
    }
    if (used_[core] - freeable + bytes > capacity_) return false;
    std::sort(cand.begin(), cand.end());
    for (const auto& [dirty, neg_next, neg] : cand) {
        if (used_[core] + bytes <= capacity_) break;
        const int c = -neg;
        ++evictions_;
        if (chunks_[c].consumers_left > 0) chunks_[c].evicted = true;
        if (dirty) {
            evicted_bytes_ += plan_.chunks[c].bytes;
            write_back(c);
        }
        drop(c, now);
    }
    return used_[core] + bytes <= capacity_;
}

void MemoryManager::place(int chunk, int core, uint64_t now) {
    ChunkState& s = chunks_[chunk];
    if (s.core >= 0) throw std::logic_error("chunk placed twice");
    s.core = core;
    used_[core] += plan_.chunks[chunk].bytes;
    if (used_[core] > capacity_) throw std::logic_error("SRAM over capacity");
    slot_[chunk] = static_cast<int>(resident_[core].size());
    resident_[core].push_back(chunk);
    if (on_residency) on_residency(chunk, core, true);
    changed(core, now);
}

void MemoryManager::drop(int chunk, uint64_t now) {
    ChunkState& s = chunks_[chunk];
    if (s.core < 0) return;
    const int core = s.core;
    used_[core] -= plan_.chunks[chunk].bytes;
    auto& list = resident_[core];
    const int i = slot_[chunk];
    list[i] = list.back();
    slot_[list[i]] = i;
    list.pop_back();
    slot_[chunk] = -1;
    s.core = -1;
    s.cache_group = -1;
    if (on_residency) on_residency(chunk, core, false);
    changed(core, now);
}

void MemoryManager::alloc_temp(int core, int64_t bytes, uint64_t now) {
    if (bytes == 0) return;
    used_[core] += bytes;
    if (used_[core] > capacity_) throw std::logic_error("SRAM over capacity");
    changed(core, now);
}

void MemoryManager::free_temp(int core, int64_t bytes, uint64_t now) {
    if (bytes == 0) return;
    used_[core] -= bytes;
    changed(core, now);
}

void MemoryManager::drop_cached_except(int core, int group, uint64_t now) {
    std::vector<int> victims;
    for (int c : resident_[core]) {
        const ChunkState& s = chunks_[c];
        if (s.cache_group >= 0 && s.cache_group != group && s.pins == 0) victims.push_back(c);
    }
    std::sort(victims.begin(), victims.end());
    for (int c : victims) drop(c, now);
}

void MemoryManager::release_if_done(int chunk, uint64_t now) {
    ChunkState& s = chunks_[chunk];
    if (s.core < 0 || s.pins > 0 || !s.complete() || s.writing) return;
    if (s.cache_group >= 0) { // a clean copy: kept while reads are to come (evictable)
        if (s.consumers_left == 0) drop(chunk, now);
        return;
    }
    const bool needed_here = s.local_left > 0;
    const bool safe = s.in_dram || !plan_.chunks[chunk].writeback;
    if (s.consumers_left == 0 && !plan_.chunks[chunk].writeback) {
        drop(chunk, now);
        return;
    }
    if (!needed_here && safe && (s.in_dram || s.consumers_left == 0)) drop(chunk, now);
}

} // namespace fusesim
