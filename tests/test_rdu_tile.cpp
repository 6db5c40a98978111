// The RDU as a machine (README "RDU (`kind: rdu`)") below the command line: the hardware file
// lowered to cores, and the tile coster on an FFT, a Hillis–Steele scan and a GEMM tile, every
// figure derived by hand from the equations of hw/cost/rdu_unit.hpp and rdu_tile.hpp.
#include "hw/cost/rdu_op.hpp"
#include "sim/analytic/analytic.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/schema_rdu.hpp"
#include "sim/engine/tile_cost.hpp"
#include "workloads/models/hyena.hpp"
#include "workloads/models/mamba1.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace fusesim;

namespace {

// A 2 × 2 grid of units of 8 lanes × 6 stages, 64 KiB PMUs of 8 banks × 4 B (32 B a cycle).
std::string tiny_rdu(const std::string& variant) {
    return "name: tiny\nkind: rdu\nclock: 1GHz\ngrid: {rows: 2, cols: 2}\nvariant: " + variant +
           "\npcu: {lanes: 8, stages: 6}\npmu: {scratchpad: 64KiB, banks: 8, bank_width: 4B}\n"
           "dram: {bandwidth: 64B/cycle}\n";
}

HardwareSpec rdu(const std::string& variant) {
    return read_rdu(parse_yaml_text(tiny_rdu(variant), "hw.yaml"));
}

Precision bf16() {
    Precision p;
    REQUIRE(parse_precision("bf16", p));
    return p;
}

// Every tile of operator `name` costed; each must cost the same, which is returned.
TileCost only_cost(const Workload& w, const HardwareSpec& hw, const MappingSpec& m,
                   const std::string& name, int* tiles = nullptr) {
    const TilePlan plan = build_plan_for(w, m, hw, 1);
    TileCoster cost(w, hw, plan);
    TileCost first;
    int n = 0;
    for (const Tile& t : plan.tiles) {
        if (w.ops[t.op].name != name) continue;
        const TileCost c = cost(t);
        if (n++ == 0) first = c;
        CHECK(c.cycles == first.cycles);
        CHECK(tile_compute_cycles(w, hw, plan, t) == c.cycles);
    }
    REQUIRE(n > 0);
    if (tiles) *tiles = n;
    return first;
}

} // namespace

TEST_CASE("An RDU file lowers to cores of lanes x stages with the PMU as their SRAM", "[rdu]") {
    const HardwareSpec hw = rdu("baseline");
    CHECK(hw.cores == 4);
    CHECK(hw.core.pe_rows == 8);
    CHECK(hw.core.pe_cols == 6);
    CHECK(hw.core.sram_bytes == 65536);
    CHECK(hw.core.sram_banks == 8);
    CHECK(hw.core.sram_bank_width == 4);
    CHECK(hw.interconnect.topology == "mesh");
    CHECK(hw.interconnect.rows == 2);
    CHECK(hw.interconnect.cols == 2);
    REQUIRE(hw.rdu);
    CHECK(hw.rdu->pcu.variant == RduVariant::Baseline);
    CHECK(hw.rdu->pmu.bytes_per_cycle() == 32);
    // Area: 4 units × (0.849 + 0.532) mm² = 5.524; extended × 1.009 = 5.573716.
    CHECK(hw.rdu->area_mm2() == Approx(5.524).epsilon(1e-12));
    CHECK(rdu("extended").rdu->area_mm2() == Approx(5.573716).epsilon(1e-12));
    // Power: 4 × 0.766 W = 3.064 W; extended 3.091576 W.
    CHECK(hw.rdu->power_watts() == Approx(3.064).epsilon(1e-12));
    CHECK(rdu("extended").rdu->power_watts() == Approx(3.091576).epsilon(1e-12));
    // The energy model's area follows: PCUs' 8 × 6 PEs and PMUs' 64 KiB give the same chip.
    CHECK(hw.energy.pe_mm2 * 4 * 48 + hw.energy.sram_mm2_per_mib * 4 * 0.0625 ==
          Approx(5.524).epsilon(1e-12));
}

TEST_CASE("An FFT tile costs by its spatial mapping, baseline against extended", "[rdu]") {
    // Hyena of width 8, L = 128: 256-point FFTs of one channel each, bf16 (a complex point 4 B).
    HyenaParams p;
    p.d_model = 8;
    p.layers = 1;
    p.order = 2;
    p.released_form = true;
    const Workload w = build_hyena(p, Stage::Prefill, 1, 128, bf16());
    MappingSpec m;
    m.per_op["conv1_fft"].tile["d"] = 2; // tiles of k = 2 transforms
    // n = 256, 8 lanes, 6 stages: T = 8 butterfly stages, V = 256 ÷ 8 = 32 vectors a pass, the
    // cross-lane stages those of distance 1, 2, 4 (X = 3).
    // Extended: P = ⌈8 ÷ 6⌉ = 2 passes, no round trip. k = 2 stream back to back:
    // 2 · (6 + 2 · 32 · 1) = 140 cycles.
    const TileCost ext = only_cost(w, rdu("extended"), m, "conv1_fft");
    CHECK(ext.cycles == 140);
    CHECK(ext.compute == 140);
    CHECK(ext.pmu_round_trip == 0);
    // Baseline: segments {0}, {1}, {2 … 7} (a new one at stages 1 and 2): P = 1 + 1 + 1 = 3,
    // R = 3 round trips. Passes 3 · (6 + 64) = 210; a round trip writes and reads the 2 · 256
    // points of 4 B at 32 B a cycle: 2 · 64 = 128, × 3 = 384. In all 594.
    const TileCost base = only_cost(w, rdu("baseline"), m, "conv1_fft");
    CHECK(base.compute == 210);
    CHECK(base.pmu_round_trip == 384);
    CHECK(base.cycles == 594);
    CHECK(base.sram_stall == 0); // the round trips are the mapping's, not a bank stall
    // The inverse FFT maps alike (it is tiled by the automatic rule, so only per transform):
    // one transform on the extended unit is 2 · (6 + 32) = 76 cycles.
    const HardwareSpec e = rdu("extended");
    const Operator& ifft = w.ops[static_cast<size_t>(w.op_index("conv1_ifft"))];
    REQUIRE(rdu_costs(e, ifft));
    CHECK(rdu_op_cost(w, e, ifft, 1).cycles == 76);
    CHECK(rdu_op_mapping(w, e, ifft).transforms_per_layer == 8);
}

TEST_CASE("A Hillis-Steele scan tile costs by its mapping", "[rdu]") {
    // Mamba-1 of D = 32, N = 4, L = 64, chunks of Q = 16: scans of 16 pairs (a, b) of bf16
    // (4 B an element), one transform per (b, c, d, n).
    MambaParams p;
    p.d_model = 16;
    p.d_inner = 32;
    p.d_state = 4;
    p.dt_rank = 4;
    p.layers = 1;
    p.scan = "hillis-steele";
    p.scan_chunk = 16;
    const Workload w = build_mamba1(p, Stage::Prefill, 1, 64, bf16());
    MappingSpec m;
    m.per_op["scan"].tile["c"] = 1;
    m.per_op["scan"].tile["d"] = 8;
    // A tile: one chunk, 8 of D, all 4 of N: k = 32 scans. n = 16, 8 lanes: T = 4 steps,
    // V = 2, cross-lane steps of distance 1, 2, 4.
    // Extended: P = ⌈4 ÷ 6⌉ = 1: 6 + 32 · 2 = 70 cycles.
    int tiles = 0;
    const TileCost ext = only_cost(w, rdu("extended"), m, "scan", &tiles);
    CHECK(tiles == 16); // 4 chunks × 4 slices of D
    CHECK(ext.cycles == 70);
    // Baseline: segments {0}, {1}, {2, 3}: P = 3, R = 3. Passes 3 · (6 + 64) = 210; a round
    // trip 2 · ⌈32 · 16 · 4 ÷ 32⌉ = 128, × 3 = 384: 594.
    const TileCost base = only_cost(w, rdu("baseline"), m, "scan");
    CHECK(base.compute == 210);
    CHECK(base.pmu_round_trip == 384);
    CHECK(base.cycles == 594);
    // scan_apply is kind scan but no staged scan: it costs on the lanes × stages array.
    const Operator& apply = w.ops[static_cast<size_t>(w.op_index("scan_apply"))];
    CHECK_FALSE(rdu_costs(rdu("baseline"), apply));
}

TEST_CASE("A GEMM tile on a PCU maps lanes x stages MACs a cycle", "[rdu]") {
    Workload w;
    w.name = "gemm";
    w.precision = bf16();
    WorkloadBuilder b(w);
    b.dim("l", 64);
    b.dim("k", 16);
    b.dim("d", 12);
    b.declare("x", TensorRole::Input);
    b.declare("wt", TensorRole::Weight);
    b.add("mm", "y[l,d] += x[l,k] * wt[k,d]", "projection", "");
    w.finalize();
    // One tile of 64 × 12 outputs over k = 16: l on the 8 lanes, d on the 6 stages,
    // ⌈64 ÷ 8⌉ · ⌈12 ÷ 6⌉ · 16 = 256 cycles (the other pairs take more: l × k 288, k × l 264).
    // The PMU's banks serve its 64·16 + 16·12 + 64·12 = 1,984 bf16 values (3,968 B) at 32 B a
    // cycle in 124 cycles: the array bounds it, on both variants.
    for (const char* v : {"baseline", "extended"}) {
        const TileCost c = only_cost(w, rdu(v), MappingSpec{}, "mm");
        CHECK(c.cycles == 256);
        CHECK(c.compute == 256);
        CHECK(c.pmu_round_trip == 0);
    }
}

TEST_CASE("The layer-by-layer model spreads an FFT's transforms over the units", "[rdu]") {
    HyenaParams p;
    p.d_model = 8;
    p.layers = 1;
    p.released_form = true;
    const Workload w = build_hyena(p, Stage::Prefill, 1, 128, bf16());
    const AnalyticReport r = analyze_layer_by_layer(w, rdu("baseline"));
    for (const OpCost& c : r.ops) {
        if (c.name != "conv1_fft") continue;
        // 8 transforms over 4 units: 2 each, 594 cycles (as the tile above).
        CHECK(c.compute_cycles == 594);
        return;
    }
    FAIL("no conv1_fft");
}

TEST_CASE("An FFT longer than a PMU holds is refused with the long-FFT key", "[rdu]") {
    HyenaParams p;
    p.d_model = 8;
    p.layers = 1;
    p.released_form = true;
    // L = 16384: 32,768 points of 4 B = 128 KiB > 64 KiB.
    const Workload w = build_hyena(p, Stage::Prefill, 1, 16384, bf16());
    const std::string err = rdu_mapping_error(w, rdu("extended"));
    CHECK_THAT(err, Catch::Contains("conv1_fft") && Catch::Contains("32768 points") &&
                        Catch::Contains("workload.fft_max_points"));
    CHECK(
        rdu_mapping_error(build_hyena(p, Stage::Prefill, 1, 128, bf16()), rdu("extended")).empty());
}
