#include "hw/cost/rdu_tile.hpp"

#include <stdexcept>

namespace fusesim {

bool rdu_maps(const std::string& algorithm) {
    return algorithm == "fft" || algorithm == "ifft" || algorithm == "hillis-steele" ||
           algorithm == "blelloch";
}

RduMapping rdu_transform_mapping(const RduSpec& rdu, const std::string& algorithm, int64_t points,
                                 int64_t point_bytes) {
    if (algorithm == "fft" || algorithm == "ifft")
        return map_fft(rdu.pcu, rdu.pmu, points, point_bytes);
    if (algorithm == "hillis-steele")
        return map_scan(rdu.pcu, rdu.pmu, ScanAlgorithm::HillisSteele, points, point_bytes);
    if (algorithm == "blelloch")
        return map_scan(rdu.pcu, rdu.pmu, ScanAlgorithm::Blelloch, points, point_bytes);
    throw std::invalid_argument("the RDU maps fft, ifft, hillis-steele and blelloch, not '" +
                                algorithm + "'");
}

RduTileCost rdu_tile_cost(const RduSpec& rdu, const std::string& algorithm, int64_t points,
                          int64_t point_bytes, int64_t transforms) {
    RduTileCost c;
    c.per_transform = rdu_transform_mapping(rdu, algorithm, points, point_bytes);
    c.transforms = transforms;
    if (transforms <= 0) return c;
    const RduMapping& m = c.per_transform;
    const bool fft = algorithm == "fft" || algorithm == "ifft";
    const auto op =
        static_cast<uint64_t>(fft ? rdu.pcu.op_cycles.butterfly : rdu.pcu.op_cycles.scan_combine);
    const auto k = static_cast<uint64_t>(transforms);
    c.pass_cycles =
        static_cast<uint64_t>(m.passes) * (static_cast<uint64_t>(rdu.pcu.stages) +
                                           k * static_cast<uint64_t>(m.vectors_per_pass) * op);
    const auto pmu_bw = static_cast<uint64_t>(rdu.pmu.bytes_per_cycle());
    const uint64_t bytes = k * static_cast<uint64_t>(points) * static_cast<uint64_t>(point_bytes);
    c.round_trip_cycles =
        static_cast<uint64_t>(m.pmu_round_trips) * 2 * ((bytes + pmu_bw - 1) / pmu_bw);
    c.cycles = c.pass_cycles + c.round_trip_cycles;
    return c;
}

} // namespace fusesim
