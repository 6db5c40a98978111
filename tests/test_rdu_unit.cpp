// The RDU compute unit's cost model (hw/cost/rdu_unit.hpp, README "RDU compute unit (cost
// model)"): FFTs and scans mapped onto a PCU of 16 lanes × 6 stages and its PMU (256 KiB, 16 banks
// of 4 B a cycle: 64 B a cycle), baseline against extended, every figure derived by hand from the
// header's equations. Element size 4 B throughout (the default).
#include "hw/cost/rdu_unit.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace fusesim;
using Catch::Matchers::Contains;

namespace {

PcuSpec pcu_of(RduVariant v) {
    PcuSpec p;
    p.variant = v;
    return p;
}

const PmuSpec kPmu;

} // namespace

TEST_CASE("A 16-point FFT fits one pass of the extended PCU and needs four shuffles on the "
          "baseline",
          "[rdu]") {
    // log2 16 = 4 butterfly stages of distances 1, 2, 4, 8: all < 16 lanes, so all cross-lane.
    // 16 points on 16 lanes: V = 1 vector, lane use 16 ÷ 16 = 1.
    // Extended: P = ⌈4 ÷ 6⌉ = 1 pass of 6 (fill) + 1 = 7 cycles.
    const RduMapping ext = map_fft(pcu_of(RduVariant::Extended), kPmu, 16);
    CHECK(ext.steps == 4);
    CHECK(ext.cross_lane_steps == 4);
    CHECK(ext.vectors_per_pass == 1);
    CHECK(ext.passes == 1);
    CHECK(ext.pmu_round_trips == 0);
    CHECK(ext.cycles == 7);
    CHECK(ext.lane_utilization == Approx(1.0).margin(1e-12));
    // Busy slots 16 points × 4 stages = 64 of 16 × 6 × 7 = 672.
    CHECK(ext.stage_utilization == Approx(64.0 / 672).epsilon(1e-12));
    CHECK(ext.seconds == Approx(7e-9).epsilon(1e-12));
    // Baseline: every stage starts its own segment: 4 passes of 7 = 28 cycles; 4 round trips of
    // 2 · ⌈16 · 4 B ÷ 64 B⌉ = 2 cycles: 8. Total 36, 36 ÷ 7 = 5.14× the extended unit.
    const RduMapping base = map_fft(pcu_of(RduVariant::Baseline), kPmu, 16);
    CHECK(base.passes == 4);
    CHECK(base.pmu_round_trips == 4);
    CHECK(base.pass_cycles == 28);
    CHECK(base.round_trip_cycles == 8);
    CHECK(base.cycles == 36);
    CHECK(base.stage_utilization == Approx(64.0 / (96 * 36)).epsilon(1e-12));
}

TEST_CASE("A 1024-point FFT takes two passes extended and five passes plus four PMU round trips "
          "on the baseline",
          "[rdu]") {
    // log2 1024 = 10 stages; distances 1, 2, 4, 8 cross lanes (X = 4), 16 … 512 stay in a lane.
    // V = 1024 ÷ 16 = 64 vectors a pass; a pass is 6 + 64 = 70 cycles.
    // Extended: P = ⌈10 ÷ 6⌉ = 2: 140 cycles; busy 1024 × 10 = 10,240 of 96 × 140 = 13,440.
    const RduMapping ext = map_fft(pcu_of(RduVariant::Extended), kPmu, 1024);
    CHECK(ext.steps == 10);
    CHECK(ext.cross_lane_steps == 4);
    CHECK(ext.vectors_per_pass == 64);
    CHECK(ext.passes == 2);
    CHECK(ext.cycles == 140);
    CHECK(ext.stage_utilization == Approx(10240.0 / 13440).epsilon(1e-12));
    // Baseline: segments [s0], [s1], [s2], [s3 … s9] → 1 + 1 + 1 + ⌈7 ÷ 6⌉ = 5 passes, 350
    // cycles; 4 round trips of 2 · ⌈1024 · 4 ÷ 64⌉ = 128 cycles: 512. Total 862 (6.16×).
    const RduMapping base = map_fft(pcu_of(RduVariant::Baseline), kPmu, 1024);
    CHECK(base.passes == 5);
    CHECK(base.pmu_round_trips == 4);
    CHECK(base.pass_cycles == 350);
    CHECK(base.round_trip_cycles == 512);
    CHECK(base.cycles == 862);
    CHECK(base.lane_utilization == Approx(1.0).margin(1e-12));
    CHECK(base.stage_utilization == Approx(10240.0 / (96 * 862)).epsilon(1e-12));
}

TEST_CASE("A 4096-point FFT (a Hyena convolution of L = 2048) on both units", "[rdu]") {
    // 12 stages, X = 4, V = 4096 ÷ 16 = 256, a pass 6 + 256 = 262 cycles.
    // Extended: P = ⌈12 ÷ 6⌉ = 2: 524 cycles; busy 4096 × 12 = 49,152 of 96 × 524 = 50,304.
    const RduMapping ext = map_fft(pcu_of(RduVariant::Extended), kPmu, 4096);
    CHECK(ext.passes == 2);
    CHECK(ext.cycles == 524);
    CHECK(ext.stage_utilization == Approx(49152.0 / 50304).epsilon(1e-12));
    // Baseline: segments [s0], [s1], [s2], [s3 … s11] → 3 + ⌈9 ÷ 6⌉ = 5 passes, 1,310 cycles;
    // 4 round trips of 2 · ⌈4096 · 4 ÷ 64⌉ = 512: 2,048. Total 3,358 (6.41×).
    const RduMapping base = map_fft(pcu_of(RduVariant::Baseline), kPmu, 4096);
    CHECK(base.passes == 5);
    CHECK(base.round_trip_cycles == 2048);
    CHECK(base.cycles == 3358);
}

TEST_CASE("An FFT shorter than the lanes leaves lanes idle", "[rdu]") {
    // 8 points on 16 lanes: V = 1, lane use 8 ÷ 16 = 0.5; 3 stages, one pass of 7 cycles; busy
    // 8 × 3 = 24 of 672. Baseline: 3 passes (21) + 3 round trips of 2 · ⌈32 ÷ 64⌉ = 2: 27.
    const RduMapping ext = map_fft(pcu_of(RduVariant::Extended), kPmu, 8);
    CHECK(ext.lane_utilization == Approx(0.5).margin(1e-12));
    CHECK(ext.cycles == 7);
    CHECK(ext.stage_utilization == Approx(24.0 / 672).epsilon(1e-12));
    CHECK(map_fft(pcu_of(RduVariant::Baseline), kPmu, 8).cycles == 27);
}

TEST_CASE("The op cycles and the PMU bandwidth enter the FFT's cycles", "[rdu]") {
    // Butterfly at 2 cycles an element: a pass of 6 + 64 · 2 = 134, two passes 268 (extended).
    PcuSpec slow = pcu_of(RduVariant::Extended);
    slow.op_cycles.butterfly = 2;
    CHECK(map_fft(slow, kPmu, 1024).cycles == 268);
    // A PMU of 8 banks (32 B a cycle): a round trip 2 · ⌈4096 ÷ 32⌉ = 256; baseline 350 + 4 · 256.
    PmuSpec narrow;
    narrow.banks = 8;
    const RduMapping base = map_fft(pcu_of(RduVariant::Baseline), narrow, 1024);
    CHECK(base.round_trip_cycles == 1024);
    CHECK(base.cycles == 1374);
    // 8-byte points (complex fp32) double the round trip on the default PMU: 350 + 4 · 256.
    CHECK(map_fft(pcu_of(RduVariant::Baseline), kPmu, 1024, 8).cycles == 1374);
}

TEST_CASE("A Hillis-Steele scan of 1024 elements maps like the FFT with fewer busy slots",
          "[rdu]") {
    // log2 1024 = 10 steps of distances 1 … 512, X = 4 cross-lane: the same passes and cycles as
    // the FFT (extended 140, baseline 862). Busy: Σ (1024 − 2^k) = 10,240 − 1,023 = 9,217.
    const RduMapping ext =
        map_scan(pcu_of(RduVariant::Extended), kPmu, ScanAlgorithm::HillisSteele, 1024);
    CHECK(ext.steps == 10);
    CHECK(ext.cross_lane_steps == 4);
    CHECK(ext.passes == 2);
    CHECK(ext.cycles == 140);
    CHECK(ext.stage_utilization == Approx(9217.0 / 13440).epsilon(1e-12));
    const RduMapping base =
        map_scan(pcu_of(RduVariant::Baseline), kPmu, ScanAlgorithm::HillisSteele, 1024);
    CHECK(base.passes == 5);
    CHECK(base.pmu_round_trips == 4);
    CHECK(base.cycles == 862);
}

TEST_CASE("A Blelloch scan of 1024 elements crosses lanes in both sweeps", "[rdu]") {
    // 2 · 10 = 20 steps: up-sweep distances 2^0 … 2^9, down-sweep 2^9 … 2^0; cross-lane are
    // 2^0 … 2^3 in each sweep: X = 8. Extended: P = ⌈20 ÷ 6⌉ = 4, 4 × 70 = 280 cycles; busy
    // 2 · (1024 − 1) = 2,046 of 96 × 280 = 26,880.
    const RduMapping ext =
        map_scan(pcu_of(RduVariant::Extended), kPmu, ScanAlgorithm::Blelloch, 1024);
    CHECK(ext.steps == 20);
    CHECK(ext.cross_lane_steps == 8);
    CHECK(ext.passes == 4);
    CHECK(ext.cycles == 280);
    CHECK(ext.stage_utilization == Approx(2046.0 / 26880).epsilon(1e-12));
    // Baseline: segments [u0], [u1], [u2], [u3 … u9, d9 … d4] (13 steps), [d3], [d2], [d1], [d0]
    // → 3 + ⌈13 ÷ 6⌉ + 4 = 10 passes, 700 cycles; 8 round trips of 128: 1,024. Total 1,724.
    const RduMapping base =
        map_scan(pcu_of(RduVariant::Baseline), kPmu, ScanAlgorithm::Blelloch, 1024);
    CHECK(base.passes == 10);
    CHECK(base.pmu_round_trips == 8);
    CHECK(base.pass_cycles == 700);
    CHECK(base.round_trip_cycles == 1024);
    CHECK(base.cycles == 1724);
}

TEST_CASE("Invalid RDU parameters throw invalid_argument naming the parameter", "[rdu]") {
    PcuSpec zero = pcu_of(RduVariant::Baseline);
    zero.lanes = 0;
    CHECK_THROWS_WITH(map_fft(zero, kPmu, 16), Contains("pcu.lanes"));
    PcuSpec twelve = pcu_of(RduVariant::Baseline);
    twelve.lanes = 12;
    CHECK_THROWS_AS(map_fft(twelve, kPmu, 16), std::invalid_argument);
    CHECK_THROWS_WITH(map_fft(twelve, kPmu, 16), Contains("pcu.lanes"));
    PcuSpec no_stages = pcu_of(RduVariant::Baseline);
    no_stages.stages = 0;
    CHECK_THROWS_WITH(map_fft(no_stages, kPmu, 16), Contains("pcu.stages"));
    PmuSpec no_banks;
    no_banks.banks = 0;
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Baseline), no_banks, 16), Contains("pmu.banks"));
    CHECK_THROWS_AS(map_fft(pcu_of(RduVariant::Extended), kPmu, 1000), std::invalid_argument);
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Extended), kPmu, 1000), Contains("points"));
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Extended), kPmu, 1), Contains("points"));
    CHECK_THROWS_WITH(map_scan(pcu_of(RduVariant::Extended), kPmu, ScanAlgorithm::Blelloch, 48),
                      Contains("elements"));
    // 2^17 points × 4 B = 512 KiB do not fit the 256 KiB PMU; 2^16 (256 KiB) do.
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Extended), kPmu, 1 << 17),
                      Contains("do not fit one PMU"));
    CHECK(map_fft(pcu_of(RduVariant::Extended), kPmu, 1 << 16).passes == 3);
    PcuSpec wide = pcu_of(RduVariant::Extended);
    wide.lanes = 1 << 17;
    CHECK_THROWS_WITH(map_fft(wide, kPmu, 16), Contains("pcu.lanes: expected 1 to 65536"));
    PcuSpec stopped = pcu_of(RduVariant::Extended);
    stopped.clock_hz = 0;
    CHECK_THROWS_WITH(map_fft(stopped, kPmu, 16), Contains("pcu.clock_hz"));
    PcuSpec no_combine = pcu_of(RduVariant::Extended);
    no_combine.op_cycles.scan_combine = 0;
    CHECK_THROWS_WITH(map_scan(no_combine, kPmu, ScanAlgorithm::HillisSteele, 16),
                      Contains("pcu.op_cycles.scan_combine"));
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Extended), kPmu, 16, 0), Contains("point_bytes"));
    PmuSpec huge;
    huge.scratchpad_bytes = int64_t{1} << 33;
    CHECK_THROWS_WITH(map_fft(pcu_of(RduVariant::Extended), huge, 16),
                      Contains("pmu.scratchpad_bytes"));
    CHECK(parse_rdu_variant("extended") == RduVariant::Extended);
    CHECK_THROWS_WITH(parse_rdu_variant("fast"), Contains("variant"));
}
