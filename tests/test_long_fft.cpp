// The four-step split of a long FFT (workload.fft_max_points): the sub-FFTs' real ops, stages
// and points, the bytes of every sub-operator's tensors, and the errors, all by hand.
#include "workloads/graph/staged.hpp"
#include "workloads/models/models.hpp"
#include "workloads/models/registry.hpp"

#include <catch2/catch.hpp>

#include <numeric>
#include <stdexcept>
#include <string>

using namespace fusesim;

namespace {
const Precision kFp32{"fp32", 4};
constexpr int64_t kM = 4; // channels

const Operator& op_of(const Workload& w, const std::string& name) {
    const int o = w.op_index(name);
    REQUIRE(o >= 0);
    return w.ops[static_cast<size_t>(o)];
}

const Tensor& tensor_of(const Workload& w, const std::string& name) {
    const int t = w.tensor_index(name);
    REQUIRE(t >= 0);
    return w.tensors[static_cast<size_t>(t)];
}

// One long convolution (order 1, the paper's form) over kM channels, L = 2048: n = 4096.
Workload one_conv(int radix, int64_t max_points) {
    HyenaParams p;
    p.d_model = kM;
    p.layers = 1;
    p.order = 1;
    p.fft_radix = radix;
    p.fft_max_points = max_points;
    return build_hyena(p, Stage::Prefill, 1, 2048, kFp32);
}

int64_t fft_ops(const Workload& w) {
    int64_t ops = 0;
    for (const auto& op : w.ops)
        if (op.kind == OpKind::Fft) ops += op.ops();
    return ops;
}

std::string build_error(int radix, int64_t max_points) {
    try {
        one_conv(radix, max_points);
    } catch (const ModelError& e) {
        return e.key + ": " + e.what();
    }
    return "no error";
}
} // namespace

TEST_CASE("Four-step FFT of 2^12 points at 2^6: two stages of 64-point FFTs, by hand",
          "[hyena][fft][long_fft]") {
    const Workload w = one_conv(2, 64);
    // n = 4096 = 64 · 64. Forward: 64 column FFTs of 64 points, 5 · 64 · 6 = 1,920 real ops
    // each (32 butterflies × 10 × 6 stages), so 122,880 a channel; the row FFTs the same:
    // 64 · 1,920 · 2 = 245,760 = 5 · 4096 · 12, the one 4096-point FFT's count, exactly.
    CHECK(op_of(w, "conv1_fft_cols").ops() == kM * 64 * 1920);
    CHECK(op_of(w, "conv1_fft_rows").ops() == kM * 64 * 1920);
    CHECK(op_of(w, "conv1_fft_cols").ops() + op_of(w, "conv1_fft_rows").ops() ==
          kM * 5 * 4096 * 12);
    // The twiddles: one complex multiply (6 real ops) per point, 6 · 4096 = 24,576 a channel.
    CHECK(op_of(w, "conv1_fft_twiddle").kind == OpKind::Mul);
    CHECK(op_of(w, "conv1_fft_twiddle").ops() == kM * 6 * 4096);
    CHECK(op_of(w, "conv1_ifft_twiddle").ops() == kM * 6 * 4096);
    // Forward and inverse: 2 · 245,760 per channel, the unsplit count.
    CHECK(fft_ops(w) == fft_ops(one_conv(2, 0)));
    CHECK(fft_ops(w) == 2 * kM * 245760);
    // The unsplit operators are gone; the copies gathering and scattering the strided columns
    // cost one op an element.
    CHECK(w.op_index("conv1_fft") < 0);
    CHECK(w.op_index("conv1_ifft") < 0);
    CHECK(op_of(w, "conv1_fft_gather").kind == OpKind::Copy);
    CHECK(op_of(w, "conv1_fft_gather").ops() == kM * 2048);
    CHECK(op_of(w, "conv1_ifft_scatter").kind == OpKind::Copy);
    CHECK(op_of(w, "conv1_ifft_scatter").ops() == kM * 2048);
}

TEST_CASE("Four-step sub-FFTs carry their own stages and points", "[hyena][fft][long_fft]") {
    // 4096 split at 128: n1 = 128 (the maximum), n2 = 32. Columns: 32 FFTs of 128 points
    // (7 stages), 5 · 128 · 7 = 4,480 ops each: 143,360; rows: 128 FFTs of 32 points (5
    // stages), 5 · 32 · 5 = 800 each: 102,400. Sum 245,760 = 5 · 4096 · 12.
    const Workload w = one_conv(2, 128);
    const Operator& cols = op_of(w, "conv1_fft_cols");
    const Operator& rows = op_of(w, "conv1_fft_rows");
    CHECK(cols.staged.algorithm == "fft");
    CHECK(cols.staged.points == 128);
    CHECK(cols.staged.stages == 7);
    CHECK(rows.staged.points == 32);
    CHECK(rows.staged.stages == 5);
    CHECK(cols.ops() == kM * 143360);
    CHECK(rows.ops() == kM * 102400);
    // The inverse runs the rows first (over k2), then the columns.
    CHECK(op_of(w, "conv1_ifft_rows").staged.algorithm == "ifft");
    CHECK(op_of(w, "conv1_ifft_rows").staged.points == 32);
    CHECK(op_of(w, "conv1_ifft_cols").staged.algorithm == "ifft");
    CHECK(op_of(w, "conv1_ifft_cols").staged.points == 128);
    // An FFT of at most the maximum stays one operator: 4096 ≤ 4096.
    const Workload whole = one_conv(2, 4096);
    CHECK(op_of(whole, "conv1_fft").staged.points == 4096);
    CHECK(whole.op_index("conv1_fft_cols") < 0);
}

TEST_CASE("Four-step radix 4: powers of 4 add nothing, two odd halves add 1.5 n",
          "[hyena][fft][long_fft]") {
    // 4096 at radix 4 whole: 6 radix-4 stages, 8.5 · 4096 · 6 = 208,896 per transform.
    // Split at 64 = 4^3: 64 FFTs of 64 points (3 radix-4 stages, 16 positions × 102 = 1,632)
    // twice: 2 · 64 · 1,632 = 208,896, the same.
    const Workload w64 = one_conv(4, 64);
    CHECK(op_of(w64, "conv1_fft_cols").ops() + op_of(w64, "conv1_fft_rows").ops() == kM * 208896);
    CHECK(op_of(w64, "conv1_fft_cols").staged.radix2_stages == 0);
    // Split at 128 = 2^7: neither 128 nor 32 is a power of 4, each ends with a radix-2 stage.
    // 128 points: 32 positions × (3 · 34 + 20) = 3,904; 32 FFTs: 124,928. 32 points:
    // 8 × (2 · 34 + 20) = 704; 128 FFTs: 90,112. Sum 215,040 = 208,896 + 1.5 · 4096: two
    // radix-2 stages (2 · 5n) where the whole transform has one radix-4 stage (8.5n).
    const Workload w128 = one_conv(4, 128);
    const Operator& cols = op_of(w128, "conv1_fft_cols");
    const Operator& rows = op_of(w128, "conv1_fft_rows");
    CHECK(cols.ops() == kM * 124928);
    CHECK(rows.ops() == kM * 90112);
    CHECK(cols.staged.radix2_stages == 1);
    CHECK(rows.staged.radix2_stages == 1);
    CHECK(cols.ops() + rows.ops() == kM * (208896 + 6144));
}

TEST_CASE("Four-step sub-operators' tensors and bytes, by hand", "[hyena][fft][long_fft]") {
    // L = 2048, n = 4096 = 128 · 32, fp32 (complex 8 B), kM channels; tensors [b, row, col, d].
    const Workload w = one_conv(2, 128);
    // The gathered real input: rows j1 < 64 (j = 32·j1 + j2 < L), 2048 values a channel.
    CHECK(tensor_of(w, "conv1_xs").shape == std::vector<int64_t>{1, 64, 32, kM});
    CHECK(tensor_of(w, "conv1_xs").bytes() == 2048 * kM * 4);
    // The gather reads exactly the L real inputs: z's axis l is L long.
    const Operator& gather = op_of(w, "conv1_fft_gather");
    CHECK(w.tensors[static_cast<size_t>(gather.inputs[0].tensor)].shape ==
          std::vector<int64_t>{1, 2048, kM});
    for (const char* t : {"conv1_A", "conv1_B", "conv1_U", "conv1_Y", "conv1_D", "conv1_E"}) {
        INFO(t);
        CHECK(tensor_of(w, t).shape == std::vector<int64_t>{1, 128, 32, kM});
        CHECK(tensor_of(w, t).bytes() == 4096 * kM * 8);
    }
    // The twiddle table ω_n^(j2·k1): 4096 complex values, one weight for all transforms of n.
    const Tensor& tw = tensor_of(w, "twiddles_4096");
    CHECK(tw.role == TensorRole::Weight);
    CHECK(tw.bytes() == 4096 * 8);
    // The filter's spectrum H, stored in the spectrum's [k1, k2] order: same bytes as unsplit.
    CHECK(tensor_of(w, "H1").bytes() == 4096 * kM * 8);
    CHECK(tensor_of(w, "H1").bytes() == tensor_of(one_conv(2, 0), "H1").bytes());
    // The inverse keeps the rows j1 < 64 only: the L real outputs, copied to y[b, l, d].
    CHECK(tensor_of(w, "conv1_yk").bytes() == 2048 * kM * 4);
    CHECK(tensor_of(w, "conv1_y").shape == std::vector<int64_t>{1, 2048, kM});
}

TEST_CASE("Four-step split errors name fft_max_points", "[hyena][fft][long_fft]") {
    // 4096 > 32² = 1024: no recursion, an error that says the smallest maximum that works (64).
    const std::string big = build_error(2, 32);
    CHECK_THAT(big, Catch::StartsWith("fft_max_points: ") && Catch::Contains("4096") &&
                        Catch::Contains("at least 64"));
    // Radix 4, split at 2048: sub-FFTs of 2 points have no radix-4 stage.
    CHECK_THAT(build_error(4, 2048),
               Catch::StartsWith("fft_max_points: ") && Catch::Contains("sub-FFTs of 2 points"));
    CHECK(build_error(2, 2048) == "no error");
    CHECK_THROWS_AS(four_step_split(1 << 21, 1 << 10, 2), std::invalid_argument);
    CHECK(four_step_split(1 << 21, 1 << 13, 2).n2 == 256);
}
