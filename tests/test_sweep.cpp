// Sweeps: results.csv written a whole line at a time, resumable after a kill, shardable and
// mergeable; and the area model of the design-space study.
#include "hw/cost/area.hpp"
#include "run_cli.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/table.hpp"

#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <map>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace fusesim;
using namespace fusesim::test;

namespace {

// A small sweep: 3 schemes × 4 lengths of the paper's Mamba-2.8B, one layer each.
std::string write_spec(const TempDir& d) {
    const std::string spec = d.file("spec.yaml");
    write_file(
        spec,
        "name: small\n"
        "experiment: " +
            repo_path("configs/experiments/mamba-unfused.yaml") +
            "\n"
            "set: {simulation.layers: one, simulation.vcd: false, simulation.timeline: false}\n"
            "axes:\n"
            "  mapping.fusion: [unfused, as, fuse-all]\n"
            "  workload.seq_len: [1, 64, 512, 1024]\n");
    return spec;
}

} // namespace

TEST_CASE("A sweep writes one row per point in point order, infeasible points included",
          "[sweep]") {
    TempDir d("sweep");
    const std::string spec = write_spec(d);
    const CliResult r = run_cli({"sweep", spec, "-j", "2", "-o", d.file("out")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 13);
    CHECK(rows[0][0] == "mapping.fusion");
    CHECK(rows[0][1] == "workload.seq_len");
    CHECK(rows[0][2] == "status");
    CHECK(rows[1][0] == "unfused");
    CHECK(rows[1][1] == "1");
    CHECK(rows[12][0] == "fuse-all");
    CHECK(rows[12][1] == "1024");
    for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][2] == "ok");

    // A point whose tiles do not fit is recorded as infeasible (a result) and the sweep goes on.
    TempDir e("sweep-fail");
    const std::string bad = e.file("spec.yaml");
    write_file(bad,
               "name: bad\nexperiment: " + repo_path("configs/experiments/mamba-unfused.yaml") +
                   "\nset: {simulation.layers: one, simulation.vcd: false,"
                   " simulation.stream_operands: false}\n"
                   "axes:\n  hardware.core.sram: [1MiB, 24MiB]\n  workload.seq_len: [16]\n");
    const CliResult f = run_cli({"sweep", bad, "-o", e.file("out")});
    CHECK(f.exit_code == 0);
    const auto frows = read_csv_file(e.file("out/results.csv"));
    REQUIRE(frows.size() == 3);
    CHECK_THAT(frows[1][2], Catch::StartsWith("infeasible: the schedule cannot progress"));
    CHECK(frows[2][2] == "ok");
}

TEST_CASE("Killing a sweep midway and running it again gives the same results.csv", "[sweep]") {
    TempDir d("sweep-kill");
    const std::string spec = write_spec(d);
    REQUIRE(run_cli({"sweep", spec, "-j", "2", "-o", d.file("straight")}).exit_code == 0);
    const std::string straight = read_file(d.file("straight/results.csv"));

    // Start the same sweep, kill it as soon as its first rows are there, then resume.
    const std::string out = d.file("killed");
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        execl(FUSESIM_BINARY, FUSESIM_BINARY, "sweep", spec.c_str(), "-j", "1", "-o", out.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 2000; ++i) {
        std::string text;
        try {
            text = read_file(out + "/results.csv");
        } catch (...) {
        }
        if (std::count(text.begin(), text.end(), '\n') >= 3) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    const auto partial = read_csv_file(out + "/results.csv");
    CHECK(partial.size() < 13); // it was stopped before the end
    for (size_t i = 1; i < partial.size(); ++i)
        CHECK(partial[i].size() == 23); // whole lines: 2 axes + 21 results
    const CliResult again = run_cli({"sweep", spec, "-j", "2", "-o", out});
    REQUIRE(again.exit_code == 0);
    CHECK_THAT(again.err, Catch::Contains("already done"));
    CHECK(read_file(out + "/results.csv") == straight);
}

TEST_CASE("Shards merged equal the unsharded sweep", "[sweep]") {
    TempDir d("sweep-shard");
    const std::string spec = write_spec(d);
    REQUIRE(run_cli({"sweep", spec, "-o", d.file("all")}).exit_code == 0);
    for (const char* s : {"0/3", "1/3", "2/3"})
        REQUIRE(run_cli({"sweep", spec, "--shard", s, "-o", d.file(std::string("s") + s[0])})
                    .exit_code == 0);
    const auto one = read_csv_file(d.file("s0/results.csv"));
    CHECK(one.size() == 5); // points 0, 3, 6, 9 of 12
    const CliResult m = run_cli({"merge", spec, d.file("s0/results.csv"), d.file("s1/results.csv"),
                                 d.file("s2/results.csv"), "-o", d.file("merged")});
    REQUIRE(m.exit_code == 0);
    CHECK(read_file(d.file("merged/results.csv")) == read_file(d.file("all/results.csv")));
    // A bad shard is a usage error.
    CHECK(run_cli({"sweep", spec, "--shard", "3/3", "-o", d.file("x")}).exit_code == 2);
}

TEST_CASE("A results file of another sweep is never overwritten", "[sweep]") {
    TempDir d("sweep-other");
    const std::string spec = write_spec(d);
    const std::string out = d.file("out");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    const std::string before = read_file(out + "/results.csv");
    const std::string other = d.file("other.yaml");
    write_file(other,
               "name: other\nexperiment: " + repo_path("configs/experiments/mamba-unfused.yaml") +
                   "\naxes:\n  hardware.core.sram: [24MiB]\n");
    const CliResult r = run_cli({"sweep", other, "-o", out});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("belongs to another sweep"));
    CHECK(read_file(out + "/results.csv") == before);
}

TEST_CASE("The area model derives MARCA and its neighbours", "[sweep][area]") {
    AreaModel a;
    a.full_sram = 30 << 20; // 24 MiB / 0.8
    a.base_bytes_per_cycle = 256;
    HardwareSpec hw;
    // a = 1, m = 0.8: 40,960 · 0.2 = 8192 PEs = 128 rows of 64; 30 MiB · 0.8 = 24 MiB; 256 B/cycle.
    apply_area_model(a, hw);
    CHECK(hw.core.pe_rows == 128);
    CHECK(hw.core.pe_cols == 64);
    CHECK(hw.core.sram_bytes == 24 << 20);
    CHECK(hw.dram.bytes_per_cycle == Approx(256));
    // m = 0.1: 36,864 PEs (576 × 64), 3 MiB.
    a.memory_share = 0.1;
    apply_area_model(a, hw);
    CHECK(hw.total_pes() == 36864);
    CHECK(hw.core.sram_bytes == 3 << 20);
    // a = 0.5: bandwidth 256 · √0.5 = 181.02 B/cycle; m = 0.3: 0.5 · 40,960 · 0.7 = 14,336 PEs.
    a.scale = 0.5;
    a.memory_share = 0.3;
    apply_area_model(a, hw);
    CHECK(hw.total_pes() == 14336);
    CHECK(hw.dram.bytes_per_cycle == Approx(181.019).epsilon(1e-4));
    // Nothing left for PEs is an error, not an empty array.
    a.memory_share = 1.0;
    CHECK_THROWS_AS(apply_area_model(a, hw), std::invalid_argument);
}

TEST_CASE("Iso-area study: at MARCA's area, L = 1024, the best design beats MARCA by 1.78x",
          "[sweep][area]") {
    // Mem-Aware at a = 1.0 over memory shares 0.1 … 0.9: the best design favours compute
    // (m well below MARCA's 0.8) and is 1.78x (±20 %) faster; at L = 64 the latency is a plateau.
    TempDir d("iso-area");
    const std::string spec = d.file("spec.yaml");
    write_file(spec, "name: iso\nexperiment: " + repo_path("configs/experiments/dse-area.yaml") +
                         "\naxes:\n  hardware.area.memory_share: {from: 0.1, to: 0.9, step: 0.1}\n"
                         "  workload.seq_len: [64, 1024]\n");
    REQUIRE(run_cli({"sweep", spec, "-j", "2", "-o", d.file("out")}).exit_code == 0);
    const auto rows = read_csv_file(d.file("out/results.csv"));
    std::map<std::string, std::vector<std::pair<double, double>>> by_len; // L → (m, latency)
    for (size_t i = 1; i < rows.size(); ++i) {
        REQUIRE(rows[i][2] == "ok");
        by_len[rows[i][1]].push_back({std::stod(rows[i][0]), std::stod(rows[i][4])});
    }
    auto at = [&](const std::string& L, double m) {
        for (const auto& [mm, lat] : by_len[L])
            if (std::abs(mm - m) < 1e-9) return lat;
        FAIL("no point");
        return 0.0;
    };
    double best = 1e30, best_m = 0;
    for (const auto& [m, lat] : by_len["1024"])
        if (lat < best) best = lat, best_m = m;
    CHECK(at("1024", 0.8) / best == Approx(1.78).epsilon(0.2));
    CHECK(best_m < 0.6);
    // L = 64: from m = 0.2 to 0.7 the latency moves by less than 15 %.
    double lo = 1e30, hi = 0;
    for (const auto& [m, lat] : by_len["64"])
        if (m >= 0.2 - 1e-9 && m <= 0.7 + 1e-9) lo = std::min(lo, lat), hi = std::max(hi, lat);
    CHECK(hi / lo < 1.15);
}

TEST_CASE("Every shipped sweep spec loads and expands", "[sweep]") {
    // Fig. 9 (and split): 11 schemes × 5 lengths; Fig. 11: 2 × 4 × 19; Fig. 12: 4 × 19 × 3 × 2 =
    // 456; Mamba-2: 4 schemes × 5 lengths; scan forms: 3 forms × 3 lengths.
    const std::map<std::string, size_t> expected = {{"fig9-fusion-schemes.yaml", 55},
                                                    {"fig9-paper-setup.yaml", 50},
                                                    {"fig9-split-state.yaml", 55},
                                                    {"fig11-memory-sensitivity.yaml", 152},
                                                    {"fig12-iso-area.yaml", 456},
                                                    {"mamba2-fusion-schemes.yaml", 20},
                                                    {"scan-forms.yaml", 9}};
    size_t seen = 0;
    for (const auto& e : std::filesystem::directory_iterator(repo_path("configs/sweeps"))) {
        const SweepSpec spec = read_sweep(e.path().string());
        const auto points = expand_points(spec);
        CHECK(!points.empty());
        auto it = expected.find(e.path().filename().string());
        if (it != expected.end()) {
            CHECK(points.size() == it->second);
            ++seen;
        }
    }
    CHECK(seen == expected.size());
}

TEST_CASE("A sweep whose axis names an unknown key stops before running, at the spec's line",
          "[sweep]") {
    TempDir d("sweep-bad-axis");
    const std::string spec = d.file("spec.yaml");
    write_file(spec,
               "name: bad\nexperiment: " + repo_path("configs/experiments/mamba-unfused.yaml") +
                   "\naxes:\n  workload.seq_lenn: [1, 2]\n");
    const CliResult r = run_cli({"sweep", spec, "-o", d.file("out")});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("spec.yaml:4:") && Catch::Contains("did you mean 'seq_len'"));
    // A missing experiment file is named too.
    write_file(spec, "name: bad\nexperiment: missing.yaml\naxes:\n  workload.seq_len: [1]\n");
    const CliResult m = run_cli({"sweep", spec, "-o", d.file("out2")});
    CHECK(m.exit_code == 2);
    CHECK_THAT(m.err, Catch::Contains("missing.yaml"));
}

TEST_CASE("A plot or best table naming no column of the results is refused before any point runs",
          "[sweep]") {
    TempDir d("sweep-columns");
    const std::string head =
        "name: columns\nexperiment: " + repo_path("configs/experiments/mamba-unfused.yaml") +
        "\nset: {simulation.layers: one}\naxes:\n  workload.seq_len: [1, 64]\n";
    // Each case misspells one column; the error names the spec file, its line and the key.
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"plots:\n  - name: p\n    x: workload.seq_len\n    y: latency_secnds\n", "plots[0].y"},
        {"plots:\n  - name: p\n    x: workload.seq_len\n    y: latency_seconds\n"
         "    where: {mapping.fusoin: fuse-all}\n",
         "plots[0].where.mapping.fusoin"},
        {"best:\n  - group_by: [workload.seq_len]\n    minimize: latency\n", "best[0].minimize"},
    };
    for (const auto& [tail, key] : cases) {
        const std::string spec = d.file("spec.yaml");
        write_file(spec, head + tail);
        const CliResult r = run_cli({"sweep", spec, "-o", d.file("out-" + key)});
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Catch::Contains(spec + ":") && Catch::Contains(key) &&
                              Catch::Contains("no column"));
        CHECK_FALSE(std::filesystem::exists(d.file("out-" + key + "/results.csv")));
    }
}
