// config_hash: the SHA-256 of the resolved configuration's canonical text. The same
// configuration written in another key order, YAML style or with its defaults left out gives the
// same hash; any changed value another one.
#include "run_cli.hpp"

#include "sim/config/config_hash.hpp"
#include "sim/config/experiment.hpp"
#include "sim/config/schema.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>

namespace fs = std::filesystem;
using namespace fusesim;
using namespace fusesim::test;

namespace {

// One experiment, block style, keys in one order, every default written out.
const char* const kBlock = R"(name: same
hardware:
  name: chip
  clock: 1GHz
  cores: 1
  core:
    pe_rows: 16
    pe_cols: 16
    sram: 64MiB
    sram_banks: 1
  dram:
    bandwidth: 256B/cycle
    latency: 0
workload:
  name: mul
  model: custom
  stage: prefill
  seq_len: 1024
  batch: 1
  precision: fp32
  layers: 1
  dims:
    l: seq_len
    d: 1024
  inputs: [x, y]
  operators:
    - name: mul
      einsum: "z[l,d] = x[l,d] * y[l,d]"
mapping:
  name: default
  fusion: unfused
simulation:
  layers: all
  prefetch: 1
)";

// The same in flow style, other key orders, quotes, comments, an anchor, the defaults left out,
// and the hardware in a file of its own.
const char* const kFlowHardware = R"(# the same chip
{dram: {bandwidth: "256B/cycle"}, core: {sram: '64MiB', pe_cols: 16, pe_rows: 16},
 cores: 1, clock: 1GHz, name: chip}
)";
const char* const kFlow =
    R"(workload: {operators: [{einsum: "z[l,d] = x[l,d] * y[l,d]", name: mul}],
  inputs: [x, y], dims: {d: &d 1024, l: seq_len}, seq_len: *d, stage: prefill, model: custom,
  name: mul}
hardware: hw.yaml   # relative to this file
name: "same"
)";

std::string hash_of(const std::string& path, const std::vector<Override>& o = {}) {
    return config_hash(load_experiment(path, o).tree);
}

} // namespace

TEST_CASE("sha256_hex gives the FIPS 180-2 test vectors", "[hash]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST_CASE("canonical_text sorts keys and keeps scalars as written", "[hash]") {
    const ConfigNode t = parse_yaml_text("{b: [x, ~, \"q\\\"\"], a: 01, c: {z: 1, y: 2}}", "t");
    CHECK(canonical_text(t) == R"({"a":"01","b":["x",null,"q\""],"c":{"y":"2","z":"1"}})");
}

TEST_CASE("the same configuration in another order, style or file gives the same hash", "[hash]") {
    const TempDir dir("hash");
    write_file(dir.file("block.yaml"), kBlock);
    write_file(dir.file("hw.yaml"), kFlowHardware);
    write_file(dir.file("flow.yaml"), kFlow);
    const std::string block = hash_of(dir.file("block.yaml"));
    CHECK(block.size() == 64);
    CHECK(hash_of(dir.file("flow.yaml")) == block);
    // The hash is the canonical text's: with the defaults filled in, both texts are equal.
    const auto filled = [&](const std::string& f) {
        return canonical_text(with_declared_defaults(load_experiment(dir.file(f), {}).tree));
    };
    CHECK(filled("flow.yaml") == filled("block.yaml"));
    // An override that writes the value already there changes nothing ...
    CHECK(hash_of(dir.file("flow.yaml"), {parse_override("hardware.cores=1")}) == block);
    // ... a changed value does, in any section, and so does another value's text.
    for (const char* o : {"hardware.cores=2", "workload.seq_len=2048", "mapping.fusion=fuse-all",
                          "simulation.prefetch=2", "name=other", "hardware.dram.latency=1"}) {
        INFO(o);
        CHECK(hash_of(dir.file("flow.yaml"), {parse_override(o)}) != block);
    }
    // A default is filled in only where it is a plain value: d_inner (expand × d_model) is not,
    // and die.sram_area, whose presence is checked against an area model, is left as written.
    const ConfigNode t = with_declared_defaults(load_experiment(dir.file("block.yaml"), {}).tree);
    CHECK(t.find_path("hardware.core.sram_bandwidth")->value() == "unlimited");
    CHECK(t.find_path("hardware.dram.energy_per_bit")->value() == "20 pJ");
    CHECK(t.find_path("simulation.trace_budget")->value() == "4MiB");
    CHECK(t.find_path("hardware.die") == nullptr); // no section is created
}

TEST_CASE("the defaults filled in for the hash are the configuration's own", "[hash]") {
    // Every shipped experiment still reads with its declared defaults written out, to the same
    // hardware and workload.
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(repo_path("configs/experiments")))
        files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    REQUIRE(files.size() >= 5);
    for (const auto& f : files) {
        INFO(f);
        const ResolvedExperiment e = load_experiment(f, {});
        ResolvedExperiment filled = e;
        filled.tree = with_declared_defaults(e.tree);
        CHECK(canonical_text(filled.tree) != canonical_text(e.tree)); // something was filled
        const ExperimentSpec a = read_experiment(e), b = read_experiment(filled);
        CHECK(a.hw.total_pes() == b.hw.total_pes());
        CHECK(a.hw.dram.bytes_per_cycle == b.hw.dram.bytes_per_cycle);
        CHECK(a.hw.dram.energy_pj_per_bit == b.hw.dram.energy_pj_per_bit);
        CHECK(a.hw.energy.sram_mm2_per_mib == b.hw.energy.sram_mm2_per_mib);
        CHECK(a.simulation.trace_budget == b.simulation.trace_budget);
        REQUIRE(a.workloads.size() == b.workloads.size());
        CHECK(a.workloads[0].batch == b.workloads[0].batch);
        CHECK(config_hash(filled.tree) == config_hash(e.tree)); // filling twice is filling once
    }
}

TEST_CASE("report.json and analysis.json carry the hash of the resolved configuration",
          "[hash][cli]") {
    const TempDir dir("hash-cli");
    write_file(dir.file("block.yaml"), kBlock);
    write_file(dir.file("hw.yaml"), kFlowHardware);
    write_file(dir.file("flow.yaml"), kFlow);
    const std::string expected = hash_of(dir.file("block.yaml"));
    for (const char* f : {"block.yaml", "flow.yaml"}) {
        const CliResult r =
            run_cli({"run", dir.file(f), "-q", "-o", dir.file(std::string("r-") + f)});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const auto j =
            nlohmann::json::parse(read_file(dir.file(std::string("r-") + f + "/report.json")));
        CHECK(j.at("config_hash") == expected);
    }
    const CliResult a = run_cli({"analyze", dir.file("flow.yaml"), "-q", "-o", dir.file("an")});
    INFO(a.err);
    REQUIRE(a.exit_code == 0);
    CHECK(nlohmann::json::parse(read_file(dir.file("an/analysis.json"))).at("config_hash") ==
          expected);
}
