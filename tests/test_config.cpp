// Configuration framework: YAML tree with origins, typed readers with units, experiments.
#include "run_cli.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/experiment.hpp"

#include <catch2/catch.hpp>
#include <functional>
#include <string>
#include <sys/stat.h>

using namespace fusesim;
using Catch::Contains;

namespace {

std::string data(const std::string& name) {
    return std::string(FUSESIM_TEST_DATA) + "/config/" + name;
}

// The what() of the ConfigError thrown by `f` ("" when nothing is thrown, which fails the test).
std::string config_error(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("expected a ConfigError");
    return "";
}

// Structural equality, ignoring origins.
bool same_tree(const ConfigNode& a, const ConfigNode& b) {
    if (a.kind() != b.kind() || a.value() != b.value()) return false;
    if (a.items().size() != b.items().size() || a.entries().size() != b.entries().size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.items().size(); ++i) {
        if (!same_tree(a.items()[i], b.items()[i])) return false;
    }
    for (std::size_t i = 0; i < a.entries().size(); ++i) {
        if (a.entries()[i].first != b.entries()[i].first) return false;
        if (!same_tree(a.entries()[i].second, b.entries()[i].second)) return false;
    }
    return true;
}

// Reads the subset of a hardware file the error fixtures exercise.
void read_small_hardware(const ConfigNode& root) {
    Reader r(root, "hardware");
    r.str("name");
    if (r.has("clock")) r.hertz("clock");
    r.opt_integer("cores", 1, 1000000);
    if (auto core = r.opt_sub("core")) {
        core->bytes("sram");
        core->finish();
    }
    if (auto dram = r.opt_sub("dram")) {
        dram->bytes_per_cycle("bandwidth", 1e9);
        if (dram->has("latency")) dram->cycles("latency", 1e9);
        dram->accept("latency");
        dram->finish();
    }
    r.finish();
}

std::string hardware_error(const std::string& fixture) {
    return config_error([&] { read_small_hardware(load_yaml_file(data(fixture))); });
}

} // namespace

TEST_CASE("unit parsing gives exact values", "[config]") {
    CHECK(parse_bytes("24MB") == 24000000);
    CHECK(parse_bytes("768KiB") == 786432);
    CHECK(parse_bytes("768 KiB") == 786432);
    CHECK(parse_bytes("1GiB") == (int64_t(1) << 30));
    CHECK(parse_bytes("4096") == 4096);
    CHECK(parse_bytes("1.5KiB") == 1536);
    CHECK(parse_bytes("2048bit") == 256);
    CHECK(parse_bytes("8Mb") == 1000000); // lowercase b is a bit
    CHECK(parse_bytes_per_cycle("256GB/s", 1e9) == 256.0);
    CHECK(parse_bytes_per_cycle("2048bit/cycle", 1e9) == 256.0);
    CHECK(parse_bytes_per_cycle("256B/cycle", 0) == 256.0);
    CHECK(parse_bytes_per_cycle("32 bytes/cycle", 0) == 32.0);
    CHECK(parse_bytes_per_cycle("64", 0) == 64.0);
    CHECK(parse_bytes_per_cycle("256Gb/s", 1e9) == 32.0);
    CHECK(parse_bytes_per_cycle("256Gbit/s", 1e9) == 32.0);
    CHECK(parse_bytes_per_cycle("128GB/s", 500e6) == 256.0);
    CHECK(parse_hertz("1GHz") == 1e9);
    CHECK(parse_hertz("800MHz") == 800e6);
    CHECK(parse_hertz("1.5 GHz") == 1.5e9);
    CHECK(parse_cycles("50ns", 1e9) == 50);
    CHECK(parse_cycles("100cycles", 0) == 100);
    CHECK(parse_cycles("7", 0) == 7);
    CHECK(parse_cycles("1ns", 800e6) == 1); // 0.8 cycles take a full cycle
    CHECK(parse_picojoules("7pJ") == 7.0);
    CHECK(parse_picojoules("0.5nJ") == 500.0);
    CHECK(parse_picojoules("3") == 3.0);
}

TEST_CASE("unit parsing rejects malformed quantities", "[config]") {
    CHECK_THROWS_AS(parse_bytes("fast"), std::invalid_argument);
    CHECK_THROWS_AS(parse_bytes("-1MB"), std::invalid_argument);
    CHECK_THROWS_AS(parse_bytes("12bit"), std::invalid_argument); // not whole bytes
    CHECK_THROWS_AS(parse_bytes("24 parsecs"), std::invalid_argument);
    CHECK_THROWS_AS(parse_bytes_per_cycle("0GB/s", 1e9), std::invalid_argument);
    CHECK_THROWS_AS(parse_bytes_per_cycle("256GB/s", 0), std::invalid_argument); // no clock
    CHECK_THROWS_AS(parse_bytes_per_cycle("256GB/fortnight", 1e9), std::invalid_argument);
    CHECK_THROWS_AS(parse_hertz("0Hz"), std::invalid_argument);
    CHECK_THROWS_AS(parse_cycles("50ns", 0), std::invalid_argument);
    CHECK_THROWS_AS(parse_cycles("2.5cycles", 0), std::invalid_argument);
    CHECK_THROWS_AS(parse_picojoules("7MJx"), std::invalid_argument);
    CHECK_THROWS_WITH(parse_bytes("-1MB"), Contains("non-negative"));
}

TEST_CASE("format_bytes picks a readable exact unit", "[config]") {
    CHECK(format_bytes(0) == "0 B");
    CHECK(format_bytes(512) == "512 B");
    CHECK(format_bytes(24000000) == "24 MB");
    CHECK(format_bytes(786432) == "768 KiB");
    CHECK(format_bytes(int64_t(1) << 30) == "1 GiB");
    CHECK(format_bytes(6574000 + 1) == "6.27 MiB");
}

TEST_CASE("Reader returns typed values from a YAML file", "[config]") {
    ConfigNode root = load_yaml_file(data("hardware.yaml"));
    Reader r(root, "hardware");
    CHECK(r.str("name") == "test-npu");
    double clock = r.hertz("clock");
    CHECK(clock == 1e9);
    CHECK(r.integer("cores", 1, 64) == 4);
    Reader core = r.sub("core");
    CHECK(core.bytes("sram") == 786432);
    CHECK(core.bytes_per_cycle("sram_bandwidth", clock) == 256.0);
    CHECK(core.boolean("double_buffer"));
    CHECK_FALSE(core.opt_integer("banks", 1, 16).has_value());
    core.finish();
    Reader dram = r.sub("dram");
    CHECK(dram.path() == "hardware.dram");
    CHECK(dram.bytes_per_cycle("bandwidth", clock) == 256.0);
    CHECK(dram.cycles("latency", clock) == 50);
    CHECK(dram.picojoules("energy_per_bit") == 7.0);
    CHECK(dram.bytes("capacity") == 24000000);
    dram.finish();
    r.finish();
    CHECK(root.find_path("dram.bandwidth")->origin().line == 10);
    CHECK(root.find_path("dram.bandwidth")->origin().column == 14);
}

TEST_CASE("unknown key names its line and suggests the closest key", "[config]") {
    std::string e = hardware_error("unknown_key.yaml");
    CHECK_THAT(e, Contains("unknown_key.yaml:4:"));
    CHECK_THAT(e, Contains("hardware.dram.latncy"));
    CHECK_THAT(e, Contains("known keys: bandwidth, latency"));
    CHECK_THAT(e, Contains("did you mean 'latency'?"));
}

TEST_CASE("missing key is reported at the enclosing map", "[config]") {
    std::string e = hardware_error("missing_key.yaml");
    CHECK_THAT(e, Contains("missing_key.yaml:3:"));
    CHECK_THAT(e, Contains("hardware.dram: missing key 'bandwidth'"));
}

TEST_CASE("wrong type says what was expected and found", "[config]") {
    std::string e = hardware_error("wrong_type.yaml");
    CHECK_THAT(e, Contains("wrong_type.yaml:3:"));
    CHECK_THAT(e, Contains("hardware.cores: expected an integer in [1, 1000000], got a map"));
}

TEST_CASE("out-of-range integer names the range", "[config]") {
    std::string e = hardware_error("out_of_range.yaml");
    CHECK_THAT(e, Contains("out_of_range.yaml:3:8: hardware.cores"));
    CHECK_THAT(e, Contains("expected an integer in [1, 1000000], got '0'"));
    ConfigNode n = parse_yaml_text("x: 2048.0\n", "inline");
    CHECK_THAT(config_error([&] { Reader(n, "").integer("x", 1, 4096); }),
               Contains("expected an integer in [1, 4096], got '2048.0'"));
}

TEST_CASE("bad unit shows an example of a valid value", "[config]") {
    std::string e = hardware_error("bad_unit.yaml");
    CHECK_THAT(e,
               Contains("bad_unit.yaml:4:14: hardware.dram.bandwidth: expected a bandwidth such as "
                        "'256GB/s' or '2048bit/cycle', got 'fast'"));
}

TEST_CASE("negative size is rejected", "[config]") {
    std::string e = hardware_error("negative_size.yaml");
    CHECK_THAT(e, Contains("negative_size.yaml:3:"));
    CHECK_THAT(e, Contains("hardware.core.sram: expected a non-negative size"));
}

TEST_CASE("zero bandwidth is rejected", "[config]") {
    std::string e = hardware_error("zero_bandwidth.yaml");
    CHECK_THAT(e, Contains("zero_bandwidth.yaml:5:"));
    CHECK_THAT(e, Contains("expected a positive bandwidth"));
}

TEST_CASE("YAML syntax errors carry file and line", "[config]") {
    std::string e = config_error([] { load_yaml_file(data("syntax_error.yaml")); });
    CHECK_THAT(e, Contains("syntax_error.yaml:4:"));
    CHECK_THAT(config_error([] { parse_yaml_text("a: [1,\n", "text"); }), Contains("text:"));
}

TEST_CASE("duplicate keys name both lines", "[config]") {
    std::string e = config_error([] { load_yaml_file(data("duplicate_key.yaml")); });
    CHECK_THAT(e, Contains("duplicate_key.yaml:5:3: dram.bandwidth: duplicate key 'bandwidth'"));
    CHECK_THAT(e, Contains("line 3"));
}

TEST_CASE("unreadable file is a ConfigError", "[config]") {
    std::string e = config_error([] { load_yaml_file(data("no_such_file.yaml")); });
    CHECK_THAT(e, Contains("cannot read file"));
    CHECK_THAT(e, Contains("no_such_file.yaml"));
}

TEST_CASE("experiment loads the files it names", "[config]") {
    ResolvedExperiment x = load_experiment(data("experiments/basic.yaml"), {});
    CHECK(x.name == "basic-test");
    CHECK(x.output == "traces/basic-test");
    std::vector<std::string> keys;
    for (const auto& entry : x.tree.entries()) keys.push_back(entry.first);
    CHECK(keys == std::vector<std::string>{"name", "hardware", "workload", "mapping", "analysis",
                                           "simulation"});
    const ConfigNode* bw = x.tree.find_path("hardware.dram.bandwidth");
    REQUIRE(bw);
    CHECK(bw->value() == "256GB/s");
    // Origins name the file as opened: the experiment's folder joined and normalized.
    CHECK(bw->origin().file == data("hardware.yaml"));
    CHECK(bw->origin().line == 10);
    CHECK(x.tree.find_path("mapping.strategy")->value() == "fused");
}

TEST_CASE("experiment set block overrides keep the experiment's origin", "[config]") {
    ResolvedExperiment x = load_experiment(data("experiments/with_set.yaml"), {});
    CHECK(x.name == "with_set"); // default: the file's stem
    CHECK(x.output == "traces/custom");
    const ConfigNode* bw = x.tree.find_path("hardware.dram.bandwidth");
    CHECK(bw->value() == "128GB/s");
    CHECK(bw->origin().file == data("experiments/with_set.yaml"));
    CHECK(bw->origin().line == 4);
    const ConfigNode* seq = x.tree.find_path("workload.seq_len");
    REQUIRE(seq->is_sequence());
    REQUIRE(seq->items().size() == 1);
    CHECK(seq->items()[0].value() == "256");
    CHECK(x.tree.find_path("mapping.tile")->value() == "16"); // created in the default mapping
    CHECK(x.tree.find_path("hardware.dram.latency")->value() == "50ns"); // siblings stay
}

TEST_CASE("overrides given with --set replace values and take the origin --set", "[config]") {
    std::vector<Override> overrides = {parse_override("hardware.dram.bandwidth=64GB/s"),
                                       parse_override("workload.seq_len=[32, 64]"),
                                       parse_override("name=renamed")};
    ResolvedExperiment x = load_experiment(data("experiments/with_set.yaml"), overrides);
    const ConfigNode* bw = x.tree.find_path("hardware.dram.bandwidth");
    CHECK(bw->value() == "64GB/s"); // --set wins over the experiment's set block
    CHECK(bw->origin().file == "--set");
    CHECK(x.tree.find_path("workload.seq_len")->items().size() == 2);
    CHECK(x.name == "renamed");
    CHECK(x.output == "traces/custom");
    Reader r(*x.tree.find("hardware"), "hardware");
    CHECK(r.sub("dram").bytes_per_cycle("bandwidth", 1e9) == 64.0);

    // Errors in an overridden value point at --set.
    ConfigNode tree = x.tree;
    apply_override(tree, "hardware.dram.bandwidth", ConfigNode::scalar("fast", Origin{"--set"}));
    CHECK_THAT(config_error([&] {
                   Reader(*tree.find_path("hardware.dram"), "hardware.dram")
                       .bytes_per_cycle("bandwidth", 1e9);
               }),
               Contains("--set: hardware.dram.bandwidth: expected a bandwidth"));
}

TEST_CASE("override mistakes are ConfigErrors", "[config]") {
    CHECK_THROWS_AS(parse_override("no-equals-sign"), ConfigError);
    CHECK_THROWS_AS(parse_override("=5"), ConfigError);
    CHECK(parse_override(" a.b =x=y").path == "a.b");
    CHECK(parse_override("a.b=x=y").value == "x=y");
    std::string path = data("experiments/basic.yaml");
    CHECK_THAT(config_error([&] { load_experiment(path, {parse_override("hw.x=1")}); }),
               Contains("--set: hw.x: cannot override 'hw'"));
    CHECK_THAT(config_error([&] { load_experiment(path, {parse_override("hardware.name.x=1")}); }),
               Contains("not a map"));
    CHECK_THAT(config_error([] { load_experiment(data("experiments/bad_set.yaml"), {}); }),
               Contains("bad_set.yaml:4:"));
}

TEST_CASE("experiment errors point at the experiment file", "[config]") {
    std::string e =
        config_error([] { load_experiment(data("experiments/missing_file.yaml"), {}); });
    CHECK_THAT(e, Contains("missing_file.yaml:2:"));
    CHECK_THAT(e, Contains("hardware: cannot read file '" + data("does_not_exist.yaml") + "'"));
    e = config_error([] { load_experiment(data("experiments/unknown_top_key.yaml"), {}); });
    CHECK_THAT(e, Contains("unknown_top_key.yaml:4:"));
    CHECK_THAT(e, Contains("did you mean 'mapping'?"));
}

TEST_CASE("experiment sections may be inline maps", "[config]") {
    ResolvedExperiment x = load_experiment(data("experiments/inline.yaml"), {});
    CHECK(x.tree.find_path("hardware.clock")->value() == "500MHz");
    CHECK(x.tree.find_path("hardware.clock")->origin().file == data("experiments/inline.yaml"));
    CHECK(x.tree.find("mapping")->is_map());
    CHECK(x.tree.find("mapping")->entries().empty());
}

TEST_CASE("to_yaml output parses back to the same tree", "[config]") {
    ConfigNode original = load_yaml_file(data("types.yaml"));
    ConfigNode tricky = ConfigNode::map(Origin{"t"});
    for (const char* text : {"", "null", "~", " lead", "a: b", "x\ny", "#c", "[x]", "'q", "-"}) {
        tricky.set(std::string("k") + text, ConfigNode::scalar(text, Origin{"t"}));
    }
    tricky.set("none", ConfigNode::null(Origin{"t"}));
    tricky.set("empty_map", ConfigNode::map(Origin{"t"}));
    tricky.set("empty_list", ConfigNode::sequence(Origin{"t"}));
    original.set("tricky", tricky);
    std::string yaml = original.to_yaml();
    ConfigNode reparsed = parse_yaml_text(yaml, "roundtrip");
    CHECK(same_tree(original, reparsed));
    CHECK(reparsed.to_yaml() == yaml);
    CHECK(reparsed.find_path("tricky.none")->is_null());
    CHECK(reparsed.find_path("tricky.knull")->is_scalar());
}

TEST_CASE("to_json types numbers and booleans and keeps key order", "[config]") {
    ConfigNode n = load_yaml_file(data("types.yaml"));
    CHECK(n.find("empty")->is_null());
    CHECK(n.find("empty")->origin().line == 10);
    CHECK(n.find("quoted_text")->value() == "a: b # not a comment");
    std::string json = n.to_json_string(-1);
    CHECK(json == R"({"int":42,"negative":-7,"float":2.5,"exponent":1000.0,"yes_bool":true,)"
                  R"("no_bool":false,"size":"24MB","version":"1.0.0",)"
                  R"("quoted_text":"a: b # not a comment","empty":null,"tilde":null,)"
                  R"("list":[1,"two",3.5],"nested":{"inner":{"a":1,"b":"x"}}})");
}

TEST_CASE("outputs are deterministic", "[config]") {
    auto render = [] {
        std::vector<Override> o = {parse_override("workload.batch=8")};
        ResolvedExperiment x = load_experiment(data("experiments/with_set.yaml"), o);
        return x.tree.to_yaml() + x.tree.to_json_string();
    };
    std::string first = render();
    CHECK(render() == first);
    CHECK(render() == first);
}

TEST_CASE("ConfigError formats origin, key and message", "[config]") {
    CHECK(std::string(ConfigError(Origin{"f.yaml", 3, 7}, "a.b", "bad").what()) ==
          "f.yaml:3:7: a.b: bad");
    CHECK(std::string(ConfigError(Origin{"f.yaml", 3, 7}, "", "bad").what()) == "f.yaml:3:7: bad");
    CHECK(std::string(ConfigError(Origin{"--set"}, "x", "bad").what()) == "--set: x: bad");
    CHECK(std::string(ConfigError("usage").what()) == "usage");
    CHECK(Origin{"f", 2, 0}.str() == "f:2");
}

TEST_CASE("A misspelt required key is reported at the misspelling", "[config]") {
    const ConfigNode n = parse_yaml_text("core:\n  pe_rows: 16\n  pe_colz: 16\n", "hw.yaml");
    Reader r(*n.find("core"), "hardware.core");
    CHECK(r.integer("pe_rows", 1, 100) == 16);
    CHECK_THROWS_WITH(r.integer("pe_cols", 1, 100),
                      Catch::Contains("hw.yaml:3:") && Catch::Contains("did you mean 'pe_cols'"));
}

// ---------------------------------------------------------------------------------------------
// Hostile inputs (issue 14): each ends in exit 2 naming file:line and the key, never a crash, a
// hang or unbounded reading.

namespace {

using fusesim::test::CliResult;
using fusesim::test::read_file;
using fusesim::test::repo_path;
using fusesim::test::run_cli;
using fusesim::test::TempDir;
using fusesim::test::write_file;

#define SHOW_CLI(r)                                                                                \
    INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

// An experiment in `dir` on the shipped MARCA hardware and Mamba-2.8B, with `set_lines`
// ("  key: value\n" each) in its set: block from line 6 on.
std::string hostile_experiment(const TempDir& dir, const std::string& set_lines) {
    const std::string path = dir.file("exp.yaml");
    write_file(path,
               "name: hostile\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                   "\nworkload: " + repo_path("configs/workloads/mamba-2.8b-paper.yaml") +
                   "\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                   "\nset:\n  workload.seq_len: 64\n" + set_lines);
    return path;
}

void check_exit2(const CliResult& r, const std::string& where, const std::string& key,
                 const std::string& words) {
    SHOW_CLI(r);
    CHECK(!r.timed_out);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains(where));
    CHECK_THAT(r.err, Contains(key));
    CHECK_THAT(r.err, Contains(words));
}

} // namespace

TEST_CASE("An empty seq_len list is refused by every command instead of crashing", "[config]") {
    TempDir dir("empty-list");
    const std::string exp = hostile_experiment(dir, "  workload.stage: prefill\n");
    for (const char* cmd : {"graph", "analyze", "run"}) {
        std::vector<std::string> args = {cmd, exp, "--set", "workload.seq_len=[]"};
        if (std::string(cmd) != "graph") args.insert(args.end(), {"-q", "-o", dir.file("out")});
        check_exit2(run_cli(args, 60), "--set: workload.seq_len", "workload.seq_len", "empty list");
    }
    const std::string in_file = hostile_experiment(dir, "  workload.stage: []\n");
    check_exit2(run_cli({"graph", in_file}, 60), "exp.yaml:7:", "workload.stage",
                "at least one stage");
}

TEST_CASE("A set key with 100000 dotted parts is refused before any tree is built", "[config]") {
    std::string deep = "workload";
    for (int i = 0; i < 100000; ++i) deep += ".a";
    ConfigNode tree = parse_yaml_text("workload: {name: x}\n", "t.yaml");
    CHECK_THAT(config_error([&] {
                   apply_override(tree, deep, ConfigNode::scalar("1", Origin{"s.yaml", 3, 5}));
               }),
               Contains("s.yaml:3:5") && Contains("more than 32 parts"));
    CHECK_THAT(config_error([&] {
                   tree.set_path(deep, ConfigNode::scalar("1", Origin{"s.yaml", 4, 1}));
               }),
               Contains("more than 32 parts"));
    // 32 parts still work.
    std::string ok = "workload";
    for (int i = 1; i < 32; ++i) ok += ".a";
    apply_override(tree, ok, ConfigNode::scalar("1", Origin{"s.yaml", 5, 1}));
    CHECK(tree.find_path(ok) != nullptr);

    TempDir dir("deep-key");
    // Through a file (an explicit key: plain keys stop at 1024 characters) and through --set.
    std::string medium = "workload";
    for (int i = 0; i < 1000; ++i) medium += ".a";
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  ? " + medium + "\n  : 1\n")}, 60),
                "exp.yaml:8:", "workload.a.a", "more than 32 parts"); // at the value's line
    std::string long_set = "workload";
    for (int i = 0; i < 50000; ++i) long_set += ".a";
    check_exit2(run_cli({"graph", hostile_experiment(dir, ""), "--set", long_set + "=1"}, 60),
                "--set", "workload.a.a", "more than 32 parts");
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  ? " + deep + "\n  : 1\n")}, 60),
                "exp.yaml:7:", "set", "a key of 200008 bytes");
}

TEST_CASE("Rates outside their ranges are refused with the key and the range", "[config]") {
    TempDir dir("ranges");
    const std::string exp = hostile_experiment(dir, "");
    struct Case {
        std::string set, key, words;
    };
    const std::vector<Case> cases = {
        {"hardware.dram.bandwidth=1e-8B/cycle", "hardware.dram.bandwidth", "from 0.001 to 1e+09"},
        {"hardware.dram.bandwidth=1ps", "hardware.dram.bandwidth", "expected a bandwidth"},
        {"hardware.dram.bandwidth=1e12B/cycle", "hardware.dram.bandwidth", "from 0.001 to 1e+09"},
        {"hardware.clock=1e300", "hardware.clock", "from 1 MHz to 100 GHz"},
        {"hardware.clock=1kHz", "hardware.clock", "from 1 MHz to 100 GHz"},
        {"hardware.core.sram_bandwidth=1e-9B/cycle", "hardware.core.sram_bandwidth", "0.001"},
        {"hardware.interconnect.bandwidth=1ns", "hardware.interconnect.bandwidth",
         "expected a bandwidth"},
        {"hardware.dram.latency=1s", "hardware.dram.latency", "at most 1000000 cycles"},
        {"hardware.dram.energy_per_bit=1e300pJ", "hardware.dram.energy_per_bit", "at most"},
        {"hardware.core.sram=2TiB", "hardware.core.sram", "at most 1 TiB"},
    };
    for (const Case& c : cases) {
        for (const char* cmd : {"graph", "run"}) {
            std::vector<std::string> args = {cmd, exp, "--set", c.set};
            if (std::string(cmd) == "run") args.insert(args.end(), {"-q", "-o", dir.file("out")});
            check_exit2(run_cli(args, 60), "--set: " + c.key, c.key, c.words);
        }
    }
    // In a file: the error names its line.
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  hardware.clock: 1e300\n")}, 60),
                "exp.yaml:7:", "hardware.clock", "100 GHz");
    // A bandwidth in range that would make the simulation overflow the kernel's clock.
    check_exit2(run_cli({"run", hostile_experiment(dir, ""), "-q", "-o", dir.file("out"), "--set",
                         "hardware.dram.bandwidth=0.001B/cycle", "--set", "workload.seq_len=2048",
                         "--set", "simulation.layers=all"},
                        60),
                "--set: hardware.dram.bandwidth", "hardware.dram.bandwidth", "at most 1e+14");
    // ... or the analytical model's 64-bit cycle counts.
    check_exit2(run_cli({"analyze", hostile_experiment(dir, "  workload.batch: 65536\n"), "-q",
                         "-o", dir.file("out"), "--set", "hardware.dram.bandwidth=0.001B/cycle"},
                        60),
                "--set: hardware.dram.bandwidth", "hardware.dram.bandwidth",
                "cannot be counted (at most 1e+18)");
}

TEST_CASE("Map lookup stays consistent and linear for many keys", "[config]") {
    std::string text;
    const int n = 200000;
    for (int i = 0; i < n; ++i) text += "k" + std::to_string(i) + ": " + std::to_string(i) + "\n";
    const ConfigNode root = parse_yaml_text(text, "many.yaml");
    REQUIRE(root.entries().size() == static_cast<size_t>(n));
    bool all = true;
    for (int i = 0; i < n; i += 997)
        all = all && root.find("k" + std::to_string(i)) &&
              root.find("k" + std::to_string(i))->value() == std::to_string(i);
    CHECK(all);
    CHECK(root.find("k200000") == nullptr);
    CHECK_THAT(config_error([&] { parse_yaml_text(text + "k17: again\n", "many.yaml"); }),
               Contains("many.yaml:200001:1") && Contains("duplicate key 'k17'"));
    // set and erase keep the index right as maps grow past the point where it is used.
    ConfigNode m = ConfigNode::map(Origin{"m"});
    for (int i = 0; i < 40; ++i) m.set("x" + std::to_string(i), ConfigNode::scalar("v", {}));
    m.erase("x3");
    m.set("x5", ConfigNode::scalar("w", {}));
    CHECK(m.find("x3") == nullptr);
    CHECK(m.find("x39")->value() == "v");
    CHECK(m.find("x5")->value() == "w");
    CHECK(m.entries().size() == 39);
    CHECK(m.entries()[4].first == "x5"); // replaced in place
    CHECK_THAT(config_error([&] {
                   std::string seq = "[";
                   for (int i = 0; i < 300000; ++i) seq += "0,";
                   parse_yaml_text(seq + "0]", "seq.yaml");
               }),
               Contains("more than 250000 values"));
}

TEST_CASE("Config files are read whole at any size fstat reports", "[config]") {
    TempDir dir("whole");
    std::string text, why;
    // Sizes around the first buffer (the size fstat gives + 1) and the limit.
    for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{70000}, kMaxFileBytes}) {
        const std::string path = dir.file("f.yaml");
        std::string body(size, 'x');
        for (size_t i = 0; i < size; i += 97) body[i] = static_cast<char>('a' + i % 26);
        write_file(path, body);
        REQUIRE(read_config_file(path, text, why));
        CHECK(text == body);
    }
    // /proc files are regular with a size of 0, yet have content: the buffer grows to hold it.
    REQUIRE(read_config_file("/proc/self/status", text, why));
    CHECK(text.rfind("Name:", 0) == 0);
    CHECK(text.back() == '\n');
}

TEST_CASE("Config files that are not regular files or are too large are refused", "[config]") {
    TempDir dir("files");
    const std::string fifo = dir.file("fifo.yaml");
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    // A FIFO with no writer would block an ordinary open forever.
    check_exit2(run_cli({"graph", fifo}, 30), fifo, "cannot read file", "not a regular file");
    check_exit2(run_cli({"graph", "/dev/urandom"}, 30), "/dev/urandom", "cannot read file",
                "not a regular file");
    check_exit2(run_cli({"graph", dir.path()}, 30), dir.path(), "cannot read file", "a directory");
    // As a section of an experiment: reported at the line that names it.
    const std::string exp = dir.file("exp.yaml");
    write_file(exp, "name: x\nhardware: " + fifo +
                        "\nworkload: " + repo_path("configs/workloads/mamba-130m.yaml") + "\n");
    check_exit2(run_cli({"graph", exp}, 30), "exp.yaml:2:11", "hardware", "not a regular file");
    // 4 MiB at most, and one value at most 64 KiB; names at most 256 bytes.
    const std::string big = dir.file("big.yaml");
    write_file(big, "name: x\ndescription: " + std::string(5 << 20, 'd') + "\n");
    check_exit2(run_cli({"graph", big}, 30), "big.yaml", "cannot read file", "larger than 4 MiB");
    write_file(exp, "name: x\ndescription: " + std::string(70000, 'd') + "\nhardware: h\n");
    check_exit2(run_cli({"graph", exp}, 30), "exp.yaml:2:14", "description",
                "a value of 70000 bytes (at most 64 KiB)");
    const std::string wl = read_file(repo_path("configs/workloads/mamba-130m.yaml"));
    write_file(dir.file("wl.yaml"),
               "name: " + std::string(1000, 'n') + "\n" + wl.substr(wl.find("model:")));
    write_file(exp, "name: x\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                        "\nworkload: wl.yaml\n");
    check_exit2(run_cli({"graph", exp}, 30), "wl.yaml:1:7", "workload.name", "at most 256 bytes");
}

TEST_CASE("Sizes too large to count are exit 2 at the key that makes them", "[config]") {
    TempDir dir("sizes");
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  workload.d_model: 2147483647\n")}, 60),
                "exp.yaml:7:", "workload.d_model", "expected an integer in [1, 16777216]");
    // Each size in range, their product not: named at the largest.
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  workload.d_model: 16000000\n  "
                                                          "workload.batch: 65536\n")},
                        60),
                "exp.yaml:7:", "workload.d_model", "loop iterations");
    check_exit2(run_cli({"analyze", hostile_experiment(dir, "  workload.batch: 65536\n"), "-q",
                         "-o", dir.file("out"), "--set", "workload.seq_len=16777216"},
                        60),
                "--set: workload.seq_len", "workload.seq_len", "at most 1e17");
}

TEST_CASE("graph and analyze check the sections they do not use", "[config]") {
    TempDir dir("sections");
    const std::string exp = hostile_experiment(dir, "");
    for (const char* cmd : {"graph", "analyze"}) {
        std::vector<std::string> args = {cmd, exp};
        if (std::string(cmd) == "analyze") args.insert(args.end(), {"-q", "-o", dir.file("out")});
        for (const char* set : {"mapping.fusion=bogus", "mapping.tilng=1", "simulation.layers=3",
                                "simulation.bogus=1", "analysis.bogus=1"}) {
            std::vector<std::string> a = args;
            a.insert(a.end(), {"--set", set});
            const std::string key = std::string(set).substr(0, std::string(set).find('='));
            check_exit2(run_cli(a, 60), "--set: " + key, key, "");
        }
    }
    // run checks the analysis section it does not use either.
    check_exit2(
        run_cli({"run", exp, "-q", "-o", dir.file("run"), "--set", "analysis.roofline_seq_len=0"},
                60),
        "--set: analysis.roofline_seq_len", "analysis.roofline_seq_len", "");
    // In a file, the line is named.
    check_exit2(run_cli({"graph", hostile_experiment(dir, "  mapping.fusion: bogus\n")}, 60),
                "exp.yaml:7:", "mapping.fusion", "expected a preset");
}

TEST_CASE("The points of an experiment and the values of a list are bounded", "[config]") {
    TempDir dir("points");
    const std::string exp = dir.file("three.yaml");
    write_file(exp,
               "name: three\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                   "\nworkload:\n" + "  - " + repo_path("configs/workloads/mamba-130m.yaml") +
                   "\n  - " + repo_path("configs/workloads/mamba-370m.yaml") + "\n  - " +
                   repo_path("configs/workloads/opt-2.7b.yaml") +
                   "\nset:\n  workload.stage: [prefill, decode]\n");
    std::string list = "[1";
    for (int i = 2; i <= 1000; ++i) list += "," + std::to_string(i);
    check_exit2(run_cli({"analyze", exp, "-q", "-o", dir.file("out"), "--set",
                         "workload.seq_len=" + list + "]"},
                        60),
                "--set: workload.seq_len", "workload.seq_len", "more than 4096 points");
    check_exit2(run_cli({"graph", exp, "--set",
                         "workload.seq_len=" + list + ",1,2,3,4,5,6,7,8,9," +
                             "10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25]"},
                        60),
                "--set: workload.seq_len", "workload.seq_len", "at most 1024 values");
}
