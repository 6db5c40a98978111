#include "sim/config/schema_rdu.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/config/params_rdu.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/schema_memory.hpp"

#include <string>

namespace fusesim {

bool is_rdu_hardware(const ConfigNode& hardware) {
    const ConfigNode* kind = hardware.is_map() ? hardware.find("kind") : nullptr;
    return kind && kind->is_scalar() && kind->value() == "rdu";
}

namespace {

bool power_of_two(int64_t v) {
    return v > 0 && (v & (v - 1)) == 0;
}

void read_pcu(Reader& r, RduSpec& rdu) {
    namespace P = rdu_param;
    Reader p = r.sub("pcu");
    rdu.pcu.lanes = read_int(p, P::lanes);
    if (!power_of_two(rdu.pcu.lanes))
        p.fail(P::lanes.leaf(), "expected a power of 2 (lane i holds point i mod lanes), got " +
                                    std::to_string(rdu.pcu.lanes));
    rdu.pcu.stages = read_int(p, P::stages);
    if (auto o = p.opt_sub("op_cycles")) {
        rdu.pcu.op_cycles.butterfly = read_int_or_default(*o, P::butterfly);
        rdu.pcu.op_cycles.scan_combine = read_int_or_default(*o, P::scan_combine);
        o->finish();
    }
    p.finish();
}

void read_pmu(Reader& r, RduSpec& rdu, HardwareSpec& hw) {
    namespace P = rdu_param;
    Reader m = r.sub("pmu");
    rdu.pmu.scratchpad_bytes = read_bytes(m, P::scratchpad);
    rdu.pmu.banks = read_int(m, P::banks);
    rdu.pmu.bank_bytes_per_cycle = read_bytes(m, P::bank_width);
    m.finish();
    // The PMU is the unit's SRAM, its banks under the bank model (one access a cycle each).
    hw.core.sram_bytes = rdu.pmu.scratchpad_bytes;
    hw.core.sram_banks = rdu.pmu.banks;
    hw.core.sram_bank_width = rdu.pmu.bank_bytes_per_cycle;
    hw.core.sram_ports = 1;
    hw.core.sram_bytes_per_cycle = static_cast<double>(rdu.pmu.bank_bytes_per_cycle);
}

// The switches: a mesh of rows × cols routers, one a unit.
void read_switches(Reader& r, const RduSpec& rdu, HardwareSpec& hw) {
    namespace P = rdu_param;
    InterconnectSpec& s = hw.interconnect;
    s.topology = hw.cores > 1 ? "mesh" : "bus";
    s.rows = rdu.rows;
    s.cols = rdu.cols;
    s.bytes_per_cycle = P::sw_bandwidth.default_value;
    hw.energy.noc_pj_per_byte_hop = P::sw_energy.default_value;
    std::optional<Reader> w = r.opt_sub("switch");
    if (!w) return;
    if (w->has(P::sw_bandwidth.leaf()))
        s.bytes_per_cycle = read_bandwidth(*w, P::sw_bandwidth, hw.clock_hz);
    w->accept(P::sw_bandwidth.leaf());
    s.latency_cycles = read_cycles_or_default(*w, P::sw_latency, hw.clock_hz);
    s.hop_latency_cycles = read_cycles_or_default(*w, P::sw_hop, hw.clock_hz);
    if (w->has(P::sw_packet.leaf())) s.packet_bytes = read_bytes(*w, P::sw_packet);
    w->accept(P::sw_packet.leaf());
    if (w->has(P::sw_header.leaf())) s.header_bytes = read_bytes(*w, P::sw_header);
    w->accept(P::sw_header.leaf());
    s.arbitration = read_choice_or_default(*w, P::sw_arbitration);
    hw.energy.noc_pj_per_byte_hop = read_energy_or_default(*w, P::sw_energy);
    w->finish();
}

void read_dram(Reader& r, HardwareSpec& hw) {
    namespace P = hw_param;
    Reader d = r.sub("dram");
    hw.dram.bytes_per_cycle = read_bandwidth(d, P::dram_bandwidth, hw.clock_hz);
    hw.dram.latency_cycles = read_cycles_or_default(d, P::dram_latency, hw.clock_hz);
    hw.dram.energy_pj_per_bit = read_energy_or_default(d, P::dram_energy);
    read_dram_channels(d, hw);
    d.finish();
}

// Area and power; the area model's per-PE and per-MiB figures follow, so that the report's
// area is the chip's: PCUs over their lanes × stages, PMUs over their MiB, both × (1 + the
// extension's overhead) on the extended variant.
void read_area_power(Reader& r, RduSpec& rdu, HardwareSpec& hw) {
    namespace P = rdu_param;
    double pcu = P::area_pcu.default_value, pmu = P::area_pmu.default_value;
    rdu.extension_area = P::area_ext.default_value;
    rdu.unit_watts = P::power_unit.default_value;
    rdu.extension_power = P::power_ext.default_value;
    if (auto a = r.opt_sub("area")) {
        pcu = read_real_or_default(*a, P::area_pcu);
        pmu = read_real_or_default(*a, P::area_pmu);
        rdu.extension_area = read_real_or_default(*a, P::area_ext);
        a->finish();
    }
    if (auto p = r.opt_sub("power")) {
        rdu.unit_watts = read_real_or_default(*p, P::power_unit);
        rdu.extension_power = read_real_or_default(*p, P::power_ext);
        p->finish();
    }
    rdu.unit_mm2 = pcu + pmu;
    const double k = 1 + (rdu.extended() ? rdu.extension_area : 0);
    hw.energy.pe_mm2 = pcu * k / static_cast<double>(rdu.pcu.lanes * rdu.pcu.stages);
    hw.energy.sram_mm2_per_mib =
        pmu * k / (static_cast<double>(rdu.pmu.scratchpad_bytes) / (1024.0 * 1024.0));
}

} // namespace

HardwareSpec read_rdu(const ConfigNode& node) {
    namespace P = rdu_param;
    Reader r(node, "hardware");
    HardwareSpec hw = default_cpo_table({});
    RduSpec rdu;
    hw.name = r.str("name", Reader::kMaxNameBytes);
    r.opt_str("description");
    read_choice(r, P::kind);
    hw.clock_hz = read_hertz(r, P::clock);
    rdu.pcu.clock_hz = hw.clock_hz;
    {
        Reader g = r.sub("grid");
        rdu.rows = read_int(g, P::rows);
        rdu.cols = read_int(g, P::cols);
        if (rdu.rows * rdu.cols > 4096)
            g.fail(P::rows.leaf(),
                   "rows × cols = " + std::to_string(rdu.rows * rdu.cols) + " units; at most 4096");
        g.finish();
    }
    hw.cores = rdu.units();
    rdu.pcu.variant = parse_rdu_variant(read_choice(r, P::variant));
    read_pcu(r, rdu);
    hw.core.pe_rows = rdu.pcu.lanes;
    hw.core.pe_cols = rdu.pcu.stages;
    read_pmu(r, rdu, hw);
    read_cpo(r, hw);
    read_switches(r, rdu, hw);
    read_dram(r, hw);
    read_area_power(r, rdu, hw);
    r.finish();
    hw.rdu = rdu;
    return hw;
}

} // namespace fusesim
