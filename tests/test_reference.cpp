// The configuration reference tables of README.md are generated from the parameter declarations
// (`fusesim reference`): the README must hold exactly the generated text between its markers, so
// that docs and code cannot drift. Regenerate with `fusesim reference` and paste each block.
#include "run_cli.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/params_hardware.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/reference.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

using namespace fusesim;
using Catch::Contains;

namespace {

std::string read_readme() {
    std::ifstream in(test::repo_path("README.md"));
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// The text from the begin marker of `id` through its end marker, or "" when absent.
std::string readme_block(const std::string& readme, const std::string& id) {
    const std::string begin = "<!-- reference:" + id + " begin -->";
    const std::string end = "<!-- reference:" + id + " end -->\n";
    const auto b = readme.find(begin);
    if (b == std::string::npos) return "";
    const auto e = readme.find(end, b);
    if (e == std::string::npos) return "";
    return readme.substr(b, e + end.size() - b);
}

} // namespace

TEST_CASE("README reference tables are exactly the generated ones", "[reference]") {
    const std::string readme = read_readme();
    REQUIRE_FALSE(readme.empty());
    const auto ids = reference_table_ids();
    REQUIRE(ids.size() == 15); // hardware, gpu, rdu, workload, mamba1, mamba2, opt, onnx,
                               // hybrid, hyena, custom, experiment, mapping, simulation, sweep
    for (const std::string& id : ids) {
        INFO("table " << id << ": regenerate with `fusesim reference " << id << "`");
        CHECK(readme_block(readme, id) == reference_block(id));
    }
}

TEST_CASE("Generated types show the declared ranges and defaults", "[reference]") {
    CHECK(param_type_text(hw_param::cores) == "integer 1–4096");
    CHECK(param_type_text(hw_param::sram) == "size, 1 B–1 TiB");
    CHECK(param_type_text(hw_param::clock) == "frequency, 1 MHz–100 GHz");
    CHECK(param_type_text(hw_param::sram_bandwidth) ==
          "bandwidth (0.001–1e9 B/cycle) or `unlimited`");
    CHECK(param_type_text(hw_param::dram_latency) == "duration, at most 1,000,000 cycles");
    CHECK(param_type_text(hw_param::area_scale) == "number 1e-6–1000");
    CHECK(param_type_text(hw_param::topology) == "`bus`, `p2p`, `mesh` or `ring`");
    CHECK_THAT(reference_table("hardware"),
               Contains("| `core.sram_banks` | integer 1–65536 | 1 |"));
    CHECK_THROWS_AS(reference_table("bogus"), ConfigError);
}

TEST_CASE("The reader takes the range and default from the declaration", "[reference]") {
    const ConfigNode node = ConfigNode::map({"t.yaml", 1, 1});
    Reader empty(node, "hardware.core");
    CHECK(read_int_or_default(empty, hw_param::sram_banks) == 1);
    ConfigNode banks = ConfigNode::map({"t.yaml", 1, 1});
    banks.set("sram_banks", ConfigNode::scalar("65537", {"t.yaml", 2, 3}));
    Reader r(banks, "hardware.core");
    CHECK_THROWS_WITH(read_int_or_default(r, hw_param::sram_banks),
                      Contains("hardware.core.sram_banks") && Contains("[1, 65536]"));
}

TEST_CASE("fusesim reference prints every block and exits 2 for an unknown table",
          "[reference][cli]") {
    const auto all = test::run_cli({"reference"});
    REQUIRE(all.exit_code == 0);
    for (const std::string& id : reference_table_ids())
        CHECK_THAT(all.out, Contains(reference_block(id)));
    const auto one = test::run_cli({"reference", "opt"});
    CHECK(one.exit_code == 0);
    CHECK(one.out == reference_table("opt"));
    const auto bad = test::run_cli({"reference", "bogus"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Contains("unknown reference table 'bogus'") && Contains("hardware"));
}
