// `arbitration: fifo` (README "Network on chip"): a link carries one transfer at a time, whole,
// in the order the transfers were requested; routers hold what their next link cannot take yet
// (unbounded buffers, as under `fair`). A transfer books every link of its route when it starts,
// so its cost is O(hops) whatever else is in flight.
#include "hw/modules/noc_network.hpp"

#include "hw/modules/shared_port.hpp"

#include <algorithm>
#include <limits>

namespace fusesim {

// Link k of the route takes the W wire bytes for D = ⌈W ÷ C⌉ cycles from
// s_k = max(s_(k−1), free_k) (s_0 = now): the body streams on as soon as the link is free, and
// completion is s_last + D + the delay of `fair` (hops × hop latency + latency + one packet).
// Alone this is now + D + delay, the time of a lone flow under `fair`.
void Noc::reserve(Route& path, uint64_t wire, uint64_t delay, uint64_t id, Done done,
                  uint64_t now) {
    const uint64_t d =
        transfer_cycles(static_cast<int64_t>(wire), hw_.interconnect.bytes_per_cycle);
    starts_.resize(path.hops);
    const int* on_links = links_of(path);
    uint64_t at = now; // when the transfer can enter the next link
    for (size_t k = 0; k < path.hops; ++k) {
        const int link = on_links[k];
        Booking& b = bookings_[static_cast<size_t>(link)];
        const uint64_t start = std::max(at, b.free_at);
        // It waits over [at, start) when start > at; such a wait ends at the link's free_at,
        // which never decreases, so the union of the waits is counted exactly by clipping each
        // at the end of the one before (waited_until <= free_at = start).
        if (start > at) {
            b.stall += start - std::max(at, b.waited_until);
            b.waited_until = start;
        }
        b.free_at = start + d;
        if (keep_tracks_ || traced_) {
            NocLink& l = *links[static_cast<size_t>(link)];
            l.track_.set(true, start); // a link's bookings come in time order
            l.track_.set(false, start + d);
            if (l.vcd_) {
                trace_change(l, start, wire, now);
                trace_change(l, start + d, 0, now);
            }
        }
        starts_[k] = at = start;
    }
    path.booked += d;
    // A router holds the transfer from its start on the link into it to its end on the link out
    // of it; the source from its start on the first link, the destination until the last ends.
    const size_t h = path.hops;
    const int* on_routers = routers_of(path);
    for (size_t k = 0; k <= h; ++k) {
        const uint64_t in = starts_[k == 0 ? 0 : k - 1];
        const uint64_t out = starts_[k == h ? h - 1 : k] + d;
        stays_.add(on_routers[k], in, out, now);
    }
    const uint64_t arrive = at + d + delay;
    delayed_.push(arrive, id, std::move(done));
    wake_at(arrive, now);
}

void Noc::trace_change(NocLink& l, uint64_t at, uint64_t value, uint64_t now) {
    trace_changes_.push({at, trace_seq_++, l.vcd_id_, value});
    wake_at(at, now);
}

void Noc::write_trace_changes(uint64_t now) {
    while (!trace_changes_.empty() && trace_changes_.top().at <= now) {
        const TraceChange& c = trace_changes_.top();
        links.front()->vcd_->set(c.link, c.value, c.at); // one writer for all links
        trace_changes_.pop();
    }
}

// SystemC keeps the earlier of two pending notifications, so every booking can simply ask.
void Noc::wake_at(uint64_t at, uint64_t now) {
    wake_.notify(cycles_to_time(at - now));
}

void Noc::on_wake_fifo() {
    const uint64_t now = now_cycles();
    last_update_ = now;
    write_trace_changes(now);
    arrived_.clear();
    delayed_.take_due(now, arrived_);
    uint64_t next = delayed_.next_at(); // the largest uint64_t when none is due
    if (!trace_changes_.empty()) next = std::min(next, trace_changes_.top().at);
    if (next != std::numeric_limits<uint64_t>::max()) wake_at(next, now);
    // The completions may book more transfers (and ask for earlier wakes).
    for (size_t i = 0; i < arrived_.size(); ++i) arrived_[i]();
    arrived_.clear();
}

} // namespace fusesim
