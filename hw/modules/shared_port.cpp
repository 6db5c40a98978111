#include "hw/modules/shared_port.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fusesim {

namespace {
constexpr double kEpsilon = 1e-6; // byte-equivalents: below this a transfer counts as done
}

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
    active_.push_back({bytes_per_cycle_ > 0 ? work : 0.0, bytes, next_id_++, std::move(done)});
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
    for (auto& a : active_) a.remaining -= share * static_cast<double>(elapsed);
}

void SharedPort::reschedule(uint64_t now) {
    uint64_t next = std::numeric_limits<uint64_t>::max();
    if (!active_.empty()) {
        double least = std::numeric_limits<double>::max();
        for (const auto& a : active_) least = std::min(least, a.remaining);
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
    // Arrived in full: wait out the latency (in order of arrival, then of request). One pass
    // keeps the others in order (erasing one at a time moved the rest for each).
    size_t kept = 0;
    for (size_t i = 0; i < active_.size(); ++i) {
        Active& a = active_[i];
        if (a.remaining <= kEpsilon) {
            delayed_.push_back({now + latency_, a.id, a.bytes, std::move(a.done)});
        } else {
            if (kept != i) active_[kept] = std::move(a);
            ++kept;
        }
    }
    active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(kept), active_.end());
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
