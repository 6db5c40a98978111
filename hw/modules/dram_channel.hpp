// One DRAM channel (accelerator.dram.channel0, ...): a SharedPort of the channel's bandwidth
// (every active part gets an equal share of the bytes per cycle, and completes `latency` cycles
// after its last byte), with an optional open-page row buffer. A
// part's work is in byte-equivalents:
//   work = bytes + misses × (miss − hit) × bytes_per_cycle
// so a row miss occupies the channel (miss − hit) cycles (activate and precharge: no data
// moves) and shares it like data; every part then waits latency + hit cycles. Which rows miss
// is decided when the part arrives (README "DRAM channels and row buffers"). Event-driven: one
// SC_METHOD wakes only when the next part completes, never per cycle.
#pragma once

#include "hw/modules/shared_port.hpp"

#include <cstdint>

namespace fusesim {

struct RowBufferSpec {
    int64_t row_bytes = 0; // 0: no row model
    uint64_t hit_cycles = 0;
    uint64_t miss_cycles = 0;
};

// Row-buffer counters of a channel: every row a part touches is one hit or one miss.
struct RowStats {
    uint64_t hits = 0;
    uint64_t misses = 0;
};

class DramChannel : public SharedPort {
  public:
    // bytes_per_cycle 0: unlimited (parts take only the latency, misses cost no time).
    DramChannel(sc_core::sc_module_name name, double bytes_per_cycle, uint64_t latency_cycles,
                const RowBufferSpec& rows);

    // Starts moving `bytes` at channel-local address `local` now; `done` runs when they have
    // arrived.
    void access(uint64_t local, int64_t bytes, Done done);

    // Statistics (SharedPort's): bytes (data only), busy cycles (a part active: data or row
    // misses), transfers (parts served), stall cycles (busy cycles shared by more than one part).
    const RowStats& rows() const { return rows_; }
    const BusyTrack* busy_track() const override { return &track(); }
    Counters counters() const override {
        return {{"row_hits", rows_.hits}, {"row_misses", rows_.misses}};
    }
    int64_t open_row() const { return open_row_; } // -1: none

  private:
    RowBufferSpec row_spec_;
    int64_t open_row_ = -1;
    RowStats rows_;

    uint64_t row_misses(uint64_t local, int64_t bytes);
};

} // namespace fusesim
