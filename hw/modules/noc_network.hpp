// A mesh or ring network on chip (README "Network on chip"): routers and links are SystemC
// modules (children of the module "noc") that own their statistics; one SC_METHOD of the
// network moves every transfer as a fluid flow over the links of its route. Rates are max-min
// fair (water-filling), recomputed only when a flow starts or ends, and the method wakes only at
// the next completion: never per packet or per cycle.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/module_stats.hpp"
#include "hw/modules/transfer_backend.hpp"
#include "hw/modules/vcd_writer.hpp"

#include <systemc>

#include <cstdint>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

class Noc;

// A router: bytes (on the wire, headers included) and transfers through it, busy cycles (a flow
// through it).
class NocRouter : public sc_core::sc_module, public StatsSource {
  public:
    explicit NocRouter(sc_core::sc_module_name name) : sc_module(name) {}
    const ModuleStats& stats() const override { return stats_; }

  private:
    friend class Noc;
    ModuleStats stats_;
    int flows_ = 0;
};

// A link from router `from` to router `to` (one direction): bytes on the wire, busy cycles (a
// flow on it), stall cycles (two or more flows on it: each runs below the link's bandwidth, its
// rate alone), transfers.
class NocLink : public sc_core::sc_module, public StatsSource {
  public:
    NocLink(sc_core::sc_module_name name, int from, int to) : sc_module(name), from(from), to(to) {}
    const ModuleStats& stats() const override { return stats_; }
    const BusyTrack* busy_track() const override { return &track_; }
    const int from, to;
    uint64_t bytes_in_flight() const { return in_flight_; }

  private:
    friend class Noc;
    ModuleStats stats_;
    BusyTrack track_;
    std::vector<int> flows_; // slots of the flows on it
    uint64_t in_flight_ = 0; // wire bytes of the flows on it
    double spare_ = 0;       // water-filling: capacity not yet given
    int unfixed_ = 0;        // water-filling: flows on it without a rate yet
    VcdWriter* vcd_ = nullptr;
    int vcd_id_ = -1;
};

class Noc : public sc_core::sc_module, public TransferBackend {
  public:
    // Routers router_<row>_<col> (mesh) or router_<i> (ring), links link_<from>_<to> (router
    // indices). `hw` must be valid (rows × cols = cores on a mesh; the config reader checks).
    Noc(sc_core::sc_module_name name, const HardwareSpec& hw);

    // Between cores (DRAM as an endpoint stands for the first DRAM router).
    void transfer(const Transfer& t, Done done) override;
    // `bytes` of payload from router `src` to router `dst`.
    void send(int src, int dst, int64_t bytes, Done done);
    // Per link: <module path without the top>.bytes (wire bytes of the flows on it).
    void trace(VcdWriter& vcd);

    std::vector<std::unique_ptr<NocRouter>> routers;
    std::vector<std::unique_ptr<NocLink>> links;
    NocLink* link(int from, int to) const; // nullptr when not adjacent
    const std::vector<int>& dram_routers() const { return dram_routers_; }

  private:
    struct Flow {
        std::vector<int> links, routers;
        double remaining = 0; // wire bytes still to leave the last link
        double rate = 0;      // bytes per cycle, max-min fair
        uint64_t wire = 0;
        uint64_t delay = 0; // after the last byte: hops × hop latency + latency + one packet
        uint64_t id = 0;
        bool fixed = false;
        Done done;
    };
    struct Delayed {
        uint64_t at, id;
        Done done;
    };
    struct Later {
        bool operator()(const Delayed& a, const Delayed& b) const {
            return a.at != b.at ? a.at > b.at : a.id > b.id;
        }
    };
    HardwareSpec hw_;
    std::vector<int> dram_routers_;
    std::vector<std::vector<int>> out_links_; // per router: links leaving it
    std::vector<Flow> flows_;                 // slots; active_ lists those in use
    std::vector<int> free_, active_, active_links_, active_routers_;
    std::priority_queue<Delayed, std::vector<Delayed>, Later> delayed_;
    uint64_t last_update_ = 0, next_id_ = 0;
    bool rates_stale_ = false; // a flow started: share_rates() before time moves on
    // The first cycle a flow can leave its last link at the current rates (they hold until a
    // flow starts or ends): a wake before it only delivers delayed completions, and leaves the
    // flow set as it is.
    uint64_t next_end_ = 0;
    sc_core::sc_event wake_;

    int link_index(int from, int to) const; // -1 when not adjacent
    void advance(uint64_t now);
    void share_rates(); // max-min fair rates of the active flows (water-filling)
    void remove_flow(int slot);
    void set_in_flight(NocLink& l, uint64_t now);
    void reschedule(uint64_t now, bool flows_changed);
    void wake_now(); // on_wake in the next delta cycle of this instant
    void on_wake();
};

} // namespace fusesim
