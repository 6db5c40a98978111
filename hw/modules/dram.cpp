#include "hw/modules/dram.hpp"

#include "hw/modules/shared_port.hpp" // now_cycles

#include <string>

namespace fusesim {

Dram::Dram(sc_core::sc_module_name name, const DramSpec& spec) : sc_module(name), spec_(spec) {
    const int64_t n = std::max<int64_t>(1, spec.channels);
    const double per_channel = spec.bytes_per_cycle / static_cast<double>(n);
    const RowBufferSpec rows{spec.row_bytes, spec.row_hit_cycles, spec.row_miss_cycles};
    for (int64_t c = 0; c < n; ++c) {
        channels_.push_back(std::make_unique<DramChannel>(("channel" + std::to_string(c)).c_str(),
                                                          per_channel, spec.latency_cycles, rows));
        DramChannel& ch = *channels_.back();
        ch.on_busy = [this](bool busy) {
            const uint64_t now = now_cycles();
            if (busy && busy_channels_++ == 0) busy_since_ = now;
            if (!busy && --busy_channels_ == 0) busy_cycles_ += now - busy_since_;
        };
        ch.on_in_flight = [this](int64_t delta) {
            in_flight_ += delta;
            if (vcd_) vcd_->set(vcd_id_, static_cast<uint64_t>(in_flight_), now_cycles());
        };
    }
}

void Dram::transfer(const Transfer& t, Done done) {
    ++stats_.transfers;
    stats_.bytes += static_cast<uint64_t>(std::max<int64_t>(0, t.bytes));
    const int n = channel_count();
    if (n == 1) {
        channels_[0]->access(t.address, t.bytes, std::move(done));
        return;
    }
    dram_channel_bytes(spec_, t.address, t.bytes, parts_);
    const std::vector<int64_t>& parts = parts_;
    int used = 0;
    for (int64_t b : parts) used += b > 0 ? 1 : 0;
    if (used == 0) { // nothing to move: the latency of the channel the address is on
        const auto g = static_cast<uint64_t>(std::max<int64_t>(1, spec_.interleave_bytes));
        const auto c = static_cast<int>(t.address / g % static_cast<uint64_t>(n));
        channels_[static_cast<size_t>(c)]->access(dram_channel_address(spec_, t.address, c), 0,
                                                  std::move(done));
        return;
    }
    const int join = joins_.open(used, std::move(done));
    // Parts start in channel order (the order only matters for ties at equal times).
    for (int c = 0; c < n; ++c) {
        if (parts[static_cast<size_t>(c)] <= 0) continue;
        channels_[static_cast<size_t>(c)]->access(dram_channel_address(spec_, t.address, c),
                                                  parts[static_cast<size_t>(c)], joins_.part(join));
    }
}

const ModuleStats& Dram::stats() const {
    stats_.stall_cycles = 0;
    for (const auto& ch : channels_) stats_.stall_cycles += ch->stats().stall_cycles;
    stats_.busy_cycles = busy_cycles_ + (busy_channels_ > 0 ? now_cycles() - busy_since_ : 0);
    return stats_;
}

RowStats Dram::rows() const {
    RowStats r;
    for (const auto& ch : channels_) {
        r.hits += ch->rows().hits;
        r.misses += ch->rows().misses;
    }
    return r;
}

StatsSource::Counters Dram::counters() const {
    const RowStats r = rows();
    return {{"row_hits", r.hits}, {"row_misses", r.misses}};
}

void Dram::trace(VcdWriter& vcd) {
    vcd_ = &vcd;
    const std::string n = name();
    vcd_id_ = vcd.add(n + ".bytes_in_flight", 64);
    if (channels_.size() > 1)
        for (auto& ch : channels_) ch->trace(vcd, std::string(ch->name()) + ".bytes_in_flight");
}

std::unique_ptr<MeteredBackend> make_dram(const HardwareSpec& hw) {
    return std::make_unique<Dram>("dram", hw.dram);
}

} // namespace fusesim
