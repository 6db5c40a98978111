// The typed run summary: sweeps take their result cells from it, not from report.json keys.
#include "sim/config/sweep.hpp"
#include "sim/report/report.hpp"
#include "sim/report/run_summary.hpp"
#include "sim/report/table.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;

namespace {
RunSummary sample() {
    RunSummary s;
    s.cycles = 1000;
    s.seconds = 1e-6;
    s.tokens = 4;
    s.peak_sram_bytes = 2048;
    s.dram_read_bytes = 300;
    s.dram_write_bytes = 200;
    s.evicted_bytes = 7;
    s.utilization = 0.25;
    s.total_pes = 512;
    s.total_sram_bytes = 1 << 20;
    s.dram_bytes_per_cycle = 64;
    s.split_d = 3;
    s.energy.dram_joules = 3e-6;
    s.energy.sram_read_joules = 1e-6;
    s.edp_joule_seconds = 4e-12; // (3 + 1) µJ × 1 µs
    s.area = {1.5, 2.25};
    s.config_json = "{}";
    s.config_hash = std::string(64, 'a');
    s.version = "v1.2.3";
    return s;
}
} // namespace

TEST_CASE("Sweep result cells come from the typed run summary", "[report]") {
    const auto cells = result_cells(sample());
    REQUIRE(cells.size() == result_columns().size());
    CHECK(cells[0] == "ok");
    CHECK(cells[1] == "1000");
    CHECK(cells[2] == "1e-06");   // shortest round-trip text of 1000 cycles at 1 GHz
    CHECK(cells[3] == "2.5e-07"); // per token: 4 tokens
    CHECK(cells[4] == "2048");
    CHECK(cells[5] == "300");
    CHECK(cells[6] == "200");
    CHECK(cells[8] == "512");
    CHECK(cells[11] == "3");
    CHECK(cells[12] == "7");
    CHECK(cells[13] == sci(4e-6, 8)); // energy_joules: the sum of the components
    CHECK(cells[14] == sci(4e-12, 8));
    CHECK(cells[15] == sci(3.75, 8)); // area_mm2
    CHECK(cells[16] == std::string(64, 'a'));
    CHECK(cells[17] == "v1.2.3");
}

TEST_CASE("report.json and ops.csv render the same summary figures", "[report]") {
    RunSummary s = sample();
    OpLine op;
    op.name = "in_proj";
    op.cycles = 900;
    op.tiles = 5;
    s.operators.push_back(op);
    const auto j = report_json(s);
    CHECK(j["latency"]["cycles"].get<uint64_t>() == 1000);
    CHECK(j["dram"]["read_bytes"].get<int64_t>() == 300);
    CHECK(j["operators"][0]["name"] == "in_proj");
    CHECK(j["energy"]["dram_joules"].get<double>() == 3e-6);
    CHECK(j["energy"]["sram_joules"].get<double>() == 1e-6);
    CHECK(j["energy"]["total_joules"].get<double>() == Approx(4e-6).epsilon(1e-12));
    CHECK(j["edp_joule_seconds"].get<double>() == 4e-12);
    CHECK(j["area"]["total_mm2"].get<double>() == 3.75);
    CHECK(j["version"] == "v1.2.3");
    CHECK(j["config_hash"] == std::string(64, 'a'));
    const std::string csv = ops_csv(s);
    CHECK(csv.find("in_proj") != std::string::npos);
    CHECK(csv.find(",900,") != std::string::npos);
}
