// The on-chip memory manager: per-core SRAM occupancy, which chunks are resident where, pins
// held by tiles in flight, and eviction. Occupancy never exceeds capacity; the peak is exact.
// Plain C++ behind an acquire/release interface: the scheduler calls it at event times and
// reads chunk state, never changes it; occupancy and residency changes go to the recorder.
#pragma once

#include "sim/engine/recorder.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fusesim {

struct ChunkState {
    int core = -1;          // core whose SRAM holds it; -1: not on chip
    bool in_dram = false;   // a copy is in DRAM (external data, or written back)
    bool writing = false;   // write-back in flight
    int pins = 0;           // tiles in flight that use it
    int producers_left = 0; // tiles still to write it
    int consumers_left = 0; // tile reads still to come
    int local_left = 0;     // reads still to come from its own on-chip group
    bool evicted = false;   // was pushed out of SRAM while still needed (reads are refetches)
    int cache_group = -1;   // read from DRAM for this owner's tiles (TilePlan::cache_owner)
    bool complete() const { return producers_left == 0; }
};

class MemoryManager {
  public:
    MemoryManager(const TilePlan& plan, int64_t cores, int64_t capacity_bytes, Recorder& rec);

    int64_t capacity() const { return capacity_; }
    int64_t used(int core) const { return used_[core]; }
    int64_t peak(int core) const { return peak_[core]; }
    int64_t peak() const;
    const ChunkState& state(int chunk) const { return chunks_[chunk]; }
    // Whether `reader` may use chunk `c` where it sits in SRAM: produced in place and read on
    // chip by its own group, or a copy read from DRAM for the reader's cache owner.
    bool usable(int c, const Tile& reader) const {
        const ChunkState& s = chunks_[c];
        if (s.core < 0) return false;
        if (s.cache_group >= 0) return s.cache_group == plan_.cache_owner(reader);
        return plan_.read_on_chip(c, reader);
    }

    // Makes room for `bytes` on `core` by evicting unpinned chunks (never those in `keep`):
    // clean copies (also in DRAM) before dirty data, each in order of farthest next use. A dirty
    // chunk still needed is handed to `write_back` (its bytes leave SRAM with it). A prefetch
    // passes `may_write_back` false and `protect_before`: it may drop only clean copies not read
    // before that tile. False if the bytes cannot fit.
    bool make_room(int core, int64_t bytes, const std::vector<int>& keep,
                   const std::function<void(int chunk)>& write_back, uint64_t now,
                   bool may_write_back, int64_t protect_before = 0);
    // Issue position of the next tile that reads the chunk (INT64_MAX: none).
    int64_t next_use(int chunk) const;

    // Acquire: the output chunk a tile is about to produce becomes resident (allocates); a
    // whole chunk read from DRAM becomes a clean copy for `owner`'s tiles, pinned by the reader.
    void place(int chunk, int core, uint64_t now);
    void place_copy(int chunk, int core, int owner, uint64_t now);
    void alloc_temp(int core, int64_t bytes, uint64_t now);
    void free_temp(int core, int64_t bytes, uint64_t now);
    // A tile in flight holds the chunk (it cannot be evicted) until it releases it.
    void acquire(int chunk) { ++chunks_[chunk].pins; }
    // A tile is done with an input: unpinned if it held it, one read fewer to come.
    void release_read(int chunk, const Tile& reader, bool pinned) {
        ChunkState& s = chunks_[chunk];
        if (pinned) --s.pins;
        --s.consumers_left;
        if (plan_.read_on_chip(chunk, reader)) --s.local_left;
    }
    // A tile is done with its output: unpinned; true once all of the chunk's producers are.
    bool release_write(int chunk) {
        ChunkState& s = chunks_[chunk];
        --s.pins;
        return --s.producers_left == 0;
    }
    // Write-backs: a chunk's bytes leaving with an eviction are in DRAM from the write's issue
    // on; a write-back of a resident chunk keeps it in SRAM until the write ends.
    void evicted_to_dram(int chunk) { chunks_[chunk].in_dram = true; }
    void write_started(int chunk) { chunks_[chunk].writing = true; }
    void write_done(int chunk) {
        chunks_[chunk].writing = false;
        chunks_[chunk].in_dram = true;
    }

    // A chunk no longer needed on chip is dropped: no reads to come (or none from its group)
    // and safe in DRAM or never needed there.
    void release_if_done(int chunk, uint64_t now);
    // Drops unpinned copies read from DRAM for other groups: they serve no one any more.
    void drop_cached_except(int core, int group, uint64_t now);

    // The group whose tile a core is computing: occupancy peaks are also kept per group.
    void set_group(int core, int group) { group_of_core_[core] = group; }
    int64_t group_peak(int group) const { return group_peak_[group]; }

    int64_t evicted_bytes() const { return evicted_bytes_; }
    uint64_t evictions() const { return evictions_; }

  private:
    const TilePlan& plan_;
    Recorder& rec_;
    int64_t capacity_;
    std::vector<ChunkState> chunks_;
    std::vector<int64_t> used_, peak_;
    std::vector<std::vector<int>> resident_; // per core, unordered
    std::vector<int> slot_;                  // index of a chunk in resident_[core]
    std::vector<int> group_of_core_;
    std::vector<int64_t> group_peak_;
    int64_t evicted_bytes_ = 0;
    uint64_t evictions_ = 0;
    void drop(int chunk, uint64_t now); // chunk leaves SRAM (frees)
    void changed(int core, uint64_t now);
};

} // namespace fusesim
