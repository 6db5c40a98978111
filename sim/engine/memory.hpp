// The on-chip memory manager: per-core SRAM occupancy, which chunks are resident where, pins
// held by tiles in flight, and eviction. Occupancy never exceeds capacity; the peak is exact.
// Plain C++: the scheduler calls it at event times.
#pragma once

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
    int cache_group =
        -1; // read from DRAM for this owner's tiles (see Scheduler); -1: produced here
    bool complete() const { return producers_left == 0; }
};

struct OccupancySample {
    uint64_t cycle;
    int core;
    int64_t bytes;
};

class MemoryManager {
  public:
    MemoryManager(const TilePlan& plan, int64_t cores, int64_t capacity_bytes);

    int64_t capacity() const { return capacity_; }
    int64_t used(int core) const { return used_[core]; }
    int64_t peak(int core) const { return peak_[core]; }
    int64_t peak() const;
    ChunkState& state(int chunk) { return chunks_[chunk]; }
    const ChunkState& state(int chunk) const { return chunks_[chunk]; }

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

    void place(int chunk, int core, uint64_t now); // chunk becomes resident (allocates)
    void drop(int chunk, uint64_t now);            // chunk leaves SRAM (frees)
    void alloc_temp(int core, int64_t bytes, uint64_t now);
    void free_temp(int core, int64_t bytes, uint64_t now);

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
    // Occupancy over time: every change, or for long runs the largest value per interval.
    const std::vector<OccupancySample>& samples() const { return samples_; }
    // Called at every occupancy change (for the VCD signals).
    std::function<void(int core, int64_t bytes)> on_change;
    // Called when a chunk enters (true) or leaves (false) SRAM (for lifetime charts).
    std::function<void(int chunk, int core, bool placed)> on_residency;

  private:
    const TilePlan& plan_;
    int64_t capacity_;
    std::vector<ChunkState> chunks_;
    std::vector<int64_t> used_, peak_;
    std::vector<std::vector<int>> resident_; // per core, unordered
    std::vector<int> slot_;                  // index of a chunk in resident_[core]
    std::vector<int> group_of_core_;
    std::vector<uint32_t> readers_begin_; // chunk → reading tiles in issue order (CSR)
    std::vector<int> readers_;
    std::vector<int64_t> group_peak_;
    int64_t evicted_bytes_ = 0;
    uint64_t evictions_ = 0;
    std::vector<OccupancySample> samples_;
    static constexpr size_t kExactSamples = 1 << 20;
    uint64_t bucket_ = 0;             // 0: exact samples; else interval width in cycles
    std::vector<size_t> last_sample_; // per core: its latest sample (interval mode)
    void coarsen(uint64_t now);
    void changed(int core, uint64_t now);
};

} // namespace fusesim
