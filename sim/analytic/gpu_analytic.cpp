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

GpuReport analyze_gpu(const Workload& w, const GpuSpec& gpu, const HardwareSpec& stand_in) {
    GpuReport g;
    const double clock = gpu.clock_hz;
    const uint64_t launch = to_cycles(gpu.launch_seconds, clock);
    int previous = -1; // the kernel before this one
    std::vector<int> sources;
    for (int o : w.topo_order) {
        const Operator& op = w.ops[o];
        if (op.kind == OpKind::View) continue;
        // Layer-by-layer bytes (in-place tensors never leave the chip), then the L2 rule.
        OpCost c = cost_op_layer_by_layer(w, stand_in, o);
        GpuKernel k;
        k.cls = kernel_class(op);
        k.unit = kernel_unit(gpu, k.cls, w.precision);
        std::vector<int> seen;
        const Box box = op.full_box();
        for (const auto& in : op.inputs) {
            const Tensor& t = w.tensors[in.tensor];
            if (t.in_place || std::find(seen.begin(), seen.end(), in.tensor) != seen.end())
                continue;
            seen.push_back(in.tensor);
            if (!gpu.l2_reuse || previous < 0) continue;
            sources.clear();
            w.producers_through_views(in.tensor, sources);
            const bool from_previous =
                !sources.empty() &&
                std::all_of(sources.begin(), sources.end(), [&](int s) { return s == previous; });
            if (!from_previous || w.tensors[w.ops[previous].output.tensor].bytes() > gpu.l2_bytes)
                continue;
            k.l2_read_bytes += operand_slice(op, in, t, box).volume() * t.bytes_per_element;
        }
        c.read_bytes -= k.l2_read_bytes;
        k.time = gpu_kernel_time(gpu, k.unit, k.cls, c.ops, c.dram_bytes());
        c.compute_cycles = to_cycles(k.time.compute_seconds, clock);
        c.memory_cycles = to_cycles(k.time.memory_seconds, clock);
        c.cycles = std::max(c.compute_cycles, c.memory_cycles) + launch;
        const double unit_ops_per_cycle = gpu.ops_per_second(k.unit) / clock;
        const GpuEfficiency& e = gpu.of(k.cls);
        c.utilization = c.cycles > 0 ? static_cast<double>(c.ops) /
                                           (static_cast<double>(c.cycles) * unit_ops_per_cycle)
                                     : 0.0;
        c.attainable_ops_per_cycle =
            std::min(unit_ops_per_cycle * e.compute,
                     c.intensity() * gpu.hbm_bytes_per_second / clock * e.bandwidth);
        g.layer_seconds += k.time.seconds;
        g.report.ops.push_back(std::move(c));
        g.kernels.push_back(k);
        previous = o;
    }
    summarize_types(g.report, stand_in, w.layers);
    return g;
}

} // namespace fusesim
