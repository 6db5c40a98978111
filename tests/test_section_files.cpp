// --hardware, --workload and --mapping: files named on the command line (relative to the working
// folder) that take the place of an experiment's sections, before its `set:`, every --set and a
// sweep's axes; their mistakes are reported at their own file:line:column.
#include "run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using namespace fusesim::test;
using Catch::Contains;

namespace {

#define SHOW(r) INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

std::string hardware(const std::string& name, const std::string& bandwidth) {
    return "name: " + name +
           "\nclock: 1GHz\ncores: 1\ncore: {pe_rows: 16, pe_cols: 16, sram: 64MiB}\ndram:\n"
           "  bandwidth: " +
           bandwidth + "\n";
}

// z = x ⊙ y over L × d, fp32: one mul per element, memory-bound on these chips.
std::string workload(const std::string& name, int d) {
    return "name: " + name +
           "\nmodel: custom\nstage: prefill\nseq_len: 1024\ndims: {l: seq_len, d: " +
           std::to_string(d) +
           "}\ninputs: [x, y]\noperators:\n  - {name: mul, einsum: \"z[l,d] = x[l,d] * y[l,d]\"}\n";
}

// A folder with exp/exp.yaml (naming ../hw/a.yaml and ../wl/mul.yaml, relative to itself),
// hw/a.yaml (256 B/cycle), hw/b.yaml (128 B/cycle), wl/mul.yaml (d = 1024), wl/wide.yaml
// (d = 2048), map/l256.yaml (tiles of 256 tokens).
struct Setup {
    TempDir dir{"section-files"};
    Setup() {
        for (const char* sub : {"exp", "hw", "wl", "map"}) fs::create_directories(dir.file(sub));
        write_file(dir.file("exp/exp.yaml"),
                   "name: exp\nhardware: ../hw/a.yaml\nworkload: ../wl/mul.yaml\n");
        write_file(dir.file("hw/a.yaml"), hardware("hw-a", "256B/cycle"));
        write_file(dir.file("hw/b.yaml"), hardware("hw-b", "128B/cycle"));
        write_file(dir.file("wl/mul.yaml"), workload("mul", 1024));
        write_file(dir.file("wl/wide.yaml"), workload("wide", 2048));
        write_file(dir.file("map/l256.yaml"), "name: l256\ntiling: {default: {l: 256}}\n");
    }
    // `fusesim run exp/exp.yaml ARGS` in the folder; report.json parsed.
    nlohmann::json run(const std::vector<std::string>& extra) const {
        std::vector<std::string> args = {"run", "exp/exp.yaml", "-q", "-o", "out"};
        args.insert(args.end(), extra.begin(), extra.end());
        const CliResult r = run_cli_in(dir.path(), args);
        SHOW(r);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(read_file(dir.file("out/report.json")));
    }
};

} // namespace

TEST_CASE("A hardware file given by --hardware replaces the experiment's hardware: DRAM time "
          "follows its bandwidth",
          "[cli][files]") {
    const Setup s;
    // One tile (12 MiB of operands, under 40 % of 64 MiB): x and y are fetched together, 8 MiB
    // at the port's rate, then 4096 cycles of compute (1024 × 1024 muls on a 16 × 16 array:
    // 64 × 64 passes), then z (4 MiB) written back.
    //   256 B/cycle: 8,388,608 / 256 + 4096 + 4,194,304 / 256 = 32,768 + 4096 + 16,384 = 53,248
    //   128 B/cycle: 65,536 + 4096 + 32,768 = 102,400
    const auto a = s.run({});
    CHECK(a.at("hardware") == "hw-a");
    CHECK(a.at("latency").at("cycles") == 53248);
    // The path is relative to the working folder, not to the experiment (exp/hw/b.yaml does not
    // exist).
    const auto b = s.run({"--hardware", "hw/b.yaml"});
    CHECK(b.at("hardware") == "hw-b");
    CHECK(b.at("latency").at("cycles") == 102400);
    // The bytes do not depend on the bandwidth: x and y read, z written.
    for (const auto* j : {&a, &b}) {
        CHECK(j->at("dram").at("read_bytes") == 8388608);
        CHECK(j->at("dram").at("write_bytes") == 4194304);
    }
    CHECK(a.at("config_hash") != b.at("config_hash"));
    // --set applies after the replacement: 512 B/cycle: 16,384 + 4096 + 8192 = 28,672.
    const auto c =
        s.run({"--hardware", "hw/b.yaml", "--set", "hardware.dram.bandwidth=512B/cycle"});
    CHECK(c.at("hardware") == "hw-b");
    CHECK(c.at("latency").at("cycles") == 28672);
    // An absolute path works too and is the same file: the same configuration and hash.
    const auto d = s.run({"--hardware", s.dir.file("hw/b.yaml")});
    CHECK(d.at("config_hash") == b.at("config_hash"));
}

TEST_CASE("Files given by --workload and --mapping replace the experiment's workload and mapping",
          "[cli][files]") {
    const Setup s;
    // d = 2048: 24 MiB of operands, still one tile (40 % of 64 MiB is 25.6 MiB):
    // 16,777,216 / 256 + 8192 + 8,388,608 / 256 = 65,536 + 8192 + 32,768 = 106,496 cycles.
    const auto w = s.run({"--workload", "wl/wide.yaml"});
    CHECK(w.at("workload").at("name") == "wide");
    CHECK(w.at("latency").at("cycles") == 106496);
    CHECK(w.at("dram").at("read_bytes") == 16777216);
    // Tiles of 256 tokens: 1024 / 256 = 4 tiles, the same bytes.
    const auto m = s.run({"--mapping", "map/l256.yaml"});
    REQUIRE(m.at("operators").size() == 1);
    CHECK(m.at("operators")[0].at("tiles") == 4);
    CHECK(m.at("mapping") == "l256");
    CHECK(m.at("dram").at("read_bytes") == 8388608);

    // Two --workload make a comparison for analyze: each point is max(compute, bytes ÷ bw) =
    // 12 MiB / 256 = 49,152 cycles (d = 1024) and 98,304 (d = 2048) at 1 GHz; × 2 on hw/b.yaml.
    const CliResult r = run_cli_in(s.dir.path(), {"analyze", "exp/exp.yaml", "-q", "-o", "an",
                                                  "--workload", "wl/mul.yaml", "--workload",
                                                  "wl/wide.yaml", "--hardware", "hw/b.yaml"});
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(read_file(s.dir.file("an/analysis.json")));
    REQUIRE(j.at("points").size() == 2);
    CHECK(j.at("points")[0].at("workload") == "mul");
    CHECK(j.at("points")[0].at("total_latency_seconds").get<double>() ==
          Approx(98304e-9).epsilon(1e-12));
    CHECK(j.at("points")[1].at("workload") == "wide");
    CHECK(j.at("points")[1].at("total_latency_seconds").get<double>() ==
          Approx(196608e-9).epsilon(1e-12));
    CHECK(j.at("hardware").at("name") == "hw-b");
    // graph and validate take them too.
    const CliResult g =
        run_cli_in(s.dir.path(), {"graph", "exp/exp.yaml", "--workload", "wl/wide.yaml"});
    SHOW(g);
    CHECK(g.exit_code == 0);
    CHECK_THAT(g.out, Contains("wide"));
    const CliResult v = run_cli_in(
        s.dir.path(), {"validate", "exp/exp.yaml", "-q", "-o", "val", "--hardware", "hw/b.yaml"});
    SHOW(v);
    CHECK(v.exit_code == 0);
}

TEST_CASE("an experiment may leave out a section that the command line gives", "[cli][files]") {
    const Setup s;
    write_file(s.dir.file("exp/bare.yaml"), "name: bare\nworkload: ../wl/mul.yaml\n");
    const CliResult missing = run_cli_in(s.dir.path(), {"run", "exp/bare.yaml", "-q", "-o", "o"});
    SHOW(missing);
    CHECK(missing.exit_code == 2);
    CHECK_THAT(missing.err, Contains("missing key 'hardware'"));
    const CliResult given = run_cli_in(
        s.dir.path(), {"run", "exp/bare.yaml", "-q", "-o", "o", "--hardware", "hw/a.yaml"});
    SHOW(given);
    CHECK(given.exit_code == 0);
    // The replaced entry is not read at all: a file it names need not exist.
    write_file(s.dir.file("exp/gone.yaml"),
               "name: gone\nhardware: ../hw/none.yaml\nworkload: ../wl/mul.yaml\n");
    const CliResult gone = run_cli_in(
        s.dir.path(), {"run", "exp/gone.yaml", "-q", "-o", "o", "--hardware", "hw/a.yaml"});
    SHOW(gone);
    CHECK(gone.exit_code == 0);
}

TEST_CASE("mistakes in a file named on the command line exit 2 naming it", "[cli][files]") {
    const Setup s;
    auto run = [&](const std::vector<std::string>& extra) {
        std::vector<std::string> args = {"run", "exp/exp.yaml", "-q", "-o", "out"};
        args.insert(args.end(), extra.begin(), extra.end());
        return run_cli_in(s.dir.path(), args);
    };
    const CliResult none = run({"--hardware", "hw/none.yaml"});
    SHOW(none);
    CHECK(none.exit_code == 2);
    CHECK_THAT(none.err, Contains("error: --hardware: hardware: cannot read file 'hw/none.yaml' "
                                  "(No such file or directory)"));
    const CliResult folder = run({"--workload", "wl"});
    SHOW(folder);
    CHECK(folder.exit_code == 2);
    CHECK_THAT(folder.err, Contains("--workload: workload: cannot read file 'wl'"));

    // Line 6, after "  bandwidth: " (13 characters): column 14.
    write_file(s.dir.file("hw/bad.yaml"), hardware("hw-bad", "fast"));
    const CliResult bad = run({"--hardware", "hw/bad.yaml"});
    SHOW(bad);
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains("error: hw/bad.yaml:6:14: hardware.dram.bandwidth: expected a "
                                 "bandwidth"));
    write_file(s.dir.file("map/typo.yaml"), "name: typo\nfusoin: unfused\n");
    const CliResult typo = run({"--mapping", "map/typo.yaml"});
    SHOW(typo);
    CHECK(typo.exit_code == 2);
    CHECK_THAT(typo.err, Contains("map/typo.yaml:2:"));
    CHECK_THAT(typo.err, Contains("unknown key 'fusoin'"));
    CHECK_THAT(typo.err, Contains("did you mean 'fusion'"));
    write_file(s.dir.file("wl/list.yaml"), "- a\n- b\n");
    const CliResult list = run({"--workload", "wl/list.yaml"});
    SHOW(list);
    CHECK(list.exit_code == 2);
    CHECK_THAT(list.err, Contains("wl/list.yaml:1:1: workload: expected a map at the top of "
                                  "'wl/list.yaml' (named by --workload)"));
    // run simulates one workload: two are refused as a list would be.
    const CliResult two = run({"--workload", "wl/mul.yaml", "--workload", "wl/wide.yaml"});
    SHOW(two);
    CHECK(two.exit_code == 2);
    CHECK_THAT(two.err, Contains("this command simulates one workload"));
    // The option needs its file.
    const CliResult bare = run({"--hardware"});
    SHOW(bare);
    CHECK(bare.exit_code == 2);
    const CliResult empty = run({"--mapping", ""});
    SHOW(empty);
    CHECK(empty.exit_code == 2);
    CHECK_THAT(empty.err, Contains("expected a file, got an empty path"));
}

TEST_CASE("sweep --hardware: the axes vary the replaced file, rows carry hash and version",
          "[cli][files][sweep]") {
    const Setup s;
    write_file(s.dir.file("exp/sweep.yaml"),
               "name: sw\nexperiment: exp.yaml\naxes:\n  workload.seq_len: [1024, 2048]\n");
    const CliResult r = run_cli_in(s.dir.path(), {"sweep", "exp/sweep.yaml", "-j", "1", "-o", "sw",
                                                  "--hardware", "hw/b.yaml"});
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(read_file(s.dir.file("sw/results.json")));
    const auto& rows = j.at("rows");
    REQUIRE(rows.size() == 2);
    // 128 B/cycle; L = 2048 moves 24 MiB in one tile: 131,072 + 8192 + 65,536 = 204,800.
    CHECK(rows[0].at("latency_cycles") == 102400);
    CHECK(rows[1].at("latency_cycles") == 204800);
    CHECK(rows[0].at("dram_bytes_per_cycle") == 128);
    const std::string h0 = rows[0].at("config_hash"), h1 = rows[1].at("config_hash");
    CHECK(h0.size() == 64);
    CHECK(h0 != h1);
    // Each point's hash is that of the run of the same configuration.
    const auto one = s.run({"--hardware", "hw/b.yaml", "--set", "workload.seq_len=2048"});
    CHECK(one.at("config_hash") == h1);
    CHECK(rows[0].at("version") == one.at("version"));
    CHECK(j.at("version") == one.at("version"));
    // A resume without --hardware would mix two settings in one results.csv: refused.
    const CliResult other =
        run_cli_in(s.dir.path(), {"sweep", "exp/sweep.yaml", "-j", "1", "-o", "sw"});
    SHOW(other);
    CHECK(other.exit_code == 2);
    CHECK_THAT(other.err, Contains("holds the results of a sweep with other settings"));
    // Two workloads would make every point fail: refused before any point runs.
    const CliResult two =
        run_cli_in(s.dir.path(), {"sweep", "exp/sweep.yaml", "-o", "sw2", "--workload",
                                  "wl/mul.yaml", "--workload", "wl/wide.yaml"});
    SHOW(two);
    CHECK(two.exit_code == 2);
    CHECK_THAT(two.err, Contains("a sweep simulates one workload per point"));
    CHECK_FALSE(fs::exists(s.dir.file("sw2")));
}
