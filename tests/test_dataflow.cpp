// Dataflow execution of `analyze` (README "Dataflow execution") against hand derivations.
#include "sim/analytic/dataflow.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace fusesim;

namespace {

// y = x·W1, z = exp(y), out = z·W2 over l = 1024, d = 256, e = 512, f = 256, fp32.
Workload two_gemms(const char* act_type = "elementwise") {
    Workload w;
    WorkloadBuilder b(w);
    b.dim("l", 1024);
    b.dim("d", 256);
    b.dim("e", 512);
    b.dim("f", 256);
    b.declare("x", TensorRole::Input);
    b.declare("w1", TensorRole::Weight);
    b.declare("w2", TensorRole::Weight);
    b.add("gemm1", "y[l,e] += x[l,d] * w1[d,e]", "projection", "");
    b.add("act", "z[l,e] = exp(y[l,e])", act_type, "");
    b.add("gemm2", "out[l,f] += z[l,e] * w2[e,f]", "projection", "");
    w.finalize();
    return w;
}

// One aggregated core of 128 × 64 PEs, exp at 4 cycles an op.
HardwareSpec core(double bytes_per_cycle) {
    HardwareSpec hw = default_cpo_table({});
    hw.core.pe_rows = 128;
    hw.core.pe_cols = 64;
    hw.core.sram_bytes = 24'000'000;
    hw.dram.bytes_per_cycle = bytes_per_cycle;
    hw.cpo[static_cast<int>(OpKind::Exp)] = 4;
    return hw;
}

} // namespace

TEST_CASE("Dataflow: intermediates stay on chip, the layer takes max(sum of compute, DRAM)",
          "[analytic][dataflow]") {
    const Workload w = two_gemms();
    // Compute (the same as layer by layer): each GEMM 1024·256·512 = 134,217,728 MACs on 8192
    // PEs, filled exactly: 16,384 cycles; exp 1024·512 = 524,288 ops × 4 ÷ 8192 = 256 cycles.
    // Σ = 33,024. DRAM: only x (1024·256·4 = 1,048,576 B), w1 and w2 (256·512·4 = 524,288 B
    // each) and out (1,048,576 B): 3,145,728 B; y and z never leave the chip.
    SECTION("compute-bound at 256 B/cycle: 3,145,728 ÷ 256 = 12,288 < 33,024") {
        const AnalyticReport r = analyze_dataflow(w, core(256));
        REQUIRE(r.ops.size() == 3);
        CHECK(r.ops[0].compute_cycles == 16384);
        CHECK(r.ops[1].compute_cycles == 256);
        CHECK(r.ops[2].compute_cycles == 16384);
        CHECK(r.ops[0].read_bytes == 1048576 + 524288);
        CHECK(r.ops[0].write_bytes == 0);
        CHECK(r.ops[1].dram_bytes() == 0);
        CHECK(r.ops[2].read_bytes == 524288);
        CHECK(r.ops[2].write_bytes == 1048576);
        CHECK(r.layer_dram_bytes == 3145728);
        CHECK(r.layer_cycles == 33024);
        // Layer by layer the same ops take 16,384 each (y and z, 2 MiB, written and read back:
        // exp moves 4 MiB = 16,384 cycles at 256 B/cycle; each GEMM stays compute-bound).
        CHECK(analyze_layer_by_layer(w, core(256)).layer_cycles == 3 * 16384);
    }
    SECTION("DRAM-bound at 64 B/cycle: 3,145,728 ÷ 64 = 49,152, every op stretched alike") {
        const AnalyticReport r = analyze_dataflow(w, core(64));
        CHECK(r.layer_cycles == 49152);
        // 16,384 · 49,152 ÷ 33,024 = 24,385.49 (rounded down); 256 · 49,152 ÷ 33,024 = 381.02.
        CHECK(r.ops[0].cycles == 24385);
        CHECK(r.ops[1].cycles == 381);
        CHECK(r.ops[2].cycles == 24385);
    }
}

TEST_CASE("Dataflow: an operator that moves no DRAM byte has an unbounded intensity",
          "[analytic][dataflow]") {
    // exp reads y and writes z, both on chip: ops 524,288 over 0 B. Its roofline point is the
    // peak, 8192 PEs ÷ CPO 4 = 2048 ops/cycle (0 would say it cannot run at all). Its type has
    // no other operator, so the type's intensity is unbounded too; the projections' mean leaves
    // nothing out: gemm1 moves x + w1 = 1,572,864 B, gemm2 w2 + out = 1,572,864 B, the same ops,
    // so the mean is ops ÷ 1,572,864.
    const AnalyticReport r = analyze_dataflow(two_gemms(), core(256));
    REQUIRE(r.ops.size() == 3);
    CHECK(r.ops[1].ops == 524288);
    CHECK(std::isinf(r.ops[1].intensity()));
    CHECK(r.ops[1].attainable_ops_per_cycle == Approx(2048));
    CHECK(r.ops[0].intensity() == Approx(static_cast<double>(r.ops[0].ops) / 1572864));
    REQUIRE(r.types.size() == 2);
    CHECK(r.types[0].type == "projection");
    CHECK(r.types[0].intensity == Approx(static_cast<double>(r.ops[0].ops) / 1572864));
    CHECK(r.types[1].type == "elementwise");
    CHECK(std::isinf(r.types[1].intensity));
    CHECK(r.types[1].attainable_ops_per_cycle == Approx(8192));

    // Counted in the projections' type, exp leaves their mean alone (a 0 in its place would
    // give 2·ops·i ÷ (2·ops + 524,288) instead of i = ops ÷ 1,572,864). With no ops, 0.
    const AnalyticReport mixed = analyze_dataflow(two_gemms("projection"), core(256));
    REQUIRE(mixed.types.size() == 1);
    CHECK(mixed.types[0].intensity == Approx(static_cast<double>(r.ops[0].ops) / 1572864));
    CHECK(mixed.types[0].ops == 2 * r.ops[0].ops + 524288);
    OpCost none;
    CHECK(none.intensity() == 0);
}
