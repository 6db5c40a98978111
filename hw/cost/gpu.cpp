#include "hw/cost/gpu.hpp"

#include <algorithm>

namespace fusesim {

const char* to_string(GpuUnit unit) {
    switch (unit) {
    case GpuUnit::TensorFp16:
        return "tensor_fp16";
    case GpuUnit::TensorTf32:
        return "tensor_tf32";
    case GpuUnit::TensorInt8:
        return "tensor_int8";
    case GpuUnit::CudaFp32:
        return "cuda_fp32";
    }
    return "?";
}

const char* to_string(KernelClass c) {
    switch (c) {
    case KernelClass::Gemm:
        return "gemm";
    case KernelClass::Elementwise:
        return "elementwise";
    case KernelClass::Fft:
        return "fft";
    case KernelClass::Scan:
        return "scan";
    }
    return "?";
}

GpuKernelTime gpu_kernel_time(const GpuSpec& gpu, GpuUnit unit, KernelClass c, int64_t ops,
                              int64_t hbm_bytes) {
    const GpuEfficiency& e = gpu.of(c);
    GpuKernelTime t;
    t.compute_seconds = static_cast<double>(ops) / (gpu.ops_per_second(unit) * e.compute);
    t.memory_seconds = static_cast<double>(hbm_bytes) / (gpu.hbm_bytes_per_second * e.bandwidth);
    t.seconds = std::max(t.compute_seconds, t.memory_seconds) + gpu.launch_seconds;
    return t;
}

} // namespace fusesim
