// A mesh or ring network on chip (README "Network on chip"): routers and links are SystemC
// modules (children of the module "noc") that own their statistics; one SC_METHOD of the
// network wakes only at the next completion, never per packet or per cycle. Two arbitrations:
// - `fair`: every transfer is a fluid flow over the links of its route, at max-min fair rates
//   (water-filling), recomputed when a flow starts or ends: O(flows in flight) per change;
// - `fifo`: a link carries one transfer at a time, in the order they were requested; each
//   transfer reserves the links of its route when it starts (noc_fifo.cpp): O(hops) per
//   transfer, whatever is in flight.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/completion_queue.hpp"
#include "hw/modules/module_stats.hpp"
#include "hw/modules/stay_union.hpp"
#include "hw/modules/transfer_backend.hpp"
#include "hw/modules/vcd_writer.hpp"

#include <systemc>

#include <cstdint>
#include <functional>
#include <limits>
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
    NocRouter(sc_core::sc_module_name name, const uint64_t& clock, Noc& noc)
        : sc_module(name), clock_(clock), noc_(noc) {}
    const ModuleStats& stats() const override;

  private:
    friend class Noc;
    ModuleStats stats_;
    mutable ModuleStats shown_; // stats_ with the busy time since since_ (up to the clock)
    const uint64_t& clock_;     // the network's time of its latest advance
    Noc& noc_;                  // which adds its routes' bytes and transfers (settle_counts)
    int flows_ = 0;
    uint64_t since_ = 0; // busy time is counted up to here (lazily: at flow starts and ends)
    int index_ = 0;      // fifo: its busy time is Noc::stays_.busy(index_)
};

// A link from router `from` to router `to` (one direction): bytes on the wire, busy cycles (a
// flow on it), stall cycles (two or more flows on it: each runs below the link's bandwidth, its
// rate alone), transfers.
class NocLink : public sc_core::sc_module, public StatsSource {
  public:
    NocLink(sc_core::sc_module_name name, int from, int to, const uint64_t& clock, Noc& noc)
        : sc_module(name), from(from), to(to), clock_(clock), noc_(noc) {}
    const ModuleStats& stats() const override;
    const BusyTrack* busy_track() const override { return &track_; }
    const int from, to;
    uint64_t bytes_in_flight() const { return in_flight_; }

  private:
    friend class Noc;
    ModuleStats stats_;
    mutable ModuleStats shown_; // stats_ with the busy and stall time since since_
    const uint64_t& clock_;     // the network's time of its latest advance
    Noc& noc_;
    BusyTrack track_;
    std::vector<int> flows_; // slots of the flows on it, in no particular order
    uint64_t in_flight_ = 0; // wire bytes of the flows on it
    uint64_t since_ = 0;     // busy and stall time is counted up to here (at flow starts, ends)
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
    // fifo: whether links record their busy intervals (busy_track(), for the timeline).
    void keep_busy_tracks(bool keep) { keep_tracks_ = keep; }

    std::vector<std::unique_ptr<NocRouter>> routers;
    std::vector<std::unique_ptr<NocLink>> links;
    NocLink* link(int from, int to) const; // nullptr when not adjacent
    const std::vector<int>& dram_routers() const { return dram_routers_; }

  private:
    // The routers and links from one router to another, computed once per pair used: its
    // hops + 1 routers then its hops links, at `at` in hops_ (one contiguous run, so a booking
    // streams through it). Its transfers' counts are kept here and added to its routers and
    // links when statistics are read (settle_counts): one update per transfer, not per hop.
    struct Route {
        size_t at = 0;
        size_t hops = 0;
        uint64_t transfers = 0, wire = 0; // wire bytes
        uint64_t booked = 0;              // fifo: cycles booked on each of its links
    };
    // fifo, per link: the end of its last booking, of the last wait for it, and the cycles in
    // which a transfer waited for it (flat, so that a booking touches little memory).
    struct Booking {
        uint64_t free_at = 0, waited_until = 0, stall = 0;
    };
    struct Flow {
        int route = -1;       // in routes_
        std::vector<int> pos; // per link of the route: the flow's index in that link's flows_
        int active_pos = -1;  // its index in active_
        double remaining = 0; // wire bytes still to leave the last link
        double rate = 0;      // bytes per cycle, max-min fair
        uint64_t wire = 0;
        uint64_t delay = 0; // after the last byte: hops × hop latency + latency + one packet
        uint64_t id = 0;
        bool fixed = false;
        Done done;
    };
    // fifo: a link's traced value from a cycle on, written when the network reaches it.
    struct TraceChange {
        uint64_t at, seq;
        int link;
        uint64_t value;
        bool operator>(const TraceChange& o) const { return at != o.at ? at > o.at : seq > o.seq; }
    };
    HardwareSpec hw_;
    std::vector<int> dram_routers_;
    std::vector<std::vector<int>> out_links_; // per router: links leaving it
    // The routes used, in order of first use; route_of_ maps src × routers + dst to one of
    // them (-1: not used yet): 4 bytes per pair instead of a Route.
    std::vector<Route> routes_;
    std::vector<int> route_of_;
    std::vector<int> hops_;         // the routes' routers and links
    std::vector<int> path_;         // route()'s scratch
    std::vector<Booking> bookings_; // fifo: per link
    bool counts_stale_ = false;     // routes or bookings hold counts not settled
    StayUnion stays_;               // fifo: per router, its transfers' stays
    std::vector<Flow> flows_;       // slots; active_ lists those in use
    // active_ in no particular order; active_links_ in the order the links got their first
    // flow (the water-filling's order of ties).
    std::vector<int> free_, active_, active_links_;
    // Water-filling, per link: capacity not yet given, flows without a rate yet; and the links
    // still with such flows.
    std::vector<double> spare_;
    std::vector<int> unfixed_, open_links_;
    std::vector<int> finished_; // on_wake's scratch: flows that left their last link
    std::vector<Done> arrived_; // on_wake's scratch: completions due now
    CompletionQueue delayed_;   // after the last byte: the delay, then the callback
    uint64_t last_update_ = 0, next_id_ = 0;
    bool rates_stale_ = false; // a flow started: share_rates() before time moves on
    // The first cycle a flow can leave its last link at the current rates (they hold until a
    // flow starts or ends): a wake before it only delivers delayed completions, and leaves the
    // flow set as it is.
    uint64_t next_end_ = 0;
    sc_core::sc_event wake_;
    bool fifo_ = false;
    bool keep_tracks_ = true, traced_ = false;
    std::priority_queue<TraceChange, std::vector<TraceChange>, std::greater<TraceChange>>
        trace_changes_;
    uint64_t trace_seq_ = 0;
    std::vector<uint64_t> starts_; // reserve()'s scratch: the start on each link of the route

    int link_index(int from, int to) const; // -1 when not adjacent
    int route(int src, int dst);            // its index in routes_, computed at first use
    const int* routers_of(const Route& r) const { return hops_.data() + r.at; }
    const int* links_of(const Route& r) const { return hops_.data() + r.at + r.hops + 1; }
    // Adds the routes' counts since the last call to their routers and links (and under fifo
    // the links' stall cycles); stats() calls it, so reading is always up to date.
    void settle_counts();
    friend class NocRouter;
    friend class NocLink;
    void advance(uint64_t now);
    static void settle(NocLink& l, uint64_t now);   // its busy and stall time up to now
    static void settle(NocRouter& r, uint64_t now); // its busy time up to now
    void share_rates(); // max-min fair rates of the active flows (water-filling)
    void remove_flow(int slot);
    void set_in_flight(NocLink& l, uint64_t now);
    void reschedule(uint64_t now, bool flows_changed);
    void wake_now(); // on_wake in the next delta cycle of this instant
    void on_wake();
    // fifo (noc_fifo.cpp): books the links of `path` for `wire` bytes from `now` on and queues
    // the completion; the wake that delivers it, and one per traced change.
    void reserve(Route& path, uint64_t wire, uint64_t delay, uint64_t id, Done done, uint64_t now);
    void trace_change(NocLink& l, uint64_t at, uint64_t value, uint64_t now);
    void write_trace_changes(uint64_t now);
    void wake_at(uint64_t at, uint64_t now);
    void on_wake_fifo();
};

} // namespace fusesim
