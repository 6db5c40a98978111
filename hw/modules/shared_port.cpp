#include "hw/modules/shared_port.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fusesim {

namespace {
constexpr double kEpsilon = 1e-6;   // byte-equivalents: below this a transfer counts as done
constexpr double kRebase = 1 << 20; // byte-equivalents served before the counter is rebased
} // namespace

namespace {
// Kernel ticks per cycle (1 ns), looked up once: building sc_time from units is slow.
sc_core::sc_time::value_type ticks_per_cycle() {
    static const sc_core::sc_time::value_type t = sc_core::sc_time(1, sc_core::SC_NS).value();
    return t;
}
} // namespace

uint64_t now_cycles() {
    return static_cast<uint64_t>(sc_core::sc_time_stamp().value() / ticks_per_cycle());
}

sc_core::sc_time cycles_to_time(uint64_t cycles) {
    return sc_core::sc_time::from_value(cycles * ticks_per_cycle());
}

SharedPort::SharedPort(sc_core::sc_module_name name, double bytes_per_cycle,
                       uint64_t latency_cycles)
    : sc_module(name), bytes_per_cycle_(bytes_per_cycle), latency_(latency_cycles) {
    SC_HAS_PROCESS(SharedPort);
    SC_METHOD(on_wake);
    sensitive << wake_;
    dont_initialize();
}

void SharedPort::transfer_work(int64_t bytes, double work, Done done) {
    const uint64_t now = now_cycles();
    advance(now);
    const bool was_idle = active_.empty();
    ++stats_.transfers;
    stats_.bytes += static_cast<uint64_t>(bytes);
    in_flight_bytes_ += bytes;
    changed_in_flight(bytes);
    if (was_idle) served_ = 0; // keeps the counter small, so that ends stay precise
    active_.push_back(
        {served_ + (bytes_per_cycle_ > 0 ? work : 0.0), bytes, next_id_++, std::move(done)});
    std::push_heap(active_.begin(), active_.end(), EndsLater{});
    if (was_idle && on_busy) on_busy(true);
    reschedule(now);
}

void SharedPort::transfer(const Transfer& t, Done done) {
    transfer(t.bytes, std::move(done));
}

void SharedPort::changed_in_flight(int64_t delta) {
    track_.set(in_flight_bytes_ > 0, now_cycles());
    if (vcd_) vcd_->set(vcd_id_, static_cast<uint64_t>(in_flight_bytes_), now_cycles());
    if (on_in_flight) on_in_flight(delta);
}

void SharedPort::trace(VcdWriter& vcd, const std::string& name) {
    vcd_ = &vcd;
    vcd_id_ = vcd.add(name, 64);
}

void SharedPort::advance(uint64_t now) {
    const uint64_t elapsed = now - last_update_;
    last_update_ = now;
    if (elapsed == 0 || active_.empty()) return;
    stats_.busy_cycles += elapsed;
    if (active_.size() > 1) stats_.stall_cycles += elapsed;
    const double share = bytes_per_cycle_ / static_cast<double>(active_.size());
    served_ += share * static_cast<double>(elapsed);
    // A port that never idles would see the counter grow without bound: rebase it (every end
    // moves by the same amount, so the heap's order holds).
    if (served_ > kRebase) {
        for (auto& a : active_) a.end -= served_;
        served_ = 0;
    }
}

void SharedPort::reschedule(uint64_t now) {
    uint64_t next = std::numeric_limits<uint64_t>::max();
    if (!active_.empty()) {
        const double least = active_.front().end - served_;
        uint64_t wait = 0;
        if (least > kEpsilon && bytes_per_cycle_ > 0) {
            const double share = bytes_per_cycle_ / static_cast<double>(active_.size());
            wait = static_cast<uint64_t>(std::ceil(least / share - 1e-9));
        }
        next = now + wait;
    }
    if (!delayed_.empty()) next = std::min(next, delayed_.front().at);
    wake_.cancel();
    if (next != std::numeric_limits<uint64_t>::max()) wake_.notify(cycles_to_time(next - now));
}

void SharedPort::on_wake() {
    const uint64_t now = now_cycles();
    advance(now);
    const bool was_busy = !active_.empty();
    std::vector<Delayed>& finished = finished_; // its callbacks start transfers, never a wake
    finished.clear();
    // Arrived in full: wait out the latency (in order of arrival, then of request).
    ended_.clear();
    while (!active_.empty() && active_.front().end - served_ <= kEpsilon) {
        std::pop_heap(active_.begin(), active_.end(), EndsLater{});
        ended_.push_back(std::move(active_.back()));
        active_.pop_back();
    }
    std::sort(ended_.begin(), ended_.end(),
              [](const Active& a, const Active& b) { return a.id < b.id; });
    for (Active& a : ended_) delayed_.push_back({now + latency_, a.id, a.bytes, std::move(a.done)});
    ended_.clear();
    if (was_busy && active_.empty() && on_busy) on_busy(false);
    while (!delayed_.empty() && delayed_.front().at <= now) {
        finished.push_back(std::move(delayed_.front()));
        delayed_.pop_front();
    }
    int64_t delivered = 0;
    for (const auto& f : finished) delivered += f.bytes;
    in_flight_bytes_ -= delivered;
    changed_in_flight(-delivered);
    reschedule(now);
    for (size_t i = 0; i < finished.size(); ++i) finished[i].done();
    finished.clear();
}

} // namespace fusesim
