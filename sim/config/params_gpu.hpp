// The keys of a GPU hardware file (`kind: gpu`, README "GPU reference"): a roofline machine for
// `fusesim analyze`. Defaults are NVIDIA's published A100 figures (datasheet) where the key is a
// property of the chip, and stated assumptions for the efficiencies and the launch overhead.
#pragma once

#include "sim/config/config_reader.hpp"
#include "sim/config/params.hpp"

namespace fusesim::gpu_param {

using T = ParamType;
constexpr double kTiB = static_cast<double>(Reader::kMaxBytes);
constexpr double kBwMin = Reader::kMinBytesPerCycle, kBwMax = Reader::kMaxBytesPerCycle;

inline constexpr Param name = text("name", nullptr, "at most 256 bytes; shown in reports");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param kind = choice("kind", "gpu", "required here",
                                     "`gpu`: this table; leave it out for a dataflow accelerator");
inline constexpr Param clock =
    optional("clock", T::Frequency, Reader::kMinClockHz, Reader::kMaxClockHz, "1410MHz", 1.41e9,
             "boost clock (published); cycles in `analysis.json` count it");
inline constexpr Param sms = optional("sms", T::Integer, 1, 100000, "108", 108,
                                      "streaming multiprocessors (published; informational)");
inline constexpr Param l2 =
    optional("l2", T::Size, 1, kTiB, "40 MB", 40e6,
             "L2 cache (published); with `l2_reuse` a tensor no larger than this that the "
             "previous kernel wrote is read from L2");
inline constexpr Param hbm_bandwidth =
    required("hbm_bandwidth", T::Bandwidth, kBwMin, kBwMax,
             "HBM bandwidth (published: 2039 GB/s for the A100 80 GB SXM, 1555 GB/s for 40 GB)");
inline constexpr Param tensor_fp16 =
    optional("peak.tensor_fp16", T::Number, 0.001, 1e6, "312", 312,
             "TFLOP/s of the tensor cores in FP16/BF16, dense (published); fp16, bf16 and fp8 "
             "matrix products (the A100 has no FP8 unit)");
inline constexpr Param tensor_tf32 =
    optional("peak.tensor_tf32", T::Number, 0.001, 1e6, "156", 156,
             "TFLOP/s of the tensor cores in TF32, dense (published); fp32 matrix products "
             "when `tf32` is on");
inline constexpr Param tensor_int8 =
    optional("peak.tensor_int8", T::Number, 0.001, 1e6, "624", 624,
             "TOP/s of the tensor cores in INT8, dense (published); int8 matrix products");
inline constexpr Param fp32 =
    optional("peak.fp32", T::Number, 0.001, 1e6, "19.5", 19.5,
             "TFLOP/s of the CUDA cores in FP32 (published); every kernel that is not a "
             "tensor-core matrix product, at every precision (computed in fp32)");
inline constexpr Param tf32 =
    optional("tf32", T::Boolean, 0, 1, "`false`", 0,
             "fp32 matrix products on the tensor cores as TF32 (PyTorch's default since 1.12 "
             "is off: CUDA cores)");
inline constexpr Param launch_overhead =
    optional("launch_overhead", T::Duration, 0, static_cast<double>(Reader::kMaxLatencyCycles),
             "5us", 0, "added to every kernel (assumption: a launch without CUDA graphs)");
inline constexpr Param l2_reuse =
    optional("l2_reuse", T::Boolean, 0, 1, "`true`", 1,
             "a kernel reads from L2, not HBM, an input the previous kernel wrote when the "
             "tensor fits `l2`");

// Efficiencies: fractions of the unit's peak and of the HBM bandwidth a kernel class reaches.
#define FUSESIM_GPU_EFF(ID, KEY, C, B, WHAT)                                                       \
    inline constexpr Param ID##_compute =                                                          \
        optional("efficiency." KEY ".compute", T::Number, 0.001, 1, #C, C,                         \
                 "fraction of its unit's peak a " WHAT " reaches (assumption)");                   \
    inline constexpr Param ID##_bandwidth =                                                        \
        optional("efficiency." KEY ".bandwidth", T::Number, 0.001, 1, #B, B,                       \
                 "fraction of `hbm_bandwidth` a " WHAT " reaches (assumption)");
FUSESIM_GPU_EFF(gemm, "gemm", 0.75, 0.8, "GEMM (see \"GPU reference\")")
FUSESIM_GPU_EFF(elementwise, "elementwise", 0.8, 0.85,
                "kernel of any other kind (elementwise class)")
FUSESIM_GPU_EFF(fft, "fft", 0.6, 0.7, "kernel of kind `fft`")
FUSESIM_GPU_EFF(scan, "scan", 0.5, 0.6, "kernel of kind `scan`")
#undef FUSESIM_GPU_EFF

inline constexpr const Param* all[] = {&name,
                                       &description,
                                       &kind,
                                       &clock,
                                       &sms,
                                       &l2,
                                       &hbm_bandwidth,
                                       &tensor_fp16,
                                       &tensor_tf32,
                                       &tensor_int8,
                                       &fp32,
                                       &tf32,
                                       &launch_overhead,
                                       &l2_reuse,
                                       &gemm_compute,
                                       &gemm_bandwidth,
                                       &elementwise_compute,
                                       &elementwise_bandwidth,
                                       &fft_compute,
                                       &fft_bandwidth,
                                       &scan_compute,
                                       &scan_bandwidth};

} // namespace fusesim::gpu_param
