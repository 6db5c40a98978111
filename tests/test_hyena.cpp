// FFT operators and the Hyena block: stage and real-op counts by hand, the block's operators,
// the bytes of complex tensors.
#include "workloads/graph/staged.hpp"
#include "workloads/models/models.hpp"
#include "workloads/models/registry.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

using namespace fusesim;

namespace {
const Precision kFp32{"fp32", 4};

const Operator& op_of(const Workload& w, const std::string& name) {
    const int o = w.op_index(name);
    REQUIRE(o >= 0);
    return w.ops[static_cast<size_t>(o)];
}

// A small Hyena block: d_model 64, order 2, short conv 3, no MLP.
HyenaParams small_hyena(int radix) {
    HyenaParams p;
    p.d_model = 64;
    p.layers = 1;
    p.order = 2;
    p.short_conv = 3;
    p.mlp_width = 0;
    p.fft_radix = radix;
    return p;
}
} // namespace

TEST_CASE("Radix-2 FFT stages and real ops, by hand", "[hyena][fft]") {
    // n = 1024: log2 n = 10 stages of n/2 = 512 butterflies, 10 real ops each (a complex
    // multiply 4 mul + 2 add, two complex adds 4 add): 10 · 512 · 10 = 51,200 = 5 · n · log2 n.
    const FftCounts c = fft_counts(1024, 2);
    CHECK(c.stages == 10);
    CHECK(c.radix2_stages == 10);
    CHECK(c.radix4_stages == 0);
    CHECK(c.positions == 512);
    CHECK(c.ops() == 51200);
    // n = 8: 3 stages of 4 butterflies: 120 = 5 · 8 · 3.
    CHECK(fft_counts(8, 2).ops() == 120);
    CHECK(fft_counts(8, 2).stages == 3);
}

TEST_CASE("Radix-4 FFT stages and real ops, by hand", "[hyena][fft]") {
    // n = 1024 = 4^5: 5 stages of n/4 = 256 butterflies, 34 real ops each (3 complex twiddle
    // multiplies 18, 8 complex adds 16): 34 · 256 · 5 = 43,520 = 8.5 · n · log4 n.
    const FftCounts c = fft_counts(1024, 4);
    CHECK(c.stages == 5);
    CHECK(c.radix4_stages == 5);
    CHECK(c.radix2_stages == 0);
    CHECK(c.positions == 256);
    CHECK(c.ops() == 43520);
    // n = 2048 = 2 · 4^5: 5 radix-4 stages and one radix-2 stage (1024 butterflies of 10):
    // 8.5 · 2048 · 5 + 5 · 2048 = 87,040 + 10,240 = 97,280.
    const FftCounts m = fft_counts(2048, 4);
    CHECK(m.stages == 6);
    CHECK(m.radix4_stages == 5);
    CHECK(m.radix2_stages == 1);
    CHECK(m.ops() == 97280);
    // Fewer ops than radix 2 on the same length: 43,520 < 51,200.
    CHECK(c.ops() < fft_counts(1024, 2).ops());
}

TEST_CASE("An FFT length that is not a power of 2 or a bad radix is rejected", "[hyena][fft]") {
    CHECK_THROWS_AS(fft_counts(1000, 2), std::invalid_argument);
    CHECK_THROWS_AS(fft_counts(2, 4), std::invalid_argument);
    CHECK_THROWS_AS(fft_counts(1024, 8), std::invalid_argument);
}

TEST_CASE("A Hyena block's FFT op count, by hand", "[hyena]") {
    // d_model 64, L = 256, order 2: each long convolution is one forward and one inverse FFT
    // of n = 2L = 512 points per channel (the filters' FFTs are weights, precomputed).
    // Radix 2: 5 · 512 · 9 = 23,040 real ops per transform; 2 convolutions × 2 transforms ×
    // 64 channels × 23,040 = 5,898,240.
    const Workload w = build_hyena(small_hyena(2), Stage::Prefill, 1, 256, kFp32);
    int64_t fft_ops = 0;
    int transforms = 0;
    for (const auto& op : w.ops)
        if (op.kind == OpKind::Fft) {
            fft_ops += op.ops();
            ++transforms;
            CHECK(op.staged.points == 512);
            CHECK(op.staged.stages == 9);
            CHECK(op.staged.radix == 2);
        }
    CHECK(transforms == 4);
    CHECK(fft_ops == 5898240);
    CHECK(op_of(w, "conv1_fft").staged.algorithm == "fft");
    CHECK(op_of(w, "conv2_ifft").staged.algorithm == "ifft");
    // Radix 4 on 512 = 2 · 4^4: (512/4) · (34 · 4 + 20) = 19,968 per transform; × 4 × 64.
    const Workload w4 = build_hyena(small_hyena(4), Stage::Prefill, 1, 256, kFp32);
    int64_t fft4 = 0;
    for (const auto& op : w4.ops)
        if (op.kind == OpKind::Fft) fft4 += op.ops();
    CHECK(fft4 == 4 * 64 * 19968);
    CHECK(op_of(w4, "conv1_fft").staged.stages == 5);
    CHECK(op_of(w4, "conv1_fft").staged.radix2_stages == 1);
}

TEST_CASE("A Hyena block's other operators and its complex tensors, by hand", "[hyena]") {
    // d_model M = 64, L = 256, order 2: the projection to 3 branches is L · M · 3M MACs, the
    // short conv L · 3M · 3, the output projection L · M · M; the filter product is a complex
    // multiply (6 real ops) per frequency and channel: 6 · 512 · 64 = 196,608.
    const Workload w = build_hyena(small_hyena(2), Stage::Prefill, 1, 256, kFp32);
    CHECK(op_of(w, "in_proj").ops() == 256 * 64 * 192);
    CHECK(op_of(w, "short_conv").ops() == 256 * 192 * 3);
    CHECK(op_of(w, "out_proj").ops() == 256 * 64 * 64);
    CHECK(op_of(w, "conv1_filter").ops() == 196608);
    CHECK(op_of(w, "gate2").ops() == 256 * 64);
    // The spectrum is complex: 512 × 64 values of 8 bytes; the filter's spectrum, a weight, too;
    // the inverse FFT writes the L real outputs it keeps.
    const Tensor& U = w.tensors[static_cast<size_t>(w.tensor_index("conv1_U"))];
    CHECK(U.shape == std::vector<int64_t>{1, 512, 64});
    CHECK(U.bytes() == 512 * 64 * 8);
    const Tensor& H = w.tensors[static_cast<size_t>(w.tensor_index("H1"))];
    CHECK(H.role == TensorRole::Weight);
    CHECK(H.bytes() == 512 * 64 * 8);
    CHECK(w.tensors[static_cast<size_t>(w.tensor_index("conv1_y"))].bytes() == 256 * 64 * 4);
    // The gates chain: conv2 transforms gate1's output; the output projection reads gate2's.
    CHECK(w.tensors[static_cast<size_t>(op_of(w, "conv2_fft").inputs[0].tensor)].name == "g1");
    CHECK(w.tensors[static_cast<size_t>(op_of(w, "out_proj").inputs[0].tensor)].name == "g2");
    // With the MLP sub-block of width 4M: two projections of L · M · 4M MACs each.
    HyenaParams p = small_hyena(2);
    p.mlp_width = 256;
    const Workload m = build_hyena(p, Stage::Prefill, 1, 256, kFp32);
    CHECK(op_of(m, "fc1").ops() == 256 * 64 * 256);
    CHECK(op_of(m, "fc2").ops() == 256 * 256 * 64);
    CHECK(m.tensors[static_cast<size_t>(m.layer_output)].name == "out");
}

TEST_CASE("Hyena rejects decode and a sequence whose 2L is not a power of 2", "[hyena]") {
    CHECK_THROWS_AS(build_hyena(small_hyena(2), Stage::Decode, 1, 256, kFp32), ModelError);
    try {
        build_hyena(small_hyena(2), Stage::Prefill, 1, 1000, kFp32);
        FAIL("no error");
    } catch (const ModelError& e) {
        CHECK(e.key == "seq_len");
        CHECK(std::string(e.what()).find("2000") != std::string::npos);
    }
}

TEST_CASE("The released form of order 2: a gate, one long convolution, a gate", "[hyena]") {
    // Order 2 as the released code computes it: y = x2 ⊙ conv(v ⊙ x1): 3 branches, 2 gates,
    // 1 convolution, so 2 FFTs of 512 points × 64 channels × 23,040 = 2,949,120 ops.
    HyenaParams p = small_hyena(2);
    p.released_form = true;
    const Workload w = build_hyena(p, Stage::Prefill, 1, 256, kFp32);
    int64_t fft_ops = 0;
    for (const auto& op : w.ops)
        if (op.kind == OpKind::Fft) fft_ops += op.ops();
    CHECK(fft_ops == 2949120);
    CHECK(w.op_index("conv2_fft") < 0);
    CHECK(w.tensors[static_cast<size_t>(op_of(w, "conv1_fft").inputs[0].tensor)].name == "g0");
    CHECK(w.tensors[static_cast<size_t>(op_of(w, "gate1").inputs[1].tensor)].name == "x2");
    CHECK(op_of(w, "in_proj").ops() == 256 * 64 * 192); // still order + 1 = 3 branches
}
