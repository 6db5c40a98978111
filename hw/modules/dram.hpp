// The off-chip memory behind the MeteredBackend interface: `dram.channels` channels
// (DramChannel modules accelerator.dram.channel0, ...), each with bandwidth ÷ channels and the
// DRAM's latency, and an optional open-page row buffer. Addresses are interleaved over the
// channels in blocks of `dram.interleave` bytes; a transfer is split by dram_channel_bytes()
// into per-channel parts that proceed in parallel, and is done when all of them are. With one
// channel and no row buffer it is exactly the shared port it replaced (SharedPort).
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/dram_channel.hpp"
#include "hw/modules/join_pool.hpp"
#include "hw/modules/transfer_backend.hpp"
#include "hw/modules/vcd_writer.hpp"

#include <systemc>

#include <memory>
#include <vector>

namespace fusesim {

class Dram : public sc_core::sc_module, public MeteredBackend {
  public:
    Dram(sc_core::sc_module_name name, const DramSpec& spec);

    void transfer(const Transfer& t, Done done) override;
    // Of the whole DRAM: bytes and transfers (whole transfers) it was asked for, busy cycles
    // with at least one channel busy, stall cycles summed over the channels.
    const ModuleStats& stats() const override;

    int channel_count() const { return static_cast<int>(channels_.size()); }
    const DramChannel& channel(int c) const { return *channels_[static_cast<size_t>(c)]; }
    // Row-buffer hits and misses summed over the channels.
    RowStats rows() const;
    Counters counters() const override;
    int64_t bytes_in_flight() const { return in_flight_; }

    // VCD: <name>.bytes_in_flight (all channels); with several channels also
    // <name>.channel<i>.bytes_in_flight per channel.
    void trace(VcdWriter& vcd);

  private:
    DramSpec spec_;
    std::vector<std::unique_ptr<DramChannel>> channels_;
    mutable ModuleStats stats_;
    int busy_channels_ = 0;
    uint64_t busy_since_ = 0, busy_cycles_ = 0;
    int64_t in_flight_ = 0;
    VcdWriter* vcd_ = nullptr;
    int vcd_id_ = -1;
    JoinPool joins_;
    std::vector<int64_t> parts_; // scratch: bytes per channel of the transfer being started
};

// Call it inside the parent module's constructor, so that the DRAM is its child (and its
// statistics are found in the module tree).
std::unique_ptr<MeteredBackend> make_dram(const HardwareSpec& hw);

} // namespace fusesim
