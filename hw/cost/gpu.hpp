// A GPU as a roofline machine (README "GPU reference"): per kernel, the time is the larger of
// its ops at the peak of the unit that runs it and its DRAM bytes at the HBM bandwidth, each
// scaled by the efficiency its kernel class reaches, plus a launch overhead. Plain values and
// math, no SystemC.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace fusesim {

// Where a kernel's ops execute.
enum class GpuUnit { TensorFp16, TensorTf32, TensorInt8, CudaFp32 };
constexpr int kGpuUnitCount = 4;
const char* to_string(GpuUnit unit);

// Kernel classes, each with its own efficiencies: matrix products, elementwise (and every other
// pointwise, reduction or convolution kernel), FFTs and scans.
enum class KernelClass { Gemm, Elementwise, Fft, Scan };
constexpr int kKernelClassCount = 4;
const char* to_string(KernelClass c);

struct GpuEfficiency {
    double compute = 1;   // fraction of the unit's peak reached
    double bandwidth = 1; // fraction of the HBM bandwidth reached
};

struct GpuSpec {
    std::string name;
    double clock_hz = 1.41e9;
    int64_t sms = 108;
    int64_t l2_bytes = 40'000'000;
    double hbm_bytes_per_second = 2.039e12;
    std::array<double, kGpuUnitCount> peak_flops{}; // FLOP/s by unit (an FMA counts 2)
    bool tf32 = false;            // fp32 matrix products on the tensor cores (TF32)
    double launch_seconds = 5e-6; // per kernel
    bool l2_reuse = true;
    std::array<GpuEfficiency, kKernelClassCount> efficiency{};

    // Ops per second of a unit: one op of fusesim is a MAC (an FMA, 2 flops) or, for every
    // other kind, one instruction issued at the FMA rate; both are peak FLOP/s ÷ 2.
    double ops_per_second(GpuUnit unit) const { return peak_flops[static_cast<int>(unit)] / 2; }
    const GpuEfficiency& of(KernelClass c) const { return efficiency[static_cast<int>(c)]; }
};

// The time of one kernel, its two bounds and which one holds.
struct GpuKernelTime {
    double compute_seconds = 0; // ops ÷ (unit ops/s × compute efficiency)
    double memory_seconds = 0;  // HBM bytes ÷ (bandwidth × bandwidth efficiency)
    double seconds = 0;         // max of the two + launch overhead
    bool compute_bound() const { return compute_seconds >= memory_seconds; }
};

GpuKernelTime gpu_kernel_time(const GpuSpec& gpu, GpuUnit unit, KernelClass c, int64_t ops,
                              int64_t hbm_bytes);

} // namespace fusesim
