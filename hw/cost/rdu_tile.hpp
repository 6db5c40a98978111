// The cycles of a tile of FFTs or scans on one RDU unit (README "RDU (`kind: rdu`)"): k
// independent transforms of n points each, mapped by map_fft / map_scan (rdu_unit.hpp). The k
// transforms stream back to back through the same mapping: a pass carries the vectors of all k
// (the pipeline fills once per pass, not once per transform), and a baseline round trip writes
// and reads the points of all k through the PMU:
//   cycles      = P · (stages + k · V · op cycles) + R · 2 · ⌈k · n · point bytes ÷ PMU B/cycle⌉
//   pass part   = P · (stages + k · V · op cycles)    (the PCU's busy time)
//   round trips = the rest                            (PMU traffic: the baseline's shuffles)
// P, V, R are one transform's (rdu_unit.hpp). A radix-4 FFT maps as its radix-2 equivalent (the
// same n points, log2 n butterfly stages on the pipeline): the unit has radix-2 butterfly links.
#pragma once

#include "hw/cost/rdu_spec.hpp"

#include <cstdint>
#include <string>

namespace fusesim {

struct RduTileCost {
    RduMapping per_transform;       // one transform's mapping
    int64_t transforms = 0;         // k
    uint64_t pass_cycles = 0;       // the PCU streaming its passes
    uint64_t round_trip_cycles = 0; // the PMU round trips (0 on the extended unit)
    uint64_t cycles = 0;
};

// True for the staged algorithms the unit maps: fft, ifft, hillis-steele, blelloch.
bool rdu_maps(const std::string& algorithm);

// One transform's mapping; throws std::invalid_argument (rdu_unit.hpp's message) when it does
// not map, e.g. when n points do not fit one PMU.
RduMapping rdu_transform_mapping(const RduSpec& rdu, const std::string& algorithm, int64_t points,
                                 int64_t point_bytes);

// k transforms on one unit, as above.
RduTileCost rdu_tile_cost(const RduSpec& rdu, const std::string& algorithm, int64_t points,
                          int64_t point_bytes, int64_t transforms);

} // namespace fusesim
