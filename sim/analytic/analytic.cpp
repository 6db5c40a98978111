#include "sim/analytic/analytic.hpp"

#include "hw/cost/rdu_op.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace fusesim {

double OpCost::intensity() const {
    const int64_t b = dram_bytes();
    if (b > 0) return static_cast<double>(ops) / static_cast<double>(b);
    return ops > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

int64_t op_read_bytes(const Workload& w, const Operator& op, const Box& box) {
    int64_t bytes = 0;
    std::vector<int> seen;
    for (const auto& in : op.inputs) {
        if (std::find(seen.begin(), seen.end(), in.tensor) != seen.end()) continue;
        seen.push_back(in.tensor);
        const Tensor& t = w.tensors[in.tensor];
        bytes += operand_slice(op, in, t, box).volume() * t.bytes_per_element;
    }
    return bytes;
}

int64_t op_write_bytes(const Workload& w, const Operator& op, const Box& box) {
    const Tensor& t = w.tensors[op.output.tensor];
    return operand_slice(op, op.output, t, box).volume() * t.bytes_per_element;
}

OpCost cost_op_layer_by_layer(const Workload& w, const HardwareSpec& hw, int op_index) {
    const Operator& op = w.ops[op_index];
    OpCost c;
    c.op = op_index;
    c.name = op.name;
    c.type = op.type;
    c.kind = to_string(op.kind);
    c.ops = op.ops();
    if (op.kind == OpKind::View) return c;
    const Box box = op.full_box();
    c.read_bytes = op_read_bytes(w, op, box);
    c.write_bytes = op_write_bytes(w, op, box);
    // An in-place intermediate passes from its producer to its reader on chip (Tensor::in_place).
    if (w.tensors[op.output.tensor].in_place) c.write_bytes = 0;
    std::vector<int> seen;
    for (const auto& in : op.inputs) {
        const Tensor& t = w.tensors[in.tensor];
        if (!t.in_place || std::find(seen.begin(), seen.end(), in.tensor) != seen.end()) continue;
        seen.push_back(in.tensor);
        c.read_bytes -= operand_slice(op, in, t, box).volume() * t.bytes_per_element;
    }
    Coords extents;
    for (const auto& d : op.dims) extents.push_back(d.size);
    c.mapping = best_mapping(hw.core, extents);
    const int64_t cpo = hw.cpo[static_cast<int>(op.kind)];
    const uint64_t cores = static_cast<uint64_t>(hw.cores);
    if (rdu_costs(hw, op)) {
        // On an RDU an FFT or scan runs by the unit's mapping, its transforms spread evenly over
        // the units (each streams its share back to back: rdu_tile.hpp).
        const int64_t transforms = rdu_transforms(op, op.ops());
        const int64_t share = (transforms + hw.cores - 1) / hw.cores;
        c.compute_cycles = rdu_op_cost(w, hw, op, share).cycles;
    } else {
        const uint64_t one_core = tile_cycles(hw.core, cpo, extents, c.mapping);
        // Spread evenly over the cores (the timing simulation tiles and places explicitly).
        c.compute_cycles = (one_core + cores - 1) / cores;
    }
    c.memory_cycles = transfer_cycles(c.dram_bytes(), hw.dram.bytes_per_cycle);
    c.cycles = std::max(c.compute_cycles, c.memory_cycles);
    if (c.compute_cycles > 0)
        c.utilization =
            static_cast<double>(c.ops) * static_cast<double>(cpo) /
            (static_cast<double>(c.compute_cycles) * static_cast<double>(hw.total_pes()));
    c.attainable_ops_per_cycle =
        std::min(hw.peak_ops_per_cycle(op.kind), c.intensity() * hw.dram.bytes_per_cycle);
    return c;
}

void summarize_types(AnalyticReport& r, const HardwareSpec& hw, int64_t layers) {
    std::map<std::string, size_t> type_index;
    // Per type: Σ intensity × ops and Σ ops over its operators of bounded intensity.
    std::vector<double> weighted, bounded_ops;
    r.types.clear();
    r.layer_cycles = r.layer_ops = r.layer_dram_bytes = 0;
    for (const OpCost& c : r.ops) {
        auto it = type_index.find(c.type);
        if (it == type_index.end()) {
            it = type_index.emplace(c.type, r.types.size()).first;
            r.types.push_back(TypeCost{c.type});
            weighted.push_back(0);
            bounded_ops.push_back(0);
        }
        TypeCost& t = r.types[it->second];
        t.ops += c.ops;
        t.dram_bytes += c.dram_bytes();
        t.cycles += c.cycles;
        if (std::isfinite(c.intensity())) {
            weighted[it->second] += c.intensity() * static_cast<double>(c.ops);
            bounded_ops[it->second] += static_cast<double>(c.ops);
        }
        r.layer_cycles += c.cycles;
        r.layer_ops += c.ops;
        r.layer_dram_bytes += c.dram_bytes();
    }
    for (size_t i = 0; i < r.types.size(); ++i) {
        TypeCost& t = r.types[i];
        // Operators that move no DRAM byte are left out of the mean: their intensity is unbounded
        // (README "Analytical model"); so is the type's when all of them are such.
        if (bounded_ops[i] > 0)
            t.intensity = weighted[i] / bounded_ops[i];
        else if (t.ops > 0)
            t.intensity = std::numeric_limits<double>::infinity();
        if (t.dram_bytes > 0)
            t.intensity_ratio = static_cast<double>(t.ops) / static_cast<double>(t.dram_bytes);
        t.attainable_ops_per_cycle =
            std::min(static_cast<double>(hw.total_pes()), t.intensity * hw.dram.bytes_per_cycle);
    }
    r.model_cycles = r.layer_cycles * static_cast<uint64_t>(layers);
}

AnalyticReport analyze_layer_by_layer(const Workload& w, const HardwareSpec& hw) {
    AnalyticReport r;
    for (int o : w.topo_order)
        if (w.ops[o].kind != OpKind::View) r.ops.push_back(cost_op_layer_by_layer(w, hw, o));
    summarize_types(r, hw, w.layers);
    return r;
}

} // namespace fusesim
