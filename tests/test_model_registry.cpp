// The model registry: a model registered here, in the test binary, is read from YAML, range-checked
// and built by the configuration schema and documented by `fusesim reference`, with no edit to
// sim/config: adding a model is one file (and one line) in workloads/models/.
#include "sim/config/config_tree.hpp"
#include "sim/config/params_workload.hpp"
#include "sim/config/reference.hpp"
#include "sim/config/schema.hpp"
#include "workloads/models/registry.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <stdexcept>
#include <string>

using namespace fusesim;
using Catch::Contains;

namespace {

constexpr Param kWidth = required("width", ParamType::Integer, 1, 4096, "toy width");
constexpr Param kDepth = optional("depth", ParamType::Integer, 1, 8, "2", 2, "chained scalings");

// A toy model: `depth` elementwise scalings of a [b,l,w] activation.
ModelDef toy_model() {
    ModelDef m;
    m.name = "toy";
    m.params = {&kWidth, &kDepth};
    m.read = [](ModelKeys& keys, int64_t layers) -> LayerBuilder {
        const int64_t width = keys.integer(kWidth);
        const int64_t depth = keys.integer_or_default(kDepth);
        if (width % 2 != 0) keys.fail(kWidth, "must be even");
        return [=](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
            Workload w;
            w.model = "toy";
            w.stage = stage;
            w.batch = batch;
            w.seq_len = seq_len;
            w.layers = layers;
            w.precision = precision;
            WorkloadBuilder b(w);
            b.dim("b", batch);
            b.dim("l", stage == Stage::Decode ? 1 : seq_len);
            b.dim("w", width);
            b.declare("g", TensorRole::Weight);
            b.declare("x", TensorRole::Input);
            std::string in = "x";
            for (int64_t i = 0; i < depth; ++i) {
                const std::string out = "y" + std::to_string(i);
                b.add("scale" + std::to_string(i), out + "[b,l,w] = " + in + "[b,l,w] * g[w]",
                      "elementwise");
                in = out;
            }
            w.finalize();
            return w;
        };
    };
    return m;
}

WorkloadSpec read_text(const std::string& yaml) {
    return read_workload(parse_yaml_text(yaml, "toy.yaml"));
}

std::string error_of(const std::string& yaml) {
    try {
        read_text(yaml);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

const std::string kToy = "name: t\nmodel: toy\nstage: prefill\nseq_len: 16\nbatch: 2\n"
                         "layers: 3\nwidth: 64\n";

} // namespace

TEST_CASE("A model registered in the test binary is read from YAML and built", "[registry]") {
    ScopedModel toy(toy_model());
    const WorkloadSpec s = read_text(kToy + "depth: 3\n");
    CHECK(s.model == "toy");
    const Workload w = s.build(Stage::Prefill, 16);
    CHECK(w.model == "toy");
    CHECK(w.name == "t");
    CHECK(w.layers == 3);
    REQUIRE(w.ops.size() == 3);
    CHECK(w.ops[2].name == "scale2");
    CHECK(w.ops[0].ops() == 2 * 16 * 64);
    // The default of an absent optional key comes from its declaration.
    CHECK(read_text(kToy).build(Stage::Decode, 16).ops.size() == 2);
}

TEST_CASE("A registered model's keys are checked against its declarations", "[registry]") {
    ScopedModel toy(toy_model());
    CHECK_THAT(error_of(kToy + "depth: 9\n"),
               Contains("toy.yaml:8:8: workload.depth: expected an integer in [1, 8], got '9'"));
    CHECK_THAT(error_of("name: t\nmodel: toy\nstage: prefill\nseq_len: 16\n"),
               Contains("missing key 'width'"));
    CHECK_THAT(
        error_of(kToy + "widht: 2\n"),
        Contains("known keys: name, description, model, stage, seq_len, batch, "
                 "precision, layers, vocab, decode_state, width, depth; did you mean 'width'?"));
    CHECK_THAT(error_of("name: t\nmodel: toy\nstage: prefill\nseq_len: 16\nwidth: 63\n"),
               Contains("workload.width: must be even"));
}

TEST_CASE("A registered model joins the model choices and the reference tables", "[registry]") {
    const auto before = workload_param::model_choices();
    CHECK(before ==
          std::vector<std::string>{"mamba1", "mamba2", "opt", "onnx", "hybrid", "hyena", "custom"});
    {
        ScopedModel toy(toy_model());
        CHECK(workload_param::model_choices() == std::vector<std::string>{"mamba1", "mamba2", "opt",
                                                                          "onnx", "hybrid", "hyena",
                                                                          "toy", "custom"});
        const auto ids = reference_table_ids();
        CHECK(std::find(ids.begin(), ids.end(), "toy") != ids.end());
        CHECK(reference_table("toy") == "| key | type | default | meaning |\n|---|---|---|---|\n"
                                        "| `width` | integer 1–4096 | required | toy width |\n"
                                        "| `depth` | integer 1–8 | 2 | chained scalings |\n");
        CHECK_THAT(
            reference_table("workload"),
            Contains("`mamba1`, `mamba2`, `opt`, `onnx`, `hybrid`, `hyena`, `toy` or `custom`"));
        CHECK_THROWS_AS(register_model(toy_model()), std::invalid_argument);
    }
    // Unregistered again: the name is an unknown model.
    CHECK(workload_param::model_choices() == before);
    CHECK_THAT(error_of(kToy), Contains("workload.model: expected one of 'mamba1', 'mamba2', "
                                        "'opt', 'onnx', 'hybrid', 'hyena', 'custom', got 'toy'"));
}

TEST_CASE("The name custom is kept for workloads written in the configuration", "[registry]") {
    ModelDef m = toy_model();
    m.name = "custom";
    CHECK_THROWS_AS(register_model(m), std::invalid_argument);
    CHECK(find_model("custom") == nullptr);
    REQUIRE(find_model("mamba1") != nullptr);
    CHECK(find_model("mamba1")->params.size() == 9);
}
