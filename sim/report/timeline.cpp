// memory.csv and timeline.json: the event streams of a run. Both cover the whole run; past their
// sizes they hold the largest SRAM value per interval (the peak is never lost) and merged
// slices (the recorder's TimelineLevel), never a cut.
#include "hw/cost/time_base.hpp"
#include "sim/report/report.hpp"

#include <algorithm>
#include <charconv>

namespace fusesim {

namespace {

// Visits occupancy as it changed, or, with more than `limit` samples, the largest value per core
// in each of `intervals` equal intervals (streamed: no copy of the samples is made); returns the
// interval width (0: exact).
template <typename Visit>
uint64_t visit_peaks(const RunContext& c, size_t limit, uint64_t intervals, Visit&& visit) {
    const auto& samples = c.result.occupancy;
    if (samples.size() <= limit) {
        for (const auto& x : samples) visit(x);
        return 0;
    }
    const size_t cores = c.result.peak_sram.size();
    const uint64_t width =
        std::max<uint64_t>(1, c.result.cycles / std::max<uint64_t>(intervals, 1) + 1);
    std::vector<int64_t> current(cores, 0), best(cores, -1);
    uint64_t bucket = 0;
    auto flush = [&](uint64_t b) {
        for (size_t k = 0; k < cores; ++k)
            if (best[k] >= 0) visit(OccupancySample{b * width, static_cast<int>(k), best[k]});
    };
    for (const auto& x : samples) {
        const uint64_t b = x.cycle / width;
        if (b != bucket) {
            flush(bucket);
            bucket = b;
            for (size_t k = 0; k < cores; ++k) best[k] = current[k];
        }
        current[x.core] = x.bytes;
        best[x.core] = std::max(best[x.core], x.bytes);
    }
    flush(bucket);
    return width;
}

} // namespace

std::string memory_csv(const RunContext& c) {
    // Every change of occupancy, or for long runs the largest value in each of 100,000 equal
    // intervals per core (fewer with many cores: at most ~2,000,000 rows).
    const size_t cores = std::max<size_t>(c.result.peak_sram.size(), 1);
    std::string s = "cycle,core,sram_bytes\n";
    visit_peaks(c, 200000, std::clamp<uint64_t>(2000000 / cores, 100, 100000),
                [&](const OccupancySample& x) {
                    // One row without temporaries: this runs up to 2,000,000 times.
                    char row[64];
                    char* p = std::to_chars(row, row + 20, x.cycle).ptr;
                    *p++ = ',';
                    p = std::to_chars(p, p + 11, x.core).ptr;
                    *p++ = ',';
                    p = std::to_chars(p, p + 20, x.bytes).ptr;
                    *p++ = '\n';
                    s.append(row, p);
                });
    return s;
}

std::string timeline_json(const RunContext& c, size_t max_counters) {
    // Chrome trace format (Perfetto, chrome://tracing): one thread per core; ts/dur in µs, from
    // the same ticks as trace.vcd (TimeBase), written exactly.
    const TimeBase tb(c.hw.clock_hz);
    auto ts = [&](uint64_t cycle) { return tb.microseconds(tb.ticks(cycle)); };
    auto dur = [&](uint64_t from, uint64_t to) {
        return tb.microseconds(tb.ticks(to) - tb.ticks(from));
    };
    const TimelineLevel level = c.result.timeline_level;
    std::string s = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    s += "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"args\":{\"name\":\"" + c.hw.name +
         "\"}}";
    for (size_t k = 0; k < c.result.core_busy.size(); ++k)
        s += ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":" + std::to_string(k) +
             ",\"args\":{\"name\":\"core " + std::to_string(k) + "\"}}";
    for (const auto& x : c.result.timeline) {
        const Operator& op = c.workload.ops[x.op];
        const std::string& group = c.plan.groups[c.plan.group_of_op[x.op]].name;
        const std::string name = level <= TimelineLevel::Operator ? op.name
                                 : level == TimelineLevel::Group
                                     ? group
                                     : "layer " + std::to_string(x.layer);
        s += ",\n{\"name\":\"" + name + "\",\"cat\":\"" +
             (level <= TimelineLevel::Operator ? op.type : std::string("merged")) +
             "\",\"ph\":\"X\",\"pid\":1,\"tid\":" + std::to_string(x.core) +
             ",\"ts\":" + ts(x.start) + ",\"dur\":" + dur(x.start, x.end) +
             ",\"args\":{\"layer\":" + std::to_string(x.layer) +
             (level <= TimelineLevel::Group ? ",\"group\":\"" + group + "\"" : std::string()) +
             ",\"tiles\":" + std::to_string(x.tiles) +
             ",\"busy_cycles\":" + std::to_string(x.busy) + "}}";
    }
    const size_t cores = std::max<size_t>(c.result.peak_sram.size(), 1);
    const uint64_t width =
        visit_peaks(c, max_counters, max_counters / cores, [&](const OccupancySample& x) {
            s += ",\n{\"name\":\"SRAM core " + std::to_string(x.core) +
                 "\",\"ph\":\"C\",\"pid\":1,\"ts\":" + ts(x.cycle) +
                 ",\"args\":{\"bytes\":" + std::to_string(x.bytes) + "}}";
        });
    // A track per NoC link and DRAM channel: when it carried data (process 3).
    int track = 0;
    for (const ModuleRecord& m : c.result.modules) {
        if (m.busy.empty()) continue;
        if (track == 0)
            s += ",\n{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":3,\"args\":{\"name\":"
                 "\"links and DRAM channels\"}}";
        s +=
            ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":3,\"tid\":" + std::to_string(track) +
            ",\"args\":{\"name\":\"" + m.module + "\"}}";
        for (const auto& [from, to] : m.busy)
            s += ",\n{\"name\":\"busy\",\"cat\":\"transfer\",\"ph\":\"X\",\"pid\":3,\"tid\":" +
                 std::to_string(track) + ",\"ts\":" + ts(from) + ",\"dur\":" + dur(from, to) +
                 ",\"args\":{\"merged_gaps_up_to_cycles\":" + std::to_string(m.busy_merge_gap) +
                 "}}";
        ++track;
    }
    for (const auto& l : c.result.lifetimes) // a track of SRAM lifetimes (simulation.lifetimes)
        s += ",\n{\"name\":\"" + l.tensor +
             "\",\"cat\":\"sram\",\"ph\":\"X\",\"pid\":2,\"tid\":" + std::to_string(l.core) +
             ",\"ts\":" + ts(l.start) + ",\"dur\":" + dur(l.start, l.end) +
             ",\"args\":{\"bytes\":" + std::to_string(l.bytes) + ",\"producer\":\"" + l.producer +
             "\"}}";
    s += "\n],\"otherData\":{\"time_base\":\"" + tb.describe() + "\",\"slices_merge\":\"" +
         describe(level) + "\",\"tiles\":" + std::to_string(c.result.timeline_tiles) +
         ",\"slices\":" + std::to_string(c.result.timeline.size()) +
         ",\"sram_counter_interval_cycles\":" + std::to_string(width) + "}}\n";
    return s;
}

} // namespace fusesim
