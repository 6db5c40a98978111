// The RDU (`kind: rdu`, README "RDU (`kind: rdu`)") through the command line: the errors of its
// keys, a run on a 2 × 2 grid of a small Hyena whose FFT figures are derived by hand, validate
// and analyze on it, and the shipped configs.
#include "tests/run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace fusesim::test;
using Catch::Contains;

namespace {

// Line numbers matter to the error tests: variant is line 5, pcu line 6.
std::string tiny_rdu(const std::string& variant, const std::string& pcu = "{lanes: 8, stages: 6}") {
    return "name: tiny\nkind: rdu\nclock: 1GHz\ngrid: {rows: 2, cols: 2}\nvariant: " + variant +
           "\npcu: " + pcu +
           "\npmu: {scratchpad: 64KiB, banks: 8, bank_width: 4B}\n"
           "dram: {bandwidth: 64B/cycle, channels: 2}\n";
}

// A Hyena of width 8, one layer, L = 128 (256-point FFTs), no MLP, bf16, on `hardware`.
std::string write_experiment(const TempDir& dir, const std::string& hardware) {
    write_file(dir.file("hw.yaml"), hardware);
    write_file(dir.file("exp.yaml"),
               "name: tiny-rdu\nhardware: " + dir.file("hw.yaml") +
                   "\nworkload: " + repo_path("configs/workloads/hyena-153m.yaml") +
                   "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                   "\nset:\n  workload.d_model: 8\n  workload.layers: 1\n  workload.seq_len: 128\n"
                   "  workload.mlp_width: 0\n  workload.precision: bf16\n"
                   "  mapping.fusion: unfused\n");
    return dir.file("exp.yaml");
}

const nlohmann::json& op_in(const nlohmann::json& report, const std::string& name) {
    for (const auto& o : report.at("operators"))
        if (o.at("name") == name) return o;
    FAIL("no operator " << name);
    throw std::logic_error("unreachable");
}

nlohmann::json run_tiny(const TempDir& dir, const std::string& variant) {
    const std::string exp = write_experiment(dir, tiny_rdu(variant));
    return run_cli_json({"run", exp, "-q", "--set", "simulation.vcd=false", "-o", dir.file("o")},
                        {}, dir.file("o/report.json"));
}

uint64_t round_trips(const nlohmann::json& report) {
    uint64_t sum = 0;
    for (const auto& m : report.at("modules"))
        if (m.contains("pmu_round_trip")) sum += m.at("pmu_round_trip").get<uint64_t>();
    return sum;
}

} // namespace

TEST_CASE("RDU keys: unknown key, bad variant and lanes not a power of 2 name key and line",
          "[rdu][cli]") {
    auto run_hw = [](const std::string& hw) {
        TempDir dir("rdu-keys");
        return run_cli({"run", write_experiment(dir, hw), "-q", "-o", dir.file("o")});
    };
    const CliResult u = run_hw(tiny_rdu("baseline", "{lanes: 8, stages: 6, lane: 4}"));
    CHECK(u.exit_code == 2);
    CHECK_THAT(u.err,
               Contains("hw.yaml:6:") && Contains("hardware.pcu.lane") && Contains("unknown key"));
    const CliResult v = run_hw(tiny_rdu("fast"));
    CHECK(v.exit_code == 2);
    CHECK_THAT(v.err, Contains("hw.yaml:5:") && Contains("hardware.variant") &&
                          Contains("baseline") && Contains("extended"));
    const CliResult l = run_hw(tiny_rdu("baseline", "{lanes: 12, stages: 6}"));
    CHECK(l.exit_code == 2);
    CHECK_THAT(l.err, Contains("hw.yaml:6:") && Contains("hardware.pcu.lanes") &&
                          Contains("expected a power of 2"));
    // A transform longer than one PMU: L = 16384 gives 32,768 points of 4 B (128 KiB > 64 KiB).
    TempDir dir("rdu-long");
    const CliResult f = run_cli({"run", write_experiment(dir, tiny_rdu("extended")), "-q", "--set",
                                 "workload.seq_len=16384", "-o", dir.file("o")});
    CHECK(f.exit_code == 2);
    CHECK_THAT(f.err, Contains("workload.seq_len") && Contains("conv1_fft") &&
                          Contains("workload.fft_max_points"));
}

TEST_CASE("A small Hyena runs on a 2 x 2 RDU, its FFTs costed by the mapping", "[rdu][cli]") {
    TempDir de("rdu-run-ext"), db("rdu-run-base");
    const nlohmann::json e = run_tiny(de, "extended");
    const nlohmann::json b = run_tiny(db, "baseline");
    // 8 channels: 8 transforms of n = 256 points (bf16 complex: 4 B) per FFT operator, tiled
    // by the automatic rule into `tiles` tiles of k_i transforms (Σ k_i = 8). On 8 lanes × 6
    // stages: T = 8, V = 32, cross-lane stages of distance 1, 2, 4.
    // Extended: P = 2, a tile 2 · (6 + 32 · k_i): Σ = 12 · tiles + 64 · 8.
    // Baseline: P = 3, R = 3, a tile 3 · (6 + 32 · k_i) + 3 · 2 · k_i · 256 · 4 ÷ 32:
    // Σ = 18 · tiles + 96 · 8 + 192 · 8.
    for (const char* name : {"conv1_fft", "conv1_ifft"}) {
        const auto& fe = op_in(e, name);
        const auto& fb = op_in(b, name);
        const double te = fe.at("tiles").get<double>(), tb = fb.at("tiles").get<double>();
        CHECK(fe.at("compute_cycles").get<double>() == 12 * te + 512);
        CHECK(fb.at("compute_cycles").get<double>() == 18 * tb + 768 + 1536);
        const auto& me = fe.at("rdu_mapping");
        CHECK(me.at("variant") == "extended");
        CHECK(me.at("points") == 256);
        CHECK(me.at("passes") == 2);
        CHECK(me.at("vectors_per_pass") == 32);
        CHECK(me.at("pmu_round_trips") == 0);
        CHECK(me.at("transforms_per_layer") == 8);
        CHECK(me.at("cycles_per_transform") == 76); // 2 · (6 + 32)
        // Lane use 1 (256 fills the 8 lanes); stage use: 8 stages × 256 busy slots ÷ (8 · 6 · 76).
        CHECK(me.at("lane_utilization").get<double>() == Approx(1.0));
        CHECK(me.at("stage_utilization").get<double>() == Approx(2048.0 / 3648).epsilon(1e-9));
        const auto& mb = fb.at("rdu_mapping");
        CHECK(mb.at("variant") == "baseline");
        CHECK(mb.at("passes") == 3);
        CHECK(mb.at("pmu_round_trips") == 3);
        // 3 · (6 + 32) + 3 · 2 · ⌈1024 ÷ 32⌉ = 114 + 192.
        CHECK(mb.at("cycles_per_transform") == 306);
    }
    // The round trips are visible on the units: 2 operators × 8 transforms × 3 × 64 cycles.
    CHECK(round_trips(b) == 3072);
    CHECK(round_trips(e) == 0);
    CHECK(b.at("rdu").at("units") == 4);
    CHECK(b.at("rdu").at("variant") == "baseline");
    // The units read as PCUs of an RDU.
    bool pcu = false;
    for (const auto& m : e.at("modules")) pcu = pcu || m.at("module") == "rdu.pcu3";
    CHECK(pcu);
    // Only the FFTs differ between the variants, so the baseline is slower.
    CHECK(b.at("latency").at("cycles").get<double>() > e.at("latency").at("cycles").get<double>());
}

TEST_CASE("validate and analyze run on an RDU, the gap causes adding up", "[rdu][cli]") {
    for (const char* variant : {"baseline", "extended"}) {
        TempDir dir("rdu-validate");
        const std::string exp = write_experiment(dir, tiny_rdu(variant));
        const nlohmann::json v = run_cli_json({"validate", exp, "-q", "-o", dir.file("v")}, {},
                                              dir.file("v/validate.json"));
        const auto& g = v.at("causes");
        const double sim = g.at("simulated_cycles").get<double>();
        const double ana = g.at("analytic_cycles").get<double>();
        double sum = 0;
        for (const auto& c : g.at("causes")) sum += c.at("cycles").get<double>();
        CHECK(sum == Approx(sim - ana).margin(1.0));
        CHECK(g.at("sum_of_causes").get<double>() == Approx(sim - ana).margin(1.0));
        const nlohmann::json a = run_cli_json({"analyze", exp, "-q", "-o", dir.file("a")}, {},
                                              dir.file("a/analysis.json"));
        CHECK(a.at("hardware").at("kind") == "rdu");
        for (const auto& o : a.at("points").at(0).at("operators_per_layer"))
            if (o.at("name") == "conv1_fft") {
                // 8 transforms over 4 units, 2 each: extended 2 · (6 + 64) = 140, baseline
                // 3 · (6 + 64) + 3 · 2 · 64 = 594 (when compute-bound; else the DRAM time).
                CHECK(o.at("rdu_mapping").at("variant") == variant);
                CHECK(o.at("cycles").get<double>() >=
                      (std::string(variant) == "baseline" ? 594 : 140));
            }
    }
}

TEST_CASE("The RDU's switches arbitrate fair or fifo, and validate adds up under fifo",
          "[rdu][cli][fifo]") {
    // The FFT tiles' compute cycles come from the mapping, not the network: the same under both
    // arbitrations (12 · tiles + 512 on the extended unit, as above). The network changes only
    // when bytes arrive, so the gap causes still add up to simulated − analytic.
    TempDir dir("rdu-fifo");
    const std::string exp =
        write_experiment(dir, tiny_rdu("extended") + "switch: {arbitration: fifo}\n");
    const nlohmann::json r =
        run_cli_json({"run", exp, "-q", "--set", "simulation.vcd=false", "-o", dir.file("o")}, {},
                     dir.file("o/report.json"));
    const auto& f = op_in(r, "conv1_fft");
    CHECK(f.at("compute_cycles").get<double>() == 12 * f.at("tiles").get<double>() + 512);
    const nlohmann::json v =
        run_cli_json({"validate", exp, "-q", "-o", dir.file("v")}, {}, dir.file("v/validate.json"));
    const auto& g = v.at("causes");
    CHECK(g.at("sum_of_causes").get<double>() ==
          Approx(g.at("simulated_cycles").get<double>() - g.at("analytic_cycles").get<double>())
              .margin(1.0));
    const CliResult bad =
        run_cli({"run", write_experiment(dir, tiny_rdu("extended") + "switch: {arbitration: rr}\n"),
                 "-q", "-o", dir.file("b")});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains("hw.yaml:9:") && Contains("hardware.switch.arbitration") &&
                            Contains("fair") && Contains("fifo"));
}

TEST_CASE("The shipped RDU experiments run on both variants with the mapping by hand",
          "[rdu][cli]") {
    // rdu-hyena at L = 512: 1024-point FFTs of bf16 complex points (4 B) on 32 lanes × 6
    // stages. T = 10, V = 32, cross-lane stages of distance 1 … 16 (X = 5).
    // Extended: P = 2, 2 · (6 + 32) = 76 cycles. Baseline: segments {0} {1} {2} {3} {4 … 9},
    // P = 4 + ⌈6 ÷ 6⌉ = 5, R = 5, a round trip 2 · ⌈4096 ÷ 128⌉ = 64: 5 · 38 + 5 · 64 = 510.
    // rdu-mamba at L = 256, Q = 256: Hillis–Steele of 256 pairs (4 B): T = 8, V = 8, X = 5.
    // Extended: P = 2, 2 · (6 + 8) = 28. Baseline: P = 4 + 1 = 5, R = 5, a round trip
    // 2 · ⌈1024 ÷ 128⌉ = 16: 5 · 14 + 5 · 16 = 150.
    struct Case {
        const char* experiment;
        const char* seq_len;
        const char* op;
        int ext, base;
    };
    for (const Case& c : {Case{"configs/experiments/rdu-hyena.yaml", "512", "conv1_fft", 76, 510},
                          Case{"configs/experiments/rdu-mamba.yaml", "256", "scan", 28, 150}}) {
        for (const char* variant : {"extended", "baseline"}) {
            TempDir dir("rdu-shipped");
            const nlohmann::json r = run_cli_json(
                {"run", c.experiment, "-q", "--hardware",
                 repo_path(std::string("configs/hardware/rdu-") + variant + ".yaml"), "--set",
                 "simulation.vcd=false", "--set", "simulation.timeline=false", "-o", dir.file("o")},
                {std::string("workload.seq_len=") + c.seq_len}, dir.file("o/report.json"));
            const auto& m = op_in(r, c.op).at("rdu_mapping");
            CHECK(m.at("variant") == variant);
            CHECK(m.at("cycles_per_transform") ==
                  (std::string(variant) == "extended" ? c.ext : c.base));
            CHECK(r.at("rdu").at("units") == 1040);
        }
    }
}
