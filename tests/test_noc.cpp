// The mesh and ring NoC (README "Network on chip"): routes, hop latency, max-min fair sharing of
// links, packet headers, DRAM traffic from the channels' attach routers, and the config keys.
// Every figure below is derived by hand in the comment beside it.
#include "hw/cost/noc_route.hpp"
#include "hw/modules/accelerator.hpp"
#include "hw/modules/stay_union.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/schema.hpp"
#include "sim_fork.hpp"
#include "workloads/graph/workload.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

using namespace fusesim;
using Catch::Contains;
using fusesim::test::in_child;

namespace {
using Figures = std::map<std::string, std::string>;

int64_t num(const Figures& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) FAIL("missing key " << key << (m.count("error") ? m.at("error") : ""));
    return std::stoll(it->second);
}

// A 2 × 2 mesh (core i at router (i / 2, i % 2)) of 10 B/cycle links, 3 cycles per hop, 5 cycles
// of fixed latency, 100 B packets without headers; DRAM 100 B/cycle, one channel on router 0.
HardwareSpec mesh2x2() {
    HardwareSpec hw;
    hw.cores = 4;
    hw.dram.bytes_per_cycle = 100;
    hw.interconnect.topology = "mesh";
    hw.interconnect.rows = 2;
    hw.interconnect.cols = 2;
    hw.interconnect.bytes_per_cycle = 10;
    hw.interconnect.hop_latency_cycles = 3;
    hw.interconnect.latency_cycles = 5;
    hw.interconnect.packet_bytes = 100;
    hw.interconnect.dram_routers = {0};
    return default_cpo_table(hw);
}

HardwareSpec ring(int n) {
    HardwareSpec hw = mesh2x2();
    hw.cores = n;
    hw.interconnect.topology = "ring";
    hw.interconnect.rows = hw.interconnect.cols = 0;
    return hw;
}

struct Send {
    Transfer t;
    bool dram = false; // through Accelerator::dram_path(), else the interconnect
    uint64_t at = 0;   // cycle it starts (sends are listed in order of it)
};

// Elaborates the accelerator, issues `sends` at their cycles and returns each completion cycle
// as done<k>, every module statistic as <module>.<field> (module path below "top.acc.") and,
// with `vcd`, the names of the traced signals.
struct Driver : sc_core::sc_module {
    Accelerator acc;
    std::vector<Send> sends;
    std::vector<uint64_t> done;
    SC_HAS_PROCESS(Driver);
    Driver(sc_core::sc_module_name n, const HardwareSpec& hw, std::vector<Send> s)
        : sc_module(n), acc("acc", hw), sends(std::move(s)), done(sends.size(), 0) {
        SC_THREAD(run);
    }
    void run() {
        for (size_t k = 0; k < sends.size(); ++k) {
            const uint64_t now = now_cycles();
            if (sends[k].at > now) wait(cycles_to_time(sends[k].at - now));
            TransferBackend& b = sends[k].dram ? acc.dram_path() : *acc.interconnect;
            b.transfer(sends[k].t, [this, k] { done[k] = now_cycles(); });
        }
    }
};

Figures drive(const HardwareSpec& hw, const std::vector<Send>& sends, bool vcd = false) {
    return in_child([&](Figures& out) {
        Driver d("top", hw, sends);
        const std::string path = "/tmp/fusesim_noc_test_" + std::to_string(::getpid()) + ".vcd";
        std::unique_ptr<VcdWriter> w;
        if (vcd) {
            w = std::make_unique<VcdWriter>(path, 1 << 20);
            d.acc.trace(*w);
        }
        sc_core::sc_start();
        for (size_t k = 0; k < d.done.size(); ++k)
            out["done" + std::to_string(k)] = std::to_string(d.done[k]);
        for (const auto& s : d.acc.stats()) {
            const std::string m = s.module.substr(std::string("top.acc.").size());
            out[m + ".bytes"] = std::to_string(s.stats.bytes);
            out[m + ".busy"] = std::to_string(s.stats.busy_cycles);
            out[m + ".transfers"] = std::to_string(s.stats.transfers);
            out[m + ".stalls"] = std::to_string(s.stats.stall_cycles);
        }
        out["modules"] = std::to_string(d.acc.stats().size());
        out["dram_byte_hops"] = std::to_string(d.acc.dram_network_byte_hops());
        out["dram_path_is_dram"] = std::to_string(&d.acc.dram_path() == d.acc.dram.get());
        if (vcd) {
            w->finish(now_cycles());
            std::ifstream in(path);
            std::stringstream ss;
            ss << in.rdbuf();
            out["vcd"] = ss.str();
            std::remove(path.c_str());
        }
    });
}

Send noc(int64_t bytes, int src, int dst, uint64_t at = 0) {
    return {{bytes, src, dst, 0}, false, at};
}

std::string hardware_error(const std::string& yaml) {
    try {
        read_hardware(parse_yaml_text(yaml, "hw.yaml"));
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL("expected a ConfigError");
    return "";
}

constexpr int kChainPerCore = 2000;

const std::string kBase = "name: t\nclock: 1GHz\ncores: 4\ncore: {pe_rows: 4, pe_cols: 4, sram: "
                          "1MiB}\ndram: {bandwidth: 100}\n";
} // namespace

TEST_CASE("Two hops on a 2x2 mesh cost bytes over bandwidth plus hops plus one packet", "[noc]") {
    // Core 0 → core 3, 1000 B: XY goes router 0 → 1 (along row 0) → 3 (down column 1).
    // Last byte leaves link_1_3 at 1000 / 10 = 100; + 2 hops × 3 + latency 5 + one 100 B packet
    // on the first link (100 / 10 = 10): 100 + 6 + 5 + 10 = 121.
    auto r = drive(mesh2x2(), {noc(1000, 0, 3)});
    CHECK(num(r, "done0") == 121);
    // 4 cores, dram, noc: 4 routers and 8 links (2 per adjacent pair).
    CHECK(num(r, "modules") == 4 + 2 + 4 + 8); // cores, DRAM and its channel, routers, links
    CHECK(num(r, "noc.link_0_1.bytes") == 1000);
    CHECK(num(r, "noc.link_1_3.bytes") == 1000);
    CHECK(num(r, "noc.link_0_1.busy") == 100);
    CHECK(num(r, "noc.link_0_1.stalls") == 0);
    CHECK(num(r, "noc.router_0_1.transfers") == 1);
    CHECK(num(r, "noc.router_1_1.bytes") == 1000);
    CHECK(num(r, "noc.router_0_0.busy") == 100);
    // On a mesh dram_path() is the DRAM and the network together, not the DRAM alone.
    CHECK(num(r, "dram_path_is_dram") == 0);
}

TEST_CASE("XY routing goes along the row first then along the column", "[noc]") {
    // 0 → 3 takes link_0_1 then link_1_3 (not link_0_2, link_2_3); 3 → 0 takes link_3_2 then
    // link_2_0 (row 1 westwards, then column 0 upwards), not link_3_1, link_1_0.
    auto r = drive(mesh2x2(), {noc(1000, 0, 3), noc(500, 3, 0)});
    CHECK(num(r, "noc.link_0_1.bytes") == 1000);
    CHECK(num(r, "noc.link_1_3.bytes") == 1000);
    CHECK(num(r, "noc.link_0_2.bytes") + num(r, "noc.link_2_3.bytes") == 0);
    CHECK(num(r, "noc.link_3_2.bytes") == 500);
    CHECK(num(r, "noc.link_2_0.bytes") == 500);
    CHECK(num(r, "noc.link_3_1.bytes") + num(r, "noc.link_1_0.bytes") == 0);
    CHECK(num(r, "noc.router_1_0.bytes") == 500); // router 2 is at row 1, column 0
    // Opposite directions share no link: 500 / 10 + 6 + 5 + 10 = 71.
    CHECK(num(r, "done1") == 71);
    CHECK(interconnect_hops(mesh2x2(), 0, 3) == 2);
    HardwareSpec big = mesh2x2();
    big.cores = 32, big.interconnect.rows = 4, big.interconnect.cols = 8;
    CHECK(interconnect_hops(big, 0, 31) == 3 + 7);             // (0,0) → (3,7)
    CHECK(noc_route(big, 9, 2) == std::vector<int>{9, 10, 2}); // (1,1) → (1,2) → (0,2)
}

TEST_CASE("Two flows sharing one link each get half its bandwidth", "[noc]") {
    // A: 0 → 3 over link_0_1, link_1_3; B: 1 → 3 over link_1_3. Both 1000 B, 5 B/cycle each on
    // link_1_3 (A alone on link_0_1 cannot go faster than its bottleneck): both last bytes at
    // 1000 / 5 = 200. A: 200 + 2 × 3 + 5 + 10 = 221; B: 200 + 3 + 5 + 10 = 218.
    auto r = drive(mesh2x2(), {noc(1000, 0, 3), noc(1000, 1, 3)});
    CHECK(num(r, "done0") == 221);
    CHECK(num(r, "done1") == 218);
    CHECK(num(r, "noc.link_1_3.bytes") == 2000);
    CHECK(num(r, "noc.link_1_3.transfers") == 2);
    CHECK(num(r, "noc.link_1_3.busy") == 200);
    CHECK(num(r, "noc.link_1_3.stalls") == 200); // two flows on it all the time
    CHECK(num(r, "noc.link_0_1.stalls") == 0);   // A alone there
    // A later start: B from cycle 50. A alone until 50 (500 B sent), then both at 5 B/cycle:
    // A's 500 B left end at 150 (B has sent 500 B by then), B then alone: its 500 B left at
    // 10 B/cycle end at 200.
    auto s = drive(mesh2x2(), {noc(1000, 0, 3), noc(1000, 1, 3, 50)});
    CHECK(num(s, "done0") == 150 + 6 + 5 + 10);
    CHECK(num(s, "done1") == 200 + 3 + 5 + 10);
    CHECK(num(s, "noc.link_1_3.stalls") == 100); // cycles 50–150
    CHECK(num(s, "noc.link_1_3.busy") == 200);
}

TEST_CASE("Max-min fairness gives a link's spare capacity to the flows not held elsewhere",
          "[noc]") {
    // link_1_3 carries A (0 → 3), B and D (1 → 3): 10 / 3 B/cycle each. link_0_1 carries A and
    // C (0 → 1): A takes only its 10 / 3, C gets the rest, 20 / 3 (an equal split per link
    // would give C 5). C's 1000 B end at 1000 / (20 / 3) = 150 → 150 + 3 + 5 + 10 = 168 (218
    // with half the link). A, B, D: 1000 / (10 / 3) = 300 → A 300 + 6 + 15 = 321, B, D 318.
    auto r = drive(mesh2x2(), {noc(1000, 0, 3), noc(1000, 1, 3), noc(1000, 1, 3), noc(1000, 0, 1)});
    CHECK(num(r, "done3") == 168);
    CHECK(num(r, "done0") == 321);
    CHECK(num(r, "done1") == 318);
    CHECK(num(r, "done2") == 318);
    CHECK(num(r, "noc.link_0_1.stalls") == 150); // A and C together until 150
    CHECK(num(r, "noc.link_1_3.stalls") == 300);
}

TEST_CASE("A ring goes the shorter way and clockwise on a tie", "[noc]") {
    // 5 routers: 0 → 3 clockwise is 3 hops, counter-clockwise 2: link_0_4, link_4_3.
    // 1000 / 10 + 2 × 3 + 5 + 10 = 121. 4 routers: 0 → 2 is 2 either way: clockwise 0 → 1 → 2.
    auto r = drive(ring(5), {noc(1000, 0, 3)});
    CHECK(num(r, "done0") == 121);
    CHECK(num(r, "noc.link_0_4.bytes") == 1000);
    CHECK(num(r, "noc.link_4_3.bytes") == 1000);
    CHECK(num(r, "noc.link_0_1.bytes") == 0);
    CHECK(num(r, "modules") == 5 + 2 + 5 + 10);
    auto t = drive(ring(4), {noc(1000, 0, 2)});
    CHECK(num(t, "noc.link_0_1.bytes") == 1000);
    CHECK(num(t, "noc.link_1_2.bytes") == 1000);
    CHECK(num(t, "noc.link_0_3.bytes") == 0);
    CHECK(interconnect_hops(ring(5), 0, 3) == 2);
    CHECK(interconnect_hops(ring(8), 1, 6) == 3);
    CHECK(interconnect_hops(ring(8), 0, 4) == 4);
}

TEST_CASE("Packet headers add bytes on every link of the path", "[noc]") {
    // 1050 B in 100 B packets: ⌈1050 / 100⌉ = 11 packets × 10 B of header → 1160 B on the wire.
    // Core 0 → 1 (one hop): 1160 / 10 = 116, + 3 + 5 + one packet (100 + 10) / 10 = 11 → 135.
    HardwareSpec hw = mesh2x2();
    hw.interconnect.header_bytes = 10;
    auto r = drive(hw, {noc(1050, 0, 1)});
    CHECK(num(r, "noc.link_0_1.bytes") == 1160);
    CHECK(num(r, "done0") == 135);
}

TEST_CASE("DRAM traffic crosses the mesh from its channel's attach router", "[noc]") {
    // DRAM (router 0) → core 3, 1000 B: the DRAM part takes 1000 / 100 = 10 cycles, the network
    // part 0 → 1 → 3 takes 121 (as core 0 → core 3): done at the slower, 121.
    // Core 3 → DRAM 500 B: 3 → 2 → 0, 500 / 10 + 6 + 5 + 10 = 71 (started at 0 as well).
    auto r = drive(mesh2x2(),
                   {{{1000, kDramEndpoint, 3, 0}, true, 0}, {{500, 3, kDramEndpoint, 0}, true, 0}});
    CHECK(num(r, "done0") == 121);
    CHECK(num(r, "done1") == 71);
    CHECK(num(r, "noc.link_0_1.bytes") == 1000);
    CHECK(num(r, "noc.link_1_3.bytes") == 1000);
    CHECK(num(r, "noc.link_3_2.bytes") == 500);
    CHECK(num(r, "noc.link_2_0.bytes") == 500);
    CHECK(num(r, "noc.link_0_2.bytes") == 0);
    CHECK(num(r, "dram.bytes") == 1500);
    // Their interconnect energy counts 1000 B × 2 hops + 500 B × 2 hops.
    CHECK(num(r, "dram_byte_hops") == 3000);
    // Two channels interleaved by 4096 B, channel 0 on router 0, channel 1 on router 3: 8192 B
    // from address 0 to core 1 are 4096 B from router 0 (link_0_1) and 4096 B from router 3
    // (link_3_1), in parallel: ⌈4096 / 10⌉ = 410 + 3 + 5 + 10 = 428 (DRAM part 82).
    HardwareSpec hw = mesh2x2();
    hw.dram.channels = 2;
    hw.dram.interleave_bytes = 4096;
    hw.interconnect.dram_routers = {0, 3};
    auto s = drive(hw, {{{8192, kDramEndpoint, 1, 0}, true, 0}});
    CHECK(num(s, "done0") == 428);
    CHECK(num(s, "noc.link_0_1.bytes") == 4096);
    CHECK(num(s, "noc.link_3_1.bytes") == 4096);
    CHECK(num(s, "dram_byte_hops") == 4096 + 4096); // one hop from each attach router
    // A slow DRAM (10 B/cycle): the DRAM part is the slower stage, 8192 / 10 → 820.
    hw.dram.bytes_per_cycle = 10;
    CHECK(num(drive(hw, {{{8192, kDramEndpoint, 1, 0}, true, 0}}), "done0") == 820);
}

TEST_CASE("Default DRAM routers: mesh edge columns alternating and router 0 of a ring", "[noc]") {
    HardwareSpec big = mesh2x2();
    big.cores = 32, big.interconnect.rows = 4, big.interconnect.cols = 8;
    big.interconnect.dram_routers.clear();
    CHECK(noc_dram_routers(big) == std::vector<int>{0, 7, 8, 15, 16, 23, 24, 31});
    CHECK(noc_channel_router(noc_dram_routers(big), 9) == 7); // channel 9 → entry 9 mod 8 = 1
    HardwareSpec r = ring(6);
    r.interconnect.dram_routers.clear();
    CHECK(noc_dram_routers(r) == std::vector<int>{0});
}

TEST_CASE("Bus and p2p keep DRAM traffic off the interconnect", "[noc]") {
    HardwareSpec hw = mesh2x2();
    hw.interconnect.topology = "bus";
    auto r = drive(hw, {{{1000, kDramEndpoint, 3, 0}, true, 0}});
    CHECK(num(r, "dram_path_is_dram") == 1);
    CHECK(num(r, "done0") == 10); // 1000 B at 100 B/cycle, no interconnect
    CHECK(num(r, "link0.bytes") == 0);
}

TEST_CASE("Each NoC link traces its bytes in flight in the VCD", "[noc]") {
    auto r = drive(mesh2x2(), {noc(1000, 0, 3)}, true);
    // Scoped by the module hierarchy: acc > noc > link_0_1 > bytes.
    CHECK_THAT(r["vcd"], Contains("$scope module acc $end\n"));
    CHECK_THAT(r["vcd"], Contains("$scope module noc $end\n$scope module link_0_1 $end\n"
                                  "$var wire 64 "));
    CHECK_THAT(r["vcd"], Contains("$scope module link_3_2 $end\n$var wire 64 "));
}

TEST_CASE("Mesh and ring config keys are read and their mistakes name the key", "[noc]") {
    const HardwareSpec hw = read_hardware(parse_yaml_text(
        kBase + "interconnect: {topology: mesh, rows: 2, cols: 2, bandwidth: 16, hop_latency: 2, "
                "packet_bytes: 128B, header_bytes: 16B, dram_routers: [1, 2]}\n",
        "hw.yaml"));
    CHECK(hw.interconnect.rows == 2);
    CHECK(hw.interconnect.hop_latency_cycles == 2);
    CHECK(hw.interconnect.packet_bytes == 128);
    CHECK(hw.interconnect.header_bytes == 16);
    CHECK(hw.interconnect.dram_routers == std::vector<int>{1, 2});
    const std::string rows =
        hardware_error(kBase + "interconnect: {topology: mesh, rows: 2, cols: 3}\n");
    CHECK_THAT(rows, Contains("hw.yaml:") && Contains("hardware.interconnect.rows") &&
                         Contains("2 × 3 = 6 routers, but 4 cores"));
    const std::string range = hardware_error(
        kBase + "interconnect: {topology: mesh, rows: 2, cols: 2, dram_routers: [0, 4]}\n");
    CHECK_THAT(range, Contains("hw.yaml:6") && Contains("hardware.interconnect.dram_routers[1]"));
    const std::string unknown =
        hardware_error(kBase + "interconnect: {topology: ring, hop_latncy: 2}\n");
    CHECK_THAT(unknown, Contains("hardware.interconnect") && Contains("hop_latncy"));
    CHECK_THAT(hardware_error(kBase + "interconnect: {topology: mesh, rows: 2}\n"),
               Contains("cols"));
    CHECK_THAT(hardware_error(kBase + "interconnect: {topology: bus, rows: 2}\n"),
               Contains("hardware.interconnect.rows") && Contains("'mesh' or 'ring' only"));
    CHECK_THAT(hardware_error(kBase + "interconnect: {topology: ring, cols: 4}\n"),
               Contains("hardware.interconnect.cols"));
}

namespace {
// 32 cores on a 4 × 8 mesh, 64 B/cycle links, every core sends 2000 transfers of 4 KiB, one
// after another, to core (i + 1 + k mod 31) mod 32: 64,000 transfers. Returns the links' bytes,
// busy cycles and transfers summed, and the cycles.
Figures chain32(const std::string& arbitration) {
    HardwareSpec hw = mesh2x2();
    hw.cores = 32, hw.interconnect.rows = 4, hw.interconnect.cols = 8;
    hw.interconnect.bytes_per_cycle = 64;
    hw.interconnect.arbitration = arbitration;
    return in_child([&](Figures& out) {
        struct Chain : sc_core::sc_module {
            Accelerator acc;
            int left[32];
            SC_HAS_PROCESS(Chain);
            Chain(sc_core::sc_module_name n, const HardwareSpec& h) : sc_module(n), acc("acc", h) {
                SC_THREAD(run);
            }
            void next(int c) {
                if (left[c] == 0) return;
                const int k = kChainPerCore - left[c]--;
                acc.interconnect->transfer({4096, c, (c + 1 + k % 31) % 32, 0},
                                           [this, c] { next(c); });
            }
            void run() {
                for (int c = 0; c < 32; ++c) left[c] = kChainPerCore, next(c);
            }
        };
        Chain chain("top", hw);
        sc_core::sc_start();
        uint64_t bytes = 0, busy = 0, transfers = 0;
        for (const auto& st : chain.acc.stats())
            if (st.module.find(".link_") != std::string::npos) {
                bytes += st.stats.bytes;
                busy += st.stats.busy_cycles;
                transfers += st.stats.transfers;
            }
        out["link_bytes"] = std::to_string(bytes);
        out["link_busy"] = std::to_string(busy);
        out["link_transfers"] = std::to_string(transfers);
        out["cycles"] = std::to_string(now_cycles());
    });
}

uint64_t chain32_byte_hops() {
    HardwareSpec hw = mesh2x2();
    hw.cores = 32, hw.interconnect.rows = 4, hw.interconnect.cols = 8;
    uint64_t expected = 0;
    for (int c = 0; c < 32; ++c)
        for (int k = 0; k < kChainPerCore; ++k)
            expected +=
                4096ull * static_cast<uint64_t>(interconnect_hops(hw, c, (c + 1 + k % 31) % 32));
    return expected;
}
} // namespace

TEST_CASE("A 32-core mesh carries 64,000 transfers over their XY hops", "[noc]") {
    // Every link byte is a transfer byte × its XY hop count (the wall time of this case is in
    // bench/, not here).
    auto r = chain32("fair");
    CHECK(num(r, "link_bytes") == static_cast<int64_t>(chain32_byte_hops()));
}

TEST_CASE("A whole simulation on a mesh pays the network for its DRAM traffic", "[noc]") {
    // The GEMM of "A compute-bound GEMM takes exactly its mapped cycles" (test_timing.cpp: one
    // tile, 128 compute cycles, x and w fetched as one 98,304 B read, y written as 32,768 B; 130
    // cycles with a fast DRAM) on core 0 of a 2 × 2 mesh whose one DRAM channel sits on router 3.
    // Links 1000 B/cycle, 3 cycles per hop, latency 5, 100 B packets. Read 3 → 2 → 0:
    // ⌈98304 / 1000⌉ = 99 + 2 × 3 + 5 + ⌈100 / 1000⌉ = 1 → 111 (the DRAM part takes 1).
    // Compute 128. Write 0 → 1 → 3: ⌈32768 / 1000⌉ = 33 + 6 + 5 + 1 = 45. 111 + 128 + 45 = 284.
    Workload w;
    w.name = "gemm";
    WorkloadBuilder b(w);
    b.dim("l", 128);
    b.dim("k", 128);
    b.dim("d", 64);
    b.declare("x", TensorRole::Input);
    b.declare("w", TensorRole::Input);
    b.add("gemm", "y[l,d] += x[l,k] * w[k,d]", "test", "");
    w.finalize();
    HardwareSpec hw = mesh2x2();
    hw.name = "mesh";
    hw.core.pe_rows = 128, hw.core.pe_cols = 64, hw.core.sram_bytes = 1 << 20;
    hw.dram.bytes_per_cycle = 1e6;
    hw.interconnect.bytes_per_cycle = 1000;
    hw.interconnect.dram_routers = {3};
    auto r = test::simulate_in_child(w, hw, {});
    CHECK(num(r, "cycles") == 284);
    CHECK(num(r, "dram_read") == 98304);
    // One transfer at a time: fifo books the same times.
    hw.interconnect.arbitration = "fifo";
    CHECK(num(test::simulate_in_child(w, hw, {}), "cycles") == 284);
}

namespace {
HardwareSpec fifo2x2() {
    HardwareSpec hw = mesh2x2();
    hw.interconnect.arbitration = "fifo";
    return hw;
}
} // namespace

TEST_CASE("Under fifo a shared link carries one transfer after the other", "[noc][fifo]") {
    // A: 0 → 3 (link_0_1, link_1_3), B: 1 → 3 (link_1_3), 1000 B each at cycle 0, A asked first.
    // D = 1000 / 10 = 100 cycles a link. A books link_0_1 [0, 100) and link_1_3 [0, 100):
    // 100 + 2 × 3 + 5 + 10 = 121. B waits for link_1_3 until 100: [100, 200) → 200 + 3 + 5 + 10
    // = 218 (under fair: A 221, B 218; the same last arrival, A 100 cycles sooner).
    auto r = drive(fifo2x2(), {noc(1000, 0, 3), noc(1000, 1, 3)});
    CHECK(num(r, "done0") == 121);
    CHECK(num(r, "done1") == 218);
    CHECK(num(r, "noc.link_1_3.busy") == 200);
    CHECK(num(r, "noc.link_1_3.stalls") == 100); // B waited [0, 100)
    CHECK(num(r, "noc.link_1_3.bytes") == 2000);
    CHECK(num(r, "noc.link_0_1.busy") == 100);
    CHECK(num(r, "noc.link_0_1.stalls") == 0);
    // Routers: router 1 (0, 1) holds A [0, 100) and B [100, 200); router 3 the same; router 0
    // only A.
    CHECK(num(r, "noc.router_0_1.busy") == 200);
    CHECK(num(r, "noc.router_1_1.busy") == 200);
    CHECK(num(r, "noc.router_0_0.busy") == 100);
    CHECK(num(r, "noc.router_0_1.transfers") == 2);
}

TEST_CASE("Under fifo a router holds a transfer its next link cannot take yet", "[noc][fifo]") {
    // B: 1 → 3 asked first books link_1_3 [0, 100). A: 0 → 3 crosses link_0_1 in [0, 100), then
    // waits in router 1 for link_1_3: [100, 200) → 200 + 6 + 5 + 10 = 221. Router 1 holds A from
    // 0 (its start on link_0_1) to 200 (its end on link_1_3): busy 200.
    auto r = drive(fifo2x2(), {noc(1000, 1, 3), noc(1000, 0, 3)});
    CHECK(num(r, "done0") == 100 + 3 + 5 + 10);
    CHECK(num(r, "done1") == 221);
    CHECK(num(r, "noc.router_0_1.busy") == 200);
    CHECK(num(r, "noc.link_1_3.stalls") == 100);
    // Requests keep their order: C: 0 → 1 (1000 B), then A: 0 → 3 (1000 B), then B: 1 → 3
    // (100 B), all at 0. A waits for link_0_1 until 100 and books link_1_3 [100, 200). B asks
    // after A, so it books link_1_3 [200, 210) though the link is idle in [0, 100): 210 + 3 +
    // 5 + 10 = 228. Its wait [0, 200) is the link's stall time, busy 110.
    auto s = drive(fifo2x2(), {noc(1000, 0, 1), noc(1000, 0, 3), noc(100, 1, 3)});
    CHECK(num(s, "done0") == 100 + 3 + 5 + 10);
    CHECK(num(s, "done1") == 200 + 6 + 5 + 10);
    CHECK(num(s, "done2") == 228);
    CHECK(num(s, "noc.link_1_3.busy") == 110);
    CHECK(num(s, "noc.link_1_3.stalls") == 200);
}

TEST_CASE("Under fifo a lone transfer takes the time it takes under fair", "[noc][fifo]") {
    // As "Two hops on a 2x2 mesh ...": 100 + 6 + 5 + 10 = 121; a later request at 500 finds the
    // links free again: 500 + 121.
    auto r = drive(fifo2x2(), {noc(1000, 0, 3), noc(1000, 0, 3, 500)});
    CHECK(num(r, "done0") == 121);
    CHECK(num(r, "done1") == 621);
    CHECK(num(r, "noc.link_0_1.stalls") == 0);
    CHECK(num(r, "noc.router_0_0.busy") == 200);
    // DRAM traffic and packet headers as under fair: 8192 B from two channels in parallel, 428.
    HardwareSpec hw = fifo2x2();
    hw.dram.channels = 2;
    hw.dram.interleave_bytes = 4096;
    hw.interconnect.dram_routers = {0, 3};
    CHECK(num(drive(hw, {{{8192, kDramEndpoint, 1, 0}, true, 0}}), "done0") == 428);
    hw.interconnect.header_bytes = 10; // 1050 B: 1160 B on the wire, 116 + 3 + 5 + 11
    CHECK(num(drive(hw, {noc(1050, 0, 1)}), "done0") == 135);
}

TEST_CASE("Under fifo each link traces the bytes of its booked transfer", "[noc][fifo]") {
    // A: 0 → 3 then B: 1 → 3, as above: link_1_3 carries A [0, 100) and B [100, 200), so its
    // value is 1000 (b1111101000) from 0 and 0 from 200; link_0_1 drops to 0 at 100.
    auto r = drive(fifo2x2(), {noc(1000, 0, 3), noc(1000, 1, 3)}, true);
    const std::string& v = r["vcd"];
    CHECK_THAT(v, Contains("$scope module link_1_3 $end\n$var wire 64 "));
    CHECK_THAT(v, Contains("b1111101000 "));
    CHECK_THAT(v, Contains("#100\n"));
    CHECK_THAT(v, Contains("#200\n"));
    CHECK(v.find("#300\n") == std::string::npos); // nothing changes after the last booking
}

TEST_CASE("Under fifo 64,000 transfers busy each link for exactly their own time", "[noc][fifo]") {
    // chain32: every 4 KiB transfer books each link of its route for 4096 / 64 = 64 cycles and
    // bookings never overlap, so the links' busy cycles sum to 64 × the link transfers.
    auto r = chain32("fifo");
    CHECK(num(r, "link_bytes") == static_cast<int64_t>(chain32_byte_hops()));
    CHECK(num(r, "link_busy") == 64 * num(r, "link_transfers"));
    CHECK(num(r, "link_transfers") * 4096 == num(r, "link_bytes"));
}

TEST_CASE("The arbitration key is read and its mistakes name the key", "[noc][fifo]") {
    const HardwareSpec hw = read_hardware(parse_yaml_text(
        kBase + "interconnect: {topology: mesh, rows: 2, cols: 2, arbitration: fifo}\n",
        "hw.yaml"));
    CHECK(hw.interconnect.arbitration == "fifo");
    CHECK(read_hardware(parse_yaml_text(kBase + "interconnect: {topology: ring}\n", "hw.yaml"))
              .interconnect.arbitration == "fair");
    CHECK_THAT(hardware_error(kBase + "interconnect: {topology: ring, arbitration: lifo}\n"),
               Contains("hw.yaml:6") && Contains("hardware.interconnect.arbitration") &&
                   Contains("fair") && Contains("fifo"));
    CHECK_THAT(hardware_error(kBase + "interconnect: {topology: p2p, arbitration: fifo}\n"),
               Contains("hardware.interconnect.arbitration") && Contains("'mesh' or 'ring' only"));
}

TEST_CASE("A router's busy time is the union of stays that arrive out of order", "[noc][fifo]") {
    // Owner 0: 200,000 stays [20i, 20i + 5) added in pairs out of order (i + 1 before i), each
    // at 20i: disjoint, 200,000 × 5 = 1,000,000 cycles, across many folds (one per 64 stays
    // or more). Owner 1: overlapping stays [10i, 10i + 15), i < 100,000, added at 10i, each
    // reaching past the next add time: one interval [0, 999,990 + 15) = 1,000,005 cycles. Owner 2:
    // none.
    StayUnion disjoint(3), overlapping(3);
    for (uint64_t i = 0; i < 200000; i += 2) {
        disjoint.add(0, 20 * (i + 1), 20 * (i + 1) + 5, 20 * i);
        disjoint.add(0, 20 * i, 20 * i + 5, 20 * i);
    }
    for (uint64_t i = 0; i < 100000; ++i) overlapping.add(1, 10 * i, 10 * i + 15, 10 * i);
    disjoint.fold();
    overlapping.fold();
    CHECK(disjoint.busy(0) == 1000000);
    CHECK(overlapping.busy(1) == 100000 * 10 + 5);
    CHECK(disjoint.busy(2) == 0);
    disjoint.add(2, 5000000, 5000000, 5000000); // empty: nothing
    disjoint.fold();
    CHECK(disjoint.busy(2) == 0);
    // Owner 2, 10,000 disjoint stays of 3 cycles in reverse order, all added at 0 (the worst
    // case of the insertion sort, which gives way to std::sort): 30,000 cycles.
    StayUnion reverse(3);
    for (uint64_t i = 10000; i-- > 0;) reverse.add(2, 10 * i, 10 * i + 3, 0);
    reverse.fold();
    CHECK(reverse.busy(2) == 30000);
    // A stay that overlaps or touches the one before merges with it ([100, 120) and [90, 105)
    // into [90, 120); [115, 130) and [130, 200) into [115, 200)); [115, 130) overlaps [90, 120)
    // too, though [200, 210) came between. Union [90, 210): 120 cycles.
    StayUnion hulls(1);
    for (const auto& [start, end] : std::vector<std::pair<uint64_t, uint64_t>>{
             {100, 120}, {90, 105}, {200, 210}, {115, 130}, {130, 200}})
        hulls.add(0, start, end, 0);
    hulls.fold();
    CHECK(hulls.busy(0) == 120);
}
