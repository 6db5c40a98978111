// Statistics owned by the module that measures them (in the manner of DRAMSys statistics
// groups): each SystemC module that moves or computes keeps one ModuleStats, and whoever needs
// them gathers them from the module tree instead of counting on the module's behalf.
#pragma once

#include "hw/modules/busy_track.hpp"

#include <systemc>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

struct ModuleStats {
    uint64_t bytes = 0;        // bytes moved (ports) or 0 (cores)
    uint64_t busy_cycles = 0;  // cycles with work under way
    uint64_t transfers = 0;    // transfers started (ports) or tiles computed (cores)
    uint64_t stall_cycles = 0; // ports: busy cycles shared by more than one transfer
};

// Implemented by every module that keeps statistics.
class StatsSource {
  public:
    virtual ~StatsSource() = default;
    virtual const ModuleStats& stats() const = 0;
    // Further counters of this kind of module, by name (a core's stall cycles by cause, a DRAM
    // channel's row-buffer hits): reported beside the common ones.
    using Counters = std::vector<std::pair<std::string, uint64_t>>;
    virtual Counters counters() const { return {}; }
    // Its busy intervals, for a track in timeline.json (links and DRAM channels), or none.
    virtual const BusyTrack* busy_track() const { return nullptr; }
};

struct NamedStats {
    std::string module; // hierarchical SystemC name: accelerator.dram
    ModuleStats stats;
    StatsSource::Counters counters;
    std::vector<BusyTrack::Interval> busy; // busy_track()'s intervals
    uint64_t busy_merge_gap = 0;
};

// The statistics of `root` and of every module below it, depth first in creation order (the
// order is that of elaboration, so the same hardware gives the same list).
std::vector<NamedStats> gather_stats(const sc_core::sc_object& root);

} // namespace fusesim
