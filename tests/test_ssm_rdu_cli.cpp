// The SSM-RDU reproduction (README "SSM-RDU (seed 003)") through the command line: under dataflow
// execution the baseline RDU's extra time over the extended one is exactly its FFTs' or scans'
// extra cycles, derived by hand from the unit's mapping; a GPU refuses dataflow execution.
#include "tests/run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace fusesim::test;
using Catch::Contains;

namespace {

// The model's latency in cycles of the RDU's 1.6 GHz clock, at L = 2048 only.
double rdu_cycles(const TempDir& dir, const std::string& experiment, const std::string& variant) {
    const nlohmann::json a =
        run_cli_json({"analyze", repo_path(experiment), "-q", "--hardware",
                      repo_path("configs/hardware/rdu-" + variant + ".yaml"), "--set",
                      "workload.seq_len=2048", "-o", dir.file(variant)},
                     {}, dir.file(variant + "/analysis.json"));
    CHECK(a.at("execution") == "dataflow");
    return a.at("points").at(0).at("total_latency_seconds").get<double>() * 1.6e9;
}

} // namespace

TEST_CASE("Dataflow on the shipped RDUs: the baseline adds exactly its FFT and scan cycles",
          "[rdu][dataflow][cli]") {
    TempDir dir("ssm-rdu");
    SECTION("Hyena-153M, L = 2048") {
        // 864 transforms of 4096 points per FFT operator over 1,040 units: one a unit. Extended
        // 2 passes · (6 + 128) = 268 cycles; baseline 6 passes · 134 + 5 round trips ·
        // 2 · ⌈4096 · 4 B ÷ 128 B⌉ = 804 + 1,280 = 2,084. Both RDUs are compute-bound and
        // differ in nothing else: 18 layers · 2 FFTs · (2,084 − 268) = 65,376 cycles.
        const double ext = rdu_cycles(dir, "configs/experiments/ssm-rdu-hyena.yaml", "extended");
        const double base = rdu_cycles(dir, "configs/experiments/ssm-rdu-hyena.yaml", "baseline");
        CHECK(base - ext == Approx(65376).margin(2));
    }
    SECTION("Mamba-130M, Hillis-Steele over chunks of 256, L = 2048") {
        // 1,536 channels · 16 states · 8 chunks = 196,608 scans over 1,040 units: 190 a unit,
        // streamed back to back. Extended: 8 steps in 2 passes, 8 vectors a scan:
        // 2 · (6 + 190 · 8) = 3,052. Baseline: 5 cross-lane steps (distances 1 … 16 < 32
        // lanes) split the steps into 5 passes with 5 round trips of 190 · 256 · 4 B:
        // 5 · (6 + 1,520) + 5 · 2 · ⌈194,560 ÷ 128⌉ = 7,630 + 15,200 = 22,830.
        // 24 layers · (22,830 − 3,052) = 474,672 cycles.
        const double ext = rdu_cycles(dir, "configs/experiments/ssm-rdu-mamba.yaml", "extended");
        const double base = rdu_cycles(dir, "configs/experiments/ssm-rdu-mamba.yaml", "baseline");
        CHECK(base - ext == Approx(474672).margin(2));
    }
}

TEST_CASE("analysis.execution: a GPU refuses dataflow, an unknown value is named",
          "[dataflow][cli]") {
    const std::string exp = repo_path("configs/experiments/ssm-rdu-hyena.yaml");
    const CliResult gpu =
        run_cli({"analyze", exp, "-q", "--hardware", repo_path("configs/hardware/a100-80gb.yaml")});
    CHECK(gpu.exit_code == 2);
    CHECK_THAT(gpu.err, Contains("analysis.execution") && Contains("one kernel per operator"));
    const CliResult bad = run_cli({"analyze", exp, "-q", "--set", "analysis.execution=spatial"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains("analysis.execution") && Contains("layer-by-layer"));
}
