#include "hw/modules/noc_network.hpp"

#include "hw/cost/noc_route.hpp"
#include "hw/modules/shared_port.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fusesim {

namespace {
constexpr double kEpsilon = 1e-6; // bytes: below this a flow has left its last link

std::string router_name(const HardwareSpec& hw, int r) {
    if (hw.interconnect.topology != "mesh") return "router_" + std::to_string(r);
    const auto cols = static_cast<int>(hw.interconnect.cols);
    return "router_" + std::to_string(r / cols) + "_" + std::to_string(r % cols);
}

void erase_one(std::vector<int>& v, int x) {
    auto it = std::find(v.begin(), v.end(), x);
    if (it != v.end()) v.erase(it);
}
} // namespace

const ModuleStats& NocRouter::stats() const {
    noc_.settle_counts();
    shown_ = stats_;
    if (noc_.fifo_) shown_.busy_cycles = noc_.stays_.busy(index_);
    if (flows_ > 0) shown_.busy_cycles += clock_ - since_;
    return shown_;
}

const ModuleStats& NocLink::stats() const {
    noc_.settle_counts();
    shown_ = stats_;
    if (!flows_.empty()) shown_.busy_cycles += clock_ - since_;
    if (flows_.size() > 1) shown_.stall_cycles += clock_ - since_;
    return shown_;
}

void Noc::settle(NocLink& l, uint64_t now) {
    if (!l.flows_.empty()) l.stats_.busy_cycles += now - l.since_;
    if (l.flows_.size() > 1) l.stats_.stall_cycles += now - l.since_;
    l.since_ = now;
}

void Noc::settle(NocRouter& r, uint64_t now) {
    if (r.flows_ > 0) r.stats_.busy_cycles += now - r.since_;
    r.since_ = now;
}

Noc::Noc(sc_core::sc_module_name name, const HardwareSpec& hw)
    : sc_module(name), hw_(hw), dram_routers_(noc_dram_routers(hw)),
      stays_(static_cast<size_t>(noc_routers(hw))), fifo_(hw.interconnect.arbitration == "fifo") {
    const int n = noc_routers(hw);
    for (int r = 0; r < n; ++r) {
        routers.push_back(
            std::make_unique<NocRouter>(router_name(hw, r).c_str(), last_update_, *this));
        routers.back()->index_ = r;
    }
    out_links_.resize(static_cast<size_t>(n));
    auto add_link = [&](int a, int b) {
        if (a == b || link(a, b)) return;
        out_links_[static_cast<size_t>(a)].push_back(static_cast<int>(links.size()));
        const std::string ln = "link_" + std::to_string(a) + "_" + std::to_string(b);
        links.push_back(std::make_unique<NocLink>(ln.c_str(), a, b, last_update_, *this));
    };
    if (hw.interconnect.topology == "mesh") {
        const auto rows = static_cast<int>(hw.interconnect.rows);
        const auto cols = static_cast<int>(hw.interconnect.cols);
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c) {
                const int at = r * cols + c;
                if (c + 1 < cols) add_link(at, at + 1), add_link(at + 1, at);
                if (r + 1 < rows) add_link(at, at + cols), add_link(at + cols, at);
            }
    } else {
        for (int r = 0; r < n; ++r) add_link(r, (r + 1) % n), add_link((r + 1) % n, r);
    }
    route_of_.assign(static_cast<size_t>(n) * static_cast<size_t>(n), -1);
    if (fifo_) bookings_.resize(links.size());
    spare_.assign(links.size(), 0);
    unfixed_.assign(links.size(), 0);
    SC_HAS_PROCESS(Noc);
    if (fifo_) {
        SC_METHOD(on_wake_fifo);
    } else {
        SC_METHOD(on_wake);
    }
    sensitive << wake_;
    dont_initialize();
}

int Noc::link_index(int from, int to) const {
    for (int l : out_links_[static_cast<size_t>(from)])
        if (links[static_cast<size_t>(l)]->to == to) return l;
    return -1;
}

int Noc::route(int src, int dst) {
    int& id = route_of_[static_cast<size_t>(src) * routers.size() + static_cast<size_t>(dst)];
    if (id < 0) {
        id = static_cast<int>(routes_.size());
        noc_route(hw_, src, dst, path_);
        Route r;
        r.at = hops_.size();
        r.hops = path_.size() - 1;
        hops_.insert(hops_.end(), path_.begin(), path_.end());
        for (size_t k = 1; k < path_.size(); ++k)
            hops_.push_back(link_index(path_[k - 1], path_[k]));
        routes_.push_back(r);
    }
    return id;
}

NocLink* Noc::link(int from, int to) const {
    const int l = link_index(from, to);
    return l < 0 ? nullptr : links[static_cast<size_t>(l)].get();
}

void Noc::transfer(const Transfer& t, Done done) {
    const int src = t.src < 0 ? dram_routers_.front() : t.src;
    const int dst = t.dst < 0 ? dram_routers_.front() : t.dst;
    send(src, dst, t.bytes, std::move(done));
}

void Noc::send(int src, int dst, int64_t bytes, Done done) {
    const uint64_t now = now_cycles();
    advance(now);
    const InterconnectSpec& ic = hw_.interconnect;
    const int64_t payload = std::max<int64_t>(0, bytes);
    const int64_t packet = std::max<int64_t>(1, ic.packet_bytes);
    const int64_t packets = (payload + packet - 1) / packet;
    const uint64_t id = next_id_++;
    const auto wire = static_cast<uint64_t>(payload + packets * ic.header_bytes);
    const int route_id = route(src, dst);
    Route& path = routes_[static_cast<size_t>(route_id)];
    const auto hops = static_cast<uint64_t>(path.hops);
    const int64_t head = packets > 0 ? std::min(payload, packet) + ic.header_bytes : 0;
    const uint64_t delay = hops * ic.hop_latency_cycles + ic.latency_cycles +
                           (hops > 0 ? transfer_cycles(head, ic.bytes_per_cycle) : 0);
    ++path.transfers;
    path.wire += wire;
    counts_stale_ = true;
    if (hops == 0 || wire == 0 || ic.bytes_per_cycle <= 0) {
        // Nothing to share: the bytes take no time on the links.
        delayed_.push(now + delay, id, std::move(done));
        wake_now();
        return;
    }
    if (fifo_) {
        reserve(path, wire, delay, id, std::move(done), now);
        return;
    }
    int slot; // a slot of flows_, reused with the memory of its vectors
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<int>(flows_.size());
        flows_.emplace_back();
    }
    Flow& f = flows_[static_cast<size_t>(slot)];
    f.id = id;
    f.wire = wire;
    f.route = route_id;
    f.delay = delay;
    f.done = std::move(done);
    f.remaining = static_cast<double>(f.wire);
    f.rate = 0; // until share_rates() in this instant
    const int* on_routers = routers_of(path);
    for (size_t k = 0; k <= path.hops; ++k) {
        NocRouter& router = *routers[static_cast<size_t>(on_routers[k])];
        settle(router, now);
        ++router.flows_;
    }
    f.pos.resize(path.hops);
    const int* on_links = links_of(path);
    for (size_t k = 0; k < path.hops; ++k) {
        const int l = on_links[k];
        NocLink& link = *links[static_cast<size_t>(l)];
        settle(link, now);
        if (link.flows_.empty()) active_links_.push_back(l);
        f.pos[k] = static_cast<int>(link.flows_.size());
        link.flows_.push_back(slot);
        link.in_flight_ += f.wire;
        set_in_flight(link, now);
    }
    f.active_pos = static_cast<int>(active_.size());
    active_.push_back(slot);
    // Rates are shared again once per instant, however many flows start in it.
    rates_stale_ = true;
    wake_now();
}

void Noc::settle_counts() {
    if (!counts_stale_) return; // every module's stats() asks: once per change is enough
    counts_stale_ = false;
    if (fifo_) stays_.fold();
    for (Route& r : routes_) {
        if (r.transfers == 0) continue;
        const int* on_routers = routers_of(r);
        for (size_t k = 0; k <= r.hops; ++k) {
            ModuleStats& st = routers[static_cast<size_t>(on_routers[k])]->stats_;
            st.bytes += r.wire;
            st.transfers += r.transfers;
        }
        const int* on_links = links_of(r);
        for (size_t k = 0; k < r.hops; ++k) {
            ModuleStats& st = links[static_cast<size_t>(on_links[k])]->stats_;
            st.bytes += r.wire;
            st.transfers += r.transfers;
            st.busy_cycles += r.booked;
        }
        r.transfers = r.wire = r.booked = 0;
    }
    for (size_t k = 0; k < bookings_.size(); ++k) {
        links[k]->stats_.stall_cycles += bookings_[k].stall;
        bookings_[k].stall = 0;
    }
}

void Noc::wake_now() {
    wake_.cancel();
    wake_.notify(sc_core::SC_ZERO_TIME);
}

void Noc::set_in_flight(NocLink& l, uint64_t now) {
    l.track_.set(l.in_flight_ > 0, now);
    if (l.vcd_) l.vcd_->set(l.vcd_id_, l.in_flight_, now);
}

void Noc::trace(VcdWriter& vcd) {
    traced_ = true;
    for (auto& l : links) {
        l->vcd_ = &vcd;
        l->vcd_id_ = vcd.add(std::string(l->name()) + ".bytes", 64); // accelerator.noc.link_0_1
    }
}

void Noc::advance(uint64_t now) {
    const uint64_t elapsed = now - last_update_;
    last_update_ = now;
    if (elapsed == 0 || active_.empty()) return;
    // Links and routers count their busy time when their flows change (settle).
    const auto e = static_cast<double>(elapsed);
    for (int s : active_) {
        Flow& f = flows_[static_cast<size_t>(s)];
        f.remaining -= f.rate * e;
    }
}

// Progressive filling: every link offers its spare capacity equally to its flows without a rate;
// the link with the smallest such share is the bottleneck of its flows, which get that share;
// their bytes leave the other links of their paths, and the rest repeat until every flow has a
// rate. O(bottleneck levels × links with flows + path lengths); the levels are few in practice
// (a scan measured faster than a heap of shares on a 32-core mesh). Ties go to the link that got
// its first flow earliest (active_links_ order); a link whose flows all have a rate leaves the
// scan. The flows fixed at one level all take the same share, so their order does not matter.
void Noc::share_rates() {
    open_links_.assign(active_links_.begin(), active_links_.end());
    for (int l : open_links_) {
        spare_[static_cast<size_t>(l)] = hw_.interconnect.bytes_per_cycle;
        unfixed_[static_cast<size_t>(l)] =
            static_cast<int>(links[static_cast<size_t>(l)]->flows_.size());
    }
    for (int s : active_) flows_[static_cast<size_t>(s)].fixed = false;
    size_t left = active_.size();
    while (left > 0) {
        int best = -1;
        double share = std::numeric_limits<double>::max();
        size_t open = 0;
        for (int l : open_links_) {
            const int unfixed = unfixed_[static_cast<size_t>(l)];
            if (unfixed <= 0) continue;
            open_links_[open++] = l;
            const double spare = spare_[static_cast<size_t>(l)];
            if (spare < share * unfixed) share = spare / unfixed, best = l;
        }
        open_links_.resize(open);
        if (best < 0) break;
        share = std::max(share, 0.0);
        for (int s : links[static_cast<size_t>(best)]->flows_) {
            Flow& f = flows_[static_cast<size_t>(s)];
            if (f.fixed) continue;
            f.fixed = true;
            f.rate = share;
            --left;
            const Route& path = routes_[static_cast<size_t>(f.route)];
            const int* on_links = links_of(path);
            for (size_t k = 0; k < path.hops; ++k) {
                const auto l = static_cast<size_t>(on_links[k]);
                spare_[l] -= share;
                --unfixed_[l];
            }
        }
    }
}

void Noc::remove_flow(int slot) {
    Flow& f = flows_[static_cast<size_t>(slot)];
    const uint64_t now = last_update_;
    const Route& path = routes_[static_cast<size_t>(f.route)];
    const int* on_links = links_of(path);
    for (size_t k = 0; k < path.hops; ++k) {
        const int l = on_links[k];
        NocLink& link = *links[static_cast<size_t>(l)];
        settle(link, now);
        // Out of the link's list in O(1): the last flow on it takes this one's place.
        const int at = f.pos[k], moved = link.flows_.back();
        link.flows_[static_cast<size_t>(at)] = moved;
        link.flows_.pop_back();
        if (moved != slot) {
            Flow& m = flows_[static_cast<size_t>(moved)];
            const Route& theirs = routes_[static_cast<size_t>(m.route)];
            const int* on = links_of(theirs);
            m.pos[static_cast<size_t>(std::find(on, on + theirs.hops, l) - on)] = at;
        }
        if (link.flows_.empty()) erase_one(active_links_, l);
        link.in_flight_ -= f.wire;
        set_in_flight(link, now);
    }
    const int* on_routers = routers_of(path);
    for (size_t k = 0; k <= path.hops; ++k) {
        NocRouter& router = *routers[static_cast<size_t>(on_routers[k])];
        settle(router, now);
        --router.flows_;
    }
    delayed_.push(now + f.delay, f.id, std::move(f.done));
    f.done = nullptr;
    const int moved = active_.back();
    active_[static_cast<size_t>(f.active_pos)] = moved;
    flows_[static_cast<size_t>(moved)].active_pos = f.active_pos;
    active_.pop_back();
    f.active_pos = -1;
    free_.push_back(slot);
}

void Noc::reschedule(uint64_t now, bool flows_changed) {
    if (flows_changed) {
        next_end_ = std::numeric_limits<uint64_t>::max();
        for (int s : active_) {
            const Flow& f = flows_[static_cast<size_t>(s)];
            uint64_t wait = 0;
            if (f.remaining > kEpsilon && f.rate > 0)
                wait = static_cast<uint64_t>(std::ceil(f.remaining / f.rate - 1e-9));
            else if (f.remaining > kEpsilon)
                continue; // no rate (cannot happen with a positive bandwidth)
            next_end_ = std::min(next_end_, now + wait);
        }
    }
    uint64_t next = next_end_;
    next = std::min(next, delayed_.next_at());
    wake_.cancel();
    if (next != std::numeric_limits<uint64_t>::max()) wake_.notify(cycles_to_time(next - now));
}

void Noc::on_wake() {
    const uint64_t now = now_cycles();
    // Before the first flow end at unchanged rates, only delayed completions are due.
    const bool flows_due = rates_stale_ || now >= next_end_;
    advance(now);
    if (flows_due) {
        finished_.clear();
        for (int s : active_)
            if (flows_[static_cast<size_t>(s)].remaining <= kEpsilon) finished_.push_back(s);
        // In the order they started (what the link traces see when several end at once).
        std::sort(finished_.begin(), finished_.end(), [this](int a, int b) {
            return flows_[static_cast<size_t>(a)].id < flows_[static_cast<size_t>(b)].id;
        });
        for (int s : finished_) remove_flow(s);
        if (!finished_.empty() || rates_stale_) share_rates();
        rates_stale_ = false;
    }
    // The completions run after the wake is rescheduled; they may start flows (never a wake).
    arrived_.clear();
    delayed_.take_due(now, arrived_);
    reschedule(now, flows_due);
    for (size_t i = 0; i < arrived_.size(); ++i) arrived_[i]();
    arrived_.clear();
}

} // namespace fusesim
