#include "hw/cost/energy.hpp"

namespace fusesim {

namespace {

// Horowitz, ISSCC 2014, 45 nm (pJ per op).
constexpr double kAdd32 = 0.9, kMul32 = 3.7;
constexpr double kAdd16 = 0.4, kMul16 = 1.1;
constexpr double kAdd8 = 0.03, kMul8 = 0.2;
constexpr double kMac32 = kMul32 + kAdd32;
// One function evaluation (exp, log, reciprocal, sqrt): range reduction and a degree-3
// polynomial by Horner's rule, or Newton steps: four multiply-adds.
constexpr double kFunction = 4 * kMac32;

} // namespace

std::array<double, kOpKindCount> default_energy_table() {
    std::array<double, kOpKindCount> t{};
    auto set = [&](OpKind k, double pj) { t[static_cast<int>(k)] = pj; };
    set(OpKind::Mac, kMac32);
    set(OpKind::Add, kAdd32);
    set(OpKind::Mul, kMul32);
    set(OpKind::Div, kFunction + kMul32);                          // reciprocal, then multiply
    set(OpKind::Max, kAdd32);                                      // a compare is a subtraction
    set(OpKind::Exp, kFunction);                                   //
    set(OpKind::Sigmoid, kFunction + kAdd32 + kFunction);          // 1 / (1 + exp(-x))
    set(OpKind::Silu, kFunction + kAdd32 + kFunction + kMul32);    // x · sigmoid(x)
    set(OpKind::Softplus, kFunction + kAdd32 + kFunction);         // log(1 + exp(x))
    set(OpKind::Softmax, kFunction + kAdd32 + kFunction + kMul32); // exp, sum, divide
    set(OpKind::Reduce, kAdd32);                                   // one add per element
    set(OpKind::Sqrt, kFunction);
    // A radix-2 butterfly's 10 real ops are 4 multiplies and 6 adds; a scan combine's 3 are 2
    // multiplies and 1 add: the mean per op.
    set(OpKind::Fft, (4 * kMul32 + 6 * kAdd32) / 10);
    set(OpKind::Scan, (2 * kMul32 + kAdd32) / 3);
    set(OpKind::Copy, 0); // moves data only: its bytes are counted as SRAM traffic
    set(OpKind::View, 0);
    return t;
}

EnergyClass energy_class(OpKind kind) {
    switch (kind) {
    case OpKind::Add:
    case OpKind::Max:
    case OpKind::Reduce:
    case OpKind::Copy:
    case OpKind::View:
        return EnergyClass::Adder;
    case OpKind::Mac:
        return EnergyClass::MultiplyAdd;
    default:
        return EnergyClass::Multiplier;
    }
}

double precision_factor(EnergyClass c, const std::string& precision) {
    double add = kAdd32, mul = kMul32;
    if (precision == "fp16" || precision == "bf16") {
        add = kAdd16;
        mul = kMul16;
    } else if (precision == "int8" || precision == "fp8") {
        add = kAdd8;
        mul = kMul8;
    }
    switch (c) {
    case EnergyClass::Adder:
        return add / kAdd32;
    case EnergyClass::MultiplyAdd:
        return (add + mul) / kMac32;
    case EnergyClass::Multiplier:
        break;
    }
    return mul / kMul32;
}

int interconnect_hops(const std::string& topology, int src, int dst) {
    (void)topology; // bus and p2p: every transfer crosses one link
    return src == dst ? 0 : 1;
}

ChipArea chip_area(const EnergySpec& e, int64_t pes, int64_t sram_bytes) {
    return {static_cast<double>(pes) * e.pe_mm2,
            static_cast<double>(sram_bytes) / (1024.0 * 1024.0) * e.sram_mm2_per_mib};
}

double EnergyBreakdown::compute_total() const {
    double s = 0;
    for (double j : compute_joules) s += j;
    return s;
}

double EnergyBreakdown::total_joules() const {
    return compute_total() + sram_joules() + noc_joules + dram_joules + static_joules;
}

EnergyBreakdown run_energy(const EnergySpec& e, double dram_pj_per_bit,
                           const std::string& precision, const ChipArea& area,
                           const EnergyCounts& n) {
    constexpr double kPico = 1e-12;
    EnergyBreakdown b;
    for (int k = 0; k < kOpKindCount; ++k)
        b.compute_joules[k] = n.ops[k] * e.op_pj[k] *
                              precision_factor(energy_class(static_cast<OpKind>(k)), precision) *
                              kPico;
    b.sram_read_joules = n.sram_read_bytes * e.sram_read_pj_per_byte * kPico;
    b.sram_write_joules = n.sram_write_bytes * e.sram_write_pj_per_byte * kPico;
    b.noc_joules = n.noc_byte_hops * e.noc_pj_per_byte_hop * kPico;
    b.dram_joules = n.dram_bytes * 8.0 * dram_pj_per_bit * kPico;
    b.static_joules = e.leakage_w_per_mm2 * area.total_mm2() * n.seconds;
    return b;
}

} // namespace fusesim
