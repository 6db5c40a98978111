// The on-chip interconnect behind the TransferBackend interface, chosen by
// `interconnect.topology` of the hardware: a bus (one link shared by every core), p2p (one
// incoming link per core), or a mesh or ring of routers and links (Noc, noc_network.hpp). A new
// topology is a new TransferBackend class and one line in make_interconnect.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/modules/shared_port.hpp"
#include "hw/modules/transfer_backend.hpp"

#include <memory>
#include <vector>

namespace fusesim {

// Links into the cores: one shared by all (bus) or one per destination core (p2p). A transfer
// takes the link into its destination; the source does not matter.
class LinkInterconnect : public TransferBackend {
  public:
    // Creates the ports link0, link1, ...: construct it inside the parent module's constructor so
    // that they are its children (and their statistics are found in the module tree).
    LinkInterconnect(const InterconnectSpec& spec, int64_t links);
    void transfer(const Transfer& t, Done done) override;
    SharedPort* into(int core) const;
    std::vector<std::unique_ptr<SharedPort>> ports;
};

// The interconnect of `hw`, nullptr on a single core (nothing to connect). Throws
// std::invalid_argument on an unknown topology (the config reader rejects it before).
std::unique_ptr<TransferBackend> make_interconnect(const HardwareSpec& hw);

} // namespace fusesim
