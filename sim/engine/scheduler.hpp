// The scheduler: a SystemC module that issues the tiles of a plan to the cores in the plan's
// priority order. Per core: fetch the next tile's inputs over the DRAM port (or the interconnect)
// while the current tile computes (prefetch depth tiles ahead, bounded by SRAM), compute, write
// outputs back. It wakes only on completions (no clock, no per-cycle process).
#pragma once

#include "hw/modules/accelerator.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/timing.hpp"

#include <systemc>

#include <deque>
#include <memory>
#include <queue>
#include <vector>

namespace fusesim {

class Scheduler : public sc_core::sc_module {
  public:
    Scheduler(sc_core::sc_module_name name, Accelerator& accelerator, const Workload& w,
              const HardwareSpec& hw, const TilePlan& plan, const MappingSpec& mapping,
              const SimOptions& options);
    ~Scheduler() override;

    // After sc_start: all tiles done, or a description of what is stuck.
    bool finished() const { return done_ == plan_.tiles.size(); }
    std::string stuck_report() const;
    TimingResult result() const;

  private:
    struct CoreState {
        std::vector<int> queue; // tile indices in issue order
        size_t next = 0;        // next tile to fetch
        int in_flight = 0;      // fetching or fetched, not yet computing
        std::deque<int> ready;  // fetched, in order
        int computing = -1;
        uint64_t busy = 0;
        double useful = 0;
        // Why the core's next step cannot happen (for the stuck report), filled where it fails.
        struct Block {
            enum Kind { None, Waiting, Inputs, ReadBack, Output } kind = None;
            int tile = -1;
            int64_t bytes = 0; // SRAM it asked for, or chunks it waits for
            int64_t used = 0;  // SRAM in use then
        } block;
        int owner = -1;            // cache owner of the latest tile fetched (see cache_owner)
        uint64_t idle_since = 0;   // while idle: since when, and what holds it
        bool sram_blocked = false; // the next fetch was refused SRAM at least once
        char idle_kind = 'd';      // what blocked the next fetch: m SRAM, d dependency
    };

    const Workload& w_;
    const HardwareSpec& hw_;
    const TilePlan& plan_;
    SimOptions options_;
    Accelerator& hw_top_; // the cores, DRAM port and links this scheduler drives
    SharedPort* dram_;
    std::vector<SpatialMapping> spatial_;
    MemoryManager mem_;
    std::vector<CoreState> cores_;
    std::vector<int> waiting_;          // per tile: input chunks not complete yet
    std::vector<int64_t> temp_;         // per tile: temporary SRAM bytes (refetched slices)
    std::vector<int> pending_;          // per tile: transfers still to arrive
    std::vector<uint64_t> fetch_start_; // per tile
    std::vector<char> sram_blocked_;    // per tile: its fetch waited for SRAM to free up
    std::vector<char> refetching_;      // per tile: inputs read back before it can compute
    std::vector<int64_t> reserve_;      // per tile: room kept for its output until it computes
    std::vector<int64_t> reserved_;     // per core: sum of reserve_ of its fetched tiles
    // Per input ref: 1 the tile holds a pin on the chunk; kResidentAtFetch it was in SRAM when
    // the tile was fetched (pinned when it starts computing); 0 otherwise (temporary copy).
    static constexpr char kResidentAtFetch = 2;
    std::vector<char> ref_pinned_;
    std::vector<uint32_t> consumer_begin_; // chunk → consumer tiles (CSR)
    std::vector<int> consumer_tiles_;
    std::vector<OpStats> stats_;
    std::vector<GroupStats> group_stats_;
    std::vector<TimelineSlice> timeline_;
    std::vector<size_t> last_slice_; // per core: its latest timeline slice
    bool timeline_truncated_ = false;
    int64_t refetched_ = 0, dram_read_ = 0, dram_write_ = 0;
    size_t done_ = 0;
    uint64_t end_ = 0;
    uint64_t wakeups_ = 0;
    std::vector<char> dirty_;
    std::vector<int> dirty_list_;
    sc_core::sc_event kick_event_;

    // Lifetime recording (SimOptions::lifetime_group): residency intervals of layer-0 chunks.
    std::vector<uint64_t> placed_at_;
    std::vector<Lifetime> lifetimes_;
    uint64_t window_from_ = UINT64_MAX, window_to_ = 0;
    bool in_window(const Tile& t) const;

    void on_event();
    void kick(int core);
    void progress(int core);
    bool start_fetch(int tile);
    bool usable(int chunk, const Tile& tile) const;
    int cache_owner(const Tile& tile) const;
    bool usable_remote(int chunk, const Tile& tile) const;
    void fetch_arrived(int tile);
    bool start_compute(int core);
    void compute_done(int core);
    void write_back(int chunk, int op, bool eviction);
    void chunk_complete(int chunk);
};

} // namespace fusesim
