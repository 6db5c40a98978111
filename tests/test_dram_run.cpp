// DRAM channels and row buffers end to end: `fusesim run` of the unfused Mamba-2.8B at L = 64
// (one layer simulated) with the dram keys set from the command line.
#include "run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace fusesim::test;
using nlohmann::json;

namespace {

json run_dram(const std::string& dir, const std::vector<std::string>& sets) {
    std::vector<std::string> args = {"run",
                                     "configs/experiments/mamba-unfused.yaml",
                                     "-q",
                                     "-o",
                                     dir,
                                     "--set",
                                     "workload.seq_len=64",
                                     "--set",
                                     "simulation.layers=one"};
    for (const auto& s : sets) {
        args.push_back("--set");
        args.push_back("hardware.dram." + s);
    }
    const CliResult r = run_cli(args);
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(read_file(dir + "/report.json"));
}

uint64_t cycles(const json& r) {
    return r["latency"]["cycles"].get<uint64_t>();
}

} // namespace

TEST_CASE("One channel gives the same run whatever the interleave and free rows", "[dram]") {
    TempDir d("dram-one");
    const json base = run_dram(d.file("base"), {});
    // With one channel every address is on it: the block size cannot matter.
    const json fine = run_dram(d.file("fine"), {"interleave=64B"});
    CHECK(cycles(fine) == cycles(base));
    // A row buffer whose hits and misses cost nothing counts rows but moves no cycle.
    const json free_rows =
        run_dram(d.file("free"), {"row_buffer.row_bytes=2KiB", "row_buffer.hit_latency=0cycles",
                                  "row_buffer.miss_latency=0cycles"});
    CHECK(cycles(free_rows) == cycles(base));
    const auto& m = free_rows["modules"];
    REQUIRE(m.size() == 3);
    CHECK(m[2]["module"] == "accelerator.dram.channel0");
    CHECK(m[2]["row_misses"].get<uint64_t>() > 0);
    // Misses of 100 cycles (the run has more than zero of them, above) make it slower.
    const json slow_rows =
        run_dram(d.file("slow"), {"row_buffer.row_bytes=2KiB", "row_buffer.hit_latency=0cycles",
                                  "row_buffer.miss_latency=100cycles"});
    CHECK(cycles(slow_rows) > cycles(base));
}

TEST_CASE("Four channels report their own statistics that add up to the DRAM's", "[dram]") {
    TempDir d("dram-four");
    const json r =
        run_dram(d.path(), {"channels=4", "row_buffer.row_bytes=1KiB",
                            "row_buffer.hit_latency=10cycles", "row_buffer.miss_latency=30cycles"});
    const auto& m = r["modules"];
    REQUIRE(m.size() == 6); // core0, dram, dram.channel0..3
    CHECK(m[1]["module"] == "accelerator.dram");
    uint64_t bytes = 0, hits = 0, misses = 0, stalls = 0;
    for (int c = 0; c < 4; ++c) {
        const auto& ch = m[2 + c];
        CHECK(ch["module"] == "accelerator.dram.channel" + std::to_string(c));
        CHECK(ch["bytes"].get<uint64_t>() > 0);
        // A channel is never busier than the DRAM (busy = at least one channel busy).
        CHECK(ch["busy_cycles"].get<uint64_t>() <= m[1]["busy_cycles"].get<uint64_t>());
        bytes += ch["bytes"].get<uint64_t>();
        hits += ch["row_hits"].get<uint64_t>();
        misses += ch["row_misses"].get<uint64_t>();
        stalls += ch["stall_cycles"].get<uint64_t>();
    }
    CHECK(bytes == m[1]["bytes"].get<uint64_t>());
    CHECK(hits == m[1]["row_hits"].get<uint64_t>());
    CHECK(misses == m[1]["row_misses"].get<uint64_t>());
    CHECK(stalls == m[1]["stall_cycles"].get<uint64_t>());
    CHECK(misses > 0);
    // The DRAM's bytes are the simulated layer's traffic: the model's ÷ 64 layers.
    CHECK(m[1]["bytes"].get<uint64_t>() * 64 ==
          r["dram"]["read_bytes"].get<uint64_t>() + r["dram"]["write_bytes"].get<uint64_t>());
    // The VCD has a scope per channel with its bytes in flight.
    const std::string vcd = read_file(d.file("trace.vcd"));
    for (int c = 0; c < 4; ++c)
        CHECK(vcd.find("$scope module channel" + std::to_string(c) + " $end") != std::string::npos);
}
