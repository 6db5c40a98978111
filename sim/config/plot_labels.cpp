#include "sim/config/plot_labels.hpp"

#include <utility>
#include <vector>

namespace fusesim {

namespace {

struct Known {
    const char* column;
    const char* text;
    const char* unit;
};

// The result columns (result_columns()) and the keys sweeps usually vary.
const Known kKnown[] = {
    {"workload.seq_len", "sequence length L", ""},
    {"workload.batch", "batch", ""},
    {"workload.precision", "precision", ""},
    {"hardware.cores", "cores", ""},
    {"hardware.core.sram_bytes", "SRAM per core", "MiB"},
    {"hardware.dram.bytes_per_cycle", "DRAM bandwidth (B/cycle)", ""},
    {"mapping.fusion", "fusion", ""},
    {"latency_cycles", "latency", "Mcycles"},
    {"latency_seconds", "latency", "s"},
    {"latency_per_token_seconds", "latency per token", "ms"},
    {"peak_sram_bytes", "peak SRAM", "MiB"},
    {"dram_read_bytes", "DRAM read", "GiB"},
    {"dram_write_bytes", "DRAM written", "GiB"},
    {"utilization", "PE utilization", "%"},
    {"pes", "PEs", ""},
    {"sram_bytes", "on-chip SRAM", "MiB"},
    {"dram_bytes_per_cycle", "DRAM bandwidth (B/cycle)", ""},
    {"split_d", "d split", ""},
    {"evicted_bytes", "evicted to DRAM", "MiB"},
    {"tokens_per_second", "tokens/s", ""},
    {"workload.decode_state", "decode state", ""},
    {"state_bytes", "decode state", "MiB"},
};

using Units = std::vector<std::pair<const char*, double>>;
const Units kBytes = {{"B", 1}, {"KiB", 1024}, {"MiB", 1048576}, {"GiB", 1073741824}};
const Units kSeconds = {{"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}};
const Units kCycles = {{"cycles", 1}, {"kcycles", 1e3}, {"Mcycles", 1e6}, {"Gcycles", 1e9}};
const Units kFraction = {{"%", 0.01}};

bool ends_with(const std::string& s, const std::string& tail) {
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The units a column's values can be shown in, by what it measures.
const Units* units_of(const std::string& column) {
    if (ends_with(column, "bytes_per_cycle")) return nullptr;
    if (ends_with(column, "_bytes") || ends_with(column, ".bytes")) return &kBytes;
    if (ends_with(column, "_seconds")) return &kSeconds;
    if (ends_with(column, "_cycles")) return &kCycles;
    if (column == "utilization") return &kFraction;
    return nullptr;
}

} // namespace

AxisLabel default_axis(const std::string& column) {
    for (const auto& k : kKnown)
        if (column == k.column) return {k.text, k.unit};
    const Units* u = units_of(column);
    return {column, u ? u->front().first : ""};
}

std::string unit_problem(const std::string& column, const std::string& unit) {
    if (unit.empty() || unit == "none") return "";
    const Units* u = units_of(column);
    std::string fits;
    if (u)
        for (const auto& [name, scale] : *u) {
            if (unit == name) return "";
            fits += std::string(fits.empty() ? "" : ", ") + name;
        }
    return "column '" + column + "' can be shown in " + (u ? fits + " or none" : "none only") +
           ", not '" + unit + "'";
}

double unit_divisor(const std::string& column, const std::string& unit) {
    if (const Units* u = units_of(column))
        for (const auto& [name, scale] : *u)
            if (unit == name) return scale;
    return 1;
}

std::string axis_text(const AxisLabel& a) {
    return a.unit.empty() ? a.text : a.text + " (" + a.unit + ")";
}

} // namespace fusesim
