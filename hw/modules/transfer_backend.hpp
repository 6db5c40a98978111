// What moves bytes between endpoints (DRAM, cores): a shared bus, point-to-point links, and later
// a mesh or a DRAM controller. The scheduler asks for a transfer and is told when it has arrived;
// how the bytes travel is the backend's business, so a new backend is a new class here and one
// line in make_interconnect (hw/modules/interconnect.hpp) or make_dram (dram.hpp), not a
// scheduler change.
#pragma once

#include "hw/modules/module_stats.hpp"

#include <cstdint>
#include <functional>

namespace fusesim {

constexpr int kDramEndpoint = -1; // endpoints: kDramEndpoint, or a core index 0..cores-1

// One movement of bytes. `address` is the DRAM byte address of the first byte when an endpoint
// is DRAM (what a channel-interleaved DRAM and a row buffer look at); 0 between cores.
struct Transfer {
    int64_t bytes = 0;
    int src = kDramEndpoint;
    int dst = kDramEndpoint;
    uint64_t address = 0;
};

class TransferBackend {
  public:
    using Done = std::function<void()>;
    virtual ~TransferBackend() = default;
    // Starts moving `t.bytes` from `t.src` to `t.dst` now; `done` runs (inside the simulation)
    // when they have arrived.
    virtual void transfer(const Transfer& t, Done done) = 0;
};

// A backend that is one module and counts what it carries: the DRAM port today, a DRAM
// controller later (make_dram in hw/modules/dram.hpp picks it).
class MeteredBackend : public TransferBackend, public StatsSource {};

} // namespace fusesim
