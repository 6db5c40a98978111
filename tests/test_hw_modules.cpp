// The hardware modules own their statistics (gathered from the module tree) and move bytes
// behind the TransferBackend interface, whichever interconnect the hardware names.
#include "hw/modules/accelerator.hpp"
#include "sim_fork.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace fusesim;
using fusesim::test::in_child;

namespace {
int64_t num(const std::map<std::string, std::string>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) FAIL("missing key " << key << (m.count("error") ? m.at("error") : ""));
    return std::stoll(it->second);
}

HardwareSpec two_cores(const std::string& topology) {
    HardwareSpec hw;
    hw.cores = 2;
    hw.dram.bytes_per_cycle = 100;
    hw.interconnect.topology = topology;
    hw.interconnect.bytes_per_cycle = 10;
    return default_cpo_table(hw);
}

// Elaborates an accelerator, drives it through the backend interfaces only, and returns every
// gathered statistic as <module>.<field>, plus the completion cycle of each transfer.
struct Driver : sc_core::sc_module {
    Accelerator acc;
    uint64_t done_noc0 = 0, done_noc1 = 0, done_dram = 0, done_core = 0;
    SC_HAS_PROCESS(Driver);
    Driver(sc_core::sc_module_name n, const HardwareSpec& hw) : sc_module(n), acc("acc", hw) {
        SC_THREAD(run);
    }
    void run() {
        TransferBackend& dram = *acc.dram;
        dram.transfer({1000, kDramEndpoint, 0, 0}, [this] { done_dram = now_cycles(); });
        acc.interconnect->transfer({100, 1, 0, 0}, [this] { done_noc0 = now_cycles(); });
        acc.interconnect->transfer({100, 0, 1, 0}, [this] { done_noc1 = now_cycles(); });
        acc.cores[1]->compute(7, 0, [this] { done_core = now_cycles(); });
    }
};

std::map<std::string, std::string> drive(const std::string& topology) {
    return in_child([&](std::map<std::string, std::string>& out) {
        Driver d("top", two_cores(topology));
        sc_core::sc_start();
        for (const auto& s : d.acc.stats()) {
            out[s.module + ".bytes"] = std::to_string(s.stats.bytes);
            out[s.module + ".busy"] = std::to_string(s.stats.busy_cycles);
            out[s.module + ".transfers"] = std::to_string(s.stats.transfers);
            out[s.module + ".stalls"] = std::to_string(s.stats.stall_cycles);
        }
        out["modules"] = std::to_string(d.acc.stats().size());
        out["noc0"] = std::to_string(d.done_noc0);
        out["noc1"] = std::to_string(d.done_noc1);
        out["dram"] = std::to_string(d.done_dram);
        out["core"] = std::to_string(d.done_core);
    });
}
} // namespace

TEST_CASE("Point-to-point links carry each transfer into its destination core", "[hw]") {
    // Two 100 B transfers into different cores: each has its own 10 B/cycle link, 10 cycles.
    auto r = drive("p2p");
    CHECK(num(r, "modules") == 6); // core0, core1, dram, dram.channel0, link0, link1
    CHECK(num(r, "noc0") == 10);
    CHECK(num(r, "noc1") == 10);
    CHECK(num(r, "top.acc.link0.bytes") == 100);
    CHECK(num(r, "top.acc.link1.bytes") == 100);
    CHECK(num(r, "top.acc.link1.transfers") == 1);
    CHECK(num(r, "top.acc.link0.stalls") == 0);
    // 1000 B alone on the 100 B/cycle DRAM port.
    CHECK(num(r, "dram") == 10);
    CHECK(num(r, "top.acc.dram.bytes") == 1000);
    CHECK(num(r, "top.acc.dram.busy") == 10);
    // The core counts its own tile and busy cycles.
    CHECK(num(r, "core") == 7);
    CHECK(num(r, "top.acc.core1.busy") == 7);
    CHECK(num(r, "top.acc.core1.transfers") == 1);
    CHECK(num(r, "top.acc.core0.busy") == 0);
}

TEST_CASE("A bus shares one link between transfers into different cores", "[hw]") {
    // The same two transfers on one 10 B/cycle bus: 5 B/cycle each, both done at 20 cycles, and
    // the bus counts all 20 busy cycles as shared.
    auto r = drive("bus");
    CHECK(num(r, "modules") == 5); // core0, core1, dram, dram.channel0, link0
    CHECK(num(r, "noc0") == 20);
    CHECK(num(r, "noc1") == 20);
    CHECK(num(r, "top.acc.link0.bytes") == 200);
    CHECK(num(r, "top.acc.link0.transfers") == 2);
    CHECK(num(r, "top.acc.link0.busy") == 20);
    CHECK(num(r, "top.acc.link0.stalls") == 20);
    CHECK(r.count("top.acc.link1.bytes") == 0);
}
