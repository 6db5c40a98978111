// Workload graphs: the Einsum parser, shapes, ops and dependencies through views.
#include "sim/analytic/analytic.hpp"
#include "workloads/models/models.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;

namespace {
const Precision kFp32{"fp32", 4};

MambaParams mamba28(int64_t n) {
    MambaParams p;
    p.d_model = 2560;
    p.d_inner = 5120;
    p.d_state = n;
    p.dt_rank = 160;
    p.layers = 64;
    return p;
}

int64_t projection_macs(const Workload& w) {
    int64_t macs = 0;
    for (const auto& op : w.ops)
        if (op.type == "projection") macs += op.ops();
    return macs;
}
} // namespace

TEST_CASE("Einsum parser reads reductions, offsets, coefficients and whole axes", "[workload]") {
    auto e = parse_einsum("y[b,l,d] += x[b,l+k-3,d] * w[d,k]");
    CHECK(e.accumulate);
    CHECK(e.combine == '*');
    REQUIRE(e.inputs.size() == 2);
    CHECK(e.inputs[0].axes[1].terms.size() == 2);
    CHECK(e.inputs[0].axes[1].offset == -3);
    CHECK(e.dims_in_order() == std::vector<std::string>{"b", "l", "d", "k"});

    auto r = parse_einsum("m[l,h*80+e] = c[h,l,e]");
    CHECK(r.output.axes[1].terms[0].coef == 80);
    CHECK(r.output.axes[1].terms[1].dim == "e");

    auto s = parse_einsum("p[h,l,t] = softmax(s[h,l,:])");
    CHECK(s.function == "softmax");
    CHECK(s.inputs[0].axes[2].whole);

    CHECK_THROWS_AS(parse_einsum("y[l] += x[l] * w[l] + z[l]"), EinsumError);
    CHECK_THROWS_AS(parse_einsum("y[l += x[l]"), EinsumError);
    CHECK_THROWS_WITH(parse_einsum("y[l] = x[l] $"), Catch::Contains("column 13"));
    // Offsets reach a few dims of up to 2^24 (a split at 2·D + 2·G·N): 2^30 is the largest
    // number, and one more is an error at its column.
    CHECK(parse_einsum("z[l,d] = x[l,d+1073741824]").inputs[0].axes[1].offset == 1073741824);
    CHECK_THROWS_WITH(parse_einsum("z[l,d] = x[l,d+1073741825]"),
                      Catch::Contains("a number above 1073741824") && Catch::Contains("column 16"));
}

TEST_CASE("Mamba-2.8B projections are 41.1 M MACs per token per layer", "[workload]") {
    // in_proj d_model·2D = 2560·10240 = 26,214,400; x_proj D·(R+2N) = 5120·(160+32) = 983,040;
    // dt_proj R·D = 160·5120 = 819,200; out_proj D·d_model = 5120·2560 = 13,107,200.
    // Sum: 41,123,840 MACs per token (d_state N = 16, the released model).
    const int64_t L = 64;
    Workload w = build_mamba1(mamba28(16), Stage::Prefill, 1, L, kFp32);
    CHECK(projection_macs(w) == 41123840 * L);
    // The paper's variant, N = 64: x_proj grows to 5120·288 = 1,474,560.
    Workload p = build_mamba1(mamba28(64), Stage::Prefill, 1, L, kFp32);
    CHECK(projection_macs(p) == (26214400 + 1474560 + 819200 + 13107200) * L);
}

TEST_CASE("Tensor shapes follow from the Einsums, views included", "[workload]") {
    Workload w = build_mamba1(mamba28(64), Stage::Prefill, 2, 16, kFp32);
    auto shape = [&](const char* t) { return w.tensors[w.tensor_index(t)].shape; };
    CHECK(shape("xz") == std::vector<int64_t>{2, 16, 10240});
    CHECK(shape("z") == std::vector<int64_t>{2, 16, 5120});
    CHECK(shape("dbc") == std::vector<int64_t>{2, 16, 160 + 128});
    CHECK(shape("Cm") == std::vector<int64_t>{2, 16, 64});
    CHECK(shape("h") == std::vector<int64_t>{2, 16, 5120, 64});
    CHECK(w.tensors[w.tensor_index("w_in")].role == TensorRole::Weight);
    CHECK(w.tensors[w.tensor_index("u")].role == TensorRole::Input);
    CHECK(w.tensors[w.tensor_index("h")].role == TensorRole::State);
}

TEST_CASE("Slices through a split view are exact element ranges", "[workload]") {
    Workload w = build_mamba1(mamba28(16), Stage::Prefill, 1, 8, kFp32);
    const Operator& split_z = w.ops[w.op_index("split_z")];
    const Tensor& xz = w.tensors[w.tensor_index("xz")];
    // Tokens 2..3 and channels 100..199 of z are channels 5220..5319 of xz.
    Box tile{{0, 2, 100}, {1, 4, 200}};
    Box s = operand_slice(split_z, split_z.inputs[0], xz, tile);
    CHECK(s.lo == Coords{0, 2, 5220});
    CHECK(s.hi == Coords{1, 4, 5320});
    // The causal conv window reaches 3 tokens back, clamped at the start of the sequence.
    const Operator& conv = w.ops[w.op_index("conv")];
    const Tensor& xi = w.tensors[w.tensor_index("xi")];
    Box c0{{0, 0, 0, 0}, {1, 2, 5120, 4}};
    Box cs = operand_slice(conv, conv.inputs[0], xi, c0);
    CHECK(cs.lo[1] == 0);
    CHECK(cs.hi[1] == 2);
    Box c5{{0, 5, 0, 0}, {1, 6, 5120, 4}};
    CHECK(operand_slice(conv, conv.inputs[0], xi, c5).lo[1] == 2);
}

TEST_CASE("The state update is a recurrence over tokens, not a graph cycle", "[workload]") {
    Workload w = build_mamba1(mamba28(16), Stage::Prefill, 1, 4, kFp32);
    const Operator& decay = w.ops[w.op_index("ssm_decay")];
    CHECK(decay.inputs[1].carried);
    CHECK(decay.sequential_dim == decay.dim_index("l"));
    // Topological order puts every producer first (carried reads excepted).
    std::vector<int> pos(w.ops.size());
    for (size_t i = 0; i < w.topo_order.size(); ++i) pos[w.topo_order[i]] = static_cast<int>(i);
    for (size_t o = 0; o < w.ops.size(); ++o)
        for (const auto& in : w.ops[o].inputs)
            if (!in.carried)
                for (int p : w.producers[in.tensor]) CHECK(pos[p] < pos[o]);
}

TEST_CASE("Decode builds the conv window by concatenation and reads the states", "[workload]") {
    Workload w = build_mamba1(mamba28(16), Stage::Decode, 1, 1000, kFp32);
    CHECK(w.tensors[w.tensor_index("xw")].shape == std::vector<int64_t>{1, 4, 5120});
    CHECK(w.producers[w.tensor_index("xw")].size() == 2);
    CHECK(w.tensors[w.tensor_index("h_prev")].role == TensorRole::State);
    // Decode per-token work does not depend on the context length.
    Workload w2 = build_mamba1(mamba28(16), Stage::Decode, 1, 8000, kFp32);
    int64_t ops1 = 0, ops2 = 0;
    for (const auto& op : w.ops) ops1 += op.ops();
    for (const auto& op : w2.ops) ops2 += op.ops();
    CHECK(ops1 == ops2);
}

TEST_CASE("OPT decode attends a KV cache of L tokens", "[workload]") {
    OptParams p;
    Workload w = build_opt(p, Stage::Decode, 1, 2048, kFp32);
    CHECK(w.tensors[w.tensor_index("kh")].shape == std::vector<int64_t>{1, 32, 2048, 80});
    // scores: one query against 2048 keys in 32 heads of 80: 32·2048·80 MACs.
    CHECK(w.ops[w.op_index("scores")].ops() == 32 * 2048 * 80);
}
