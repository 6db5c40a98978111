// A port of limited bandwidth shared by concurrent transfers (the off-chip DRAM port, a shared
// bus): every active transfer gets an equal share of the bytes per cycle (processor sharing), and
// each completes `latency` cycles after its last byte. Event-driven: one SC_METHOD wakes only
// when the next transfer completes, never per cycle. Equal shares mean every active transfer has
// received the same work since it started, so one counter of work served stands for all of them
// and a transfer ends when it reaches the transfer's start value + its work: a heap by that end
// gives the next completion in O(log n), whatever the number of transfers in flight.
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

class SharedPort : public sc_core::sc_module, public MeteredBackend {
  public:
    // bytes_per_cycle 0: unlimited (transfers take only the latency).
    SharedPort(sc_core::sc_module_name name, double bytes_per_cycle, uint64_t latency_cycles);

    // Starts moving `bytes` now; `done` runs (inside the simulation) when it has arrived.
    void transfer(int64_t bytes, Done done) {
        transfer_work(bytes, static_cast<double>(bytes), std::move(done));
    }
    // The same, occupying the port for `work` byte-equivalents (a DRAM channel's row misses
    // occupy it without moving data); `bytes` is what it moves.
    void transfer_work(int64_t bytes, double work, Done done);
    // The backend interface: one port carries every transfer, whatever its endpoints.
    void transfer(const Transfer& t, Done done) override;
    const ModuleStats& stats() const override { return stats_; }

    int64_t bytes_in_flight() const { return in_flight_bytes_; }
    uint64_t transfers() const { return stats_.transfers; }
    uint64_t busy_cycles() const { return stats_.busy_cycles; } // cycles with a transfer
    // Records the bytes in flight in `vcd` as the signal `name` from now on.
    void trace(VcdWriter& vcd, const std::string& name);
    // Told when the port becomes busy (true) or idle (false), and of every change of its bytes
    // in flight (the delta, 0 included): for the totals of a module made of several ports.
    std::function<void(bool)> on_busy;
    std::function<void(int64_t)> on_in_flight;

  protected:
    bool idle() const { return active_.empty(); }
    double bytes_per_cycle() const { return bytes_per_cycle_; }
    const BusyTrack& track() const { return track_; }

  private:
    struct Active {
        double end; // byte-equivalents: it is done when served_ reaches this
        int64_t bytes;
        uint64_t id;
        Done done;
    };
    struct EndsLater {
        bool operator()(const Active& a, const Active& b) const {
            return a.end != b.end ? a.end > b.end : a.id > b.id;
        }
    };
    struct Delayed {
        uint64_t at;
        uint64_t id;
        int64_t bytes;
        Done done;
    };
    double bytes_per_cycle_;
    uint64_t latency_;
    std::vector<Active> active_;    // a min-heap by end (EndsLater)
    std::vector<Active> ended_;     // on_wake's scratch: those that left the heap now
    double served_ = 0;             // work each active transfer has received (since a rebase)
    std::deque<Delayed> delayed_;   // ordered by time (latency is the same for all)
    std::vector<Delayed> finished_; // on_wake's scratch: completions due now
    uint64_t last_update_ = 0;
    uint64_t next_id_ = 0;
    ModuleStats stats_;
    int64_t in_flight_bytes_ = 0;
    BusyTrack track_;
    sc_core::sc_event wake_;
    VcdWriter* vcd_ = nullptr;
    int vcd_id_ = -1;
    void changed_in_flight(int64_t delta);

    void advance(uint64_t now);
    void reschedule(uint64_t now);
    void on_wake();
};

// Current simulation time in cycles (the kernel counts 1 ns per cycle; see README).
uint64_t now_cycles();
sc_core::sc_time cycles_to_time(uint64_t cycles);

} // namespace fusesim
