// The GPU reference (README "GPU reference"): every compute operator is one kernel, run in
// topological order; it reads its inputs from HBM (or from L2 when the previous kernel wrote
// them and they fit) and writes its output to HBM. Its time is the roofline of the unit its kind
// and precision select, scaled by its class's efficiencies, plus a launch. The operators of an
// on-chip fusion group (`mapping.fusion`) run as one fused kernel instead: tensors passed
// between them stay on chip, their compute and memory times add up, and the kernel has one
// launch.
#pragma once

#include "hw/cost/gpu.hpp"
#include "sim/analytic/analytic.hpp"
#include "workloads/plan/mapping.hpp"

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
    GpuKernelTime time;        // this operator's part; `seconds` the whole kernel's
    std::string kernel;        // the kernel: its first operator's name
};

struct GpuReport {
    AnalyticReport report;          // cycles of the GPU clock; dram bytes are HBM bytes
    std::vector<GpuKernel> kernels; // one per entry of report.ops
    double layer_seconds = 0;       // exact sum of the kernels' times (one layer)
    int64_t launches = 0;           // kernels launched per layer
};

// `groups`: the on-chip fusion groups whose operators run as one kernel (others are ignored).
GpuReport analyze_gpu(const Workload& w, const GpuSpec& gpu, const HardwareSpec& stand_in,
                      const std::vector<FusionGroupSpec>& groups = {});

} // namespace fusesim
