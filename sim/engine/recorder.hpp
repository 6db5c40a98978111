// The recorder: observes what the scheduler and the memory manager do (fetches, tile starts and
// ends, stalls with their cause, DRAM writes, SRAM occupancy and residency changes) and keeps
// the statistics of a run: per-operator and per-group counts, stall causes, the timeline, the
// occupancy samples and the lifetime chart. The scheduler only schedules. The hot-path
// observers are inline and allocate nothing beyond the timeline and samples they keep.
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/engine/timing_result.hpp"
#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

namespace fusesim {

class Recorder {
  public:
    Recorder(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
             const SimOptions& options);

    // What held a core before a tile, as the scheduler saw it.
    enum class Idle : char { Dependency, Memory };

    // A tile's fetch was issued at `now`; `dram_bytes` of it come from DRAM, `noc_bytes` from
    // another core over the interconnect, crossing `hops` links.
    void fetch_started(const Tile& t, uint64_t now, int64_t dram_bytes, int64_t noc_bytes,
                       int hops) {
        noc_ += noc_bytes;
        noc_byte_hops_ += noc_bytes * hops;
        OpStats& st = ops_[t.op];
        if (t.layer == 0) {
            st.first_start = std::min(st.first_start, now);
            groups_[t.group].first_start = std::min(groups_[t.group].first_start, now);
        }
        st.read_bytes += dram_bytes;
        dram_read_ += dram_bytes;
    }
    // Inputs read back from DRAM before the tile can compute (they made way after its fetch).
    void read_back(const Tile& t, int64_t bytes) {
        ops_[t.op].read_bytes += bytes;
        dram_read_ += bytes;
    }
    // Weight bytes a tile reads from DRAM (fetched, read back or streamed; in the totals too).
    void weight_read(const Tile& t, int64_t bytes) { groups_[t.group].weight_read_bytes += bytes; }
    // Bytes of an evicted chunk read from DRAM again.
    void refetched(const Tile& t, int64_t bytes) {
        refetched_ += bytes;
        groups_[t.group].refetched_bytes += bytes;
    }
    // A tile streams `in` bytes from DRAM and `out` bytes to DRAM while it computes.
    void streamed(const Tile& t, int64_t in, int64_t out) {
        if (in == 0 && out == 0) return;
        ops_[t.op].read_bytes += in;
        ops_[t.op].write_bytes += out;
        dram_read_ += in;
        dram_write_ += out;
        groups_[t.group].streamed_bytes += in + out;
        streamed_read_ += in;
        streamed_write_ += out;
        ++streamed_tiles_;
    }
    // A tile's array reads `in` operand bytes from SRAM and writes `out` (streamed ones aside).
    void operands(int64_t in, int64_t out) {
        sram_operand_read_ += in;
        sram_operand_write_ += out;
    }
    // Tile `tile` starts computing on `core` at `now` for `cycles`; its fetch began at
    // `fetch_start`, the core was idle since `idle_since` (held by `idle` until the fetch
    // began, and after it by SRAM if `sram_blocked`, else by the fetch). Returns that idle time
    // by cause (any layer), for the core's own statistics; a wait for the fetch counts for the
    // interconnect if the last of its bytes to arrive came from another core (`noc_last`).
    struct IdleSplit {
        uint64_t dram = 0, noc = 0, memory = 0, dependency = 0;
    };
    IdleSplit compute_started(int tile, int core, uint64_t now, uint64_t cycles,
                              uint64_t fetch_start, uint64_t idle_since, Idle idle,
                              bool sram_blocked, bool noc_last);
    // Of the cycles a tile computes on `core`, `stall` wait for its SRAM banks, `conflict` of
    // them from bank conflicts.
    void sram_banks(const Tile& t, int core, uint64_t stall, uint64_t conflict) {
        if (stall == 0) return;
        core_sram_stall_[core] += stall;
        core_sram_conflict_[core] += conflict;
        ops_[t.op].sram_stall_cycles += stall;
        ops_[t.op].sram_conflict_cycles += conflict;
        if (t.layer == 0) {
            groups_[t.group].stall_sram_bank += stall;
            groups_[t.group].stall_sram_conflict += conflict;
        }
    }
    void compute_done(const Tile& t, uint64_t now) {
        end_ = std::max(end_, now);
        if (t.layer == 0) {
            ops_[t.op].last_end = std::max(ops_[t.op].last_end, now);
            groups_[t.group].last_end = std::max(groups_[t.group].last_end, now);
        }
    }
    // A chunk's write to DRAM is issued (an eviction, or its write-back).
    void write_issued(int chunk, bool eviction) {
        const Chunk& ch = plan_.chunks[chunk];
        dram_write_ += ch.bytes;
        ops_[ch.producer_op].write_bytes += ch.bytes;
        if (eviction) groups_[ch.group].evicted_bytes += ch.bytes;
    }
    // ... and has arrived at `now`; the group's end counts write-backs only.
    void write_arrived(int chunk, bool eviction, uint64_t now) {
        const Chunk& ch = plan_.chunks[chunk];
        if (ch.layer == 0) {
            ops_[ch.producer_op].last_end = std::max(ops_[ch.producer_op].last_end, now);
            if (!eviction) groups_[ch.group].last_end = std::max(groups_[ch.group].last_end, now);
        }
        end_ = std::max(end_, now);
    }
    // SRAM occupancy of `core` changed to `bytes` at `now`.
    void occupancy(int core, int64_t bytes, uint64_t now);
    // Chunk `chunk` entered (true) or left (false) the SRAM of `core` at `now`.
    void residency(int chunk, int core, bool placed, uint64_t now) {
        if (!lifetimes_on_ || plan_.chunks[chunk].layer != 0) return;
        if (placed)
            placed_at_[chunk] = now;
        else
            left(chunk, core, now);
    }
    // Called at every occupancy change (the VCD's SRAM signals).
    std::function<void(int core, int64_t bytes)> on_occupancy;

    uint64_t end() const { return end_; }
    // The recorded statistics (the fields the memory manager and the hardware do not own).
    void fill(TimingResult& r) const;

  private:
    const Workload& w_;
    const HardwareSpec& hw_;
    const TilePlan& plan_;
    const SimOptions& options_;
    std::vector<OpStats> ops_;
    std::vector<GroupStats> groups_;
    std::vector<double> core_useful_;
    std::vector<uint64_t> core_sram_stall_, core_sram_conflict_;
    int64_t refetched_ = 0, dram_read_ = 0, dram_write_ = 0;
    int64_t streamed_read_ = 0, streamed_write_ = 0;
    int64_t noc_ = 0, noc_byte_hops_ = 0, sram_operand_read_ = 0, sram_operand_write_ = 0;
    uint64_t streamed_tiles_ = 0;
    uint64_t end_ = 0;
    std::vector<TimelineSlice> timeline_;
    std::vector<size_t> last_slice_; // per core: its latest timeline slice
    TimelineLevel level_ = TimelineLevel::Tiles;
    uint64_t timeline_tiles_ = 0;
    // Whether `next` (on the same core, later) merges into `last` at the current level.
    bool same_slice(const TimelineSlice& last, const TimelineSlice& next) const;
    void add_slice(const TimelineSlice& s);
    void coarsen_timeline(); // one level coarser, merging the slices kept so far
    // Occupancy over time: every change, or for long runs the largest value per interval.
    std::vector<OccupancySample> samples_;
    static constexpr size_t kExactSamples = 1 << 20;
    uint64_t bucket_ = 0;             // 0: exact samples; else interval width in cycles
    std::vector<size_t> last_sample_; // per core: its latest sample (interval mode)
    void coarsen(uint64_t now);
    // Lifetimes (SimOptions::lifetime_group): residency intervals of layer-0 chunks.
    bool lifetimes_on_;
    std::vector<uint64_t> placed_at_;
    std::vector<Lifetime> lifetimes_;
    uint64_t window_from_ = UINT64_MAX, window_to_ = 0;
    bool in_window(const Tile& t) const;
    void left(int chunk, int core, uint64_t now);
};

} // namespace fusesim
