// The hardware section's parameters (README "Configuration reference": Hardware).
#pragma once

#include "sim/config/config_reader.hpp"
#include "sim/config/params.hpp"

namespace fusesim::hw_param {

using T = ParamType;
// The limits the Reader checks by default, so that the reference shows what is checked.
constexpr double kTiB = static_cast<double>(Reader::kMaxBytes); // the largest size anywhere
constexpr double kBwMin = Reader::kMinBytesPerCycle, kBwMax = Reader::kMaxBytesPerCycle;
constexpr double kMaxLatency = static_cast<double>(Reader::kMaxLatencyCycles);

inline constexpr Param name = text("name", nullptr, "at most 256 bytes; shown in reports");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param kind =
    choice("kind", "accelerator|gpu|rdu", "accelerator",
           "`gpu`: a GPU roofline reference for `analyze`, with the keys of the GPU table "
           "(\"GPU reference\") instead of these; `rdu`: a Reconfigurable Dataflow Unit, with "
           "the keys of the RDU table");
inline constexpr Param clock =
    required("clock", T::Frequency, Reader::kMinClockHz, Reader::kMaxClockHz,
             "accelerator clock; time in cycles, seconds = cycles ÷ clock");
inline constexpr Param cores = required("cores", T::Integer, 1, 4096, "number of cores");
inline constexpr Param pe_rows =
    required("core.pe_rows", T::Integer, 1, 1 << 20,
             "rows of the PE array of one core; a loop dimension that does not fill the array "
             "leaves PEs idle");
inline constexpr Param pe_cols =
    required("core.pe_cols", T::Integer, 1, 1 << 20, "columns of the PE array of one core");
inline constexpr Param sram = required("core.sram", T::Size, 1, kTiB, "on-chip SRAM per core");
inline constexpr Param sram_bandwidth = or_unlimited(
    optional("core.sram_bandwidth", T::Bandwidth, kBwMin, kBwMax, "`unlimited`", 0,
             "per bank; a tile takes at least (its operand bytes) ÷ (banks × this) cycles"));
inline constexpr Param sram_banks =
    optional("core.sram_banks", T::Integer, 1, 1 << 16, "1", 1, "banks serving in parallel");
inline constexpr Param sram_bank_width =
    optional("core.sram_bank_width", T::Size, 1, 4096, "", 0,
             "unset: no bank model; bytes one bank reads or writes per access, the interleaving "
             "granularity (word w on bank "
             "w mod `sram_banks`); turns on the bank model (\"Banked SRAM\"); `sram_bandwidth`, if "
             "given, must equal this × `sram_ports`");
inline constexpr Param sram_ports =
    optional("core.sram_ports", T::Integer, 1, 64, "1 (with a bank width)", 1,
             "accesses per cycle of one bank (needs `sram_bank_width`)");
inline constexpr Param dram_bandwidth =
    required("dram.bandwidth", T::Bandwidth, kBwMin, kBwMax,
             "off-chip, shared by all cores: the total of all channels (each has this ÷ channels)");
inline constexpr Param dram_latency =
    optional("dram.latency", T::Duration, 0, kMaxLatency, "0", 0,
             "added to every DRAM transfer (to each channel's part of it)");
inline constexpr Param dram_channels = optional(
    "dram.channels", T::Integer, 1, 1024, "1", 1,
    "channels; each has `bandwidth` ÷ channels and the latency; addresses interleaved over them");
inline constexpr Param dram_interleave =
    optional("dram.interleave", T::Size, 1, kTiB, "4 KiB", 4096,
             "consecutive bytes on one channel: block i of this size is on channel i mod channels");
inline constexpr Param row_bytes =
    required("dram.row_buffer.row_bytes", T::Size, 1, kTiB,
             "open-page row buffer per channel (optional section): bytes of a row, in the "
             "channel's own address space");
inline constexpr Param row_hit =
    required("dram.row_buffer.hit_latency", T::Duration, 0, kMaxLatency,
             "of an access to the open row; every access waits `latency` + this");
inline constexpr Param row_miss =
    required("dram.row_buffer.miss_latency", T::Duration, 0, kMaxLatency,
             "at least `hit_latency`; each row miss occupies the channel (miss − hit) cycles");
inline constexpr Param sram_read_energy =
    optional("core.sram_read_energy", T::Energy, 0, 1e6, "1.25 pJ", 1.25,
             "per byte read from SRAM (by the array, a write-back or a send to another core)");
inline constexpr Param sram_write_energy =
    optional("core.sram_write_energy", T::Energy, 0, 1e6, "1.25 pJ", 1.25,
             "per byte written to SRAM (by the array, a fetch or a receive)");
inline constexpr Param dram_energy = optional("dram.energy_per_bit", T::Energy, 0, 1e6, "20 pJ", 20,
                                              "energy of one bit moved to or from DRAM");
inline constexpr Param topology =
    choice("interconnect.topology", "bus|p2p|mesh|ring", "`bus`",
           "optional section; `bus`: one link shared by all cores; `p2p`: each core has its own "
           "incoming link; `mesh`, `ring`: routers and links (see \"Network on chip\")");
inline constexpr Param ic_bandwidth = or_unlimited(optional(
    "interconnect.bandwidth", T::Bandwidth, kBwMin, kBwMax, "`unlimited`", 0, "of one link"));
inline constexpr Param ic_latency = optional("interconnect.latency", T::Duration, 0, kMaxLatency,
                                             "0", 0, "added to every transfer between cores");
inline constexpr Param ic_energy =
    optional("interconnect.energy_per_byte", T::Energy, 0, 1e6, "0.8 pJ", 0.8,
             "per byte and hop moved on the interconnect: between cores (bus and p2p: one hop), "
             "and on a mesh or ring DRAM traffic too");
inline constexpr Param ic_rows =
    optional("interconnect.rows", T::Integer, 1, 4096, "", 0,
             "`mesh` only (required there): rows of routers; rows × cols = `cores`, core *i* at "
             "row *i* ÷ cols, column *i* mod cols");
inline constexpr Param ic_cols = optional("interconnect.cols", T::Integer, 1, 4096, "", 0,
                                          "`mesh` only (required there): columns of routers");
inline constexpr Param ic_hop_latency =
    optional("interconnect.hop_latency", T::Duration, 0, kMaxLatency, "1", 1,
             "`mesh`, `ring`: cycles per router a transfer crosses (per hop)");
inline constexpr Param ic_packet = optional("interconnect.packet_bytes", T::Size, 1, kTiB, "64 B",
                                            64, "`mesh`, `ring`: payload per packet");
inline constexpr Param ic_header =
    optional("interconnect.header_bytes", T::Size, 0, 65536, "0", 0,
             "`mesh`, `ring`: header per packet; B bytes put B + ⌈B ÷ packet⌉ × header on a link");
inline constexpr Param ic_dram_routers =
    other("interconnect.dram_routers", "list of router indices", "mesh: west and east edge columns",
          "`mesh`, `ring`: routers the DRAM channels attach to, channel *c* at entry *c* mod "
          "size; default on a mesh (row 0 west, row 0 east, row 1 west, ...), on a ring router 0");
inline constexpr Param ic_arbitration =
    choice("interconnect.arbitration", "fair|fifo", "`fair`",
           "`mesh`, `ring`: how transfers share a link; `fair`: max-min fair fluid rates; "
           "`fifo`: one transfer at a time, in the order requested (see \"Network on chip\")");
inline constexpr Param cpo = optional("cpo.<kind>", T::Integer, 1, 1 << 16, "1", 1,
                                      "cycles per op of an operator kind: {op_kinds}");
inline constexpr Param op_energy =
    optional("op_energy.<kind>", T::Energy, 0, 1e6, "see \"Energy and area\"", 0,
             "energy of one fp32 op of a kind ({op_kinds}); scaled to the workload's precision");
inline constexpr Param pe_area =
    optional("die.pe_area", T::Number, 0, 1e3, "0.00542", 222.0 * 0.2 / 8192,
             "mm² per PE (optional section; the reference die's)");
inline constexpr Param sram_area =
    optional("die.sram_area", T::Number, 0, 1e6, "7.4", 222.0 * 0.8 / 24,
             "mm² per MiB of SRAM (the reference die's); under an area model it follows from "
             "`area.full_pes` × `die.pe_area` ÷ `area.full_sram`");
inline constexpr Param leakage =
    optional("die.leakage", T::Number, 0, 1e3, "0", 0,
             "static power in W per mm²; static energy = this × area × latency");
inline constexpr Param area_scale =
    required("area.scale", T::Number, 1e-6, 1e3,
             "area model (optional section): scale *a* of the reference die");
inline constexpr Param area_memory_share =
    required("area.memory_share", T::Number, 0, 1, "share *m* of the area spent on SRAM");
inline constexpr Param area_full_pes =
    required("area.full_pes", T::Number, 1, 1e9, "PEs if the whole reference die were PEs");
inline constexpr Param area_full_sram =
    required("area.full_sram", T::Size, 1, kTiB, "SRAM if the whole reference die were SRAM");
inline constexpr Param area_base_bw =
    required("area.base_dram_bandwidth", T::Bandwidth, kBwMin, kBwMax,
             "DRAM bandwidth at *a* = 1 (the derived bandwidth must be in range too)");
inline constexpr Param area_array_cols =
    optional("area.array_cols", T::Integer, 1, 1 << 20, "64", 64, "columns of the derived array");

inline constexpr const Param* all[] = {&name,
                                       &description,
                                       &kind,
                                       &clock,
                                       &cores,
                                       &pe_rows,
                                       &pe_cols,
                                       &sram,
                                       &sram_bandwidth,
                                       &sram_banks,
                                       &sram_bank_width,
                                       &sram_ports,
                                       &sram_read_energy,
                                       &sram_write_energy,
                                       &dram_bandwidth,
                                       &dram_latency,
                                       &dram_energy,
                                       &dram_channels,
                                       &dram_interleave,
                                       &row_bytes,
                                       &row_hit,
                                       &row_miss,
                                       &topology,
                                       &ic_bandwidth,
                                       &ic_latency,
                                       &ic_energy,
                                       &ic_rows,
                                       &ic_cols,
                                       &ic_hop_latency,
                                       &ic_packet,
                                       &ic_header,
                                       &ic_dram_routers,
                                       &ic_arbitration,
                                       &cpo,
                                       &op_energy,
                                       &pe_area,
                                       &sram_area,
                                       &leakage,
                                       &area_scale,
                                       &area_memory_share,
                                       &area_full_pes,
                                       &area_full_sram,
                                       &area_base_bw,
                                       &area_array_cols};

} // namespace fusesim::hw_param
