// DRAM traffic across a mesh or ring (README "Network on chip"): a transfer between DRAM and a
// core starts the DRAM transfer (the whole Transfer) and, at the same time, one network flow per
// DRAM channel its bytes fall on, between that channel's attach router and the core's router.
// It is done when the DRAM part and every network part are done: a pipelined stream takes the
// time of its slower stage.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/cost/noc_route.hpp"
#include "hw/modules/join_pool.hpp"
#include "hw/modules/noc_network.hpp"
#include "hw/modules/transfer_backend.hpp"

namespace fusesim {

class NocDramPath : public TransferBackend {
  public:
    NocDramPath(const HardwareSpec& hw, TransferBackend& dram, Noc& noc)
        : hops_(hw), dram_spec_(hw.dram), dram_(dram), noc_(noc) {}
    void transfer(const Transfer& t, Done done) override;
    // Bytes × hops the DRAM traffic crossed on the network (for the interconnect's energy).
    int64_t byte_hops() const { return byte_hops_; }

  private:
    HopCount hops_;
    int64_t byte_hops_ = 0;
    DramSpec dram_spec_;
    TransferBackend& dram_;
    Noc& noc_;
    JoinPool joins_;
    std::vector<int64_t> parts_; // scratch: bytes per channel of the transfer being started
};

} // namespace fusesim
