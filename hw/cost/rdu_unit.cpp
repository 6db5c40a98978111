#include "hw/cost/rdu_unit.hpp"

#include <cmath>
#include <stdexcept>
#include <vector>

namespace fusesim {

const char* to_string(RduVariant v) {
    return v == RduVariant::Baseline ? "baseline" : "extended";
}

RduVariant parse_rdu_variant(const std::string& name) {
    if (name == "baseline") return RduVariant::Baseline;
    if (name == "extended") return RduVariant::Extended;
    throw std::invalid_argument("variant: expected baseline or extended, got '" + name + "'");
}

const char* to_string(ScanAlgorithm a) {
    return a == ScanAlgorithm::HillisSteele ? "hillis-steele" : "blelloch";
}

namespace {

bool power_of_two(int64_t v) {
    return v > 0 && (v & (v - 1)) == 0;
}

int64_t log2_exact(int64_t v) {
    int64_t k = 0;
    while ((int64_t{1} << k) < v) ++k;
    return k;
}

int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}

void require(bool ok, const std::string& what) {
    if (!ok) throw std::invalid_argument(what);
}

// Upper bounds that keep every product of the equations inside int64_t.
constexpr int64_t kMaxUnitCount = int64_t{1} << 16;  // lanes, stages, op cycles, banks, B
constexpr int64_t kMaxScratchpad = int64_t{1} << 32; // bytes of one PMU

void check_count(int64_t v, const char* name) {
    require(v >= 1 && v <= kMaxUnitCount, std::string(name) + ": expected 1 to " +
                                              std::to_string(kMaxUnitCount) + ", got " +
                                              std::to_string(v));
}

void check_unit(const PcuSpec& pcu, const PmuSpec& pmu) {
    check_count(pcu.lanes, "pcu.lanes");
    require(power_of_two(pcu.lanes),
            "pcu.lanes: expected a power of 2, got " + std::to_string(pcu.lanes));
    check_count(pcu.stages, "pcu.stages");
    require(std::isfinite(pcu.clock_hz) && pcu.clock_hz > 0,
            "pcu.clock_hz: expected a positive number");
    check_count(pcu.op_cycles.butterfly, "pcu.op_cycles.butterfly");
    check_count(pcu.op_cycles.scan_combine, "pcu.op_cycles.scan_combine");
    require(pmu.scratchpad_bytes >= 1 && pmu.scratchpad_bytes <= kMaxScratchpad,
            "pmu.scratchpad_bytes: expected 1 to " + std::to_string(kMaxScratchpad) + ", got " +
                std::to_string(pmu.scratchpad_bytes));
    check_count(pmu.banks, "pmu.banks");
    check_count(pmu.bank_bytes_per_cycle, "pmu.bank_bytes_per_cycle");
}

void check_size(const PmuSpec& pmu, const char* name, int64_t n, const char* bytes_name,
                int64_t bytes) {
    require(n >= 2 && power_of_two(n),
            std::string(name) + ": expected a power of 2 of at least 2, got " + std::to_string(n));
    check_count(bytes, bytes_name);
    require(n <= pmu.scratchpad_bytes / bytes,
            std::string(name) + ": " + std::to_string(n) + " x " + std::to_string(bytes) +
                " B do not fit one PMU of " + std::to_string(pmu.scratchpad_bytes) + " B");
}

// One step of a mapped algorithm: its partner distance 2^k and its busy lane slots.
struct Step {
    int64_t distance_log2;
    int64_t busy;
};

// The header's equations over `steps` in execution order.
RduMapping map_steps(const PcuSpec& pcu, const PmuSpec& pmu, const std::vector<Step>& steps,
                     int64_t n, int64_t element_bytes, int64_t op_cycles) {
    RduMapping m;
    const int64_t lanes_log2 = log2_exact(pcu.lanes);
    m.steps = static_cast<int64_t>(steps.size());
    m.vectors_per_pass = ceil_div(n, pcu.lanes);
    int64_t busy = 0;
    for (const Step& s : steps) {
        busy += s.busy;
        if (s.distance_log2 < lanes_log2) ++m.cross_lane_steps;
    }
    if (pcu.variant == RduVariant::Extended) {
        m.passes = ceil_div(m.steps, pcu.stages);
    } else {
        // Segments of consecutive steps, a new one at every cross-lane step but the first step.
        int64_t segment = 0;
        for (size_t i = 0; i < steps.size(); ++i) {
            if (i > 0 && steps[i].distance_log2 < lanes_log2) {
                m.passes += ceil_div(segment, pcu.stages);
                segment = 0;
            }
            ++segment;
        }
        m.passes += ceil_div(segment, pcu.stages);
        m.pmu_round_trips = m.cross_lane_steps;
    }
    m.pass_cycles = m.passes * (pcu.stages + m.vectors_per_pass * op_cycles);
    const int64_t one_trip = 2 * ceil_div(n * element_bytes, pmu.bytes_per_cycle());
    m.round_trip_cycles = m.pmu_round_trips * one_trip;
    m.cycles = m.pass_cycles + m.round_trip_cycles;
    m.lane_utilization =
        static_cast<double>(n) / static_cast<double>(m.vectors_per_pass * pcu.lanes);
    m.stage_utilization = static_cast<double>(busy * op_cycles) /
                          (static_cast<double>(pcu.lanes) * static_cast<double>(pcu.stages) *
                           static_cast<double>(m.cycles));
    m.seconds = static_cast<double>(m.cycles) / pcu.clock_hz;
    return m;
}

} // namespace

RduMapping map_fft(const PcuSpec& pcu, const PmuSpec& pmu, int64_t points, int64_t point_bytes) {
    check_unit(pcu, pmu);
    check_size(pmu, "points", points, "point_bytes", point_bytes);
    std::vector<Step> steps;
    for (int64_t k = 0; k < log2_exact(points); ++k) steps.push_back({k, points});
    return map_steps(pcu, pmu, steps, points, point_bytes, pcu.op_cycles.butterfly);
}

RduMapping map_scan(const PcuSpec& pcu, const PmuSpec& pmu, ScanAlgorithm algorithm,
                    int64_t elements, int64_t element_bytes) {
    check_unit(pcu, pmu);
    check_size(pmu, "elements", elements, "element_bytes", element_bytes);
    const int64_t m = log2_exact(elements);
    std::vector<Step> steps;
    if (algorithm == ScanAlgorithm::HillisSteele) {
        for (int64_t k = 0; k < m; ++k) steps.push_back({k, elements - (int64_t{1} << k)});
    } else {
        for (int64_t k = 0; k < m; ++k) steps.push_back({k, elements >> (k + 1)});
        for (int64_t k = m - 1; k >= 0; --k) steps.push_back({k, elements >> (k + 1)});
    }
    return map_steps(pcu, pmu, steps, elements, element_bytes, pcu.op_cycles.scan_combine);
}

} // namespace fusesim
