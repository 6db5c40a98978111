// One DRAM channel (accelerator.dram.channel0, ...): a processor-sharing server of the channel's
// bandwidth, like SharedPort (every active part gets an equal share of the bytes per cycle, and
// completes `latency` cycles after its last byte), with an optional open-page row buffer. A
// part's work is in byte-equivalents:
//   work = bytes + misses × (miss − hit) × bytes_per_cycle
// so a row miss occupies the channel (miss − hit) cycles (activate and precharge: no data
// moves) and shares it like data; every part then waits latency + hit cycles. Which rows miss
// is decided when the part arrives (README "DRAM channels and row buffers"). Event-driven: one
// SC_METHOD wakes only when the next part completes, never per cycle.
#pragma once

#include "hw/modules/module_stats.hpp"
#include "hw/modules/transfer_backend.hpp"
#include "hw/modules/vcd_writer.hpp"

#include <systemc>

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <vector>

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

class DramChannel : public sc_core::sc_module, public StatsSource {
  public:
    using Done = TransferBackend::Done;
    // bytes_per_cycle 0: unlimited (parts take only the latency, misses cost no time).
    DramChannel(sc_core::sc_module_name name, double bytes_per_cycle, uint64_t latency_cycles,
                const RowBufferSpec& rows);

    // Starts moving `bytes` at channel-local address `local` now; `done` runs when they have
    // arrived.
    void access(uint64_t local, int64_t bytes, Done done);

    // Statistics: bytes (data only), busy cycles (a part active: data or row misses), transfers
    // (parts served), stall cycles (busy cycles shared by more than one part).
    const ModuleStats& stats() const override { return stats_; }
    const RowStats& rows() const { return rows_; }
    const BusyTrack* busy_track() const override { return &track_; }
    Counters counters() const override {
        return {{"row_hits", rows_.hits}, {"row_misses", rows_.misses}};
    }
    int64_t bytes_in_flight() const { return in_flight_bytes_; }
    int64_t open_row() const { return open_row_; } // -1: none

    // Told when the channel becomes busy (true) or idle (false), and of every change of its
    // bytes in flight (the delta, 0 included), for the DRAM's totals.
    std::function<void(bool)> on_busy;
    std::function<void(int64_t)> on_in_flight;
    // Records the bytes in flight in `vcd` as the signal `name` from now on.
    void trace(VcdWriter& vcd, const std::string& name);

  private:
    struct Active {
        double remaining; // byte-equivalents
        int64_t bytes;
        uint64_t id;
        Done done;
    };
    struct Delayed {
        uint64_t at;
        uint64_t id;
        int64_t bytes;
        Done done;
    };
    double bytes_per_cycle_;
    uint64_t latency_;
    RowBufferSpec row_spec_;
    int64_t open_row_ = -1;
    std::vector<Active> active_;
    std::deque<Delayed> delayed_; // ordered by time (latency is the same for all)
    uint64_t last_update_ = 0;
    uint64_t next_id_ = 0;
    ModuleStats stats_;
    RowStats rows_;
    int64_t in_flight_bytes_ = 0;
    BusyTrack track_;
    sc_core::sc_event wake_;
    VcdWriter* vcd_ = nullptr;
    int vcd_id_ = -1;

    uint64_t row_misses(uint64_t local, int64_t bytes);
    void changed_in_flight(int64_t delta);
    void advance(uint64_t now);
    void reschedule(uint64_t now);
    void on_wake();
};

} // namespace fusesim
