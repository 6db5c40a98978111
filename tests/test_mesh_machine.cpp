// MARCA as built on a 4 × 8 mesh (configs/hardware/marca-32core-mesh.yaml) end to end: its
// module tree in report.json, the gap to the aggregated estimate by measured cause in validate,
// and sweeps whose `hardware` axis names files (the aggregation sweep's form).
#include "run_cli.hpp"
#include "sim/report/table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace fusesim;
using namespace fusesim::test;
using json = nlohmann::json;

namespace {
const char* kMesh = "configs/experiments/marca-32core-mesh.yaml";
}

TEST_CASE("MARCA on a 4x8 mesh reports every module and its traffic adds up", "[mesh]") {
    TempDir d("mesh-run");
    const CliResult r = run_cli({"run", kMesh, "-q", "-o", d.path(), "--set", "workload.seq_len=64",
                                 "--set", "simulation.vcd=true"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const json j = json::parse(read_file(d.file("report.json")));
    // 32 cores, the DRAM and its 8 channels, 32 routers, and the links of a 4 × 8 mesh in both
    // directions: rows 4 × 7 × 2 = 56 along the rows, 3 × 8 × 2 = 48 along the columns.
    size_t cores = 0, channels = 0, routers = 0, links = 0;
    uint64_t channel_bytes = 0, dram_bytes = 0;
    for (const auto& m : j["modules"]) {
        const std::string name = m["module"];
        if (name.find(".core") != std::string::npos) ++cores;
        if (name.find(".channel") != std::string::npos) {
            ++channels;
            channel_bytes += m["bytes"].get<uint64_t>();
        }
        if (name == "accelerator.dram") dram_bytes = m["bytes"].get<uint64_t>();
        if (name.find(".router_") != std::string::npos) ++routers;
        if (name.find(".link_") != std::string::npos) ++links;
    }
    CHECK(cores == 32);
    CHECK(channels == 8);
    CHECK(routers == 32);
    CHECK(links == 104);
    CHECK(j["modules"].size() == 32 + 1 + 8 + 32 + 104);
    // The DRAM's bytes are its channels' (interleaved over them), and the simulated layer's
    // share of the model's traffic (64 identical layers).
    CHECK(channel_bytes == dram_bytes);
    CHECK(dram_bytes * 64 ==
          j["dram"]["read_bytes"].get<uint64_t>() + j["dram"]["write_bytes"].get<uint64_t>());
    // The trace is scoped by module: a link and a channel have their own scope.
    const std::string vcd = read_file(d.file("trace.vcd"));
    CHECK_THAT(vcd, Catch::Contains("$scope module link_0_1 $end\n$var wire 64 "));
    CHECK_THAT(vcd, Catch::Contains("$scope module channel7 $end\n"));
    // timeline.json has a track per DRAM channel and NoC link (process 3), each with the
    // intervals it carried data; their busy time is the module's busy cycles (no gaps merged on
    // a run this short: fewer than BusyTrack::kMax intervals).
    const json t = json::parse(read_file(d.file("timeline.json")));
    std::map<int, std::string> track;
    std::map<int, double> busy_us;
    for (const auto& e : t["traceEvents"]) {
        if (e["pid"] != 3) continue;
        if (e["name"] == "thread_name") track[e["tid"].get<int>()] = e["args"]["name"];
        if (e["ph"] == "X") busy_us[e["tid"].get<int>()] += e["dur"].get<double>();
    }
    CHECK(track.size() == 8 + 104);
    CHECK(track[0] == "accelerator.dram.channel0");
    CHECK(track[8] == "accelerator.noc.link_0_1");
    for (const auto& m : j["modules"])
        if (m["module"] == "accelerator.noc.link_0_1") // 1 GHz: 1 µs = 1000 cycles
            CHECK(busy_us[8] * 1000 == Approx(m["busy_cycles"].get<double>()).epsilon(1e-9));
}

TEST_CASE("validate on the mesh splits the gap into causes that add up", "[mesh][validate]") {
    TempDir d("mesh-validate");
    const CliResult r =
        run_cli({"validate", kMesh, "-q", "-o", d.path(), "--set", "workload.seq_len=64"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const json v = json::parse(read_file(d.file("validate.json")));
    const auto& c = v["causes"];
    double sum = 0;
    std::map<std::string, double> by;
    for (const auto& k : c["causes"]) {
        sum += k["cycles"].get<double>();
        by[k["cause"]] = k["cycles"].get<double>();
    }
    CHECK(sum == Approx(c["gap_cycles"].get<double>()).margin(1));
    // The mesh is slower than the aggregated estimate: the channels d split over the cores keep
    // every state-update read on its core (no interconnect wait), the estimate has the array's
    // compute exactly, and the banks and the pipeline between groups add time.
    CHECK(c["gap_cycles"].get<double>() > 0);
    CHECK(by["noc"] == 0);
    CHECK(std::abs(by["compute"]) < 1);
    CHECK(by["sram_banks"] > 0);
    CHECK(by["fill"] > 0);
}

TEST_CASE("A sweep's hardware axis names files and each point runs on its own", "[mesh][sweep]") {
    TempDir d("mesh-sweep");
    const std::string spec = d.file("s.yaml");
    write_file(spec, "name: hw-axis\nexperiment: " + repo_path(kMesh) +
                         "\nset:\n  simulation.vcd: false\n  simulation.timeline: false\n"
                         "  workload.seq_len: 64\naxes:\n  hardware: [" +
                         repo_path("configs/hardware/marca-aggregated.yaml") + ", " +
                         repo_path("configs/hardware/marca-32core-mesh.yaml") +
                         "]\n  mapping.fusion: [fuse-all]\n");
    const CliResult r = run_cli({"sweep", spec, "-j", "2", "-o", d.file("out")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 3);
    CHECK(rows[0][0] == "hardware");
    CHECK_THAT(rows[1][0], Catch::EndsWith("marca-aggregated.yaml"));
    CHECK_THAT(rows[2][0], Catch::EndsWith("marca-32core-mesh.yaml"));
    // Each point is the run with that file in place of the experiment's hardware.
    for (size_t i = 1; i <= 2; ++i) {
        const CliResult one =
            run_cli({"run", kMesh, "-q", "-o", d.file("one" + std::to_string(i)), "--hardware",
                     rows[i][0], "--set", "workload.seq_len=64", "--set", "simulation.vcd=false"});
        REQUIRE(one.exit_code == 0);
        const json j = json::parse(read_file(d.file("one" + std::to_string(i) + "/report.json")));
        CHECK(rows[i][3] == std::to_string(j["latency"]["cycles"].get<uint64_t>()));
    }
    CHECK(rows[1][3] != rows[2][3]);
    // A hardware axis value that is not a file name is an error naming the axis.
    write_file(spec, "experiment: " + repo_path(kMesh) + "\naxes:\n  hardware: [{cores: 2}]\n");
    const CliResult bad = run_cli({"sweep", spec, "-o", d.file("bad")});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("axes.hardware") && Catch::Contains("file name"));
}
