#include "sim/config/decode_state.hpp"

#include <cstdio>
#include <string>

namespace fusesim {

namespace {

std::string mib(int64_t bytes) {
    const double v = static_cast<double>(bytes) / (1024.0 * 1024.0);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.2f MiB", v);
    return std::to_string(bytes) + " B (" + buf + ")";
}

} // namespace

int64_t layer_state_bytes(const Workload& w) {
    int64_t bytes = 0;
    for (size_t t = 0; t < w.tensors.size(); ++t)
        if (w.tensors[t].role == TensorRole::State && w.producers[t].empty())
            bytes += w.tensors[t].bytes();
    return bytes;
}

void apply_decode_state(const WorkloadSpec& spec, const HardwareSpec& hw, Workload& w) {
    if (w.stage != Stage::Decode) return;
    const int64_t per_layer = layer_state_bytes(w);
    if (per_layer == 0) return;
    const int64_t total = per_layer * w.layers;
    const int64_t sram = hw.total_sram_bytes();
    const bool fits = total <= sram / 2;
    const std::string sizes = "the state of " + std::to_string(w.layers) + " layers × batch " +
                              std::to_string(w.batch) + " is " + mib(total) + ", half the SRAM " +
                              mib(sram / 2);
    w.state_bytes = total;
    const std::string& want = spec.decode_state;
    if (want == "on_chip" && !fits)
        throw ConfigError(spec.decode_state_origin, "workload.decode_state",
                          "on_chip: " + sizes +
                              "; it does not fit (use dram or auto, a smaller batch or more SRAM)");
    if (want == "dram" || !fits) {
        w.decode_state = "dram";
        w.decode_state_note = want == "dram" ? "dram: read and written every token (" + sizes + ")"
                                             : "auto chose dram: " + sizes + ", it does not fit";
        return;
    }
    w.decode_state = "on_chip";
    w.state_on_chip = true;
    w.resident_sram_per_core = (total + hw.cores - 1) / hw.cores;
    w.decode_state_note = (want == "auto" ? "auto chose on_chip: " : "on_chip: ") + sizes +
                          "; resident " + std::to_string(w.resident_sram_per_core) +
                          " B per core across tokens";
}

} // namespace fusesim
