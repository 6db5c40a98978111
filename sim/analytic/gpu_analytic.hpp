// The GPU reference (README "GPU reference"): every compute operator is one kernel, run
// unfused in topological order; it reads its inputs from HBM (or from L2 when the previous
// kernel wrote them and they fit) and writes its output to HBM. Its time is the roofline of
// the unit its kind and precision select, scaled by its class's efficiencies, plus a launch.
#pragma once

#include "hw/cost/gpu.hpp"
#include "sim/analytic/analytic.hpp"

namespace fusesim {

// Matrix products (kind `mac`, a reduced dimension, and two inputs that each lack a dimension
// of the output) are GEMMs; `fft` and `scan` are their own classes; everything else
// (pointwise, reductions, depthwise convolutions, the per-token recurrence) is elementwise.
KernelClass kernel_class(const Operator& op);
// GEMMs at fp16/bf16/fp8 on the FP16 tensor cores, int8 on the INT8 ones, fp32 on TF32 tensor
// cores when `gpu.tf32`, else (and every other class) on the FP32 CUDA cores.
GpuUnit kernel_unit(const GpuSpec& gpu, KernelClass c, const Precision& precision);

struct GpuKernel {
    GpuUnit unit = GpuUnit::CudaFp32;
    KernelClass cls = KernelClass::Elementwise;
    int64_t l2_read_bytes = 0; // inputs read from L2 instead of HBM
    GpuKernelTime time;
};

struct GpuReport {
    AnalyticReport report;          // cycles of the GPU clock; dram bytes are HBM bytes
    std::vector<GpuKernel> kernels; // one per entry of report.ops
    double layer_seconds = 0;       // exact sum of the kernels' times (one layer)
    int64_t kernels_per_layer() const { return static_cast<int64_t>(kernels.size()); }
};

GpuReport analyze_gpu(const Workload& w, const GpuSpec& gpu, const HardwareSpec& stand_in);

} // namespace fusesim
