// Allocation of tiles to cores (mapping.allocation): split, pipeline, auto and round-robin, by
// hand. Simulations run in a forked child.
#include "run_cli.hpp"
#include "sim/cli/auto_fusion.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <set>

using namespace fusesim;
using namespace fusesim::test;

namespace {

const Precision kFp32{"fp32", 4};

HardwareSpec cores_of(int64_t cores, int64_t rows, int64_t cols, int64_t sram, double bw) {
    HardwareSpec hw = default_cpo_table({});
    hw.name = "test";
    hw.cores = cores;
    hw.core.pe_rows = rows;
    hw.core.pe_cols = cols;
    hw.core.sram_bytes = sram;
    hw.dram.bytes_per_cycle = bw;
    return hw;
}

Workload gemm() {
    Workload w;
    w.name = "gemm";
    WorkloadBuilder b(w);
    b.dim("l", 512);
    b.dim("k", 128);
    b.dim("d", 256);
    b.declare("x", TensorRole::Input);
    b.declare("w", TensorRole::Input);
    b.add("gemm", "y[l,d] += x[l,k] * w[k,d]", "test", "");
    w.finalize();
    return w;
}

// A small Mamba-1 (D = 32, N = 4), L = 8, Fuse-All: 1-token steps over all of d.
Workload small_mamba() {
    MambaParams p;
    p.d_model = 16;
    p.d_inner = 32;
    p.d_state = 4;
    p.dt_rank = 2;
    p.layers = 1;
    return build_mamba1(p, Stage::Prefill, 1, 8, kFp32);
}

MappingSpec fuse_all(const Workload& w, const std::string& allocation, const std::string& dim) {
    MappingSpec m;
    m.default_rule.tile["l"] = 1;
    apply_fusion_preset("fuse-all", w, m, 1 << 20);
    m.allocation = allocation;
    m.allocation_dim = dim;
    return m;
}

// Cycles and NoC bytes of one simulated layer (or the error).
std::map<std::string, std::string> run(const Workload& w, const HardwareSpec& hw,
                                       const MappingSpec& m) {
    return in_child([&](std::map<std::string, std::string>& out) {
        const TilePlan plan = build_plan_for(w, m, hw, 1);
        SimOptions o;
        o.timeline = false;
        const TimingResult r = simulate(w, hw, plan, o);
        out["cycles"] = std::to_string(r.cycles);
        out["noc"] = std::to_string(r.noc_bytes);
        out["dram_read"] = std::to_string(r.dram_read_bytes);
        out["evicted"] = std::to_string(r.evicted_bytes);
    });
}

int64_t num(const std::map<std::string, std::string>& r, const std::string& key) {
    auto it = r.find("error");
    if (it != r.end()) FAIL("simulation failed: " << it->second);
    return std::stoll(r.at(key));
}

} // namespace

TEST_CASE("A compute-bound GEMM split over 4 cores takes a quarter of the 1-core cycles",
          "[allocation][timing]") {
    // y[l,d] += x[l,k]·w[k,d], l = 512, k = 128, d = 256, tiles of d = 64: 4 tiles. On 128×64
    // PEs k fills the rows and d the columns, l is iterated: 512 cycles a tile (CPO 1).
    // DRAM at 1e6 B/cycle: x (256 KiB) and a w slice (32 KiB) arrive in 1 cycle, y slices
    // (128 KiB) leave in 1. One core: 1 + 4·512 + 1 = 2,050 cycles (later fetches overlap).
    // Four cores, split over d: one tile each, at once: the port carries 4 fetches of
    // 294,912 B = 1,179,648 B in 2 cycles, then 512 cycles, then 4·131,072 B in 1 cycle:
    // 515 cycles, a quarter of 2,050 (512.5) plus 2.5 cycles of fill (within 4 cycles).
    const Workload w = gemm();
    MappingSpec m;
    m.default_rule.tile["d"] = 64;
    m.allocation = "split";
    m.allocation_dim = "d";
    const auto one = run(w, cores_of(1, 128, 64, 1 << 20, 1e6), m);
    const auto four = run(w, cores_of(4, 128, 64, 1 << 20, 1e6), m);
    CHECK(num(one, "cycles") == 2050);
    CHECK(num(four, "cycles") >= 513);
    CHECK(num(four, "cycles") <= 516);
    CHECK(std::abs(4.0 * static_cast<double>(num(four, "cycles")) -
                   static_cast<double>(num(one, "cycles"))) <= 16.0);
    // Tile k of d is core k's block.
    const TilePlan plan = build_plan_for(w, m, cores_of(4, 128, 64, 1 << 20, 1e6), 1);
    REQUIRE(plan.tiles.size() == 4);
    for (const Tile& t : plan.tiles)
        CHECK(t.core == plan.op_tiling[0].decode(t.grid_index)[w.ops[0].dim_index("d")]);
}

TEST_CASE("Split over d: each core owns its block of channels and no state crosses the NoC",
          "[allocation][timing]") {
    // Fuse-All tiles its operators into 1-token steps over all of d (one tile along d); the
    // split re-tiles every operator with d as an output dim to a multiple of the 4 cores:
    // d = 32 in 4 tiles of 8, core k owning channels [8k, 8k + 8) of every tensor (h included).
    const Workload w = small_mamba();
    const HardwareSpec hw = cores_of(4, 16, 16, 1 << 20, 64);
    const MappingSpec m = fuse_all(w, "split", "d");
    const TilePlan plan = build_plan_for(w, m, hw, 1);
    CHECK(plan.allocation.find("round-robin (no d as an output dim)") != std::string::npos);
    int split_tiles = 0;
    for (const Tile& t : plan.tiles) {
        const Operator& op = w.ops[t.op];
        const int d = op.dim_index("d");
        if (d < 0 || plan.op_tiling[t.op].reduction[d]) continue;
        const Box box = plan.tile_box(w, t);
        CHECK(box.hi[d] - box.lo[d] == 8);
        CHECK(t.core == box.lo[d] / 8);
        ++split_tiles;
    }
    // 17 operators with d as an output dim (conv … ssm_out, skip, gate), 8 tokens and 4 blocks:
    // of the Fuse-All group alone, 7 operators · 8 · 4 = 224 tiles.
    CHECK(split_tiles >= 224);
    // Every read within the fused group is of the reader's own block: no bytes over the
    // interconnect (reads across groups go through DRAM).
    CHECK(num(run(w, hw, m), "noc") == 0);
}

TEST_CASE("Pipeline: a fused group's operators on their own cores pass chunks over the NoC",
          "[allocation][timing]") {
    // 25 operators (stages) on 32 cores: each stage its own core(s), disjoint. Within the
    // Fuse-All group every read is of another stage's chunk: per token exp reads dAp,
    // ssm_decay dA, mul_dBx dB, ssm_add hd and dBx, ssm_out h (6 reads of a D×N slice,
    // 32·4·4 = 512 B), and ssm_decay h(t−1) for t ≥ 1: 8·6·512 + 7·512 = 28,160 B.
    const Workload w = small_mamba();
    const HardwareSpec hw = cores_of(32, 16, 16, 1 << 20, 64);
    const MappingSpec m = fuse_all(w, "pipeline", "");
    const TilePlan plan = build_plan_for(w, m, hw, 1);
    std::map<int, std::set<int>> cores_of_op;
    for (const Tile& t : plan.tiles) cores_of_op[t.op].insert(t.core);
    std::set<int> seen;
    for (const auto& [op, cs] : cores_of_op)
        for (int c : cs) CHECK(seen.insert(c).second); // no core serves two stages
    const auto pipe = run(w, hw, m);
    CHECK(num(pipe, "noc") == 28160);
    // Nothing was evicted, so none of those reads went to DRAM instead (the figure above is
    // every in-group read); round-robin keeps the whole group on core 0 (one tile along d,
    // tokens on one core): no NoC bytes at all.
    CHECK(num(pipe, "evicted") == 0);
    CHECK(num(run(w, hw, fuse_all(w, "round-robin", "")), "noc") == 0);
}

TEST_CASE("Pipeline stages get cores as their work asks", "[allocation]") {
    // Two operators, 6 tiles each; the caller's cost: a tile of `a` 300 cycles, of `b` 100.
    // Four cores: one each, then the extra two to the most work per core: a (300 > 100), a
    // again (300/2 = 150 > 100): a on cores 0-2 (3:1, its share of the work), b on core 3.
    // Tiles of a stage go round-robin over its cores: tile i of a on core i mod 3.
    Workload w;
    w.name = "two";
    WorkloadBuilder b(w);
    b.dim("l", 6);
    b.dim("d", 4);
    b.declare("x", TensorRole::Input);
    b.add("a", "y[l,d] = exp(x[l,d])", "test", "");
    b.add("b", "z[l,d] = y[l,d] + x[l,d]", "test", "");
    w.finalize();
    MappingSpec m;
    m.default_rule.tile["l"] = 1;
    m.allocation = "pipeline";
    const int a = w.op_index("a");
    const OpWork work = [a](int op, const Coords&) { return op == a ? 300.0 : 100.0; };
    const TilePlan plan = build_tile_plan(
        w, m, 4, 1, [](const Coords&) { return SpatialMapping{}; }, work);
    REQUIRE(plan.tiles.size() == 12);
    for (const Tile& t : plan.tiles) {
        if (t.op == a)
            CHECK(t.core == t.grid_index % 3);
        else
            CHECK(t.core == 3);
    }
    CHECK(plan.allocation == "pipeline over 4 core(s): a 0-2 b 3");
}

TEST_CASE("Round-robin is the default and spreads output coordinates as before", "[allocation]") {
    // Today's rule: tile (l, d) of an unfused operator on core (l·count_d + d) mod cores; a
    // recurrence's tokens on one core.
    const Workload w = small_mamba();
    MappingSpec m;
    m.default_rule.tile["l"] = 2;
    m.default_rule.tile["d"] = 8;
    CHECK(m.allocation == "round-robin");
    const TilePlan plan = build_plan_for(w, m, cores_of(4, 16, 16, 1 << 20, 64), 1);
    const int o = w.op_index("conv_bias"); // dims b, l, d: 1 · 4 · 4 tiles
    int n = 0;
    for (const Tile& t : plan.tiles) {
        if (t.op != o) continue;
        const Coords c = plan.op_tiling[o].decode(t.grid_index);
        CHECK(t.core == (c[1] * 4 + c[2]) % 4);
        ++n;
    }
    CHECK(n == 16);
}

TEST_CASE("allocation: auto keeps the fastest of its candidates", "[allocation][timing]") {
    const Workload w = small_mamba();
    const HardwareSpec hw = cores_of(4, 16, 16, 1 << 20, 64);
    MappingSpec m = fuse_all(w, "auto", "");
    SimOptions o;
    const auto cands = search_allocation(w, hw, m, o);
    REQUIRE(cands.size() == 3);
    std::set<std::string> names;
    for (const auto& c : cands) {
        names.insert(c.name);
        CHECK(c.cycles > 0);
        CHECK(cands.front().cycles <= c.cycles);
    }
    CHECK(names == std::set<std::string>{"round-robin", "split: d", "pipeline"});
    // The winner's figure is its own simulation's.
    CHECK(num(run(w, hw, cands.front().mapping), "cycles") ==
          static_cast<int64_t>(cands.front().cycles));
}

TEST_CASE("Fuse-All on 32 cores of 768 KiB runs when split over d", "[allocation][cli]") {
    // Mamba-2.8B (D = 5120, N = 16), fp32: one Fuse-All step over all of d needs
    // (5·D·N + D + N)·4 = 1.66 MB, more than a core's 768 KiB; round-robin puts the group's
    // token chain on core 0 (stuck without streaming). Split over d, core k owns 160 channels:
    // (5·160·16 + 160 + 16)·4 = 51,904 B a step.
    const std::vector<std::string> base = {
        "run",        "configs/experiments/mamba-unfused.yaml",
        "--hardware", "configs/hardware/marca-32core.yaml",
        "--mapping",  "configs/mappings/mamba-fuse-all-split.yaml",
        "--set",      "workload.seq_len=64",
        "--set",      "simulation.layers=one",
        "--set",      "simulation.stream_operands=false",
        "-q"};
    TempDir dir("alloc");
    auto args = base;
    args.insert(args.end(), {"-o", dir.path()});
    const CliResult ok = run_cli(args);
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
    auto rr = args;
    // One token per tile, as README "Allocation of work to cores" quotes it (the mapping's token
    // blocks of 64 make one tile of the whole L = 64).
    rr.insert(rr.end(),
              {"--set", "mapping.allocation=round-robin", "--set", "mapping.step_tokens=1"});
    const CliResult stuck = run_cli(rr);
    CHECK(stuck.exit_code == 2);
    CHECK(stuck.err.find("core 0: tile mul_delta_A[l=0]@layer0 needs") != std::string::npos);
}

TEST_CASE("Config errors of mapping.allocation name the key", "[allocation][cli]") {
    TempDir dir("alloc-err");
    for (const auto& [line, expect] : std::vector<std::pair<std::string, std::string>>{
             {"allocation: striped", "bad.yaml:2:13: mapping.allocation: expected round-robin"},
             {"allocation: {split: q}",
              "bad.yaml:2:21: mapping.allocation.split: no operator has a dimension 'q'"},
             {"allocation: {split: d, ways: 2}", "mapping.allocation.ways"}}) {
        const std::string file = dir.file("bad.yaml");
        {
            std::FILE* f = std::fopen(file.c_str(), "w");
            REQUIRE(f);
            std::fputs(("name: bad\n" + line + "\n").c_str(), f);
            std::fclose(f);
        }
        const CliResult r =
            run_cli({"run", "configs/experiments/mamba-unfused.yaml", "--mapping", file, "--set",
                     "workload.seq_len=64", "-q", "-o", dir.file("out")});
        INFO(r.err);
        CHECK(r.exit_code == 2);
        CHECK(r.err.find(expect) != std::string::npos);
    }
}
