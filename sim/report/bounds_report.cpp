#include "sim/report/bounds_report.hpp"

#include <cmath>

namespace fusesim {

std::string vcd_note(const TimingResult& r, const SimOptions& o) {
    if (o.vcd_path.empty() || !r.vcd_truncated) return "";
    return "trace.vcd: cut at cycle " + std::to_string(r.vcd_cut_cycle) + " of " +
           std::to_string(r.cycles) + ", where it reached its size limit of " +
           approx_bytes(static_cast<double>(o.vcd_limit)) +
           " (simulation.vcd_limit); later changes are not in it\n";
}

nlohmann::ordered_json with_bounds(nlohmann::ordered_json report, const TimingResult& r,
                                   const SimOptions& o, const MemoryEstimate& memory,
                                   uint64_t vcd_interval, uint64_t timeline_bytes) {
    nlohmann::ordered_json m;
    m["bytes"] = std::llround(memory.bytes);
    m["tiles"] = std::llround(memory.tiles);
    m["tile_reads"] = std::llround(memory.input_refs);
    report["memory_estimate"] = m;
    if (o.timeline) {
        nlohmann::ordered_json t;
        t["bytes"] = timeline_bytes;
        t["tiles"] = r.timeline_tiles;
        t["slices"] = r.timeline.size();
        t["merged"] = static_cast<int>(r.timeline_level); // 0: back-to-back tiles only
        t["slice_is"] = describe(r.timeline_level);
        report["timeline"] = t;
    }
    if (o.vcd_path.empty()) return report;
    nlohmann::ordered_json v;
    v["bytes"] = r.vcd_bytes;
    v["limit_bytes"] = o.vcd_limit;
    v["interval_cycles"] = vcd_interval; // 1: every change
    v["truncated"] = r.vcd_truncated;
    if (r.vcd_truncated) v["cut_cycle"] = r.vcd_cut_cycle;
    report["trace_vcd"] = v;
    return report;
}

} // namespace fusesim
