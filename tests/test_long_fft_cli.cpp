// The four-step FFT split (workload.fft_max_points) through the command line: a small run whose
// DRAM bytes are derived by hand, every command on it, a fused group naming the sub-operators,
// and the key's errors.
#include "tests/run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace fusesim::test;
using Catch::Contains;

namespace {

// HyenaDNA's block at d_model 16, one layer, L = 2048 (n = 4096), split at 64: 64 × 64.
const std::string kSmall = "name: h\nmodel: hyena\nd_model: 16\nlayers: 1\norder: 2\n"
                           "form: released\nstage: prefill\nseq_len: 2048\n";

// An experiment over a workload written for the test, the MARCA model, unfused and auto-tiled.
// `fusion` is the YAML of mapping.fusion; files named after `label`.
std::string experiment(const TempDir& dir, const std::string& workload,
                       const std::string& hardware = "marca-aggregated.yaml",
                       const std::string& fusion = " unfused", const std::string& label = "") {
    const std::string wl = dir.file(label + "wl.yaml");
    write_file(wl, workload);
    const std::string exp = dir.file(label + "exp.yaml");
    write_file(exp, "hardware: " + repo_path("configs/hardware/" + hardware) + "\nworkload: " + wl +
                        "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                        "\nset:\n  mapping.fusion:" + fusion + "\n");
    return exp;
}

const nlohmann::json& op_in(const nlohmann::json& report, const std::string& name) {
    for (const auto& o : report.at("operators"))
        if (o.at("name") == name) return o;
    FAIL("no operator " << name);
    throw std::logic_error("unreachable");
}

double dram(const nlohmann::json& report, const std::string& name) {
    return op_in(report, name).at("dram_bytes").get<double>();
}

} // namespace

TEST_CASE("A four-step long convolution runs, its DRAM bytes by hand", "[hyena][long_fft][cli]") {
    TempDir dir("long-fft-run");
    const std::string exp = experiment(dir, kSmall + "fft_max_points: 64\n");
    const nlohmann::json r =
        run_cli_json({"run", exp, "-q", "--set", "simulation.vcd=false", "-o", dir.file("run")}, {},
                     dir.file("run/report.json"));
    // fp32, 16 channels, n = 4096 = 64 · 64; every operator unfused, one tile each (the largest,
    // the filter product, moves 1.5 MiB, within 40 % of 24 MiB). Real L · 16 · 4 = 131,072 B;
    // complex n · 16 · 8 = 524,288 B; the twiddles 4096 · 8 = 32,768 B.
    CHECK(dram(r, "conv1_fft_gather") == 2.0 * 131072);           // z in, the columns out
    CHECK(dram(r, "conv1_fft_cols") == 131072.0 + 524288);        // real in, complex out
    CHECK(dram(r, "conv1_fft_twiddle") == 2.0 * 524288 + 32768);  // A and W in, B out
    CHECK(dram(r, "conv1_fft_rows") == 2.0 * 524288);             // B in, U out
    CHECK(dram(r, "conv1_filter") == 3.0 * 524288);               // U and H in, Y out
    CHECK(dram(r, "conv1_ifft_rows") == 2.0 * 524288);            // Y in, D out
    CHECK(dram(r, "conv1_ifft_twiddle") == 2.0 * 524288 + 32768); // D and W in, E out
    CHECK(dram(r, "conv1_ifft_cols") == 524288.0 + 131072);       // E in, the L outputs kept
    // Ops: 64 FFTs of 64 points (1,920 ops each) per channel per step: 122,880 · 16.
    CHECK(op_in(r, "conv1_fft_cols").at("ops").get<double>() == 122880.0 * 16);
    CHECK(op_in(r, "conv1_fft_cols").at("staged").at("points") == 64);
    CHECK(op_in(r, "conv1_ifft_rows").at("staged").at("algorithm") == "ifft");
    // The skip term reads y as unsplit: L · 16 · 4 of it.
    const nlohmann::json whole =
        run_cli_json({"run", experiment(dir, kSmall, "marca-aggregated.yaml", " unfused", "whole-"),
                      "-q", "--set", "simulation.vcd=false", "-o", dir.file("whole")},
                     {}, dir.file("whole/report.json"));
    CHECK(dram(r, "conv1_skip_add") == dram(whole, "conv1_skip_add"));
    CHECK(dram(whole, "conv1_fft") == 131072.0 + 524288);
    // Same input, same output: a second run writes the same report.
    const nlohmann::json again =
        run_cli_json({"run", exp, "-q", "--set", "simulation.vcd=false", "-o", dir.file("again")},
                     {}, dir.file("again/report.json"));
    CHECK(again.at("latency") == r.at("latency"));
}

TEST_CASE("Four-step FFTs: validate, analyze, the mesh and the A100", "[hyena][long_fft][cli]") {
    TempDir dir("long-fft-cmds");
    const std::string wl = kSmall + "fft_max_points: 64\n";
    const std::string mesh = experiment(dir, wl, "marca-32core-mesh.yaml");
    CliResult r = run_cli({"validate", mesh, "-o", dir.file("val")});
    INFO(r.err);
    CHECK(r.exit_code == 0);
    r = run_cli({"run", mesh, "-q", "--set", "simulation.vcd=false", "-o", dir.file("run")});
    CHECK(r.exit_code == 0);
    r = run_cli({"analyze", experiment(dir, wl), "-o", dir.file("an")});
    REQUIRE(r.exit_code == 0);
    // analyze: the long convolution's ops, by hand per channel: 2 × (2 · 122,880 FFT +
    // 24,576 twiddle) + 24,576 filter + 2048 gather + 2048 scatter = 569,344; × 16.
    const nlohmann::json j = nlohmann::json::parse(read_file(dir.file("an/analysis.json")));
    const nlohmann::json* t = find_type(j.at("points").at(0), "long_conv");
    REQUIRE(t);
    CHECK(t->at("ops").get<double>() == 569344.0 * 16);
    r = run_cli({"analyze", experiment(dir, wl, "a100-80gb.yaml"), "-o", dir.file("gpu")});
    CHECK(r.exit_code == 0);
}

TEST_CASE("A fusion group names the four-step sub-operators", "[hyena][long_fft][cli]") {
    TempDir dir("long-fft-fused");
    // The columns pass (gather, FFTs, twiddles) and the rows pass (FFTs, the filter, the
    // inverse's rows and twiddles) each in one group: their spectra stay on chip.
    const std::string exp =
        experiment(dir, kSmall + "fft_max_points: 64\n", "marca-aggregated.yaml",
                   "\n    - [conv1_fft_cols, conv1_fft_twiddle]\n"
                   "    - [conv1_fft_rows, conv1_filter, conv1_ifft_rows, conv1_ifft_twiddle]");
    const nlohmann::json r =
        run_cli_json({"run", exp, "-q", "--set", "simulation.vcd=false", "-o", dir.file("f")}, {},
                     dir.file("f/report.json"));
    CHECK(op_in(r, "conv1_fft_cols").at("group") == "conv1_fft_cols+conv1_fft_twiddle");
    // In the first group only xs is read (131,072 B) and B written (524,288 B); W is read
    // by the twiddle (32,768 B).
    CHECK(dram(r, "conv1_fft_cols") + dram(r, "conv1_fft_twiddle") == 131072.0 + 524288 + 32768);
}

TEST_CASE("fft_max_points errors name the key, file and line", "[hyena][long_fft][cli]") {
    TempDir dir("long-fft-keys");
    auto graph = [&](const std::string& workload) {
        return run_cli({"graph", experiment(dir, workload), "--dot", dir.file("g.dot")});
    };
    CliResult r = graph(kSmall + "fft_max_points: 1000\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("wl.yaml:9:") && Contains("workload.fft_max_points") &&
                          Contains("power of 2") && Contains("1000"));
    r = graph(kSmall + "fft_radix: 4\nfft_max_points: 2\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("wl.yaml:10:") && Contains("at least 4"));
    r = graph(kSmall + "fft_max_points: -2\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.fft_max_points"));
    // 4096 points need a maximum of at least 64 (64² = 4096): 32 is an error at build time.
    r = graph(kSmall + "fft_max_points: 32\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("wl.yaml:9:") && Contains("workload.fft_max_points") &&
                          Contains("at least 64"));
}
