#include "hw/modules/dram_channel.hpp"

#include "hw/modules/shared_port.hpp" // now_cycles, cycles_to_time

#include <algorithm>
#include <cmath>
#include <limits>

namespace fusesim {

namespace {
constexpr double kEpsilon = 1e-6; // byte-equivalents: below this a part counts as done
}

DramChannel::DramChannel(sc_core::sc_module_name name, double bytes_per_cycle,
                         uint64_t latency_cycles, const RowBufferSpec& rows)
    : sc_module(name), bytes_per_cycle_(bytes_per_cycle),
      latency_(latency_cycles + (rows.row_bytes > 0 ? rows.hit_cycles : 0)), row_spec_(rows) {
    SC_HAS_PROCESS(DramChannel);
    SC_METHOD(on_wake);
    sensitive << wake_;
    dont_initialize();
}

// Rows of [local, local + bytes): the first is a hit when it is the open row and no other part
// is under way on the channel (a concurrent stream keeps its own row open between this part's
// accesses); every further row is a miss. The last row touched stays open.
uint64_t DramChannel::row_misses(uint64_t local, int64_t bytes) {
    if (row_spec_.row_bytes <= 0 || bytes <= 0) return 0;
    const auto r = static_cast<uint64_t>(row_spec_.row_bytes);
    const auto first = static_cast<int64_t>(local / r);
    const auto last = static_cast<int64_t>((local + static_cast<uint64_t>(bytes) - 1) / r);
    const bool hit = first == open_row_ && active_.empty();
    const auto misses = static_cast<uint64_t>(last - first) + (hit ? 0 : 1);
    rows_.hits += hit ? 1 : 0;
    rows_.misses += misses;
    open_row_ = last;
    return misses;
}

void DramChannel::access(uint64_t local, int64_t bytes, Done done) {
    const uint64_t now = now_cycles();
    advance(now);
    const uint64_t misses = row_misses(local, bytes);
    const bool was_idle = active_.empty();
    ++stats_.transfers;
    stats_.bytes += static_cast<uint64_t>(bytes);
    in_flight_bytes_ += bytes;
    changed_in_flight(bytes);
    double work = 0.0;
    if (bytes_per_cycle_ > 0) {
        const uint64_t penalty =
            row_spec_.miss_cycles - std::min(row_spec_.miss_cycles, row_spec_.hit_cycles);
        work =
            static_cast<double>(bytes) + static_cast<double>(misses * penalty) * bytes_per_cycle_;
    }
    active_.push_back({work, bytes, next_id_++, std::move(done)});
    if (was_idle && on_busy) on_busy(true);
    reschedule(now);
}

void DramChannel::changed_in_flight(int64_t delta) {
    track_.set(in_flight_bytes_ > 0, now_cycles());
    if (vcd_) vcd_->set(vcd_id_, static_cast<uint64_t>(in_flight_bytes_), now_cycles());
    if (on_in_flight) on_in_flight(delta);
}

void DramChannel::trace(VcdWriter& vcd, const std::string& name) {
    vcd_ = &vcd;
    vcd_id_ = vcd.add(name, 64);
}

void DramChannel::advance(uint64_t now) {
    const uint64_t elapsed = now - last_update_;
    last_update_ = now;
    if (elapsed == 0 || active_.empty()) return;
    stats_.busy_cycles += elapsed;
    if (active_.size() > 1) stats_.stall_cycles += elapsed;
    const double share = bytes_per_cycle_ / static_cast<double>(active_.size());
    for (auto& a : active_) a.remaining -= share * static_cast<double>(elapsed);
}

void DramChannel::reschedule(uint64_t now) {
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

void DramChannel::on_wake() {
    const uint64_t now = now_cycles();
    advance(now);
    const bool was_busy = !active_.empty();
    std::vector<Delayed> finished;
    // Arrived in full: wait out the latency (in order of arrival, then of request).
    for (auto it = active_.begin(); it != active_.end();) {
        if (it->remaining <= kEpsilon) {
            delayed_.push_back({now + latency_, it->id, it->bytes, std::move(it->done)});
            it = active_.erase(it);
        } else {
            ++it;
        }
    }
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
    for (auto& f : finished) f.done();
}

} // namespace fusesim
