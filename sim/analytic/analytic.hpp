// The analytical (roofline) model under layer-by-layer execution: every operator reads each input
// from DRAM and writes its output to DRAM once; its latency is max(compute, memory) where compute
// is the operator mapped onto the PE arrays (under-utilization and CPO counted) and memory is
// bytes ÷ bandwidth. Views move no data and take no time.
#pragma once

#include "hw/cost/hardware.hpp"
#include "workloads/graph/workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

struct OpCost {
    int op = -1;
    std::string name, type, kind;
    int64_t ops = 0;
    int64_t read_bytes = 0;
    int64_t write_bytes = 0;
    uint64_t compute_cycles = 0; // mapped onto the arrays, spread over the cores
    uint64_t memory_cycles = 0;  // (read + write) ÷ DRAM bytes per cycle
    uint64_t cycles = 0;         // max of the two
    double utilization = 0;      // spatial: ops·CPO ÷ (compute cycles · PEs)
    SpatialMapping mapping;
    int64_t dram_bytes() const { return read_bytes + write_bytes; }
    double intensity() const; // ops per DRAM byte (+∞ with ops and no bytes, 0 with no ops)
    bool compute_bound() const { return compute_cycles >= memory_cycles; }
    double attainable_ops_per_cycle = 0; // roofline: min(PEs ÷ CPO, intensity × bandwidth)
};

struct TypeCost {
    std::string type;
    int64_t ops = 0;
    int64_t dram_bytes = 0;
    uint64_t cycles = 0;
    double intensity = 0;       // ops-weighted mean of the operators' bounded intensities (the
                                // paper's); +∞ when none of its operators moves a DRAM byte
    double intensity_ratio = 0; // total ops ÷ total bytes (what bounds latency)
    double attainable_ops_per_cycle = 0; // roofline at `intensity`
};

struct AnalyticReport {
    std::vector<OpCost> ops;     // compute operators in topological order (views left out)
    std::vector<TypeCost> types; // in order of first appearance
    uint64_t layer_cycles = 0;
    uint64_t model_cycles = 0; // × layers
    int64_t layer_ops = 0;
    int64_t layer_dram_bytes = 0;
};

// Bytes an operator reads (distinct input tensors, the slices its loop nest touches) and writes.
int64_t op_read_bytes(const Workload& w, const Operator& op, const Box& box);
int64_t op_write_bytes(const Workload& w, const Operator& op, const Box& box);

OpCost cost_op_layer_by_layer(const Workload& w, const HardwareSpec& hw, int op_index);
AnalyticReport analyze_layer_by_layer(const Workload& w, const HardwareSpec& hw);
// Fills the types and totals of `r` from its operators (roofline of each type on `hw`).
void summarize_types(AnalyticReport& r, const HardwareSpec& hw, int64_t layers);

} // namespace fusesim
