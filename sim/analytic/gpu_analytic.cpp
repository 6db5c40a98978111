#include "sim/analytic/gpu_analytic.hpp"

#include <algorithm>
#include <cmath>

namespace fusesim {

namespace {

// Loop dims an operand indexes.
std::vector<bool> dims_of(const Operator& op, const Operand& operand) {
    std::vector<bool> used(op.dims.size(), false);
    for (const auto& axis : operand.axes)
        for (const auto& term : axis.terms) used[term.dim] = true;
    return used;
}

uint64_t to_cycles(double seconds, double clock_hz) {
    return static_cast<uint64_t>(std::ceil(seconds * clock_hz - 1e-6));
}

} // namespace

KernelClass kernel_class(const Operator& op) {
    if (op.kind == OpKind::Fft) return KernelClass::Fft;
    if (op.kind == OpKind::Scan) return KernelClass::Scan;
    if (op.kind != OpKind::Mac || op.reduction_dims().empty()) return KernelClass::Elementwise;
    const std::vector<bool> out = dims_of(op, op.output);
    int lacking = 0; // inputs that miss a dimension of the output: the M and N sides
    std::vector<int> seen;
    for (const auto& in : op.inputs) {
        if (std::find(seen.begin(), seen.end(), in.tensor) != seen.end()) continue;
        seen.push_back(in.tensor);
        const std::vector<bool> mine = dims_of(op, in);
        for (size_t d = 0; d < out.size(); ++d)
            if (out[d] && !mine[d]) {
                ++lacking;
                break;
            }
    }
    return lacking >= 2 ? KernelClass::Gemm : KernelClass::Elementwise;
}

GpuUnit kernel_unit(const GpuSpec& gpu, KernelClass c, const Precision& precision) {
    if (c != KernelClass::Gemm) return GpuUnit::CudaFp32;
    if (precision.name == "int8") return GpuUnit::TensorInt8;
    if (precision.name == "fp32") return gpu.tf32 ? GpuUnit::TensorTf32 : GpuUnit::CudaFp32;
    return GpuUnit::TensorFp16; // fp16, bf16; fp8 at the FP16 rate (no FP8 unit on the A100)
}

namespace {

// Per operator: the index of its fused group, or -1.
std::vector<int> group_of(const Workload& w, const std::vector<FusionGroupSpec>& groups) {
    std::vector<int> g(w.ops.size(), -1);
    for (size_t k = 0; k < groups.size(); ++k)
        if (groups[k].on_chip)
            for (const auto& name : groups[k].ops)
                if (const int o = w.op_index(name); o >= 0)
                    g[static_cast<size_t>(o)] = static_cast<int>(k);
    return g;
}

// The compute operators in the order their kernels run: topological, a fused group's where its
// last operator is (every input it reads from outside is written by then), back to back.
std::vector<int> kernel_order(const Workload& w, const std::vector<int>& group, size_t groups) {
    std::vector<int> order, last(groups, -1);
    for (int o : w.topo_order)
        if (const int k = group[static_cast<size_t>(o)]; k >= 0 && w.ops[o].kind != OpKind::View)
            last[static_cast<size_t>(k)] = o;
    for (int o : w.topo_order) {
        const int k = group[static_cast<size_t>(o)];
        if (w.ops[o].kind == OpKind::View) continue;
        if (k < 0) {
            order.push_back(o);
        } else if (o == last[static_cast<size_t>(k)]) {
            for (int m : w.topo_order)
                if (group[static_cast<size_t>(m)] == k && w.ops[m].kind != OpKind::View)
                    order.push_back(m);
        }
    }
    return order;
}

} // namespace

GpuReport analyze_gpu(const Workload& w, const GpuSpec& gpu, const HardwareSpec& stand_in,
                      const std::vector<FusionGroupSpec>& groups) {
    GpuReport g;
    const double clock = gpu.clock_hz;
    const uint64_t launch = to_cycles(gpu.launch_seconds, clock);
    const std::vector<int> group = group_of(w, groups);
    // Whether every producer (through views) of tensor `t` is in fused group `k`.
    std::vector<int> sources;
    auto made_in = [&](int t, int k) {
        if (k < 0) return false;
        sources.clear();
        w.producers_through_views(t, sources);
        return !sources.empty() && std::all_of(sources.begin(), sources.end(), [&](int s) {
            return group[static_cast<size_t>(s)] == k;
        });
    };
    // Whether tensor `t` is read only inside group `k` (through views) and is not handed on.
    auto used_only_in = [&](int t, int k, auto&& self) -> bool {
        if (k < 0 || t == w.layer_output || w.tensors[t].state_out || w.consumers[t].empty())
            return false;
        for (int c : w.consumers[t]) {
            const Operator& op = w.ops[c];
            if (op.kind == OpKind::View ? !self(op.output.tensor, k, self)
                                        : group[static_cast<size_t>(c)] != k)
                return false;
        }
        return true;
    };
    std::vector<int> previous; // the operators of the kernel before this one
    std::vector<int> current;
    std::vector<int> kernel_reads; // tensors the current fused kernel reads from HBM or L2
    int current_group = -1;
    size_t kernel_begin = 0; // first entry of report.ops in the current kernel
    // Ends the current kernel: its time is max(Σ compute, Σ memory) + one launch, split over
    // its operators in proportion to their own compute + memory time (the launch on the first).
    auto close_kernel = [&]() {
        if (current.empty()) return;
        double compute = 0, memory = 0;
        for (size_t e = kernel_begin; e < g.kernels.size(); ++e) {
            compute += g.kernels[e].time.compute_seconds;
            memory += g.kernels[e].time.memory_seconds;
        }
        const double busy = std::max(compute, memory);
        g.layer_seconds += busy + gpu.launch_seconds;
        ++g.launches;
        for (size_t e = kernel_begin; e < g.kernels.size(); ++e) {
            GpuKernel& k = g.kernels[e];
            OpCost& c = g.report.ops[e];
            const double own = k.time.compute_seconds + k.time.memory_seconds;
            const double part = current.size() == 1    ? busy
                                : compute + memory > 0 ? busy * own / (compute + memory)
                                                       : 0.0;
            c.cycles = to_cycles(part, clock) + (e == kernel_begin ? launch : 0);
            k.time.seconds = busy + gpu.launch_seconds;
            k.kernel = g.report.ops[kernel_begin].name;
        }
        previous = current;
        current.clear();
        kernel_reads.clear();
        kernel_begin = g.kernels.size();
    };
    for (int o : kernel_order(w, group, groups.size())) {
        const Operator& op = w.ops[o];
        const int k_of = group[static_cast<size_t>(o)];
        if (current.empty() || k_of < 0 || k_of != current_group) close_kernel();
        current_group = k_of;
        current.push_back(o);
        // Layer-by-layer bytes (in-place tensors never leave the chip), less what stays in a
        // fused kernel, then the L2 rule.
        OpCost c = cost_op_layer_by_layer(w, stand_in, o);
        GpuKernel k;
        k.cls = kernel_class(op);
        k.unit = kernel_unit(gpu, k.cls, w.precision);
        std::vector<int> seen;
        const Box box = op.full_box();
        int64_t on_chip = 0;
        for (const auto& in : op.inputs) {
            const Tensor& t = w.tensors[in.tensor];
            if (t.in_place || std::find(seen.begin(), seen.end(), in.tensor) != seen.end())
                continue;
            seen.push_back(in.tensor);
            const int64_t bytes = operand_slice(op, in, t, box).volume() * t.bytes_per_element;
            // Passed on chip inside the fused kernel, or read by one of its operators already.
            if (made_in(in.tensor, k_of) || std::find(kernel_reads.begin(), kernel_reads.end(),
                                                      in.tensor) != kernel_reads.end()) {
                on_chip += bytes;
                continue;
            }
            if (k_of >= 0) kernel_reads.push_back(in.tensor);
            if (!gpu.l2_reuse || previous.empty()) continue;
            sources.clear();
            w.producers_through_views(in.tensor, sources);
            const int last = previous.back();
            const bool from_previous =
                !sources.empty() && std::all_of(sources.begin(), sources.end(), [&](int s) {
                    return std::find(previous.begin(), previous.end(), s) != previous.end();
                });
            if (!from_previous || w.tensors[w.ops[last].output.tensor].bytes() > gpu.l2_bytes)
                continue;
            k.l2_read_bytes += bytes;
        }
        c.read_bytes -= k.l2_read_bytes + on_chip;
        if (used_only_in(op.output.tensor, k_of, used_only_in)) c.write_bytes = 0;
        k.time = gpu_kernel_time(gpu, k.unit, k.cls, c.ops, c.dram_bytes());
        c.compute_cycles = to_cycles(k.time.compute_seconds, clock);
        c.memory_cycles = to_cycles(k.time.memory_seconds, clock);
        const double unit_ops_per_cycle = gpu.ops_per_second(k.unit) / clock;
        const GpuEfficiency& e = gpu.of(k.cls);
        c.attainable_ops_per_cycle =
            std::min(unit_ops_per_cycle * e.compute,
                     c.intensity() * gpu.hbm_bytes_per_second / clock * e.bandwidth);
        g.report.ops.push_back(std::move(c));
        g.kernels.push_back(k);
    }
    close_kernel();
    for (size_t e = 0; e < g.report.ops.size(); ++e) {
        OpCost& c = g.report.ops[e];
        const double unit_ops_per_cycle = gpu.ops_per_second(g.kernels[e].unit) / clock;
        c.utilization = c.cycles > 0 ? static_cast<double>(c.ops) /
                                           (static_cast<double>(c.cycles) * unit_ops_per_cycle)
                                     : 0.0;
    }
    summarize_types(g.report, stand_in, w.layers);
    return g;
}

} // namespace fusesim
