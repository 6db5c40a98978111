#include "sim/config/schema_gpu.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/config/params_gpu.hpp"
#include "sim/config/params_read.hpp"

#include <cmath>

namespace fusesim {

bool is_gpu_hardware(const ConfigNode& hardware) {
    const ConfigNode* kind = hardware.is_map() ? hardware.find("kind") : nullptr;
    return kind && kind->is_scalar() && kind->value() == "gpu";
}

void refuse_gpu(const ConfigNode& hardware, const char* command) {
    if (!is_gpu_hardware(hardware)) return;
    throw ConfigError(hardware.find("kind")->origin(), "hardware.kind",
                      std::string("a GPU (kind: gpu) is a roofline reference for `fusesim "
                                  "analyze`; `") +
                          command +
                          "` simulates a dataflow accelerator: give an accelerator hardware file");
}

GpuSpec read_gpu(const ConfigNode& node) {
    namespace P = gpu_param;
    Reader r(node, "hardware");
    GpuSpec g;
    g.name = r.str("name", Reader::kMaxNameBytes);
    r.opt_str("description");
    read_choice(r, P::kind);
    g.clock_hz = r.has("clock") ? read_hertz(r, P::clock) : P::clock.default_value;
    r.accept("clock");
    g.sms = read_int_or_default(r, P::sms);
    if (r.has("l2"))
        g.l2_bytes = read_bytes(r, P::l2);
    else
        g.l2_bytes = static_cast<int64_t>(P::l2.default_value);
    r.accept("l2");
    g.hbm_bytes_per_second = read_bandwidth(r, P::hbm_bandwidth, g.clock_hz) * g.clock_hz;
    // Peaks are written in TFLOP/s (TOP/s for INT8).
    const Param* peaks[kGpuUnitCount] = {&P::tensor_fp16, &P::tensor_tf32, &P::tensor_int8,
                                         &P::fp32};
    std::optional<Reader> p = r.opt_sub("peak");
    for (int u = 0; u < kGpuUnitCount; ++u)
        g.peak_flops[u] =
            (p ? read_real_or_default(*p, *peaks[u]) : peaks[u]->default_value) * 1e12;
    if (p) p->finish();
    g.tf32 = read_bool_or_default(r, P::tf32);
    // The default is 5 µs in whole cycles of this clock, as a written duration would be.
    const uint64_t launch = r.has(P::launch_overhead.leaf())
                                ? r.cycles(P::launch_overhead.leaf(), g.clock_hz,
                                           static_cast<uint64_t>(P::launch_overhead.max))
                                : static_cast<uint64_t>(std::ceil(5e-6 * g.clock_hz - 1e-9));
    r.accept(P::launch_overhead.leaf());
    g.launch_seconds = static_cast<double>(launch) / g.clock_hz;
    g.l2_reuse = read_bool_or_default(r, P::l2_reuse);
    const Param* eff[kKernelClassCount][2] = {{&P::gemm_compute, &P::gemm_bandwidth},
                                              {&P::elementwise_compute, &P::elementwise_bandwidth},
                                              {&P::fft_compute, &P::fft_bandwidth},
                                              {&P::scan_compute, &P::scan_bandwidth}};
    std::optional<Reader> e = r.opt_sub("efficiency");
    for (int c = 0; c < kKernelClassCount; ++c) {
        GpuEfficiency& x = g.efficiency[c];
        x.compute = eff[c][0]->default_value;
        x.bandwidth = eff[c][1]->default_value;
        if (!e) continue;
        if (auto k = e->opt_sub(to_string(static_cast<KernelClass>(c)))) {
            x.compute = read_real_or_default(*k, *eff[c][0]);
            x.bandwidth = read_real_or_default(*k, *eff[c][1]);
            k->finish();
        }
    }
    if (e) e->finish();
    r.finish();
    return g;
}

HardwareSpec gpu_stand_in(const GpuSpec& gpu) {
    HardwareSpec hw = default_cpo_table({});
    hw.name = gpu.name;
    hw.clock_hz = gpu.clock_hz;
    hw.cores = 1;
    hw.core.pe_rows =
        std::max<int64_t>(1, std::llround(gpu.ops_per_second(GpuUnit::TensorFp16) / gpu.clock_hz));
    hw.core.pe_cols = 1;
    hw.core.sram_bytes = gpu.l2_bytes;
    hw.dram.bytes_per_cycle = gpu.hbm_bytes_per_second / gpu.clock_hz;
    return hw;
}

} // namespace fusesim
