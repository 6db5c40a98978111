// Fusion schemes on the paper's Mamba-2.8B (N = 64, fp32) and the MARCA model: Eq. 2 and 3,
// the fusion-depth ordering, the speedup, the memory staircase and Mem-Aware.
#include "run_layer.hpp"
#include "sim/report/table.hpp"
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <optional>

using namespace fusesim;
using namespace fusesim::test;
using nlohmann::json;

namespace {

double seconds(const json& r) {
    return r["latency"]["seconds"].get<double>();
}

const char* kUnfused = "configs/experiments/mamba-unfused.yaml";
const char* kAuto = "configs/experiments/mamba-auto.yaml";

} // namespace

TEST_CASE("Eq. 2 and Eq. 3: Fuse-All memory need and Mem-Aware splits", "[fusion]") {
    // (5·D·N + D + N)·4 with D = 5120, N = 64: (1,638,400 + 5,120 + 64)·4 = 6,574,336 bytes.
    CHECK(fuse_all_bytes(5120, 64, 4) == 6574336);
    // N = 16: (409,600 + 5,120 + 16)·4 = 1,658,944 bytes.
    CHECK(fuse_all_bytes(5120, 16, 4) == 1658944);
    // 1 MiB: D/7 does not divide; S_D = 8 (tiles of 640 need 821,952 bytes ≤ 1,048,576).
    CHECK(mem_aware_split(5120, 64, 4, 1 << 20) == 8);
    // 0.1 MiB (104,858 bytes): S_D = 64, tiles of 80 need (5·80·64 + 80 + 64)·4 = 102,976.
    CHECK(mem_aware_split(5120, 64, 4, 104858) == 64);
    // 24 MiB holds it whole.
    CHECK(mem_aware_split(5120, 64, 4, 24 << 20) == 1);
}

TEST_CASE("Peak memory of one Fuse-All step is the Eq. 2 value", "[fusion]") {
    // While ΔBx of a token is computed, SRAM holds A (D·N, reused by every token), dA (D·N,
    // waiting for the state step), h of the previous token (D·N), ΔB (D·N, the input), ΔBx
    // (D·N, the output), x of the token (D) and, fetched ahead for the next token's first step
    // (DMA-style prefetch), Δ of token t+1 (D): 5·D·N + 2·D = 6,594,560 bytes. Eq. 2 counts
    // 5·D·N + D + N (the N-vector B, which ΔB has consumed by then, and no prefetch): ours is
    // D·4 − N·4 = 20,224 bytes (0.3 %) above it.
    json r = run_layer(kUnfused, {"workload.seq_len=8", "mapping.fusion=fuse-all"});
    CHECK(r["fusion"]["fuse_all_bytes_eq2"] == 6574336);
    int64_t peak = -1;
    for (const auto& g : r["groups"])
        if (g["operators"].size() == 7) peak = g["peak_sram_bytes"].get<int64_t>();
    CHECK(peak == 6594560);
    CHECK(peak - 6574336 == 5120 * 4 - 64 * 4);
}

TEST_CASE("More fusion depth never increases latency, equal depths are alike", "[fusion]") {
    // Table 2 depths: UF 0; A, B 1; A-B 2; AS, BS 2 (+h); AS-B, BS-A 4; Fuse-All 5.
    const std::vector<std::vector<std::string>> chains = {
        {"unfused", "a", "a-b", "as-b", "fuse-all"},
        {"unfused", "b", "a-b", "bs-a", "fuse-all"},
        {"unfused", "a", "as", "as-b", "fuse-all"},
        {"unfused", "b", "bs", "bs-a", "fuse-all"}};
    std::map<std::string, double> lat;
    for (const auto& s : {"unfused", "a", "b", "a-b", "as", "bs", "as-b", "bs-a", "fuse-all"})
        lat[s] = seconds(
            run_layer(kUnfused, {"workload.seq_len=512", std::string("mapping.fusion=") + s}));
    for (const auto& chain : chains)
        for (size_t i = 1; i < chain.size(); ++i) {
            INFO(chain[i - 1] << " -> " << chain[i]);
            CHECK(lat[chain[i]] <= lat[chain[i - 1]]);
        }
    CHECK(lat["a"] == Approx(lat["b"]).epsilon(0.02));
    CHECK(lat["as"] == Approx(lat["bs"]).epsilon(0.02));
    CHECK(lat["as-b"] == Approx(lat["bs-a"]).epsilon(0.02));
}

TEST_CASE("Fuse-All speedup over unfused: first principles and the paper's setup", "[fusion]") {
    // First principles (weights kept on chip while reused, double buffering): about 7.9x over
    // L = 512, 1024, 2048 with the state update in place (9.2x split: the unfused baseline
    // then moves hd out and back, 10,240 cycles more per token). With the paper's setup
    // (weights re-read by every tile, fetches not overlapped with compute) the same model gives
    // 4.6x (5.3x split): the paper reports 4.8x (±20 %).
    auto speedup = [&](std::vector<std::string> extra) {
        double sum = 0;
        for (const char* L : {"512", "1024", "2048"}) {
            std::vector<std::string> u = extra, f = extra;
            u.push_back(std::string("workload.seq_len=") + L);
            f.push_back(std::string("workload.seq_len=") + L);
            u.push_back("mapping.fusion=unfused");
            f.push_back("mapping.fusion=fuse-all");
            sum += seconds(run_layer(kUnfused, u)) / seconds(run_layer(kUnfused, f));
        }
        return sum / 3;
    };
    const double first = speedup({});
    CHECK(first > 7.0);
    CHECK(first < 9.0);
    const double paper = speedup({"simulation.cache_weights=false", "simulation.prefetch=0"});
    CHECK(paper == Approx(4.8).epsilon(0.2));
}

TEST_CASE("Under Fuse-All the state-update block is compute-bound", "[fusion]") {
    TempDir d("fa-validate");
    const CliResult r = run_cli({"validate", kUnfused, "-q", "-o", d.path(), "--set",
                                 "workload.seq_len=512", "--set", "mapping.fusion=fuse-all"});
    REQUIRE(r.exit_code == 0);
    json v = json::parse(read_file(d.file("validate.json")));
    bool found = false;
    for (const auto& g : v["groups"])
        if (g["group"].get<std::string>().find("ssm_out") != std::string::npos) {
            found = true;
            CHECK(g["compute_cycles"].get<double>() >= g["memory_cycles"].get<double>());
        }
    CHECK(found);
}

TEST_CASE("Fuse-All steps up below the Eq. 2 need, Mem-Aware stays flat to 1 MiB", "[fusion]") {
    // Eq. 2: 6,574,336 bytes = 6.27 MiB. Flat at 6.5 MiB (3.7 % above), higher at 6.25 MiB
    // (0.3 % below): the first rise lies within ±5 % of the threshold.
    const double at24 = seconds(run_layer(kAuto, {"mapping.fusion=fuse-all"}));
    const double at65 =
        seconds(run_layer(kAuto, {"mapping.fusion=fuse-all", "hardware.core.sram=6.5MiB"}));
    const double at625 =
        seconds(run_layer(kAuto, {"mapping.fusion=fuse-all", "hardware.core.sram=6.25MiB"}));
    const double at5 =
        seconds(run_layer(kAuto, {"mapping.fusion=fuse-all", "hardware.core.sram=5MiB"}));
    CHECK(at65 == Approx(at24).epsilon(0.02));
    CHECK(at625 > at24 * 1.2);
    CHECK(at5 > at625 * 1.2); // the next tensor that no longer fits: the next step
    const double ma24 = seconds(run_layer(kAuto, {"mapping.fusion=mem-aware"}));
    const json ma1r = run_layer(kAuto, {"mapping.fusion=mem-aware", "hardware.core.sram=1MiB"});
    const double ma1 = seconds(ma1r);
    CHECK(ma1 == Approx(ma24).epsilon(0.05));
    // The split fits: nothing of the fused group is evicted (S_D = 8, Eq. 3).
    CHECK(ma1r["fusion"]["split_d"] == 8);
    for (const auto& g : ma1r["groups"])
        if (g["operators"].size() == 7) CHECK(g["evicted_bytes"] == 0);
}

TEST_CASE("Fusion mistakes are configuration errors", "[fusion]") {
    TempDir d("fusion-errors");
    // Operators with no producer-consumer path between them.
    CliResult r = run_cli({"run", kUnfused, "-q", "-o", d.path(), "--set",
                           "mapping.fusion=[[mul_delta_A, out_proj]]"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot be fused"));
    // An unknown operator.
    r = run_cli({"run", kUnfused, "-q", "-o", d.path(), "--set", "mapping.fusion=[[mul_delta_Z]]"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("unknown operator 'mul_delta_Z'"));
    // An unknown preset.
    r = run_cli({"run", kUnfused, "-q", "-o", d.path(), "--set", "mapping.fusion=fuse-some"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("expected a preset"));
}

TEST_CASE("fusion: auto matches or beats the best of the ten presets", "[fusion][auto]") {
    // Auto tries every preset (and each with the elementwise chains fused), so it can only tie
    // or win; checked on a Fig. 9 point and on a Fig. 11 point with little SRAM.
    const std::vector<std::vector<std::string>> points = {
        {"workload.seq_len=64"}, {"workload.seq_len=64", "hardware.core.sram=1MiB"}};
    for (const auto& p : points) {
        std::vector<std::string> a = p;
        a.push_back("mapping.fusion=auto");
        const json r = run_layer(kAuto, a);
        double best = 1e30;
        for (const auto& s : fusion_preset_names()) {
            std::vector<std::string> q = p;
            q.push_back("mapping.fusion=" + s);
            if (auto rep = try_run_layer(kAuto, q)) best = std::min(best, seconds(*rep));
        }
        INFO(p.back());
        CHECK(seconds(r) <= best * (1 + 1e-9));
        // The ten presets but cascade, each with and without elementwise chains (20), and the
        // cascade at one sequence tile of 64 (every tile of the ladder capped at L = 64).
        CHECK(r["fusion"]["candidates"].size() == 21);
        CHECK_THAT(r["fusion"]["note"].get<std::string>(), Catch::Contains("auto chose"));
    }
}

TEST_CASE("Fig. 10: the lifetimes of one Fuse-All step peak at five D x N tensors", "[fusion]") {
    // Lifetimes list chunks (the per-token vectors read from DRAM are temporaries, not listed).
    // At the peak, while ΔBx is computed: A, h (previous token), dA, dB and dBx: 5 · 1,310,720.
    TempDir d("fig10");
    const CliResult r = run_cli({"run", "configs/experiments/fig10-lifetimes.yaml", "-q", "-o",
                                 d.path(), "--set", "simulation.vcd=false"});
    REQUIRE(r.exit_code == 0);
    const auto rows = read_csv_file(d.file("lifetimes.csv"));
    REQUIRE(rows.size() > 5);
    std::vector<std::pair<uint64_t, int64_t>> events; // (cycle, +bytes / -bytes)
    for (size_t i = 1; i < rows.size(); ++i) {
        events.push_back({std::stoull(rows[i][4]), std::stoll(rows[i][2])});
        events.push_back({std::stoull(rows[i][5]), -std::stoll(rows[i][2])});
    }
    std::sort(events.begin(), events.end()); // frees before allocations at the same cycle
    int64_t live = 0, peak = 0;
    for (const auto& [t, b] : events) peak = std::max(peak, live += b);
    CHECK(peak == 5 * 1310720);
    CHECK_THAT(read_file(d.file("timeline.json")), Catch::Contains("\"cat\":\"sram\""));
    CHECK(read_file(d.file("lifetimes.svg")).find("<svg") != std::string::npos);
}

TEST_CASE("The presets apply to every Mamba-1 size", "[fusion]") {
    for (const char* model :
         {"mamba-130m", "mamba-370m", "mamba-790m", "mamba-1.4b", "mamba-2.8b"}) {
        TempDir d("sizes");
        const std::string exp = d.file("exp.yaml");
        write_file(exp,
                   std::string("name: sizes\nhardware: ") +
                       repo_path("configs/hardware/marca-aggregated.yaml") + "\nworkload: " +
                       repo_path(std::string("configs/workloads/") + model + ".yaml") +
                       "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                       "\nset: {workload.seq_len: 64}\nsimulation: {layers: one, vcd: false}\n");
        double unfused = 0;
        for (const char* scheme : {"unfused", "as-b", "fuse-all", "mem-aware"}) {
            const CliResult r = run_cli({"run", exp, "-q", "-o", d.file(scheme), "--set",
                                         std::string("mapping.fusion=") + scheme});
            INFO(model << " " << scheme << ": " << r.err);
            REQUIRE(r.exit_code == 0);
            const double s =
                seconds(json::parse(read_file(d.file(std::string(scheme) + "/report.json"))));
            if (unfused == 0) unfused = s;
            CHECK(s <= unfused * 1.001); // fusing never slows these down
        }
    }
}
