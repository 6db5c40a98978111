// ONNX import, op by op: graphs written as plain values (onnx_file.hpp) and imported, checking
// the operators, their loop dimensions and ops, and the errors that name the node.
#include "workloads/models/onnx_import.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

using namespace fusesim;
using Catch::Matchers::Contains;

namespace {

const Precision kFp32{"fp32", 4};

struct G {
    OnnxGraph g;
    // An input [l, size...]: the sequence axis `l` (bound to seq_len), then named sizes.
    G& input(const std::string& name, const std::vector<std::pair<std::string, int64_t>>& axes) {
        OnnxShape s;
        s.name = name;
        s.known = true;
        OnnxDim l;
        l.param = "l";
        s.dims.push_back(l);
        for (const auto& [rank, size] : axes) {
            OnnxDim d;
            d.value = size;
            d.denotation = rank;
            s.dims.push_back(d);
        }
        g.inputs.push_back(s);
        g.shapes[name] = s;
        return *this;
    }
    G& init(const std::string& name, std::vector<int64_t> dims) {
        OnnxTensor t;
        t.name = name;
        t.dims = std::move(dims);
        g.initializers[name] = t;
        return *this;
    }
    // A 1-D integer constant (shapes, axes, starts and ends).
    G& ints(const std::string& name, std::vector<int64_t> values) {
        OnnxTensor t;
        t.name = name;
        t.dims = {static_cast<int64_t>(values.size())};
        t.has_values = true;
        for (int64_t v : values) t.values.push_back(static_cast<double>(v));
        t.ints = std::move(values);
        g.initializers[name] = t;
        return *this;
    }
    G& node(const std::string& op, const std::string& name, std::vector<std::string> in,
            std::vector<std::string> out, std::map<std::string, OnnxAttr> attrs = {}) {
        OnnxNode n;
        n.op_type = op;
        n.name = name;
        n.inputs = std::move(in);
        n.outputs = std::move(out);
        n.attrs = std::move(attrs);
        g.nodes.push_back(n);
        return *this;
    }
    G& output(const std::string& name) {
        OnnxShape s;
        s.name = name;
        g.outputs.push_back(s);
        return *this;
    }
    Workload import(int64_t L = 16) const {
        OnnxBindings b;
        b["l"] = OnnxDimBinding{OnnxDimBinding::Kind::SeqLen, 1};
        return import_onnx(g, b, 1, L, kFp32, 1);
    }
};

OnnxAttr ints(std::vector<int64_t> v) {
    OnnxAttr a;
    a.is_ints = true;
    a.ints = std::move(v);
    return a;
}

OnnxAttr one(int64_t v) {
    OnnxAttr a;
    a.is_int = true;
    a.i = v;
    return a;
}

const Operator& op(const Workload& w, const std::string& name) {
    const int i = w.op_index(name);
    REQUIRE(i >= 0);
    return w.ops[static_cast<size_t>(i)];
}

std::string loops(const Operator& o) {
    std::string s;
    for (const auto& d : o.dims)
        s += (s.empty() ? "" : " ") + d.name + "=" + std::to_string(d.size);
    return s;
}

std::string import_error(const G& g) {
    try {
        g.import();
    } catch (const OnnxError& e) {
        return e.what();
    }
    return "no error";
}

} // namespace

TEST_CASE("ONNX Gemm with a bias is a projection and a bias add", "[onnx]") {
    // L = 16: fc is 16·64·32 = 32,768 MACs; fc_bias 16·32 = 512 adds.
    G g;
    g.input("x", {{"m", 64}}).init("w", {64, 32}).init("c", {32});
    g.node("Gemm", "fc", {"x", "w", "c"}, {"y"}).output("y");
    const Workload w = g.import();
    REQUIRE(w.ops.size() == 2);
    CHECK(op(w, "fc").type == "projection");
    CHECK(op(w, "fc").ops() == 32768);
    CHECK(loops(op(w, "fc")) == "l=16 s32=32 m=64");
    CHECK(op(w, "fc_bias").kind == OpKind::Add);
    CHECK(op(w, "fc_bias").ops() == 512);
    CHECK(w.layer_input == -1); // [16, 64] in, [16, 32] out: layers do not chain
}

TEST_CASE("ONNX Slice and Concat are views, Unsqueeze and Squeeze only indexing", "[onnx]") {
    G g;
    g.input("x", {{"c", 8}});
    // The tail's end is INT64_MAX, as exporters write "to the end".
    g.ints("s0", {0}).ints("e0", {3}).ints("s1", {3}).ints("e1", {INT64_MAX});
    g.ints("ax", {1}).ints("zero", {0});
    g.node("Slice", "head", {"x", "s0", "e0", "ax"}, {"a"});
    g.node("Slice", "tail", {"x", "s1", "e1", "ax"}, {"b"});
    g.node("Concat", "cat", {"b", "a"}, {"y"}, {{"axis", one(1)}});
    g.node("Unsqueeze", "", {"y", "zero"}, {"y1"});
    g.node("Exp", "exp", {"y1"}, {"z1"});
    g.node("Squeeze", "", {"z1", "zero"}, {"z"}).output("z");
    const Workload w = g.import();
    CHECK(op(w, "head").view_of == "slice");
    CHECK(loops(op(w, "head")) == "l=16 s3=3");
    CHECK(loops(op(w, "tail")) == "l=16 s5=5");
    CHECK(op(w, "cat_0").view_of == "concat");
    CHECK(op(w, "cat_1").view_of == "concat");
    // The Unsqueeze added an axis of size 1 that the layer tensor does not have: exp loops over
    // l and the concatenated axis only, 16·8 = 128 ops.
    CHECK(loops(op(w, "exp")) == "l=16 s8=8");
    CHECK(op(w, "exp").ops() == 128);
    CHECK(w.ops.size() == 5);
    CHECK(w.tensors[static_cast<size_t>(w.layer_output)].shape == std::vector<int64_t>{16, 8});
}

TEST_CASE("ONNX SiLU is one operator only when the Sigmoid feeds its Mul alone", "[onnx]") {
    G g;
    g.input("x", {{"d", 8}});
    g.node("Sigmoid", "sig", {"x"}, {"s"});
    g.node("Mul", "silu", {"x", "s"}, {"y"}).output("y");
    Workload w = g.import();
    REQUIRE(w.ops.size() == 1);
    CHECK(op(w, "silu").kind == OpKind::Silu);
    g.node("Add", "also", {"s", "y"}, {"t"}).output("t");
    w = g.import();
    REQUIRE(w.ops.size() == 3);
    CHECK(op(w, "sig").kind == OpKind::Sigmoid);
    CHECK(op(w, "silu").kind == OpKind::Mul);
}

TEST_CASE("ONNX rank names: a name taken in the operator gets a suffix", "[onnx]") {
    // y = x · w1 has columns s64 (no denotation); z = y · w2 names its columns first (s64,
    // from nothing), so its reduction over y's columns, also s64, becomes s64_2.
    G g;
    g.input("x", {{"m", 64}}).init("w1", {64, 64}).init("w2", {64, 64});
    g.node("MatMul", "p1", {"x", "w1"}, {"y"});
    g.node("MatMul", "p2", {"y", "w2"}, {"z"}).output("z");
    const Workload w = g.import();
    CHECK(loops(op(w, "p1")) == "l=16 s64=64 m=64");
    CHECK(loops(op(w, "p2")) == "l=16 s64=64 s64_2=64");
    CHECK(w.layer_input >= 0); // [16, 64] in and out: layers chain
}

TEST_CASE("ONNX forms the importer does not map are errors naming the node", "[onnx]") {
    SECTION("a Reshape that merges and splits the same axes") {
        G g;
        g.input("x", {{"a", 6}, {"b", 4}}).ints("shape", {0, 4, 6});
        g.node("Reshape", "mix", {"x", "shape"}, {"y"}).output("y");
        CHECK_THAT(import_error(g), Contains("node 'mix' (op type Reshape): both merges and "
                                             "splits the same axes"));
    }
    SECTION("a strided convolution") {
        G g;
        g.input("x", {{"c", 8}}).init("w", {8, 1, 3});
        g.node("Transpose", "t", {"x"}, {"xt"}, {{"perm", ints({1, 0})}});
        g.node("Conv", "conv", {"xt", "w"}, {"y"}, {{"strides", ints({2})}}).output("y");
        CHECK_THAT(import_error(g), Contains("node 'conv' (op type Conv): only a 1-D convolution"));
    }
    SECTION("a declared shape that disagrees") {
        G g;
        g.input("x", {{"d", 8}});
        g.node("Exp", "e", {"x"}, {"y"}).output("y");
        OnnxShape s;
        s.name = "y";
        s.known = true;
        s.dims.resize(2);
        s.dims[1].value = 7;
        g.g.shapes["y"] = s;
        CHECK_THAT(import_error(g), Contains("output 'y' is declared with size 7 at axis 1, but "
                                             "the op gives 8"));
    }
    SECTION("a tensor no node gives") {
        G g;
        g.input("x", {{"d", 8}});
        g.node("Add", "add", {"x", "nowhere"}, {"y"}).output("y");
        CHECK_THAT(import_error(g), Contains("node 'add' (op type Add): reads 'nowhere'"));
    }
    SECTION("an unnamed node is named by its index, an unknown fusesim op by its domain") {
        G g;
        g.input("x", {{"d", 8}});
        g.node("Scan2", "", {"x"}, {"y"}).output("y");
        g.g.nodes.back().domain = "fusesim";
        CHECK_THAT(import_error(g),
                   Contains("node #0 (op type fusesim.Scan2): the domain fusesim has one op"));
    }
}

TEST_CASE("A damaged ONNX file imports or is refused with an OnnxError, never a crash", "[onnx]") {
    // Truncations and byte changes of the Mamba-1 model (deterministic): each either imports or
    // throws OnnxError; nothing else escapes.
    const std::string path = std::string(FUSESIM_ONNX_DIR) + "/mamba1.onnx";
    std::string bytes;
    {
        std::FILE* f = std::fopen(path.c_str(), "rb");
        REQUIRE(f);
        char buf[65536];
        for (size_t n; (n = std::fread(buf, 1, sizeof buf, f)) > 0;) bytes.append(buf, n);
        std::fclose(f);
    }
    REQUIRE(bytes.size() > 1000);
    const std::string damaged = std::string(FUSESIM_ONNX_DIR) + "/.damaged-test.onnx";
    OnnxBindings b;
    b["b"] = OnnxDimBinding{OnnxDimBinding::Kind::Batch, 1};
    b["l"] = OnnxDimBinding{OnnxDimBinding::Kind::SeqLen, 1};
    uint64_t state = 20261202;
    auto next = [&] { return (state = state * 6364136223846793005u + 1442695040888963407u) >> 33; };
    int imported = 0, refused = 0;
    for (int i = 0; i < 300; ++i) {
        std::string m = bytes;
        if (i % 3 == 0) {
            m.resize(next() % m.size());
        } else {
            for (int k = 0; k < 1 + i % 4; ++k) m[next() % m.size()] = static_cast<char>(next());
        }
        std::FILE* f = std::fopen(damaged.c_str(), "wb");
        REQUIRE(f);
        std::fwrite(m.data(), 1, m.size(), f);
        std::fclose(f);
        try {
            const OnnxGraph g = read_onnx(damaged);
            import_onnx(g, b, 1, 8, kFp32, 1);
            ++imported;
        } catch (const OnnxError&) {
            ++refused;
        }
    }
    std::remove(damaged.c_str());
    CHECK(imported + refused == 300);
    CHECK(refused > 0);
}
