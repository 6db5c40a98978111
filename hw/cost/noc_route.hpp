// The geometry of a mesh or ring network on chip: routers, routes, hop counts and where the DRAM
// channels attach (README "Network on chip"). Plain C++; hw/modules/noc_* builds the modules.
#pragma once

#include "hw/cost/hardware.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

// Whether the topology is a network of routers (mesh or ring) rather than bus or p2p.
bool is_noc(const std::string& topology);

// Core i sits at router i (mesh: row i / cols, column i % cols). Routers of the network.
int noc_routers(const HardwareSpec& hw);

// The routers a transfer from router `src` to router `dst` crosses, both ends included.
// Mesh: dimension order (XY): along the row to the destination column, then along the column.
// Ring: the shorter way round; on a tie clockwise (router i → i + 1 mod n).
std::vector<int> noc_route(const HardwareSpec& hw, int src, int dst);
void noc_route(const HardwareSpec& hw, int src, int dst, std::vector<int>& path); // into `path`

// `interconnect.dram_routers`, or its default: on a mesh the routers of the west and east edge
// columns alternating (row 0 west, row 0 east, row 1 west, ...; one column: each row once); on a
// ring router 0.
std::vector<int> noc_dram_routers(const HardwareSpec& hw);

// The router DRAM channel `channel` attaches to: dram_routers[channel % size].
int noc_channel_router(const std::vector<int>& dram_routers, int64_t channel);

// Links a transfer from core `src` to core `dst` crosses: one on a bus and on p2p links,
// the route's links on a mesh or ring (HopCount below; what the interconnect energy counts per
// byte).
int interconnect_hops(const HardwareSpec& hw, int src, int dst);

// interconnect_hops with the topology looked up once (it runs for every transfer). On a mesh or
// ring, the links of the route (0 when src = dst): the Manhattan distance on a mesh, the shorter
// way round on a ring.
class HopCount {
  public:
    explicit HopCount(const HardwareSpec& hw);
    int operator()(int src, int dst) const;

  private:
    enum class Kind { Link, Mesh, Ring } kind_;
    int cols_, routers_;
};

} // namespace fusesim
