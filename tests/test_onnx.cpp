// ONNX import (`model: onnx`): the Mamba-1 block and the OPT layer written by
// tests/onnx/make_models.py give exactly the figures of the built-in builders at the same sizes
// (analysis and timing run), and bad models or bindings exit 2 naming the node, op or file.
#include "run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using namespace fusesim::test;
using Catch::Matchers::Contains;
using json = nlohmann::json;

namespace {

#define SHOW(r) INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

std::string model(const std::string& name) {
    return std::string(FUSESIM_ONNX_DIR) + "/" + name + ".onnx";
}

// The sizes of make_models.py: Mamba-1 d_model 64, d_inner 128, N 16, d_conv 4, dt_rank 4;
// OPT d_model 64, 4 heads of 16, ffn 256. L = 32, batch 1, fp32.
const char* const kMambaBuiltin = "model: mamba1\nd_model: 64\nd_state: 16\nd_conv: 4\n"
                                  "dt_rank: 4\n";
const char* const kOptBuiltin = "model: opt\nd_model: 64\nheads: 4\nffn: 256\n";

std::string onnx_workload(const std::string& file, const std::string& dims = "{b: batch, l: "
                                                                             "seq_len}") {
    return "model: onnx\nfile: " + file + "\ndims: " + dims + "\n";
}

// An experiment in `dir` on the MARCA model with automatic tiling, its workload written inline.
std::string experiment(const TempDir& dir, const std::string& name, const std::string& keys,
                       const std::string& extra = "stage: prefill\n") {
    std::string wl = "name: " + name + "\n" + keys + extra + "seq_len: 32\n";
    write_file(dir.file(name + "-wl.yaml"), wl);
    const std::string path = dir.file(name + ".yaml");
    write_file(path, "name: " + name +
                         "\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                         "\nworkload: " + dir.file(name + "-wl.yaml") +
                         "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") + "\n");
    return path;
}

json run_json(const std::vector<std::string>& args, const std::string& file) {
    const CliResult r = run_cli(args);
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    return json::parse(read_file(file));
}

// Non-view operators (view names follow the ONNX nodes: split_xz_0 for split_x) by their figures.
json compute_ops(const json& list, const std::vector<std::string>& keys) {
    json out = json::array();
    for (const auto& o : list) {
        if (o.at("type") == "view") continue;
        json e;
        for (const auto& k : keys) e[k] = o.at(k);
        out.push_back(e);
    }
    return out;
}

// Imported vs built-in: analysis (layer by layer) and timing runs (unfused and Fuse-All) equal.
void check_equal(const std::string& builtin, const std::string& onnx, int64_t ops_per_layer,
                 const std::vector<std::string>& fusions) {
    TempDir dir("onnx-equal");
    const std::string a = experiment(dir, "builtin", builtin);
    const std::string b = experiment(dir, "imported", onnx);
    const json ja =
        run_json({"analyze", a, "-q", "-o", dir.file("aa")}, dir.file("aa/analysis.json"));
    const json jb =
        run_json({"analyze", b, "-q", "-o", dir.file("ab")}, dir.file("ab/analysis.json"));
    const json& pa = ja.at("points").at(0);
    const json& pb = jb.at("points").at(0);
    CHECK(pa.at("total_ops") == ops_per_layer);
    CHECK(pb.at("total_ops") == pa.at("total_ops"));
    CHECK(pb.at("total_dram_bytes") == pa.at("total_dram_bytes"));
    CHECK(pb.at("total_latency_seconds") == pa.at("total_latency_seconds"));
    const std::vector<std::string> per_layer = {"name",       "type",   "kind", "ops",
                                                "dram_bytes", "cycles", "bound"};
    CHECK(compute_ops(pb.at("operators_per_layer"), per_layer) ==
          compute_ops(pa.at("operators_per_layer"), per_layer));
    for (const std::string& fusion : fusions) {
        INFO("fusion " << fusion);
        const std::string set = "mapping.fusion=" + fusion;
        const json ra = run_json({"run", a, "-q", "--set", set, "-o", dir.file("ra")},
                                 dir.file("ra/report.json"));
        const json rb = run_json({"run", b, "-q", "--set", set, "-o", dir.file("rb")},
                                 dir.file("rb/report.json"));
        CHECK(ra.at("latency").at("cycles").get<int64_t>() > 0);
        CHECK(rb.at("latency").at("cycles") == ra.at("latency").at("cycles"));
        CHECK(rb.at("dram").at("read_bytes") == ra.at("dram").at("read_bytes"));
        CHECK(rb.at("dram").at("write_bytes") == ra.at("dram").at("write_bytes"));
        CHECK(rb.at("peak_sram_bytes") == ra.at("peak_sram_bytes"));
        const std::vector<std::string> keys = {"name",       "type",   "group", "ops",
                                               "dram_bytes", "cycles", "bound"};
        CHECK(compute_ops(rb.at("operators"), keys) == compute_ops(ra.at("operators"), keys));
    }
}

} // namespace

TEST_CASE("The ONNX Mamba-1 block has the figures of model: mamba1 at the same sizes", "[onnx]") {
    // Ops of one layer by hand (L = 32, M = 64, D = 128, N = 16, K = 4, R = 4, J = R + 2N = 36):
    //   norm 2·L·M + L = 4,128; in_proj L·M·2D = 524,288; conv L·D·K = 16,384; x_proj L·D·J =
    //   147,456; dt_proj L·R·D = 16,384; out_proj L·D·M = 262,144; 7 ops over [L, D, N] (the
    //   scan, exp included) 7·65,536 = 458,752; 10 over [L, D] (conv_bias, conv_silu, dt_bias,
    //   softplus, skip_mul, skip_add, gate_silu, gate_mul) 8·4,096 = 32,768; residual L·M = 2,048.
    //   Total 1,464,352.
    check_equal(kMambaBuiltin, onnx_workload(model("mamba1")), 1464352,
                {"unfused", "fuse-all", "as-b"});
}

TEST_CASE("The ONNX OPT layer has the figures of model: opt at the same sizes", "[onnx]") {
    // Ops of one layer by hand (L = 32, M = 64, H·E = 64, F = 256): two LayerNorms 2·(4·L·M + L)
    //   = 16,448; q, k, v, o projections 4·L·M·64 = 524,288; scores and context 2·H·L·L·E =
    //   131,072; softmax H·L·L = 4,096; fc1 and fc2 2·L·M·F = 1,048,576; relu L·F = 8,192; two
    //   residuals 2·L·M = 4,096. Total 1,736,768.
    check_equal(kOptBuiltin, onnx_workload(model("opt")), 1736768,
                {"unfused", "[[scores, softmax, context], [fc1, relu, fc2]]"});
}

TEST_CASE("Bad ONNX models and bindings exit 2 naming the file, node, op or dimension",
          "[onnx][cli]") {
    TempDir dir("onnx-errors");
    auto graph = [&](const std::string& keys, const std::string& extra = "stage: prefill\n") {
        return run_cli({"graph", experiment(dir, "bad", keys, extra)});
    };
    SECTION("a missing file names the path at workload.file") {
        const CliResult r = graph(onnx_workload(dir.file("none.onnx")));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("bad-wl.yaml:3:"));
        CHECK_THAT(r.err, Contains("workload.file"));
        CHECK_THAT(r.err, Contains("none.onnx"));
        CHECK_THAT(r.err, Contains("No such file"));
    }
    SECTION("a file that is not ONNX") {
        write_file(dir.file("junk.onnx"), "name: not a model\n");
        const CliResult r = graph(onnx_workload(dir.file("junk.onnx")));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("is not an ONNX model"));
    }
    SECTION("an unsupported op names the node and its op type") {
        const CliResult r =
            graph(onnx_workload(model("bad-unsupported"), "{l: seq_len, b: batch}"));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("workload.file"));
        CHECK_THAT(r.err, Contains("bad-unsupported.onnx"));
        CHECK_THAT(r.err, Contains("node 'encoder_lstm' (op type LSTM): not supported"));
    }
    SECTION("a symbolic axis without a binding names the input and the dimension") {
        const CliResult r = graph(onnx_workload(model("mamba1"), "{b: batch}"));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("bad-wl.yaml:3:"));
        CHECK_THAT(r.err, Contains("graph input 'u' has the symbolic axis 'l' (axis 1)"));
    }
    SECTION("an axis with neither a size nor a name") {
        const CliResult r = graph(onnx_workload(model("bad-dynamic"), "{b: batch}"));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("graph input 'x' axis 1 has neither a size nor a name"));
    }
    SECTION("a binding of no dimension of the model, and a bad binding value") {
        CliResult r = graph(onnx_workload(model("mamba1"), "{b: batch, l: seq_len, q: 4}"));
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("workload.dims.q"));
        CHECK_THAT(r.err, Contains("its symbolic dimensions: b, l"));
        r = graph(onnx_workload(model("mamba1"), "{b: batch, l: long}"));
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("workload.dims.l"));
        CHECK_THAT(r.err, Contains("got 'long'"));
    }
    SECTION("decode is refused at workload.stage") {
        const CliResult r = graph(onnx_workload(model("mamba1")), "stage: decode\n");
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("workload.stage"));
        CHECK_THAT(r.err, Contains("prefill only"));
    }
}

TEST_CASE("A relative ONNX path is relative to the file that names it", "[onnx][cli]") {
    // The shipped workload names ../onnx/mamba1.onnx from configs/workloads/; run from elsewhere.
    TempDir dir("onnx-relative");
    const CliResult r =
        run_cli_in(dir.path(), {"graph", repo_path("configs/experiments/mamba-onnx.yaml")});
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("mamba-onnx (onnx), prefill, L = 256"));
    CHECK_THAT(r.out, Contains("ssm_out"));
}
