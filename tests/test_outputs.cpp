// The files a researcher reads: no SystemC banner, traces sized for the run and on one time base,
// quiet gnuplot, plot scripts that run from their own folder, sweep plot labels, CSV style.
#include "hw/cost/time_base.hpp"
#include "hw/modules/vcd_writer.hpp"
#include "run_cli.hpp"
#include "sim/report/table.hpp"
#include "sim/report/tools.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <unistd.h>

using namespace fusesim;
using namespace fusesim::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char* const kExperiment = "configs/experiments/mamba-unfused.yaml";

// What `command` prints on stdout and stderr (through the shell: test commands only).
std::string shell_output(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen((command + " 2>&1").c_str(), "r")) {
        char buf[4096];
        size_t n;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

// What run_gnuplot writes on stderr, captured through a file.
std::string gnuplot_stderr(const TempDir& d, const std::string& script, bool quiet, bool& ok) {
    write_file(d.file("s.gp"), script);
    const int dir = ::open(d.path().c_str(), O_RDONLY | O_DIRECTORY);
    const int saved = ::dup(2);
    const int file = ::open(d.file("err.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    std::fflush(stderr);
    ::dup2(file, 2);
    ok = run_gnuplot(dir, "s.gp", d.file("s.gp"), quiet);
    std::cerr.flush();
    ::dup2(saved, 2);
    ::close(saved);
    ::close(file);
    ::close(dir);
    return read_file(d.file("err.txt"));
}

} // namespace

TEST_CASE("No command prints the SystemC banner even with an empty environment", "[outputs]") {
    // The banner's second line is "Copyright (c) 1996-2022 by all Contributors".
    const std::string help = shell_output(std::string("env -i ") + FUSESIM_BINARY + " --help");
    CHECK_THAT(help, Catch::Contains("Usage:"));
    CHECK_THAT(help, !Catch::Contains("SystemC") && !Catch::Contains("Copyright"));
    const std::string ref =
        shell_output(std::string("env -i ") + FUSESIM_BINARY + " reference hardware");
    CHECK_THAT(ref, Catch::StartsWith("| key |"));
}

TEST_CASE("TimeBase picks the coarsest decimal unit in which a cycle is whole", "[outputs]") {
    const TimeBase half(500e6); // 2 ns a cycle
    CHECK(half.unit() == "1 ns");
    CHECK(half.exact());
    CHECK(half.ticks(1000) == 2000);
    CHECK(half.microseconds(half.ticks(1000)) == "2");
    CHECK(half.microseconds(2001) == "2.001");
    const TimeBase f16(1.6e9); // 625 ps a cycle
    CHECK(f16.unit() == "1 ps");
    CHECK(f16.ticks(8) == 5000);
    CHECK(f16.microseconds(5000) == "0.005");
    const TimeBase f3(3e9); // 333,333.33 fs a cycle: no unit is exact; each cycle rounded alone
    CHECK_FALSE(f3.exact());
    CHECK(f3.unit() == "1 fs");
    CHECK(f3.ticks(1) == 333333);
    CHECK(f3.ticks(3) == 1000000); // no drift: 3 cycles are exactly 1 ns
}

TEST_CASE("trace.vcd in intervals shows each signal's peak and then its value", "[outputs]") {
    TempDir d("vcd-interval");
    const std::string path = d.file("t.vcd");
    {
        VcdWriter w(path, 1 << 20, 500e6, 10);
        const int busy = w.add("busy", 1);
        const int op = w.add("op", 8, VcdWriter::Aggregate::Latest);
        w.set(busy, 1, 13); // busy during 13..15 of the interval 10..19
        w.set(op, 3, 13);
        w.set(busy, 0, 15);
        w.set(op, 0, 15);
        w.finish(40);
    }
    const std::string vcd = read_file(path);
    CHECK_THAT(vcd, Catch::Contains("$timescale 1 ns $end"));
    // Interval 10 at 20 ns (2 ticks a cycle): peak busy 1, last operator 3; interval 20 at
    // 40 ns: both back to 0; the end, cycle 40, at 80 ns.
    CHECK_THAT(vcd, Catch::Contains("#20\n1!\nb11 \"\n#40\n0!\nb0 \"\n#80\n"));
}

TEST_CASE("trace.vcd declares dotted signal names in nested module scopes", "[outputs]") {
    TempDir d("vcd-scopes");
    const std::string path = d.file("t.vcd");
    {
        VcdWriter w(path, 1 << 20);
        w.add("accelerator.core0.busy", 1);          // !
        w.add("accelerator.noc.link_0_1.bytes", 64); // "
        w.add("accelerator.core0.op", 8);            // #: joins core0's scope
        w.add("top", 1);                             // $: no scope
        w.finish(1);
    }
    // Scopes in order of first appearance, each signal under its module with its last name.
    CHECK_THAT(read_file(path),
               Catch::Contains("$var wire 1 $ top $end\n"
                               "$scope module accelerator $end\n"
                               "$scope module core0 $end\n"
                               "$var wire 1 ! busy $end\n$var wire 8 # op $end\n$upscope $end\n"
                               "$scope module noc $end\n$scope module link_0_1 $end\n"
                               "$var wire 64 \" bytes $end\n$upscope $end\n$upscope $end\n"
                               "$upscope $end\n$enddefinitions $end\n"));
}

TEST_CASE("An event at cycle c has the same time in trace.vcd and timeline.json at 500 MHz",
          "[outputs]") {
    TempDir d("timebase");
    const CliResult r = run_cli({"run", kExperiment, "-q", "-o", d.path(), "--set",
                                 "hardware.clock=500MHz", "--set", "workload.seq_len=256", "--set",
                                 "simulation.layers=one", "--set", "simulation.trace_budget=1GiB"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string vcd = read_file(d.file("trace.vcd"));
    CHECK_THAT(vcd, Catch::Contains("$timescale 1 ns $end"));
    // The first time core 0 gets busy ("1!" after a "#t" line) ...
    // (Parsed by hand: <regex> trips a false -Wmaybe-uninitialized in GCC 12's sanitizer build.)
    const size_t busy = vcd.find("\n1!\n");
    REQUIRE(busy != std::string::npos);
    const size_t stamp = vcd.rfind("\n#", busy);
    REQUIRE(stamp != std::string::npos);
    const uint64_t ticks =
        std::stoull(vcd.substr(stamp + 2, vcd.find('\n', stamp + 2) - stamp - 2));
    CHECK(ticks % 2 == 0); // two 1-ns ticks a cycle
    // ... is where the first compute slice of the timeline starts (ts in µs).
    const json t = json::parse(read_file(d.file("timeline.json")));
    double first = -1;
    for (const auto& e : t["traceEvents"])
        if (e["ph"] == "X" && e["pid"] == 1) {
            first = e["ts"].get<double>();
            break;
        }
    REQUIRE(first >= 0);
    CHECK(std::llround(first * 1000) == static_cast<long long>(ticks));
    const json rep = json::parse(read_file(d.file("report.json")));
    // The VCD's last time is the run's last cycle at 2 ns: latency cycles ÷ 64 layers × 2.
    const size_t last = vcd.rfind("\n#");
    REQUIRE(last != std::string::npos);
    CHECK(std::stoull(vcd.substr(last + 2)) == rep["latency"]["cycles"].get<uint64_t>() / 64 * 2);
}

TEST_CASE("The default run's traces stay within the budget and cover the whole run", "[outputs]") {
    TempDir d("default-traces");
    const CliResult r = run_cli({"run", kExperiment, "-q", "-o", d.path()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const json rep = json::parse(read_file(d.file("report.json")));
    const std::string timeline = read_file(d.file("timeline.json"));
    // Default budget 4 MiB each (simulation.trace_budget).
    CHECK(timeline.size() <= 4u << 20);
    CHECK(fs::file_size(d.file("trace.vcd")) <= 4u << 20);
    const json t = json::parse(timeline);
    // Every simulated tile is in some slice, and the last slice ends at the run's end:
    // 9,767,006,608 cycles at 1 GHz = 9,767,006.608 µs (REFERENCE: the default run).
    CHECK(t["otherData"]["tiles"].get<uint64_t>() == rep["tiles_simulated"].get<uint64_t>());
    uint64_t tiles = 0;
    double end = 0;
    for (const auto& e : t["traceEvents"])
        if (e["ph"] == "X" && e["pid"] == 1) {
            tiles += e["args"]["tiles"].get<uint64_t>();
            end = std::max(end, e["ts"].get<double>() + e["dur"].get<double>());
        }
    CHECK(tiles == rep["tiles_simulated"].get<uint64_t>());
    // The run ends with the last tile's write-back (10,240 cycles here), after its compute:
    // the last slice ends within 0.01 % of the end (a timeline cut at 400,000 slices ended at
    // layer 38 of 64, 60 % of the way).
    const double cycles = rep["latency"]["cycles"].get<double>();
    CHECK(end * 1000 <= cycles);
    CHECK(end * 1000 >= cycles * (1 - 1e-4));
    CHECK(rep["timeline"]["merged"].get<int>() > 0);
    CHECK(rep["trace_vcd"]["interval_cycles"].get<uint64_t>() > 1);
    const std::string summary = read_file(d.file("summary.txt"));
    CHECK_THAT(summary, Catch::Contains("timeline.json: ") && Catch::Contains(" tiles in ") &&
                            Catch::Contains("(merged: finer would pass 17,476 slices"));
    CHECK_THAT(summary, Catch::Contains("trace.vcd: ") && Catch::Contains("one step per "));
}

TEST_CASE("simulation.fst converts trace.vcd with vcd2fst when it is on PATH", "[outputs]") {
    TempDir d("fst"), bin("fst-bin");
    // A stand-in vcd2fst: copies its first argument to its second.
    write_file(bin.file("vcd2fst"), "#!/bin/sh\ncp \"$1\" \"$2\"\n");
    fs::permissions(bin.file("vcd2fst"), fs::perms::owner_all);
    const std::string old_path = std::getenv("PATH") ? std::getenv("PATH") : "/usr/bin:/bin";
    ::setenv("PATH", (bin.path() + ":" + old_path).c_str(), 1);
    const CliResult r =
        run_cli({"run", kExperiment, "-q", "-o", d.path(), "--set", "workload.seq_len=64", "--set",
                 "simulation.layers=one", "--set", "simulation.fst=true"});
    ::setenv("PATH", old_path.c_str(), 1);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(d.file("trace.fst")));
    CHECK_FALSE(fs::exists(d.file("trace.vcd")));
    CHECK_THAT(read_file(d.file("trace.fst")), Catch::StartsWith("$version fusesim $end"));
    CHECK_THAT(read_file(d.file("summary.txt")),
               Catch::Contains("trace.fst: ") && Catch::Contains("converted from trace.vcd"));
}

TEST_CASE("gnuplot's output is shown only when not quiet or when it fails", "[outputs]") {
    if (find_on_path("gnuplot").empty()) {
        WARN("gnuplot is not on PATH: skipped");
        return;
    }
    TempDir d("gnuplot-quiet");
    bool ok = false;
    // gnuplot's `print` writes to stderr, as its warnings do.
    CHECK(gnuplot_stderr(d, "print 'noise'\n", true, ok).empty());
    CHECK(ok);
    CHECK_THAT(gnuplot_stderr(d, "print 'noise'\n", false, ok), Catch::Contains("noise"));
    CHECK_THAT(gnuplot_stderr(d, "print 'noise'\nnot_a_command\n", true, ok),
               Catch::Contains("gnuplot failed") && Catch::Contains("noise"));
    CHECK_FALSE(ok);
}

TEST_CASE("analyze's plot scripts run from a copied folder and another working folder",
          "[outputs]") {
    if (find_on_path("gnuplot").empty()) {
        WARN("gnuplot is not on PATH: skipped");
        return;
    }
    TempDir d("gp-cwd"), elsewhere("gp-elsewhere");
    const std::string out = d.file("out"), copy = d.file("copy");
    const CliResult r =
        run_cli({"analyze", "configs/experiments/fig4-mamba-vs-opt.yaml", "-q", "-o", out});
    REQUIRE(r.exit_code == 0);
    fs::create_directory(copy);
    for (const char* f : {"roofline.gp", "latency.gp", "ops-bytes.gp"})
        fs::copy_file(out + "/" + f, copy + "/" + f);
    const std::string gp = read_file(copy + "/roofline.gp");
    // The roofline names its points in the key: no text placed among them.
    CHECK(gp.find("set label") == std::string::npos);
    CHECK_THAT(gp, Catch::Contains("title \"mamba-2.8b-paper: state_update\""));
    for (const char* f : {"roofline", "latency", "ops-bytes"}) {
        const std::string cmd = "cd " + elsewhere.path() + " && gnuplot " + copy + "/" + f + ".gp";
        CHECK(shell_output(cmd).empty());
        CHECK(fs::exists(copy + "/" + f + ".svg"));
    }
    CHECK(fs::is_empty(elsewhere.path()));
}

TEST_CASE("analysis.csv has snake_case headers and exact integer counts", "[outputs]") {
    TempDir d("analysis-csv");
    REQUIRE(run_cli({"analyze", "configs/experiments/fig4-mamba-vs-opt.yaml", "-q", "-o", d.path()})
                .exit_code == 0);
    const auto rows = read_csv_file(d.file("analysis.csv"));
    REQUIRE(rows.size() > 1);
    CHECK(rows[0] ==
          std::vector<std::string>{"workload", "stage", "seq_len", "type", "ops", "dram_bytes",
                                   "intensity_ops_per_byte", "intensity_ratio_ops_per_byte",
                                   "attainable_ops_per_cycle", "latency_seconds", "latency_share"});
    const json j = json::parse(read_file(d.file("analysis.json")));
    // Row 1 is the first point's first type: its ops in analysis.json (a double, exact below
    // 2^53) equal the CSV's integer, all digits (the old file had 2.09756e+07).
    const auto& t0 = j["points"][0]["operator_types"][0];
    CHECK(rows[1][4] == std::to_string(t0["ops"].get<int64_t>()));
    CHECK(rows[1][5] == std::to_string(t0["dram_bytes"].get<int64_t>()));
    CHECK(std::strtod(rows[1][9].c_str(), nullptr) == t0["latency_seconds"].get<double>());
    for (size_t i = 1; i < rows.size(); ++i)
        CHECK(rows[i][4].find_first_not_of("0123456789") == std::string::npos);
}

TEST_CASE("Sweep plots label their axes from the column table or the spec", "[outputs]") {
    TempDir d("sweep-labels");
    const std::string spec = d.file("spec.yaml");
    const std::string head =
        "name: labels\nexperiment: " + repo_path(kExperiment) +
        "\nset: {simulation.layers: one, simulation.vcd: false, simulation.timeline: false}\n"
        "axes:\n  workload.seq_len: [64, 128]\nplots:\n  - name: sram\n    x: workload.seq_len\n"
        "    y: peak_sram_bytes\n";
    write_file(spec, head + "    yunit: KiB\n");
    const CliResult r = run_cli({"sweep", spec, "-o", d.file("out")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string gp = read_file(d.file("out/sram.gp"));
    CHECK_THAT(gp, Catch::Contains("set xlabel \"sequence length L\"") &&
                       Catch::Contains("set ylabel \"peak SRAM (KiB)\""));
    // The values are the results.csv bytes ÷ 1024.
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 3);
    size_t col = 0;
    while (rows[0][col] != "peak_sram_bytes") ++col;
    const double kib = std::strtod(rows[1][col].c_str(), nullptr) / 1024;
    CHECK(std::fabs(std::strtod(gp.substr(gp.find("\n64 ") + 4).c_str(), nullptr) - kib) <=
          1e-9 * kib);
    // A unit that does not fit the column is an error at its file:line.
    write_file(spec, head + "    yunit: ms\n");
    const CliResult bad = run_cli({"sweep", spec, "-o", d.file("bad")});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("spec.yaml:10") && Catch::Contains("plots[0].yunit") &&
                            Catch::Contains("can be shown in B, KiB, MiB, GiB or none"));
}
