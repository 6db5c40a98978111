// The energy and area model: per-component figures of the hardware (README "Energy and area")
// and the joules of a run from its own counts (ops per kind, SRAM bytes read and written,
// interconnect byte-hops, DRAM bytes) and its latency. Plain C++; the reports call it.
#pragma once

#include "workloads/vocab/op_kind.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace fusesim {

// The fp32 defaults per kind (pJ): add 0.9, mul 3.7, mac 4.6, and the function kinds as the
// multiply-adds that evaluate them (README table). View is 0.
std::array<double, kOpKindCount> default_energy_table();

// Defaults: 45 nm figures (Horowitz, ISSCC 2014) for fp32 ops, an 8 KB SRAM bank, DRAM; the
// interconnect and area figures are derived in README "Energy and area".

struct EnergySpec {
    std::array<double, kOpKindCount> op_pj = default_energy_table(); // pJ per fp32 op by kind
    double sram_read_pj_per_byte = 1.25;        // 8 KB bank, 5 pJ per 32-bit read
    double sram_write_pj_per_byte = 1.25;       // the same access energy for a write
    double noc_pj_per_byte_hop = 0.8;           // 0.1 pJ per bit and mm, one hop ≈ 1 mm
    double pe_mm2 = 222.0 * 0.2 / 8192;         // the reference die: 20 % of 222 mm², 8192 PEs
    double sram_mm2_per_mib = 222.0 * 0.8 / 24; // ... 80 % of it, 24 MiB
    double leakage_w_per_mm2 = 0;               // static power; 0: not modeled
};

// Whether an op of this kind is built on the adder (add, max, reduce, copy), on the multiplier
// and adder (mac), or mostly on the multiplier (mul and every function kind).
enum class EnergyClass { Adder, MultiplyAdd, Multiplier };
EnergyClass energy_class(OpKind kind);
// The factor from an fp32 op to an op of `precision` (Horowitz's 45 nm adds and multiplies:
// fp16/bf16 add 0.4 pJ, mult 1.1 pJ; int8/fp8 add 0.03 pJ, mult 0.2 pJ).
double precision_factor(EnergyClass c, const std::string& precision);

// Links a transfer from core `src` to core `dst` crosses: one on the bus and on p2p links (a
// mesh would count its route here).
int interconnect_hops(const std::string& topology, int src, int dst);

struct ChipArea {
    double pe_mm2 = 0, sram_mm2 = 0;
    double total_mm2() const { return pe_mm2 + sram_mm2; }
};
ChipArea chip_area(const EnergySpec& e, int64_t pes, int64_t sram_bytes);

// What a run moved and computed (model totals) and how long it took.
struct EnergyCounts {
    std::array<double, kOpKindCount> ops{};
    double sram_read_bytes = 0, sram_write_bytes = 0;
    double noc_byte_hops = 0;
    double dram_bytes = 0;
    double seconds = 0;
};

struct EnergyBreakdown {
    std::array<double, kOpKindCount> compute_joules{}; // per kind
    double sram_read_joules = 0, sram_write_joules = 0, noc_joules = 0, dram_joules = 0;
    double static_joules = 0; // leakage × area × seconds
    double compute_total() const;
    double sram_joules() const { return sram_read_joules + sram_write_joules; }
    double total_joules() const;
};

EnergyBreakdown run_energy(const EnergySpec& e, double dram_pj_per_bit,
                           const std::string& precision, const ChipArea& area,
                           const EnergyCounts& n);

} // namespace fusesim
