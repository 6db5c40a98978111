#include "sim/config/schema_noc.hpp"

#include "hw/cost/noc_route.hpp"
#include "sim/config/params_hardware.hpp"
#include "sim/config/params_read.hpp"

#include <string>

namespace fusesim {

void read_noc(Reader& ic, HardwareSpec& hw) {
    namespace P = hw_param;
    InterconnectSpec& s = hw.interconnect;
    const Param* keys[] = {&P::ic_rows,   &P::ic_cols,         &P::ic_hop_latency, &P::ic_packet,
                           &P::ic_header, &P::ic_dram_routers, &P::ic_arbitration};
    if (!is_noc(s.topology)) {
        for (const Param* p : keys)
            if (ic.has(p->leaf()))
                ic.fail(p->leaf(), "applies to topology 'mesh' or 'ring' only (topology is '" +
                                       s.topology + "')");
        return;
    }
    if (s.topology == "mesh") {
        s.rows = read_int(ic, P::ic_rows);
        s.cols = read_int(ic, P::ic_cols);
        if (s.rows * s.cols != hw.cores)
            ic.fail(P::ic_rows.leaf(),
                    "rows × cols = " + std::to_string(s.rows) + " × " + std::to_string(s.cols) +
                        " = " + std::to_string(s.rows * s.cols) + " routers, but " +
                        std::to_string(hw.cores) + " cores (one core per router)");
    } else {
        for (const Param* p : {&P::ic_rows, &P::ic_cols})
            if (ic.has(p->leaf())) ic.fail(p->leaf(), "applies to topology 'mesh' only");
    }
    s.hop_latency_cycles = read_cycles_or_default(ic, P::ic_hop_latency, hw.clock_hz);
    s.packet_bytes =
        ic.has(P::ic_packet.leaf()) ? read_bytes(ic, P::ic_packet) : P::ic_packet.default_int();
    ic.accept(P::ic_packet.leaf());
    s.header_bytes =
        ic.has(P::ic_header.leaf()) ? read_bytes(ic, P::ic_header) : P::ic_header.default_int();
    ic.accept(P::ic_header.leaf());
    s.arbitration = read_choice_or_default(ic, P::ic_arbitration);
    s.dram_routers.clear();
    if (ic.has(P::ic_dram_routers.leaf()))
        for (int64_t r : ic.integer_list(P::ic_dram_routers.leaf(), 0, hw.cores - 1, 4096))
            s.dram_routers.push_back(static_cast<int>(r));
    ic.accept(P::ic_dram_routers.leaf());
}

} // namespace fusesim
