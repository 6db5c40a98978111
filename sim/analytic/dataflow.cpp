#include "sim/analytic/dataflow.hpp"

#include "hw/cost/hardware.hpp"

#include <algorithm>

namespace fusesim {
namespace {

// A tensor the layer reads from DRAM: an input, a weight, or the state (unless it stays on chip).
bool read_from_dram(const Workload& w, const Tensor& t) {
    if (t.role == TensorRole::State) return !w.state_on_chip;
    return t.role == TensorRole::Input || t.role == TensorRole::Weight;
}

// A tensor the layer writes to DRAM: its output, the new state (unless it stays on chip), and
// an activation nothing reads.
bool written_to_dram(const Workload& w, int t) {
    const Tensor& tensor = w.tensors[t];
    if (tensor.state_out) return !w.state_on_chip;
    return t == w.layer_output || w.consumers[t].empty();
}

} // namespace

AnalyticReport analyze_dataflow(const Workload& w, const HardwareSpec& hw) {
    AnalyticReport r;
    uint64_t compute = 0;
    int64_t bytes = 0;
    for (int o : w.topo_order) {
        const Operator& op = w.ops[o];
        if (op.kind == OpKind::View) continue;
        OpCost c = cost_op_layer_by_layer(w, hw, o);
        const Box box = op.full_box();
        c.read_bytes = 0;
        std::vector<int> seen;
        for (const auto& in : op.inputs) {
            const Tensor& t = w.tensors[in.tensor];
            if (!read_from_dram(w, t) ||
                std::find(seen.begin(), seen.end(), in.tensor) != seen.end())
                continue;
            seen.push_back(in.tensor);
            c.read_bytes += operand_slice(op, in, t, box).volume() * t.bytes_per_element;
        }
        if (!written_to_dram(w, op.output.tensor)) c.write_bytes = 0;
        c.memory_cycles = transfer_cycles(c.dram_bytes(), hw.dram.bytes_per_cycle);
        c.cycles = c.compute_cycles; // its share of the pipeline; stretched below if DRAM-bound
        c.attainable_ops_per_cycle =
            std::min(hw.peak_ops_per_cycle(op.kind), c.intensity() * hw.dram.bytes_per_cycle);
        compute += c.compute_cycles;
        bytes += c.dram_bytes();
        r.ops.push_back(std::move(c));
    }
    // The pipeline runs at the pace of its slower side: the cores' work or the DRAM stream.
    const uint64_t memory = transfer_cycles(bytes, hw.dram.bytes_per_cycle);
    const uint64_t layer = std::max(compute, memory);
    if (memory > compute && compute > 0)
        for (OpCost& c : r.ops)
            c.cycles =
                static_cast<uint64_t>(static_cast<double>(c.compute_cycles) *
                                      static_cast<double>(layer) / static_cast<double>(compute));
    summarize_types(r, hw, w.layers);
    r.layer_cycles = layer;
    r.model_cycles = layer * static_cast<uint64_t>(w.layers);
    return r;
}

} // namespace fusesim
