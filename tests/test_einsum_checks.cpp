// Strict Einsum checks (workloads/graph/shapes.cpp): undeclared inputs, references outside a
// tensor's shape, and loop dimensions an operator without '+=' leaves out of its output are
// errors, in builders and at the operator's line of a `model: custom` workload.
#include "run_cli.hpp"
#include "workloads/models/models.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace fusesim;
using namespace fusesim::test;
using Catch::Contains;

namespace {

const Precision kFp32{"fp32", 4};

#define SHOW(r) INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

// configs/workloads/single-gemm.yaml's layer with the Einsum of `act` (line 15) replaced, `dims`
// lines added after line 8 and `extra` appended to `act`'s entry.
std::string gemm_then(const std::string& act, const std::string& extra = "",
                      const std::string& dims = "") {
    return "name: strict\nmodel: custom\nstage: prefill\nseq_len: 256\n" // lines 1-4
           "dims:\n  l: seq_len\n  k: 2560\n  d: 5120\n" +               // 5-8
           dims +
           "inputs: [x]\n"                               // 9
           "weights: [w]\n"                              // 10
           "operators:\n"                                // 11
           "  - name: proj\n"                            // 12
           "    einsum: \"y[l,d] += x[l,k] * w[k,d]\"\n" // 13
           "  - name: act\n"                             // 14
           "    einsum: \"" +
           act + "\"\n" + extra; // 15
}

// `fusesim graph` of the workload text (no simulation: the checks run when the layer is built).
CliResult graph_of(const TempDir& dir, const std::string& workload) {
    write_file(dir.file("wl.yaml"), workload);
    write_file(dir.file("e.yaml"),
               "name: strict\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                   "\nworkload: wl.yaml\n");
    return run_cli_in(dir.path(), {"graph", "e.yaml"});
}

void check_error_at(const CliResult& r, const std::string& where, const std::string& what) {
    SHOW(r);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(where) && Contains(what));
}

// A builder with l = 4, d = 8 and the graph input x[l,d].
struct Small {
    Workload w;
    WorkloadBuilder b{w};
    Small() {
        b.dim("l", 4);
        b.dim("d", 8);
        b.dim("k", 3);
        b.declare("x", TensorRole::Input);
    }
    const Tensor& tensor(const char* name) const { return w.tensors[w.tensor_index(name)]; }
};

// The message of the OperatorError that finalize() throws, with the operator it names.
std::string finalize_error(Workload& w, int& op) {
    try {
        w.finalize();
    } catch (const OperatorError& e) {
        op = e.op;
        return e.what();
    }
    op = -2;
    return "finalize() threw nothing";
}

} // namespace

TEST_CASE("The three silent Einsum mistakes exit 2 at the operator's line", "[einsum][cli]") {
    TempDir dir("einsum-cli");
    SECTION("the correct layer is accepted") {
        const CliResult r = graph_of(dir, gemm_then("a[l,d] = silu(y[l,d])"));
        SHOW(r);
        CHECK(r.exit_code == 0);
        CHECK_THAT(r.out, Contains("a(256,5120)"));
    }
    SECTION("a misspelt input is not a new DRAM input") {
        check_error_at(graph_of(dir, gemm_then("a[l,d] = silu(yy[l,d])")), "wl.yaml:15:",
                       "operators.act.einsum: operator 'act' reads 'yy', which no operator writes "
                       "and which is not declared as an input, weight or state");
    }
    SECTION("a read past the end does not grow the tensor") {
        // d + 6000 runs to 5119 + 6000 = 11119; proj wrote y with d = 5120 columns.
        check_error_at(graph_of(dir, gemm_then("a[l,d] = silu(y[l,d+6000])")), "wl.yaml:15:",
                       "operator 'act' reads y[l,d+6000]: axis 1 runs to index 11119, past the "
                       "end of 'y' (size 5120, set by the operators writing it)");
    }
    SECTION("an elementwise operator does not loop over a dimension its output lacks") {
        check_error_at(graph_of(dir, gemm_then("a[l,d] = silu(y[l,k])")), "wl.yaml:15:",
                       "operator 'act' loops over 'k', which indexes its input y[l,k] but not its "
                       "output a[l,d]");
    }
    SECTION("an undeclared graph input is an error too") {
        std::string text = gemm_then("a[l,d] = silu(y[l,d])");
        text.replace(text.find("inputs: [x]\n"), 12, "inputs: []\n");
        check_error_at(graph_of(dir, text),
                       "wl.yaml:13:", "operator 'proj' reads 'x', which no operator writes");
    }
}

TEST_CASE("padding zero makes a read before the start legal in a custom workload",
          "[einsum][cli]") {
    TempDir dir("einsum-pad");
    // A causal window of three taps: l + t - 2 reaches index -2 at l = 0. One added dimension
    // moves act's Einsum to line 16.
    const std::string window = "c[l,d] += y[l+t-2,d] * y[l,d]", t = "  t: 3\n";
    SECTION("without padding: an error naming the start") {
        check_error_at(graph_of(dir, gemm_then(window, "", t)), "wl.yaml:16:",
                       "operator 'act' reads y[l+t-2,d]: axis 0 starts at index -2, before the "
                       "start of 'y'; declare zero padding (padding: zero)");
    }
    SECTION("with padding: accepted, and y keeps the shape proj wrote") {
        const CliResult r = graph_of(dir, gemm_then(window, "    padding: zero\n", t));
        SHOW(r);
        CHECK(r.exit_code == 0);
        // 256·5120 outputs × 3 taps = 3,932,160 MACs; y stays 256 × 5120.
        CHECK_THAT(r.out, Contains("y(256,5120)") && Contains("3932160"));
    }
    SECTION("padding takes zero or none") {
        check_error_at(graph_of(dir, gemm_then(window, "    padding: reflect\n", t)),
                       "wl.yaml:17:", "expected 'zero' or 'none'; got 'reflect'");
    }
}

TEST_CASE("Builders reject undeclared inputs and writes to inputs", "[einsum]") {
    SECTION("an undeclared tensor read is named with its reader") {
        Small s;
        s.b.add("a", "y[l,d] = exp(x[l,d])", "elementwise");
        s.b.add("b", "z[l,d] = y[l,d] + q[l,d]", "elementwise");
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op),
                   Contains("operator 'b' reads 'q', which no operator writes"));
        CHECK(op == 1);
    }
    SECTION("a declared input written by an operator") {
        Small s;
        s.b.add("a", "x[l,d] = exp(x[l,d])", "elementwise");
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op),
                   Contains("operator 'a' writes 'x', which is declared as an input"));
        CHECK(op == 0);
    }
    SECTION("an output nobody reads is fine") {
        Small s;
        s.b.add("a", "y[l,d] = exp(x[l,d])", "elementwise");
        s.b.add("b", "z[l,d] = exp(x[l,d])", "elementwise");
        REQUIRE_NOTHROW(s.w.finalize());
        CHECK(s.w.consumers[s.w.tensor_index("y")].empty());
    }
}

TEST_CASE("Builders keep references inside shapes fixed by their definition", "[einsum]") {
    SECTION("an unwritten tensor's first reference fixes its shape") {
        Small s;
        s.b.add("a", "y[l,d] = exp(x[l,d])", "elementwise");
        s.b.add("b", "z[l,d] = exp(x[l+1,d])", "elementwise"); // l + 1 runs to 4; x has 4 rows
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op),
                   Contains("reads x[l+1,d]: axis 0 runs to index 4, past the end of 'x' (size 4, "
                            "set by its first reference, in operator 'a')"));
        CHECK(op == 1);
    }
    SECTION("a produced tensor is as large as its writes, not its reads") {
        Small s;
        s.b.add("a", "y[l,d] = exp(x[l,d])", "elementwise");
        s.b.add("b", "z[l,d] = exp(y[l,d*2])", "elementwise"); // 2d runs to 14 of 8 columns
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op), Contains("axis 1 runs to index 14, past the end of "
                                                     "'y' (size 8"));
    }
    SECTION("a write before the start") {
        Small s;
        s.b.add("a", "y[l-1,d] = exp(x[l,d])", "elementwise");
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op), Contains("writes y[l-1,d]: axis 0 starts at index -1"));
    }
    SECTION("a whole axis of an unwritten tensor before its size is known") {
        Small s;
        s.b.add("a", "p[l,d] = softmax(x[l,:])", "elementwise");
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op), Contains("taken whole (':') before its size is known"));
    }
    SECTION("concat: two writers at offsets define the shape, reads stay inside it") {
        Small s;
        s.b.add("lo", "c[l,d] = x[l,d]", "view").view_of = "concat";
        s.b.add("hi", "c[l,d+8] = x[l,d]", "view").view_of = "concat";
        s.b.add("in", "y[l,d] = exp(c[l,d+8])", "elementwise"); // columns 8..15 of 16: inside
        REQUIRE_NOTHROW(s.w.finalize());
        CHECK(s.tensor("c").shape == std::vector<int64_t>{4, 16});
        Small t;
        t.b.add("lo", "c[l,d] = x[l,d]", "view").view_of = "concat";
        t.b.add("hi", "c[l,d+8] = x[l,d]", "view").view_of = "concat";
        t.b.add("out", "y[l,d] = exp(c[l,d+9])", "elementwise"); // runs to 16: one past
        int op = -1;
        CHECK_THAT(finalize_error(t.w, op), Contains("runs to index 16, past the end of 'c' "
                                                     "(size 16"));
        CHECK(op == 2);
    }
    SECTION("zero padding makes reads before the start and past the end legal") {
        Small s;
        // l + k - 1 takes -1..4 over a 4-row x: one row of zeros on each side.
        s.b.add("conv", "y[l,d] += x[l+k-1,d] * x[l,d]", "conv");
        int op = -1;
        CHECK_THAT(finalize_error(s.w, op), Contains("axis 0 starts at index -1"));
        Small t;
        t.b.add("x0", "x0[l,d] = exp(x[l,d])", "elementwise");
        t.b.add("conv", "y[l,d] += x0[l+k-1,d] * x[l,d]", "conv").padding = Padding::Zero;
        REQUIRE_NOTHROW(t.w.finalize());
        CHECK(t.tensor("x0").shape == std::vector<int64_t>{4, 8});
        // The tile at l = 3 reads rows 2..4 of x0, clamped to 2..3 (row 4 is padding).
        const Operator& conv = t.w.ops[1];
        const Box slice =
            operand_slice(conv, conv.inputs[0], t.tensor("x0"), Box{{3, 0, 0}, {4, 8, 3}});
        CHECK(slice.lo == Coords{2, 0});
        CHECK(slice.hi == Coords{4, 8});
    }
    SECTION("a carried read of the state before the first token is the initial state") {
        Small s;
        s.b.declare("h", TensorRole::State);
        s.b.add("decay", "hd[l,d] = x[l,d] * h[l-1,d]", "state_update");
        s.b.carried("l", 1);
        s.b.add("add", "h[l,d] = hd[l,d] + x[l,d]", "state_update");
        REQUIRE_NOTHROW(s.w.finalize());
        CHECK(s.tensor("h").shape == std::vector<int64_t>{4, 8});
    }
}

TEST_CASE("Without += every loop dimension indexes the output", "[einsum]") {
    Small s;
    CHECK_THROWS_WITH(s.b.add("bad", "y[l] = exp(x[l,d])", "elementwise"),
                      Contains("operator 'bad' loops over 'd', which indexes its input x[l,d] but "
                               "not its output y[l]") &&
                          Contains("write '+=' to reduce over 'd'"));
    CHECK_THROWS_WITH(s.b.add("view", "y[l] = x[l,d]", "view"), Contains("loops over 'd'"));
    CHECK(s.w.tensor_index("y") < 0); // rejected operators leave no tensor behind
    // A declared reduction, and a broadcast input lacking an output index, are fine.
    s.b.declare("g", TensorRole::Weight);
    REQUIRE_NOTHROW(s.b.add("sum", "r[l] += x[l,d]", "norm"));
    REQUIRE_NOTHROW(s.b.add("bias", "xb[l,d] = x[l,d] + g[d]", "elementwise"));
    REQUIRE_NOTHROW(s.w.finalize());
    CHECK(s.w.ops[s.w.op_index("sum")].ops() == 4 * 8);
}

TEST_CASE("The built-in models pass the checks at every stage", "[einsum]") {
    MambaParams m;
    m.d_model = 2560;
    m.d_inner = 5120;
    m.d_state = 16;
    m.dt_rank = 160;
    OptParams o;
    for (Stage st : {Stage::Prefill, Stage::Decode})
        for (int64_t L : {1, 2, 64}) {
            INFO(to_string(st) << " L = " << L);
            Workload w;
            REQUIRE_NOTHROW(w = build_mamba1(m, st, 2, L, kFp32));
            CHECK(w.tensors[w.tensor_index("u")].role == TensorRole::Input);
            REQUIRE_NOTHROW(w = build_opt(o, st, 1, L, kFp32));
            CHECK(w.tensors[w.tensor_index("x")].role == TensorRole::Input);
        }
    // The causal conv declares its padding and reads xi within the tokens in_proj wrote.
    Workload w = build_mamba1(m, Stage::Prefill, 2, 64, kFp32);
    const Operator& conv = w.ops[w.op_index("conv")];
    CHECK(conv.padding == Padding::Zero);
    CHECK(w.tensors[w.tensor_index("xi")].shape == std::vector<int64_t>{2, 64, 5120});
    // Without padding the window of token 0 (l + k - 3 = -3) is an error.
    w.ops[w.op_index("conv")].padding = Padding::None;
    int op = -1;
    CHECK_THAT(finalize_error(w, op), Contains("reads xi[b,l+k-3,d]: axis 1 starts at index -3"));
    CHECK(op == w.op_index("conv"));
}
