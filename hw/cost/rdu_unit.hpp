// The compute unit of a Reconfigurable Dataflow Unit (README "RDU compute unit (cost model)") as
// plain cost math, no SystemC: a PCU of `lanes` SIMD lanes × `stages` pipelined stages and the
// PMU scratchpad that feeds it, and the spatial mapping of a radix-2 FFT and of a parallel scan
// onto them, in the baseline unit (no cross-lane path but a reduction tree) and the extended one
// (butterfly links between lanes across stages, a scan mode chaining lanes).
//
// The mapping, for n points (FFT) or elements (scan), n a power of 2 ≥ 2, lanes a power of 2:
//   steps T       FFT: log2 n butterfly stages; Hillis–Steele: log2 n; Blelloch: 2·log2 n
//                 (an up-sweep of distances 1, 2, …, n/2, then a down-sweep back to 1).
//   layout        element i sits on lane i mod lanes, in vector ⌊i ÷ lanes⌋; a pass streams
//                 V = ⌈n ÷ lanes⌉ vectors through the pipeline, one a cycle per op cycle.
//   cross-lane    a step of partner distance d = 2^k is cross-lane when d < lanes (the partner
//                 is in another lane of the same vector): X = min(log2 n, log2 lanes) such
//                 steps for the FFT and Hillis–Steele, 2·X for Blelloch. A step with d ≥ lanes
//                 pairs elements of the same lane; the PMU streams them in the order it needs
//                 (an assumption equal for both variants).
//   extended      every step runs in the pipeline: passes P = ⌈T ÷ stages⌉, no round trip.
//   baseline      every cross-lane step needs a shuffle through the PMU first: the pass ends,
//                 the points are written to the PMU and read back permuted (R = cross-lane
//                 steps round trips), and the step starts a new pass. The steps split into
//                 segments, a new one at every cross-lane step after the first step;
//                 P = Σ over segments ⌈segment steps ÷ stages⌉.
//   pass          stages (the fill: every pass traverses the whole pipeline) + V · op cycles.
//   round trip    2 · ⌈n · element bytes ÷ (PMU banks · bytes per cycle per bank)⌉ cycles (write
//                 all, then read all: a permutation needs every element written first).
//   cycles        P · (stages + V · op cycles) + R · round trip.
//   lane use      n ÷ (V · lanes): the share of lane slots a vector fills.
//   stage use     busy lane-stage slots ÷ (lanes · stages · cycles), the busy slots: FFT n per
//                 butterfly stage; Hillis–Steele n − d per step (n·log2 n − n + 1); Blelloch
//                 n ÷ 2d per step of each sweep (2·(n − 1)); each times the op's cycles.
// A point or element must fit one PMU (n · element bytes ≤ scratchpad bytes). Lanes, stages, op
// cycles, banks, bytes per bank and element bytes are 1 to 65,536, a PMU at most 4 GiB; anything
// else throws std::invalid_argument naming the parameter.
#pragma once

#include <cstdint>
#include <string>

namespace fusesim {

enum class RduVariant { Baseline, Extended };
const char* to_string(RduVariant v);
// "baseline" or "extended"; anything else throws std::invalid_argument.
RduVariant parse_rdu_variant(const std::string& name);

// Cycles an element occupies one stage's functional unit for each op the stages run.
struct PcuOpCycles {
    int64_t butterfly = 1;    // one lane's output of a radix-2 butterfly (x ± w·y)
    int64_t scan_combine = 1; // one associative combine (a2·a1, a2·b1 + b2) of a scan
};

// Defaults: Plasticine's PCU (16 lanes × 6 stages at 1 GHz; REFERENCE §6, assumptions).
struct PcuSpec {
    int64_t lanes = 16;
    int64_t stages = 6;
    double clock_hz = 1e9;
    PcuOpCycles op_cycles;
    RduVariant variant = RduVariant::Baseline;
};

// Defaults: Plasticine's PMU (256 KiB in 16 banks of one 32-bit word a cycle; assumptions).
struct PmuSpec {
    int64_t scratchpad_bytes = 256 * 1024;
    int64_t banks = 16;
    int64_t bank_bytes_per_cycle = 4;
    int64_t bytes_per_cycle() const { return banks * bank_bytes_per_cycle; }
};

enum class ScanAlgorithm { HillisSteele, Blelloch };
const char* to_string(ScanAlgorithm a);

// The mapping of one FFT or scan onto one PCU and its PMU.
struct RduMapping {
    int64_t steps = 0;             // T: butterfly stages or scan steps
    int64_t cross_lane_steps = 0;  // steps whose partner is in another lane
    int64_t passes = 0;            // P
    int64_t vectors_per_pass = 0;  // V
    int64_t pmu_round_trips = 0;   // R
    int64_t pass_cycles = 0;       // P · (stages + V · op cycles)
    int64_t round_trip_cycles = 0; // R · one round trip
    int64_t cycles = 0;
    double lane_utilization = 0;
    double stage_utilization = 0;
    double seconds = 0; // cycles ÷ clock
};

// An n-point radix-2 FFT of `point_bytes` per point (default 4: a complex value of two 16-bit
// halves, the width of the cells of the paper's PCU; assumption).
RduMapping map_fft(const PcuSpec& pcu, const PmuSpec& pmu, int64_t points, int64_t point_bytes = 4);

// A scan of n elements of `element_bytes` each (default 4: the pair (a, b) of 16-bit values).
RduMapping map_scan(const PcuSpec& pcu, const PmuSpec& pmu, ScanAlgorithm algorithm,
                    int64_t elements, int64_t element_bytes = 4);

} // namespace fusesim
