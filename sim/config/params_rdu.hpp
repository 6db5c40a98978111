// The keys of an RDU hardware file (`kind: rdu`, README "RDU (`kind: rdu`)"): a grid of units,
// each a PCU (lanes × pipelined stages) paired with a PMU (a banked scratchpad), a mesh of
// switches and DRAM. The `dram` keys are the accelerator's (hw_param). Every default is an
// assumption stated in the README's table.
#pragma once

#include "sim/config/params_hardware.hpp"

namespace fusesim::rdu_param {

using T = ParamType;
constexpr double kTiB = hw_param::kTiB, kMaxLatency = hw_param::kMaxLatency;
constexpr double kBwMin = hw_param::kBwMin, kBwMax = hw_param::kBwMax;

inline constexpr Param name = text("name", nullptr, "at most 256 bytes; shown in reports");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param kind = choice("kind", "rdu", "required here",
                                     "`rdu`: this table; leave it out for a dataflow accelerator");
inline constexpr Param clock =
    required("clock", T::Frequency, Reader::kMinClockHz, Reader::kMaxClockHz,
             "clock of the units, switches and DRAM port; time in cycles of it");
inline constexpr Param rows = required("grid.rows", T::Integer, 1, 4096,
                                       "rows of units (one unit: a PCU with its PMU and switch)");
inline constexpr Param cols =
    required("grid.cols", T::Integer, 1, 4096, "columns of units; rows × cols at most 4096 units");
inline constexpr Param variant =
    choice("variant", "baseline|extended", nullptr,
           "`baseline`: no cross-lane path inside a PCU but its reduction tree (butterflies and "
           "scans shuffle through the PMU); `extended`: butterfly links and a scan mode");
inline constexpr Param lanes = required("pcu.lanes", T::Integer, 1, 65536,
                                        "SIMD lanes of a PCU, a power of 2; a GEMM tile maps "
                                        "lanes × stages MACs a cycle");
inline constexpr Param stages =
    required("pcu.stages", T::Integer, 1, 65536, "pipelined stages of functional units");
inline constexpr Param butterfly =
    optional("pcu.op_cycles.butterfly", T::Integer, 1, 65536, "1", 1,
             "cycles an element holds a stage for one lane's butterfly output x ± w·y");
inline constexpr Param scan_combine =
    optional("pcu.op_cycles.scan_combine", T::Integer, 1, 65536, "1", 1,
             "cycles an element holds a stage for one scan combine (a2·a1, a2·b1 + b2)");
inline constexpr Param scratchpad =
    required("pmu.scratchpad", T::Size, 1, 4294967296.0,
             "scratchpad of one PMU: the unit's SRAM (tiles' operands, one transform's points)");
inline constexpr Param banks =
    required("pmu.banks", T::Integer, 1, 65536, "banks of a PMU; the bank model is on");
inline constexpr Param bank_width =
    required("pmu.bank_width", T::Size, 1, 4096,
             "bytes one bank reads or writes a cycle; banks × this is the PMU's bandwidth (a "
             "baseline round trip writes and reads a transform's points at it)");
inline constexpr Param cpo = optional("cpo.<kind>", T::Integer, 1, 1 << 16, "1", 1,
                                      "cycles per op of an operator kind ({op_kinds}) on the "
                                      "lanes × stages array; `fft` and `scan` tiles use the "
                                      "mapping instead");
inline constexpr Param sw_bandwidth = optional(
    "switch.bandwidth", T::Bandwidth, kBwMin, kBwMax, "64 B/cycle", 64,
    "of one link between neighbouring switches, per direction (the mesh of \"Network on chip\")");
inline constexpr Param sw_latency = optional("switch.latency", T::Duration, 0, kMaxLatency, "0", 0,
                                             "added to every transfer between units");
inline constexpr Param sw_hop = optional("switch.hop_latency", T::Duration, 0, kMaxLatency, "1", 1,
                                         "cycles per switch crossed");
inline constexpr Param sw_packet =
    optional("switch.packet_bytes", T::Size, 1, kTiB, "64 B", 64, "payload per packet");
inline constexpr Param sw_header =
    optional("switch.header_bytes", T::Size, 0, 65536, "0", 0, "header per packet");
inline constexpr Param sw_arbitration =
    choice("switch.arbitration", "fair|fifo", "`fair`",
           "how transfers share a link: as `interconnect.arbitration` (\"Network on chip\")");
inline constexpr Param sw_energy = optional("switch.energy_per_byte", T::Energy, 0, 1e6, "0.8 pJ",
                                            0.8, "per byte and hop moved on the mesh");
inline constexpr Param area_pcu =
    optional("area.pcu", T::Number, 0, 1e3, "0.849", 0.849,
             "mm² of one PCU (Plasticine's, 28 nm; recalled, verify)");
inline constexpr Param area_pmu =
    optional("area.pmu", T::Number, 0, 1e3, "0.532", 0.532,
             "mm² of one PMU (Plasticine's, 28 nm; recalled, verify)");
inline constexpr Param area_ext =
    optional("area.extension_overhead", T::Number, 0, 1, "0.009", 0.009,
             "fraction of the chip's area the extension adds, `extended` only (the paper: < 1 %)");
inline constexpr Param power_unit =
    optional("power.unit", T::Number, 0, 1e3, "0.766", 0.766,
             "W of one unit at full load (Plasticine's 49 W ÷ 64 units; assumption)");
inline constexpr Param power_ext =
    optional("power.extension_overhead", T::Number, 0, 1, "0.009", 0.009,
             "fraction of the power the extension adds, `extended` only (the paper: < 1 %)");

inline constexpr const Param* all[] = {&name,
                                       &description,
                                       &kind,
                                       &clock,
                                       &rows,
                                       &cols,
                                       &variant,
                                       &lanes,
                                       &stages,
                                       &butterfly,
                                       &scan_combine,
                                       &scratchpad,
                                       &banks,
                                       &bank_width,
                                       &cpo,
                                       &sw_bandwidth,
                                       &sw_latency,
                                       &sw_hop,
                                       &sw_packet,
                                       &sw_header,
                                       &sw_arbitration,
                                       &sw_energy,
                                       &hw_param::dram_bandwidth,
                                       &hw_param::dram_latency,
                                       &hw_param::dram_channels,
                                       &hw_param::dram_interleave,
                                       &hw_param::row_bytes,
                                       &hw_param::row_hit,
                                       &hw_param::row_miss,
                                       &hw_param::dram_energy,
                                       &area_pcu,
                                       &area_pmu,
                                       &area_ext,
                                       &power_unit,
                                       &power_ext};

} // namespace fusesim::rdu_param
