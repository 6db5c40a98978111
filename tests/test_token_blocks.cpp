// Token blocks (mapping.step_tokens) and the tile sizes of the split allocation, by hand: a fused
// selective scan run l tokens per tile keeps its intermediates one step in size, moves the same
// DRAM bytes and computes the same cycles as the one-token plan; automatic tiling under
// {split: d} fills the SRAM budget instead of leaving tiles P times below it. Simulations run in
// a forked child.
#include "run_cli.hpp"
#include "sim/analytic/plan_analytic.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>

using namespace fusesim;
using namespace fusesim::test;

namespace {

constexpr int64_t kL = 8, kD = 16, kN = 4;

// Mamba-1's selective scan alone (the seven operators of the fused state update), L = 8,
// D = 16, N = 4, fp32; `sum`: with an operator summing dA over the tokens.
Workload scan(bool sum = false) {
    Workload w;
    w.name = "scan";
    WorkloadBuilder b(w);
    b.dim("l", kL);
    b.dim("d", kD);
    b.dim("n", kN);
    for (const char* t : {"delta", "Bm", "xs", "Cm"}) b.declare(t, TensorRole::Input);
    b.declare("A", TensorRole::Weight);
    b.declare("h", TensorRole::State);
    b.add("mul_delta_A", "dAp[l,d,n] = delta[l,d] * A[d,n]", "state_update");
    b.add("exp", "dA[l,d,n] = exp(dAp[l,d,n])", "elementwise");
    b.add("mul_delta_B", "dB[l,d,n] = delta[l,d] * Bm[l,n]", "state_update");
    b.add("mul_dBx", "dBx[l,d,n] = dB[l,d,n] * xs[l,d]", "state_update");
    b.add("ssm_decay", "hd[l,d,n] = dA[l,d,n] * h[l-1,d,n]", "state_update");
    b.carried("l", 1);
    b.add("ssm_add", "h[l,d,n] = hd[l,d,n] + dBx[l,d,n]", "state_update");
    b.add("ssm_out", "y[l,d] += h[l,d,n] * Cm[l,n]", "state_update");
    for (const char* op : {"ssm_add", "ssm_out"})
        w.ops[w.op_index(op)].sequential_dim = w.ops[w.op_index(op)].dim_index("l");
    if (sum) b.add("dA_sum", "s[d,n] += dA[l,d,n]", "elementwise");
    w.finalize();
    return w;
}

MappingSpec fused(int64_t step_tokens) {
    MappingSpec m;
    FusionGroupSpec g;
    g.ops = {"mul_delta_A", "exp", "mul_delta_B", "mul_dBx", "ssm_decay", "ssm_add", "ssm_out"};
    m.groups.push_back(g);
    for (const auto& op : g.ops) m.per_op[op].tile["l"] = 1;
    m.step_tokens = step_tokens;
    return m;
}

HardwareSpec small_core() {
    HardwareSpec hw = default_cpo_table({});
    hw.name = "test";
    hw.core.pe_rows = 4;
    hw.core.pe_cols = 4;
    hw.core.sram_bytes = 1 << 20;
    hw.dram.bytes_per_cycle = 16;
    return hw;
}

std::map<std::string, std::string> run(const Workload& w, const MappingSpec& m) {
    return in_child([&](std::map<std::string, std::string>& out) {
        const HardwareSpec hw = small_core();
        const TilePlan plan = build_plan_for(w, m, hw, 1);
        SimOptions o;
        o.timeline = false;
        o.prefetch_depth = 0; // the peak below is derived tile by tile, no fetch ahead
        const TimingResult r = simulate(w, hw, plan, o);
        out["cycles"] = std::to_string(r.cycles);
        out["tiles"] = std::to_string(r.tiles);
        out["dram_read"] = std::to_string(r.dram_read_bytes);
        out["dram_write"] = std::to_string(r.dram_write_bytes);
        out["peak"] = std::to_string(r.peak_sram[0]);
        uint64_t estimate = 0;
        for (const auto& g : estimate_groups(w, hw, plan)) estimate += g.compute_cycles;
        out["estimate"] = std::to_string(estimate);
        for (size_t o2 = 0; o2 < w.ops.size(); ++o2)
            out["compute." + w.ops[o2].name] = std::to_string(r.ops[o2].compute_cycles);
    });
}

int64_t num(const std::map<std::string, std::string>& r, const std::string& key) {
    INFO(key << (r.count("error") ? ": " + r.at("error") : ""));
    REQUIRE(r.count(key));
    return std::stoll(r.at(key));
}

} // namespace

TEST_CASE("A token-blocked scan holds one step of its intermediates and moves the same bytes",
          "[token_blocks][timing]") {
    const Workload w = scan();
    const auto fine = run(w, fused(1));
    const auto blocked = run(w, fused(4));
    // Tiles: 7 operators × 8 tokens, against 7 × 2 blocks of 4 tokens.
    CHECK(num(fine, "tiles") == 56);
    CHECK(num(blocked, "tiles") == 14);
    // DRAM, both plans: every input read once (delta is read by mul_delta_A and mul_delta_B
    // from one chunk, the second time from its clean copy; A once for the group): delta and xs
    // L·D·4 = 512 B each, A D·N·4 = 256, Bm and Cm L·N·4 = 128 each: 1,536 B. Written: y,
    // L·D·4 = 512 B. The state and the D×N intermediates never leave the chip.
    for (const auto* r : {&fine, &blocked}) {
        CHECK(num(*r, "dram_read") == 1536);
        CHECK(num(*r, "dram_write") == 512);
    }
    // Peak SRAM of the blocks (no prefetch: a tile's inputs and output, and what is still to be
    // read). One step of a D×N tensor is S = D·N·4 = 256 B; a block's delta and xs are
    // l·D·4 = 256 B, its Bm and Cm l·N·4 = 64 B. Block 0, tile by tile (live after the arrow):
    //   mul_delta_A  delta, A, dAp                       768
    //   exp          delta, A, dAp, dA                   1,024
    //   mul_delta_B  delta, A, dA, Bm, dB                1,088
    //   mul_dBx      A, dA, dB, xs, dBx                  1,280
    //   ssm_decay    A, dA, dBx, hd                      1,024 (token 0 has no h(t−1))
    //   ssm_add      A, dBx, hd, h                       1,024
    //   ssm_out      A, h, Cm, y                         832
    // Block 1 has h of block 0 (its last step, S) in place of A (whose last reader is its
    // mul_delta_A): at mul_dBx h, dA, dB, xs, dBx = 4·S + l·D·4 = 1,280 again. Peak: 1,280 B,
    // the state plus one step's intermediates plus the block's inputs.
    CHECK(num(blocked, "peak") == 1280);
    // One token per tile: the same live set with 1-token inputs, and A kept for all 8 tokens:
    // at mul_dBx of tokens 1–6, A, h, dA, dB, dBx (5·S) and xs (D·4 = 64 B): 1,344 B.
    CHECK(num(fine, "peak") == 1344);
    // Compute: a block costs its steps times one step (tokens never on the array), so every
    // operator's compute cycles are the same, and so is the analytical estimate.
    for (const auto& op : w.ops) {
        INFO(op.name);
        CHECK(num(blocked, "compute." + op.name) == num(fine, "compute." + op.name));
    }
    CHECK(num(blocked, "estimate") == num(fine, "estimate"));
    // Latency: without prefetch a tile's fetch and compute never overlap, so each plan takes its
    // compute plus its fetches at 16 B/cycle (the same 1,536 B, in multiples of 16 B: no
    // rounding) plus what the write-backs of y add at the end: the same cycles. (With prefetch
    // the blocks overlap their larger fetches better; README "Token blocks".)
    CHECK(num(blocked, "cycles") == num(fine, "cycles"));
}

TEST_CASE("Token blocks of a partial last block and of step_tokens above L", "[token_blocks]") {
    const Workload w = scan();
    const HardwareSpec hw = small_core();
    // 8 tokens in blocks of 3: 3 + 3 + 2, each operator 3 tiles; blocks of 100: one tile.
    for (const auto& [step, tiles, last] : {std::tuple{3, 3, 2}, std::tuple{100, 1, 8}}) {
        const TilePlan plan = build_plan_for(w, fused(step), hw, 1);
        INFO("step_tokens " << step);
        const int o = w.op_index("ssm_add");
        CHECK(plan.op_tiling[o].tiles == tiles);
        const Tile* final_tile = nullptr;
        for (const Tile& t : plan.tiles)
            if (t.op == o) final_tile = &t;
        REQUIRE(final_tile);
        CHECK(final_tile->steps == last);
        // Its h chunk is one step: D·N·4 = 256 B.
        CHECK(plan.stepped.at(final_tile->out_chunk));
        CHECK(plan.chunks[final_tile->out_chunk].bytes == kD * kN * 4);
    }
}

TEST_CASE("An intermediate read across the tokens of a block keeps the whole block",
          "[token_blocks]") {
    // The scan plus an operator of the group that sums dA over the tokens (l is its reduction:
    // it reads every token of a block at once, so all l steps of dA are alive together). dA's
    // chunks keep l·D·N·4 = 4·16·4·4 = 1,024 B; dB, read token by token, holds one step (256 B).
    const Workload w = scan(true);
    MappingSpec m = fused(4);
    m.groups[0].ops.push_back("dA_sum");
    m.per_op["dA_sum"].tile["l"] = 4;
    const TilePlan plan = build_plan_for(w, m, small_core(), 1);
    for (const auto& [op, stepped, bytes] :
         {std::tuple{"exp", false, 1024}, std::tuple{"mul_delta_B", true, 256}}) {
        INFO(op);
        const int o = w.op_index(op);
        for (const Tile& t : plan.tiles)
            if (t.op == o) {
                CHECK(plan.is_stepped(t.out_chunk) == stepped);
                CHECK(plan.chunks[t.out_chunk].bytes == bytes);
            }
    }
}

TEST_CASE("Under split: d the elementwise operators' tiles fill the SRAM budget",
          "[token_blocks][allocation]") {
    // Mamba-1, D = 64, L = 64, fp32, on 4 cores, automatic tiling to 4,096 B. gate_silu reads z
    // and writes zs, (b, l, d) each: a tile of l × d takes 2·l·d·4 B, the whole operator
    // 2·64·64·4 = 32 KiB, so at least ⌈32 KiB ÷ 4 KiB⌉ = 8 tiles, a multiple of P = 4: 8
    // (d in 4 blocks of 16, l in 2 of 32: 2·32·16·4 = 4,096 B). Before, the tiler halved l to
    // 8 with d whole (2·8·64·4 = 4 KiB), and the split then cut d in 4: 32 tiles of 1 KiB.
    // skip_add reads y and yD and writes ys: 3·l·16·4 ≤ 4,096 gives l = 16 (halvings of 64),
    // 4 × 4 = 16 tiles of 3 KiB.
    MambaParams p;
    p.d_model = 32;
    p.d_inner = 64;
    p.d_state = 4;
    p.dt_rank = 2;
    p.layers = 1;
    const Workload w = build_mamba1(p, Stage::Prefill, 1, 64, Precision{"fp32", 4});
    MappingSpec m;
    m.allocation = "split";
    m.allocation_dim = "d";
    m.fit_bytes = 4096;
    HardwareSpec hw = small_core();
    hw.cores = 4;
    const TilePlan plan = build_plan_for(w, m, hw, 1);
    CHECK(plan.op_tiling[w.op_index("gate_silu")].tiles == 8);
    CHECK(plan.op_tiling[w.op_index("skip_add")].tiles == 16);
    // Every tile of them still fits the budget, and every core gets its share.
    for (const char* op : {"gate_silu", "skip_add"}) {
        const OpTiling& t = plan.op_tiling[w.op_index(op)];
        int64_t elements = 1;
        for (int64_t e : t.extent) elements *= e;
        CHECK(elements * 4 * (std::string(op) == "skip_add" ? 3 : 2) <= 4096);
        CHECK(t.count[w.ops[w.op_index(op)].dim_index("d")] % 4 == 0);
    }
}

TEST_CASE("mapping.step_tokens from the command line, and its errors", "[token_blocks][cli]") {
    TempDir d("token-blocks");
    const CliResult ok =
        run_cli({"run", "configs/experiments/marca-32core-mesh.yaml", "-q", "-o", d.path(), "--set",
                 "workload.seq_len=64", "--set", "mapping.step_tokens=16", "--set",
                 "simulation.vcd=false", "--set", "simulation.timeline=false"});
    INFO(ok.err);
    REQUIRE(ok.exit_code == 0);
    // 64 tokens in blocks of 16, 32 channel blocks: 4 × 32 = 128 tiles per fused operator.
    const std::string summary = read_file(d.file("summary.txt"));
    CHECK_THAT(summary, Catch::Contains("ssm_add      state_update  "));
    // The row's fourth column is its tile count (no std::regex over the whole summary: libstdc++'s
    // recursive matcher overflows the stack on a text this long).
    const size_t row = summary.find("\nssm_add ");
    REQUIRE(row != std::string::npos);
    std::istringstream fields(summary.substr(row + 1, summary.find('\n', row + 1) - row - 1));
    std::string name, type, group, tiles;
    fields >> name >> type >> group >> tiles;
    CHECK(tiles == "128");
    const CliResult bad = run_cli({"run", "configs/experiments/marca-32core-mesh.yaml", "-q", "-o",
                                   d.path(), "--set", "mapping.step_tokens=0"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("mapping.step_tokens"));
}
