// The scheduler: a SystemC module that issues the tiles of a plan to the cores in the plan's
// priority order. Per core: fetch the next tile's inputs over the DRAM port (or the interconnect)
// while the current tile computes (prefetch depth tiles ahead, bounded by SRAM), compute, write
// outputs back. It wakes only on completions (no clock, no per-cycle process). It only
// schedules: chunk state lives in the memory manager, statistics in the recorder.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/cost/noc_route.hpp"
#include "hw/modules/accelerator.hpp"
#include "sim/engine/dram_address.hpp"
#include "sim/engine/memory.hpp"
#include "sim/engine/recorder.hpp"
#include "sim/engine/streaming.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim/engine/timing_result.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <systemc>

#include <deque>
#include <memory>
#include <queue>
#include <vector>

namespace fusesim {

class Scheduler : public sc_core::sc_module {
  public:
    Scheduler(sc_core::sc_module_name name, Accelerator& accelerator, const Workload& w,
              const HardwareSpec& hw, const TilePlan& plan, const SimOptions& options);
    ~Scheduler() override;

    // After sc_start: all tiles done, or a description of what is stuck.
    bool finished() const { return done_ == plan_.tiles.size(); }
    std::string stuck_report() const;
    TimingResult result() const;

  private:
    struct CoreState {
        std::vector<int> queue; // tile indices in issue order
        size_t next = 0;        // first tile (queue position) whose fetch is not issued
        size_t compute_pos = 0; // queue position of the next tile to compute
        int in_flight = 0;      // fetching or fetched, not yet computing
        int fetches = 0;        // ... of those, the ones that move data (the prefetch depth)
        std::deque<int> ready;  // fetched, in order
        int computing = -1;
        int parts_left = 0; // of the computing tile: its compute, and its streams in and out
        // Why the core's next step cannot happen (for the stuck report), filled where it fails.
        struct Block {
            enum Kind { None, Waiting, Inputs, ReadBack, Output } kind = None;
            int tile = -1;
            int64_t bytes = 0; // SRAM it asked for, or chunks it waits for
            int64_t used = 0;  // SRAM in use then
        } block;
        int owner = -1;            // cache owner of the latest tile fetched
        uint64_t idle_since = 0;   // while idle: since when, and what holds it
        bool sram_blocked = false; // the next fetch was refused SRAM at least once
        Recorder::Idle idle_kind = Recorder::Idle::Dependency; // what blocked the next fetch
    };

    const Workload& w_;
    const HardwareSpec& hw_;
    const HopCount hops_; // links between two cores (for the interconnect's energy)
    const TilePlan& plan_;
    SimOptions options_;
    Accelerator& hw_top_;  // the cores, DRAM port and interconnect this scheduler drives
    MeteredBackend* dram_; // the DRAM port (a TransferBackend; its busy cycles are reported)
    StreamPlan streams_;   // operands too large for SRAM, read and written as they are used
    DramAddressMap addr_;  // where every chunk lives in DRAM (the address of its transfers)
    Recorder rec_;
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
    std::vector<char> fetched_;  // per tile: its fetch was issued
    std::vector<char> moves_;    // per tile: its fetch moved data (it holds a prefetch slot)
    std::vector<char> noc_last_; // per tile: the last part of its fetch came over the interconnect
    size_t done_ = 0;
    uint64_t wakeups_ = 0;
    std::vector<char> dirty_;
    std::vector<int> dirty_list_;
    // Scratch, reused so that no event allocates: on_event's list of cores; start_fetch's chunks
    // to keep and the tiles it skips (it never runs inside itself: kick() defers progress).
    std::vector<int> progress_list_, fetch_keep_;
    std::vector<std::pair<int, int64_t>> fetch_skipped_;
    sc_core::sc_event kick_event_;
    TileCoster coster_; // tile cycles, the SRAM bank time cached per operand signature

    void on_event();
    void kick(int core);
    void progress(int core);
    bool fetch_one(int core);
    int64_t room_for(int tile) const;
    // `ahead_of`: the queue position of a fetch ahead of tiles still waiting (0: in order).
    bool start_fetch(int tile, size_t ahead_of);
    bool usable_remote(int chunk, const Tile& tile) const;
    void fetch_arrived(int tile, bool from_noc = false);
    bool start_compute(int core);
    void part_done(int core);
    void compute_done(int core);
    void write_back(int chunk, bool eviction);
    void chunk_complete(int chunk);
};

} // namespace fusesim
