#include "hw/modules/interconnect.hpp"

#include "hw/cost/noc_route.hpp"
#include "hw/modules/noc_network.hpp"

#include <stdexcept>
#include <string>

namespace fusesim {

LinkInterconnect::LinkInterconnect(const InterconnectSpec& spec, int64_t links) {
    for (int64_t k = 0; k < links; ++k)
        ports.push_back(std::make_unique<SharedPort>(("link" + std::to_string(k)).c_str(),
                                                     spec.bytes_per_cycle, spec.latency_cycles));
}

SharedPort* LinkInterconnect::into(int core) const {
    return ports[ports.size() == 1 ? 0 : static_cast<size_t>(core)].get();
}

void LinkInterconnect::transfer(const Transfer& t, Done done) {
    into(t.dst)->transfer(t.bytes, std::move(done));
}

std::unique_ptr<TransferBackend> make_interconnect(const HardwareSpec& hw) {
    if (hw.cores <= 1) return nullptr;
    const std::string& t = hw.interconnect.topology;
    if (t == "bus") return std::make_unique<LinkInterconnect>(hw.interconnect, 1);
    if (t == "p2p") return std::make_unique<LinkInterconnect>(hw.interconnect, hw.cores);
    if (is_noc(t)) return std::make_unique<Noc>("noc", hw);
    throw std::invalid_argument("unknown interconnect topology '" + t + "'");
}

} // namespace fusesim
