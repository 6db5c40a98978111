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

Noc::Noc(sc_core::sc_module_name name, const HardwareSpec& hw)
    : sc_module(name), hw_(hw), dram_routers_(noc_dram_routers(hw)) {
    const int n = noc_routers(hw);
    for (int r = 0; r < n; ++r)
        routers.push_back(std::make_unique<NocRouter>(router_name(hw, r).c_str()));
    out_links_.resize(static_cast<size_t>(n));
    auto add_link = [&](int a, int b) {
        if (a == b || link(a, b)) return;
        out_links_[static_cast<size_t>(a)].push_back(static_cast<int>(links.size()));
        const std::string ln = "link_" + std::to_string(a) + "_" + std::to_string(b);
        links.push_back(std::make_unique<NocLink>(ln.c_str(), a, b));
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
    SC_HAS_PROCESS(Noc);
    SC_METHOD(on_wake);
    sensitive << wake_;
    dont_initialize();
}

int Noc::link_index(int from, int to) const {
    for (int l : out_links_[static_cast<size_t>(from)])
        if (links[static_cast<size_t>(l)]->to == to) return l;
    return -1;
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
    int slot; // a slot of flows_, reused with the memory of its vectors
    if (!free_.empty()) {
        slot = free_.back();
        free_.pop_back();
    } else {
        slot = static_cast<int>(flows_.size());
        flows_.emplace_back();
    }
    Flow& f = flows_[static_cast<size_t>(slot)];
    f.id = next_id_++;
    f.wire = static_cast<uint64_t>(payload + packets * ic.header_bytes);
    noc_route(hw_, src, dst, f.routers);
    f.links.clear();
    for (size_t k = 1; k < f.routers.size(); ++k)
        f.links.push_back(link_index(f.routers[k - 1], f.routers[k]));
    const auto hops = static_cast<uint64_t>(f.links.size());
    const int64_t head = packets > 0 ? std::min(payload, packet) + ic.header_bytes : 0;
    f.delay = hops * ic.hop_latency_cycles + ic.latency_cycles +
              (hops > 0 ? transfer_cycles(head, ic.bytes_per_cycle) : 0);
    for (int r : f.routers) {
        NocRouter& router = *routers[static_cast<size_t>(r)];
        router.stats_.bytes += f.wire;
        ++router.stats_.transfers;
    }
    for (int l : f.links) {
        NocLink& link = *links[static_cast<size_t>(l)];
        link.stats_.bytes += f.wire;
        ++link.stats_.transfers;
    }
    f.done = std::move(done);
    if (hops == 0 || f.wire == 0 || ic.bytes_per_cycle <= 0) {
        // Nothing to share: the bytes take no time on the links.
        delayed_.push({now + f.delay, f.id, std::move(f.done)});
        f.done = nullptr;
        free_.push_back(slot);
        wake_now();
        return;
    }
    f.remaining = static_cast<double>(f.wire);
    f.rate = 0; // until share_rates() in this instant
    for (int r : f.routers)
        if (routers[static_cast<size_t>(r)]->flows_++ == 0) active_routers_.push_back(r);
    for (int l : f.links) {
        NocLink& link = *links[static_cast<size_t>(l)];
        if (link.flows_.empty()) active_links_.push_back(l);
        link.flows_.push_back(slot);
        link.in_flight_ += f.wire;
        set_in_flight(link, now);
    }
    active_.push_back(slot);
    // Rates are shared again once per instant, however many flows start in it.
    rates_stale_ = true;
    wake_now();
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
    for (auto& l : links) {
        l->vcd_ = &vcd;
        l->vcd_id_ = vcd.add(std::string(l->name()) + ".bytes", 64); // accelerator.noc.link_0_1
    }
}

void Noc::advance(uint64_t now) {
    const uint64_t elapsed = now - last_update_;
    last_update_ = now;
    if (elapsed == 0 || active_.empty()) return;
    const auto e = static_cast<double>(elapsed);
    for (int s : active_) {
        Flow& f = flows_[static_cast<size_t>(s)];
        f.remaining -= f.rate * e;
    }
    for (int l : active_links_) {
        NocLink& link = *links[static_cast<size_t>(l)];
        link.stats_.busy_cycles += elapsed;
        if (link.flows_.size() > 1) link.stats_.stall_cycles += elapsed;
    }
    for (int r : active_routers_) routers[static_cast<size_t>(r)]->stats_.busy_cycles += elapsed;
}

// Progressive filling: every link offers its spare capacity equally to its flows without a rate;
// the link with the smallest such share is the bottleneck of its flows, which get that share;
// their bytes leave the other links of their paths, and the rest repeat until every flow has a
// rate. O(bottleneck levels × links with flows + path lengths); the levels are few in practice
// (a scan measured faster than a heap of shares on a 32-core mesh).
void Noc::share_rates() {
    for (int l : active_links_) {
        NocLink& link = *links[static_cast<size_t>(l)];
        link.spare_ = hw_.interconnect.bytes_per_cycle;
        link.unfixed_ = static_cast<int>(link.flows_.size());
    }
    for (int s : active_) flows_[static_cast<size_t>(s)].fixed = false;
    size_t left = active_.size();
    while (left > 0) {
        NocLink* best = nullptr;
        double share = std::numeric_limits<double>::max();
        for (int l : active_links_) {
            NocLink& link = *links[static_cast<size_t>(l)];
            if (link.unfixed_ > 0 && link.spare_ < share * link.unfixed_)
                share = link.spare_ / link.unfixed_, best = &link;
        }
        if (!best) break;
        share = std::max(share, 0.0);
        for (int s : best->flows_) {
            Flow& f = flows_[static_cast<size_t>(s)];
            if (f.fixed) continue;
            f.fixed = true;
            f.rate = share;
            --left;
            for (int l : f.links) {
                NocLink& on = *links[static_cast<size_t>(l)];
                on.spare_ -= share;
                --on.unfixed_;
            }
        }
    }
}

void Noc::remove_flow(int slot) {
    Flow& f = flows_[static_cast<size_t>(slot)];
    const uint64_t now = last_update_;
    for (int l : f.links) {
        NocLink& link = *links[static_cast<size_t>(l)];
        erase_one(link.flows_, slot);
        if (link.flows_.empty()) erase_one(active_links_, l);
        link.in_flight_ -= f.wire;
        set_in_flight(link, now);
    }
    for (int r : f.routers)
        if (--routers[static_cast<size_t>(r)]->flows_ == 0) erase_one(active_routers_, r);
    delayed_.push({now + f.delay, f.id, std::move(f.done)});
    f.done = nullptr;
    erase_one(active_, slot);
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
    if (!delayed_.empty()) next = std::min(next, delayed_.top().at);
    wake_.cancel();
    if (next != std::numeric_limits<uint64_t>::max()) wake_.notify(cycles_to_time(next - now));
}

void Noc::on_wake() {
    const uint64_t now = now_cycles();
    // Before the first flow end at unchanged rates, only delayed completions are due.
    const bool flows_due = rates_stale_ || now >= next_end_;
    advance(now);
    if (flows_due) {
        std::vector<int> finished;
        for (int s : active_)
            if (flows_[static_cast<size_t>(s)].remaining <= kEpsilon) finished.push_back(s);
        for (int s : finished) remove_flow(s);
        if (!finished.empty() || rates_stale_) share_rates();
        rates_stale_ = false;
    }
    std::vector<Done> arrived;
    while (!delayed_.empty() && delayed_.top().at <= now) {
        arrived.push_back(std::move(const_cast<Delayed&>(delayed_.top()).done));
        delayed_.pop();
    }
    reschedule(now, flows_due);
    for (auto& d : arrived) d();
}

} // namespace fusesim
