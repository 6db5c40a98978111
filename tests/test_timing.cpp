// The timing simulation against first principles. Each simulation runs in a forked child.
#include "hw/modules/shared_port.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "sim_result.hpp"
#include "workloads/graph/workload.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;
using fusesim::test::in_child;
using fusesim::test::num;
using fusesim::test::simulate_in_child;

namespace {

// One core of 128×64 PEs; DRAM of `bw` bytes per cycle and `latency` cycles.
HardwareSpec core_128x64(double bw, uint64_t latency, int64_t sram) {
    HardwareSpec hw = default_cpo_table({});
    hw.name = "test";
    hw.core.pe_rows = 128;
    hw.core.pe_cols = 64;
    hw.core.sram_bytes = sram;
    hw.dram.bytes_per_cycle = bw;
    hw.dram.latency_cycles = latency;
    hw.cpo[static_cast<int>(OpKind::Exp)] = 4;
    return hw;
}

// `inputs`: the tensors no operator writes (graph inputs).
Workload custom(const std::map<std::string, int64_t>& dims, const std::vector<const char*>& inputs,
                const std::vector<std::array<const char*, 3>>& ops) {
    Workload w;
    w.name = "test";
    WorkloadBuilder b(w);
    for (const auto& [d, n] : dims) b.dim(d, n);
    for (const char* t : inputs) b.declare(t, TensorRole::Input);
    for (const auto& op : ops) b.add(op[0], op[1], "test", op[2]);
    w.finalize();
    return w;
}

} // namespace

TEST_CASE("A compute-bound GEMM takes exactly its mapped cycles", "[timing]") {
    // y[l,d] += x[l,k]·w[k,d], l = k = 128, d = 64, fp32, one tile. The array is 128×64: k on
    // the rows and d on the columns fill it, l is iterated: 128 cycles (CPO 1).
    // DRAM at 1e6 B/cycle: fetching x and w (64 KiB + 32 KiB) takes ceil(98304/1e6) = 1 cycle,
    // writing y (32 KiB) 1 cycle. Latency = 1 + 128 + 1 = 130 cycles.
    Workload w = custom({{"l", 128}, {"k", 128}, {"d", 64}}, {"x", "w"},
                        {{"gemm", "y[l,d] += x[l,k] * w[k,d]", ""}});
    auto r = simulate_in_child(w, core_128x64(1e6, 0, 1 << 20), {});
    CHECK(num(r, "compute.gemm") == 128);
    CHECK(num(r, "cycles") == 130);
    CHECK(num(r, "dram_read") == 98304);
    CHECK(num(r, "dram_write") == 32768);
}

TEST_CASE("A memory-bound elementwise operator takes bytes / bandwidth plus latency", "[timing]") {
    // y = x·z over 1024×1024 fp32, one tile, 256 B/cycle, 100 cycles of DRAM latency:
    //   fetch x and z: 8 MiB / 256 = 32,768 cycles + 100
    //   compute: 1024·1024 elements on 128×64 PEs = 8·16 = 128 cycles
    //   write y: 4 MiB / 256 = 16,384 cycles + 100
    //   total 32,868 + 128 + 16,484 = 49,480 cycles.
    Workload w =
        custom({{"l", 1024}, {"d", 1024}}, {"x", "z"}, {{"mul", "y[l,d] = x[l,d] * z[l,d]", ""}});
    auto r = simulate_in_child(w, core_128x64(256, 100, 16 << 20), {});
    CHECK(num(r, "compute.mul") == 128);
    CHECK(num(r, "cycles") == 49480);
}

TEST_CASE("An exp tile takes 4x a mul tile (CPO 4 against 1)", "[timing]") {
    // 64×8192 elements on 8192 PEs: 64 steps; exp has CPO 4 → 256 cycles.
    Workload w = custom({{"l", 64}, {"d", 8192}}, {"x", "z"},
                        {{"m", "y[l,d] = x[l,d] * z[l,d]", ""}, {"e", "q[l,d] = exp(y[l,d])", ""}});
    auto r = simulate_in_child(w, core_128x64(1e9, 0, 64 << 20), {});
    CHECK(num(r, "compute.m") == 64);
    CHECK(num(r, "compute.e") == 256);
}

namespace {
// Drives a SharedPort: transfers of `bytes` starting at `start` cycles; records completions.
struct PortDriver : sc_core::sc_module {
    SharedPort port;
    std::vector<std::pair<uint64_t, int64_t>> plan;
    std::vector<uint64_t> done;
    SC_HAS_PROCESS(PortDriver);
    PortDriver(sc_core::sc_module_name n, double bw, uint64_t lat,
               std::vector<std::pair<uint64_t, int64_t>> p)
        : sc_module(n), port("port", bw, lat), plan(std::move(p)), done(plan.size(), 0) {
        SC_THREAD(run);
    }
    void run() {
        uint64_t now = 0;
        for (size_t i = 0; i < plan.size(); ++i) {
            if (plan[i].first > now) {
                wait(cycles_to_time(plan[i].first - now));
                now = plan[i].first;
            }
            port.transfer(plan[i].second, [this, i] { done[i] = now_cycles(); });
        }
    }
};

std::map<std::string, std::string> port_run(double bw, uint64_t lat,
                                            std::vector<std::pair<uint64_t, int64_t>> plan) {
    return in_child([&](std::map<std::string, std::string>& out) {
        PortDriver d("driver", bw, lat, plan);
        sc_core::sc_start();
        for (size_t i = 0; i < d.done.size(); ++i)
            out["done" + std::to_string(i)] = std::to_string(d.done[i]);
    });
}
} // namespace

TEST_CASE("Concurrent transfers share the DRAM port", "[timing]") {
    // 1024 B and 512 B start together on a 256 B/cycle port: each gets 128 B/cycle. The 512 B
    // transfer ends at 512/128 = 4 cycles; the other then has 512 B left at the full 256 B/cycle:
    // 2 more cycles, done at 6 = (1024 + 512) / 256. Alone, 1024 B would take 4 cycles.
    auto r = port_run(256, 0, {{0, 1024}, {0, 512}});
    CHECK(num(r, "done0") == 6);
    CHECK(num(r, "done1") == 4);
    // With 10 cycles of latency every arrival is 10 cycles later; the sharing is unchanged.
    auto l = port_run(256, 10, {{0, 1024}, {0, 512}});
    CHECK(num(l, "done0") == 16);
    CHECK(num(l, "done1") == 14);
    // A transfer that starts later shares only from then on: 1024 B at 0, 256 B at 2.
    // 0..2: alone, 512 B moved. 2..4: 128 B/cycle each, the short one done at 4 (256 B),
    // the long one has 256 B left → done at 5.
    auto s = port_run(256, 0, {{0, 1024}, {2, 256}});
    CHECK(num(s, "done0") == 5);
    CHECK(num(s, "done1") == 4);
}

TEST_CASE("Peak memory of a small fused chain equals the hand value", "[timing][memory]") {
    // t = x·w (x: 4×1024 fp32 = 16 KiB, w: 1024 = 4 KiB), y = exp(t), fused (t stays on chip).
    // While the multiply runs: x + w + t = 16 + 4 + 16 KiB = 36 KiB. x and w then have no reads
    // to come and leave; the exp holds t + y = 32 KiB. Peak = 36 KiB = 36,864 bytes.
    Workload w = custom({{"l", 4}, {"d", 1024}}, {"x", "w"},
                        {{"p", "t[l,d] = x[l,d] * w[d]", ""}, {"q", "y[l,d] = exp(t[l,d])", ""}});
    MappingSpec m;
    m.groups.push_back({{"p", "q"}, true});
    auto r = simulate_in_child(w, core_128x64(256, 0, 1 << 20), m);
    CHECK(num(r, "peak") == 36864);
    // Only x, w in and y out cross DRAM: 20 KiB read, 16 KiB written.
    CHECK(num(r, "dram_read") == 20480);
    CHECK(num(r, "dram_write") == 16384);
    // Unfused, t goes to DRAM and back: 16 KiB more each way.
    auto u = simulate_in_child(w, core_128x64(256, 0, 1 << 20), {});
    CHECK(num(u, "dram_read") == 20480 + 16384);
    CHECK(num(u, "dram_write") == 16384 + 16384);
}

TEST_CASE("A working set larger than SRAM is evicted and refetched, byte for byte",
          "[timing][memory]") {
    // Fused group: a[l] = exp(x[l]), b[l] = exp(y[l]) for 4 rows of 4 KiB, then z[l] = a[l] +
    // b[3-l]; SRAM holds 24 KiB = 6 rows. Issue order (ready tiles, earliest position first):
    // pa0 pb0 pa1 pb1 pa2 pb2 c1 c2 pa3 pb3 c0 c3 (c1 needs a1 and b2, ready after pb2).
    // After pb2, SRAM holds a0 a1 a2 b0 b1 b2 = 24 KiB; c1 needs room for z1: one row must go.
    // The victim is the unpinned row read farthest ahead: b0 (read by c3, last), which c3
    // reads back. Nothing else overflows (c1 frees a1, b2; inputs x, y leave after use). So
    // exactly one row, 4,096 bytes, is written back and refetched.
    Workload w = custom({{"l", 4}, {"d", 1024}}, {"x", "y"},
                        {{"pa", "a[l,d] = exp(x[l,d])", ""},
                         {"pb", "b[l,d] = exp(y[l,d])", ""},
                         {"c", "z[l,d] = a[l,d] + b[3-l,d]", ""}});
    MappingSpec m;
    m.default_rule.tile["l"] = 1;
    m.groups.push_back({{"pa", "pb", "c"}, true});
    auto r = simulate_in_child(w, core_128x64(256, 0, 24576), m);
    const int64_t evicted = num(r, "evicted");
    CHECK(evicted == 4096);
    CHECK(num(r, "refetched") == evicted);
    CHECK(num(r, "peak") <= 24576);
    // DRAM: x and y in (32 KiB), z out (16 KiB), plus the round trips.
    CHECK(num(r, "dram_read") == 32768 + evicted);
    CHECK(num(r, "dram_write") == 16384 + evicted);
    // With room for everything, nothing moves twice.
    auto big = simulate_in_child(w, core_128x64(256, 0, 1 << 20), m);
    CHECK(num(big, "evicted") == 0);
    CHECK(num(big, "dram_read") == 32768);
}

TEST_CASE("A tile that can never fit stops with the stuck tile named", "[timing][memory]") {
    // One tile reading x and z (8 MiB) and writing y (4 MiB) on 1 MiB of SRAM: its inputs and
    // output (12 MiB = 12,582,912 bytes) never fit.
    Workload w =
        custom({{"l", 1024}, {"d", 1024}}, {"x", "z"}, {{"mul", "y[l,d] = x[l,d] * z[l,d]", ""}});
    auto r = in_child([&](std::map<std::string, std::string>& out) {
        const HardwareSpec hw = core_128x64(256, 0, 1 << 20);
        const TilePlan plan = build_plan_for(w, {}, hw, 1);
        SimOptions strict;
        strict.stream_operands = false;
        simulate(w, hw, plan, strict);
        out["ok"] = "1";
    });
    REQUIRE(r.count("error"));
    CHECK_THAT(r["error"], Catch::Contains("cannot progress") && Catch::Contains("mul[]@layer0") &&
                               Catch::Contains("12582912 bytes"));
}

TEST_CASE("Dependencies through the token recurrence and views are exact", "[timing]") {
    // A recurrence h[l] = h[l-1]·a[l] + b[l] in two operators over 8 tokens, one token per tile:
    // 16 tiles that must run strictly in token order; each reads its token's row and the state.
    Workload w;
    WorkloadBuilder b(w);
    b.dim("l", 8);
    b.dim("d", 64);
    b.declare("h", TensorRole::State);
    b.declare("a", TensorRole::Input);
    b.declare("x", TensorRole::Input);
    b.add("decay", "hd[l,d] = a[l,d] * h[l-1,d]", "state_update", "");
    b.carried("l", 1);
    b.add("add", "h[l,d] = hd[l,d] + x[l,d]", "state_update", "");
    w.ops[1].sequential_dim = 0;
    w.finalize();
    MappingSpec m;
    m.default_rule.tile["l"] = 1;
    m.groups.push_back({{"decay", "add"}, true});
    const TilePlan plan =
        build_tile_plan(w, m, 1, 1, [](const Coords&) { return SpatialMapping{}; });
    REQUIRE(plan.tiles.size() == 16);
    for (size_t i = 0; i < plan.tiles.size(); ++i) {
        CHECK(plan.tiles[i].op == static_cast<int>(i % 2));
        CHECK(plan.tiles[i].grid_index == static_cast<int64_t>(i / 2));
    }
    // decay of token 3 reads the state chunk written by add of token 2.
    const Tile& d3 = plan.tiles[6];
    bool reads_state = false;
    for (uint32_t r = d3.in_begin; r < d3.in_end; ++r) {
        const Chunk& c = plan.chunks[plan.inputs[r].chunk];
        if (c.producer_op == 1) reads_state = plan.inputs[r].bytes == 64 * 4;
    }
    CHECK(reads_state);
}
