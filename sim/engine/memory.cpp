#include "sim/engine/memory.hpp"

#include <algorithm>
#include <stdexcept>
#include <tuple>

namespace fusesim {

MemoryManager::MemoryManager(const TilePlan& plan, int64_t cores, int64_t capacity_bytes,
                             Recorder& rec)
    : plan_(plan), rec_(rec), capacity_(capacity_bytes), chunks_(plan.chunks.size()),
      used_(cores, 0), peak_(cores, 0), resident_(cores), slot_(plan.chunks.size(), -1),
      group_of_core_(cores, -1), group_peak_(plan.groups.size(), 0) {
    for (size_t c = 0; c < plan.chunks.size(); ++c) {
        const Chunk& ch = plan.chunks[c];
        chunks_[c].producers_left = ch.producer_tiles;
        chunks_[c].consumers_left = ch.consumers;
        chunks_[c].in_dram = ch.producer_op < 0;
    }
    // Reads from the chunk's own on-chip group keep it resident.
    for (const Tile& t : plan.tiles)
        for (uint32_t r = t.in_begin; r < t.in_end; ++r)
            if (plan.read_on_chip(plan.inputs[r].chunk, t))
                ++chunks_[plan.inputs[r].chunk].local_left;
}

int64_t MemoryManager::next_use(int chunk) const {
    const ChunkState& s = chunks_[chunk];
    if (s.consumers_left <= 0) return INT64_MAX;
    const int done = plan_.chunks[chunk].consumers - s.consumers_left;
    return plan_.readers.begin(chunk)[done];
}

int64_t MemoryManager::peak() const {
    return *std::max_element(peak_.begin(), peak_.end());
}

void MemoryManager::changed(int core, uint64_t now) {
    peak_[core] = std::max(peak_[core], used_[core]);
    if (group_of_core_[core] >= 0)
        group_peak_[group_of_core_[core]] =
            std::max(group_peak_[group_of_core_[core]], used_[core]);
    rec_.occupancy(core, used_[core], now);
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
    rec_.residency(chunk, core, true, now);
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
    rec_.residency(chunk, core, false, now);
    changed(core, now);
}

void MemoryManager::place_copy(int chunk, int core, int owner, uint64_t now) {
    place(chunk, core, now);
    chunks_[chunk].cache_group = owner;
    ++chunks_[chunk].pins;
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
