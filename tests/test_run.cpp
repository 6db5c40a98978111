// `fusesim run` and `fusesim validate` end to end: determinism, traces, the paper's unfused
// Mamba-2.8B against the analytical model, and whole models simulated in full or scaled.
#include "run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <sstream>

using namespace fusesim::test;
using nlohmann::json;

namespace {

const std::string kExperiment = "configs/experiments/mamba-unfused.yaml";

json run_report(const std::string& dir, std::vector<std::string> extra) {
    std::vector<std::string> args = {"run", kExperiment, "-q", "-o", dir};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args);
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(read_file(dir + "/report.json"));
}

// A minimal VCD reader: the names of the variables with their scopes (accelerator.core0.busy)
// and, per name, its (time, value) changes.
std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>>
read_vcd(const std::string& text) {
    std::map<std::string, std::string> name_of; // id code → name
    std::map<std::string, std::vector<std::pair<uint64_t, uint64_t>>> changes;
    std::istringstream in(text);
    std::string tok;
    uint64_t now = 0;
    std::string scope; // the dotted path of the open scopes, each followed by '.'
    while (in >> tok) {
        if (tok == "$scope") {
            std::string kind, name;
            in >> kind >> name;
            scope += name + ".";
        } else if (tok == "$upscope") {
            scope.erase(scope.rfind('.', scope.size() - 2) == std::string::npos
                            ? 0
                            : scope.rfind('.', scope.size() - 2) + 1);
        } else if (tok == "$var") {
            std::string type, width, id, name;
            in >> type >> width >> id >> name;
            name_of[id] = scope + name;
            changes[scope + name];
        } else if (tok[0] == '#') {
            now = std::stoull(tok.substr(1));
        } else if (tok[0] == 'b') {
            std::string id;
            in >> id;
            if (name_of.count(id))
                changes[name_of[id]].push_back({now, std::stoull(tok.substr(1), nullptr, 2)});
        } else if ((tok[0] == '0' || tok[0] == '1') && tok.size() > 1 &&
                   name_of.count(tok.substr(1))) {
            changes[name_of[tok.substr(1)]].push_back({now, static_cast<uint64_t>(tok[0] - '0')});
        }
    }
    return changes;
}

} // namespace

TEST_CASE("Two runs give byte-identical reports", "[run]") {
    TempDir a("run-a"), b("run-b");
    run_report(a.path(), {"--set", "workload.seq_len=64", "--set", "simulation.layers=one"});
    run_report(b.path(), {"--set", "workload.seq_len=64", "--set", "simulation.layers=one"});
    for (const char* f : {"report.json", "ops.csv", "memory.csv", "summary.txt", "timeline.json"})
        CHECK(read_file(a.file(f)) == read_file(b.file(f)));
}

TEST_CASE("The report has the keys users script against", "[run]") {
    TempDir d("run-keys");
    json r =
        run_report(d.path(), {"--set", "workload.seq_len=64", "--set", "simulation.layers=one"});
    CHECK(r["latency"]["cycles"].get<uint64_t>() > 0);
    CHECK(r["latency"]["seconds"].get<double>() ==
          Approx(r["latency"]["cycles"].get<double>() / 1e9));
    CHECK(r["simulated_layers"] == 1);
    CHECK(r["model_layers"] == 64);
    CHECK(r["peak_sram_bytes"].get<int64_t>() <= 24 * 1024 * 1024);
    CHECK(r["dram"]["read_bytes"].get<int64_t>() > 0);
    CHECK(r["utilization"].get<double>() > 0);
    CHECK(r["utilization"].get<double>() < 1);
    REQUIRE(r["operators"].size() == 24);
    for (const auto& op : r["operators"]) {
        CHECK(op.contains("name"));
        CHECK(op.contains("group"));
        CHECK((op["bound"] == "compute" || op["bound"] == "memory"));
    }
    CHECK(r["config"]["workload"]["seq_len"] == 64);
}

TEST_CASE("report.json holds every module's own statistics and they add up", "[run]") {
    TempDir d("run-modules");
    json r =
        run_report(d.path(), {"--set", "workload.seq_len=64", "--set", "simulation.layers=one"});
    const auto& m = r["modules"];
    REQUIRE(m.size() == 3); // the aggregated core, the DRAM and its one channel
    CHECK(m[0]["module"] == "accelerator.core0");
    CHECK(m[1]["module"] == "accelerator.dram");
    CHECK(m[2]["module"] == "accelerator.dram.channel0");
    // One channel without a row buffer: the channel's figures are the DRAM's, and no row is
    // counted.
    for (const char* k : {"busy_cycles", "bytes", "transfers", "stall_cycles"})
        CHECK(m[2][k] == m[1][k]);
    CHECK(m[2]["row_hits"] == 0);
    CHECK(m[2]["row_misses"] == 0);
    const uint64_t cycles = r["latency"]["simulated_cycles"].get<uint64_t>();
    // The core is busy or stalled (by cause) until its last tile; after it only the final
    // write-backs run, a few thousand cycles of 4.5 million.
    const uint64_t busy = m[0]["busy_cycles"], stall = m[0]["stall_cycles"];
    CHECK(stall == m[0]["stall_dram"].get<uint64_t>() + m[0]["stall_noc"].get<uint64_t>() +
                       m[0]["stall_memory"].get<uint64_t>() +
                       m[0]["stall_dependency"].get<uint64_t>());
    CHECK(busy + stall <= cycles);
    CHECK(busy + stall >= cycles - cycles / 100);
    CHECK(m[0]["transfers"] == r["tiles_simulated"]); // a core's transfers are its tiles
    // The DRAM module carried the simulated layer's traffic: the model's ÷ 64 layers.
    const uint64_t model_bytes =
        r["dram"]["read_bytes"].get<uint64_t>() + r["dram"]["write_bytes"].get<uint64_t>();
    CHECK(m[1]["bytes"].get<uint64_t>() * 64 == model_bytes);
    CHECK(m[1]["busy_fraction"].get<double>() == Approx(r["dram"]["busy_fraction"].get<double>()));
}

TEST_CASE("The VCD trace holds per-core, DRAM and SRAM signals with the run's values", "[run]") {
    TempDir d("run-vcd");
    json r =
        run_report(d.path(), {"--set", "workload.seq_len=64", "--set", "simulation.layers=one"});
    auto vcd = read_vcd(read_file(d.file("trace.vcd")));
    for (const char* name : {"accelerator.core0.busy", "accelerator.core0.op",
                             "accelerator.core0.sram_bytes", "accelerator.dram.bytes_in_flight"})
        CHECK(vcd.count(name));
    // The largest SRAM value traced is the reported peak; the core is busy at some point and
    // idle at the end; the DRAM port carries bytes.
    uint64_t peak = 0;
    for (const auto& [t, v] : vcd["accelerator.core0.sram_bytes"]) peak = std::max(peak, v);
    CHECK(peak == r["peak_sram_bytes"].get<uint64_t>());
    REQUIRE(!vcd["accelerator.core0.busy"].empty());
    CHECK(vcd["accelerator.core0.busy"].back().second == 0);
    uint64_t busy_ones = 0;
    for (const auto& [t, v] : vcd["accelerator.core0.busy"]) busy_ones += v;
    CHECK(busy_ones > 0);
    uint64_t most = 0;
    for (const auto& [t, v] : vcd["accelerator.dram.bytes_in_flight"]) most = std::max(most, v);
    CHECK(most > 0);
    // Operator indices are 1-based (0 = idle): 24 compute operators, 9 views in between.
    uint64_t top = 0;
    for (const auto& [t, v] : vcd["accelerator.core0.op"]) top = std::max(top, v);
    CHECK(top >= 24);
    // Every operator code in the trace is named in the report.
    for (const auto& [t, v] : vcd["accelerator.core0.op"])
        if (v > 0) CHECK(r["vcd_op_codes"].contains(std::to_string(v)));
}

TEST_CASE("validate: the per-layer gap by cause adds up to the gap", "[run][validate]") {
    TempDir d("validate-causes");
    const CliResult r =
        run_cli({"validate", kExperiment, "-q", "-o", d.path(), "--set", "workload.seq_len=512"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    json v = json::parse(read_file(d.file("validate.json")));
    const auto& c = v["causes"];
    // T − A = Σ causes exactly (sim/analytic/gap_causes.hpp), up to the rounding of means.
    double sum = 0;
    for (const auto& k : c["causes"]) sum += k["cycles"].get<double>();
    CHECK(sum == Approx(c["gap_cycles"].get<double>()).margin(1));
    CHECK(c["simulated_cycles"].get<double>() == v["per_layer"]["simulated_cycles"].get<double>());
    CHECK(c["analytic_cycles"].get<double>() ==
          v["per_layer"]["analytic_plan_cycles"].get<double>());
    REQUIRE(c["causes"].size() == 7);
    // One core and one DRAM port: no interconnect, no banks; unfused memory-bound groups spend
    // the estimate's bandwidth time waiting for data, and the same per-tile cost gives the same
    // compute in both models.
    CHECK(c["causes"][0]["cause"] == "compute");
    CHECK(std::abs(c["causes"][0]["cycles"].get<double>()) < 1);
    CHECK(c["causes"][3]["cause"] == "noc");
    CHECK(c["causes"][3]["cycles"].get<double>() == 0);
}

TEST_CASE("validate: unfused Mamba-2.8B agrees with the analytical model within 5 %",
          "[run][validate]") {
    for (const char* L : {"64", "512"}) {
        TempDir d("validate");
        const CliResult r = run_cli({"validate", kExperiment, "-q", "-o", d.path(), "--set",
                                     std::string("workload.seq_len=") + L});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        json v = json::parse(read_file(d.file("validate.json")));
        CHECK(std::abs(v["per_layer"]["gap_vs_plan"].get<double>()) < 0.05);
        CHECK(std::abs(v["per_layer"]["gap_vs_layer_by_layer"].get<double>()) < 0.05);
        for (const auto& g : v["groups"])
            if (std::abs(g["gap"].get<double>()) > 0.02)
                CHECK(!g["reason"].get<std::string>().empty());
    }
}

TEST_CASE("A 2-layer model simulated in full agrees with one layer x 2", "[run]") {
    // Layer 2 reads layer 1's output from DRAM exactly as layer 1 reads the model input, so the
    // bytes are identical; the full run overlaps the layer boundary a little (prefetch), so its
    // latency may only be lower, and by far less than 1 %.
    TempDir full("layers-full"), one("layers-one");
    json f = run_report(full.path(), {"--set", "workload.seq_len=64", "--set", "workload.layers=2",
                                      "--set", "simulation.layers=all"});
    json o = run_report(one.path(), {"--set", "workload.seq_len=64", "--set", "workload.layers=2",
                                     "--set", "simulation.layers=one"});
    CHECK(f["simulated_layers"] == 2);
    CHECK(o["simulated_layers"] == 1);
    CHECK(f["dram"]["read_bytes"] == o["dram"]["read_bytes"]);
    CHECK(f["dram"]["write_bytes"] == o["dram"]["write_bytes"]);
    const double lf = f["latency"]["cycles"].get<double>(),
                 lo = o["latency"]["cycles"].get<double>();
    CHECK(lf <= lo);
    CHECK(lf == Approx(lo).epsilon(0.01));
}

TEST_CASE("A mapping whose tiles never fit exits 2 naming the stuck tile", "[run]") {
    TempDir d("stuck");
    const std::vector<std::string> args = {"run",
                                           kExperiment,
                                           "-q",
                                           "-o",
                                           d.path(),
                                           "--set",
                                           "workload.seq_len=64",
                                           "--set",
                                           "simulation.layers=one",
                                           "--set",
                                           "hardware.core.sram=1MiB"};
    // Without streaming, a tile whose operands exceed SRAM cannot run.
    std::vector<std::string> strict = args;
    strict.insert(strict.end(), {"--set", "simulation.stream_operands=false"});
    const CliResult r = run_cli(strict);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("cannot progress") && Catch::Contains("@layer0"));
    // With it (the default) the same run completes and says what it streamed.
    const CliResult s = run_cli(args);
    INFO(s.err);
    CHECK(s.exit_code == 0);
    CHECK_THAT(read_file(d.file("summary.txt")), Catch::Contains("streamed "));
}

TEST_CASE("MARCA as 32 cores: tiles spread over the cores, fused slices run in parallel", "[run]") {
    // Mem-Aware on 32 cores of 768 KiB (786,432 B): S_D = 8 would leave 640 channels, a step of
    // (5·640·64 + 640 + 64)·4 = 821,952 B: too big; S_D = 10 leaves 512: 657,664 B fits. Each
    // slice runs on its own core, so at least 10 cores compute, and the fused run beats the
    // unfused one on the same chip.
    TempDir a("m32-mem-aware"), b("m32-unfused");
    const std::string exp = a.file("exp.yaml");
    write_file(exp, "name: m32\nhardware: " + repo_path("configs/hardware/marca-32core.yaml") +
                        "\nworkload: " + repo_path("configs/workloads/mamba-2.8b-paper.yaml") +
                        "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                        "\nset: {workload.seq_len: 64}\nsimulation: {layers: one, vcd: false}\n");
    CliResult r =
        run_cli({"run", exp, "-q", "-o", a.file("out"), "--set", "mapping.fusion=mem-aware"});
    REQUIRE(r.exit_code == 0);
    json m = json::parse(read_file(a.file("out/report.json")));
    CHECK(m["fusion"]["split_d"] == 10);
    int busy = 0;
    for (const auto& c : m["cores"]) busy += c["utilization"].get<double>() > 0.01;
    CHECK(busy >= 10);
    r = run_cli({"run", exp, "-q", "-o", b.file("out"), "--set", "mapping.fusion=unfused"});
    REQUIRE(r.exit_code == 0);
    json u = json::parse(read_file(b.file("out/report.json")));
    CHECK(m["latency"]["cycles"].get<double>() < u["latency"]["cycles"].get<double>() / 2);
    for (const auto& c : u["cores"]) CHECK(c["peak_sram_bytes"].get<int64_t>() <= 768 * 1024);
}

TEST_CASE("OPT-2.7B runs in prefill and decode and agrees with the analytical model", "[run]") {
    // Unfused OPT (automatic tiling): the simulation adds only pipeline fill and contention to
    // the layer-by-layer roofline model, within 3 % in both stages.
    TempDir d("opt");
    const std::string exp = d.file("exp.yaml");
    write_file(exp, "name: opt\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                        "\nworkload: " + repo_path("configs/workloads/opt-2.7b.yaml") +
                        "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                        "\nset: {workload.seq_len: 512, mapping.fusion: unfused}\n"
                        "simulation: {layers: one, vcd: false}\n");
    for (const char* stage : {"prefill", "decode"}) {
        const CliResult r = run_cli({"validate", exp, "-q", "-o", d.file(stage), "--set",
                                     std::string("workload.stage=") + stage});
        INFO(stage << ": " << r.err);
        REQUIRE(r.exit_code == 0);
        const json v = json::parse(read_file(d.file(std::string(stage) + "/validate.json")));
        CHECK(std::abs(v["per_layer"]["gap_vs_layer_by_layer"].get<double>()) < 0.03);
    }
}

TEST_CASE("Layers past the second are exact copies: 4 layers in full equal one layer x 4",
          "[run]") {
    // Layers 3 and 4 of the plan are copied from layer 2 (only chunk ids move); the whole-model
    // bytes and tile count must be 4x one layer's, and the latency within 1 %.
    TempDir full("layers4-full"), one("layers4-one");
    const std::vector<std::string> common = {"--set", "workload.seq_len=64",
                                             "--set", "workload.layers=4",
                                             "--set", "mapping.fusion=as-b"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> v = common;
        v.insert(v.end(), extra.begin(), extra.end());
        return v;
    };
    json f = run_report(full.path(), with({"--set", "simulation.layers=all"}));
    json o = run_report(one.path(), with({"--set", "simulation.layers=one"}));
    CHECK(f["tiles_simulated"].get<uint64_t>() == 4 * o["tiles_simulated"].get<uint64_t>());
    CHECK(f["dram"]["read_bytes"] == o["dram"]["read_bytes"]);
    CHECK(f["dram"]["write_bytes"] == o["dram"]["write_bytes"]);
    CHECK(f["latency"]["cycles"].get<double>() ==
          Approx(o["latency"]["cycles"].get<double>()).epsilon(0.01));
}

TEST_CASE("Plans too large to hold and loop nests too large to count are errors", "[run]") {
    TempDir d("too-big");
    // exp tiled to single elements of 64 layers: 2048·5120·64·64 tiles.
    CliResult r = run_cli({"run", kExperiment, "-q", "-o", d.file("a"), "--set",
                           "mapping.tiling.ops.exp.l=1", "--set", "mapping.tiling.ops.exp.d=1"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err,
               Catch::Contains("mamba-unfused.yaml:") && Catch::Contains("at most 200,000,000"));
    const std::string exp = d.file("huge.yaml");
    write_file(exp,
               "name: huge\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                   "\nworkload:\n  name: huge\n  model: custom\n  stage: prefill\n  seq_len: 16\n"
                   "  dims: {a: 1000000000, b: 1000000000}\n  inputs: [x, z]\n  operators:\n"
                   "    - {name: p, einsum: \"y[a,b] = x[a,b] * z[a,b]\"}\n");
    r = run_cli({"run", exp, "-q", "-o", d.file("b")});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("huge.yaml:11:") && Catch::Contains("1e+18 loop iterations"));
}
