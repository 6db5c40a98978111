// The Mamba-1 state update in place (the default) against split (`state_update: split`): the
// grouping rule that keeps hd = dA ⊙ h on chip, its DRAM bytes by hand, and its config errors.
#include "run_cli.hpp"
#include "sim/analytic/plan_analytic.hpp"
#include "sim/cli/auto_fusion.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;
using namespace fusesim::test;

namespace {

const Precision kFp32{"fp32", 4};

// A small Mamba-1: D = 32, N = 4, R = 2.
MambaParams small_mamba(bool split) {
    MambaParams p;
    p.d_model = 16;
    p.d_inner = 32;
    p.d_state = 4;
    p.dt_rank = 2;
    p.layers = 1;
    p.split_state_update = split;
    return p;
}

// One core of 16×16 PEs, 1 MiB of SRAM (everything fits), 64 B/cycle.
HardwareSpec small_core() {
    HardwareSpec hw = default_cpo_table({});
    hw.core.pe_rows = 16;
    hw.core.pe_cols = 16;
    hw.core.sram_bytes = 1 << 20;
    hw.dram.bytes_per_cycle = 64;
    hw.dram.latency_cycles = 10;
    return hw;
}

MappingSpec tokens_of_one() {
    MappingSpec m;
    m.default_rule.tile["l"] = 1;
    return m;
}

int group_of(const Workload& w, const TilePlan& plan, const char* op) {
    return plan.group_of_op[w.op_index(op)];
}

int64_t num(const std::map<std::string, std::string>& r, const std::string& key) {
    auto it = r.find("error");
    if (it != r.end()) FAIL("simulation failed: " << it->second);
    return std::stoll(r.at(key));
}

} // namespace

TEST_CASE("Unfused small Mamba: the state update moves its DRAM bytes by hand under both "
          "variants",
          "[state_update][timing]") {
    // L = 8 tokens, D = 32, N = 4, fp32: a D×N tensor of one token is 32·4·4 = 512 B. Unfused,
    // the recurrence group (ssm_decay, ssm_add, ssm_out) spills every tensor but hd in place:
    //   reads per token: dA 512, h(t−1) 512 (none at t = 0: h starts at zero), dBx 512, h(t)
    //   for ssm_out 512, C 4·4 = 16  →  8·2064 − 512 = 16,000 B;
    //   writes per token: h 512, y 32·4 = 128  →  8·640 = 5,120 B.
    // Split adds hd written by ssm_decay and read back by ssm_add: 512 B each way per token,
    // 8·512 = 4,096 B more read and as much more written (2·D·N·4 bytes per token in all).
    const int64_t L = 8, DN = 32 * 4 * 4;
    const HardwareSpec hw = small_core();
    std::map<bool, std::map<std::string, std::string>> sim;
    for (bool split : {false, true}) {
        INFO("split " << split);
        const Workload w = build_mamba1(small_mamba(split), Stage::Prefill, 1, L, kFp32);
        const TilePlan plan = build_plan_for(w, tokens_of_one(), hw, 1);
        const int rec = group_of(w, plan, "ssm_add");
        REQUIRE(plan.groups[rec].name == "recurrence:ssm_decay+ssm_add+ssm_out");
        CHECK_FALSE(plan.groups[rec].on_chip);
        const GroupEstimate g = estimate_groups(w, hw, plan)[rec];
        CHECK(g.read_bytes == L * (4 * DN + 16) - DN + (split ? L * DN : 0));
        CHECK(g.write_bytes == L * (DN + 128) + (split ? L * DN : 0));
        sim[split] = simulate_in_child(w, hw, tokens_of_one());
    }
    // The timing model moves exactly those bytes more; everything else is the same plan.
    CHECK(num(sim[true], "dram_read") - num(sim[false], "dram_read") == L * DN);
    CHECK(num(sim[true], "dram_write") - num(sim[false], "dram_write") == L * DN);
    // 2·4,096 B at 64 B/cycle: 128 cycles the memory-bound split run takes longer at most.
    const int64_t extra = num(sim[true], "cycles") - num(sim[false], "cycles");
    CHECK(extra > 0);
    CHECK(extra <= 2 * L * DN / 64);
}

TEST_CASE("ssm_decay and ssm_add share a group in every preset and auto candidate, prefill and "
          "decode",
          "[state_update][fusion]") {
    const HardwareSpec hw = small_core();
    for (Stage stage : {Stage::Prefill, Stage::Decode}) {
        const Workload w = build_mamba1(small_mamba(false), stage, 1, 8, kFp32);
        for (const auto& preset : fusion_preset_names()) {
            MappingSpec m = tokens_of_one();
            if (preset != "unfused") apply_fusion_preset(preset, w, m, hw.core.sram_bytes);
            std::vector<std::string> taken;
            for (const auto& g : m.groups) taken.insert(taken.end(), g.ops.begin(), g.ops.end());
            MappingSpec chains = m;
            for (const auto& g : elementwise_chains(w, taken)) chains.groups.push_back(g);
            for (const MappingSpec* spec : {&m, &chains}) {
                INFO(to_string(stage) << " " << preset);
                const TilePlan plan = build_plan_for(w, *spec, hw, 1);
                CHECK(group_of(w, plan, "ssm_decay") == group_of(w, plan, "ssm_add"));
                // Each hd chunk is read on chip by ssm_add, so never written back.
                for (const Chunk& c : plan.chunks)
                    if (c.tensor == w.tensor_index("hd")) CHECK_FALSE(c.writeback);
            }
        }
        // Decode has no recurrence: unfused, the pair is a group of its own that spills the rest.
        if (stage == Stage::Decode) {
            const TilePlan plan = build_plan_for(w, tokens_of_one(), hw, 1);
            const GroupInfo& g = plan.groups[group_of(w, plan, "ssm_add")];
            CHECK(g.name == "in-place:ssm_decay+ssm_add");
            CHECK_FALSE(g.on_chip);
        }
    }
    // Split, unfused decode: two groups, hd written back.
    const Workload s = build_mamba1(small_mamba(true), Stage::Decode, 1, 8, kFp32);
    const TilePlan plan = build_plan_for(s, tokens_of_one(), hw, 1);
    CHECK(group_of(s, plan, "ssm_decay") != group_of(s, plan, "ssm_add"));
}

TEST_CASE("A mapping that separates ssm_decay from ssm_add is refused", "[state_update][fusion]") {
    const Workload w = build_mamba1(small_mamba(false), Stage::Prefill, 1, 8, kFp32);
    MappingSpec m = tokens_of_one();
    m.groups.push_back({{"mul_delta_A", "exp", "ssm_decay"}, true});
    CHECK_THROWS_WITH(build_plan_for(w, m, small_core(), 1),
                      Catch::Contains("holds ssm_decay but not ssm_add") &&
                          Catch::Contains("state_update: split"));
    // Split, the same groups are allowed.
    const Workload s = build_mamba1(small_mamba(true), Stage::Prefill, 1, 8, kFp32);
    CHECK_NOTHROW(build_plan_for(s, m, small_core(), 1));
}

TEST_CASE("A fusion list in YAML that separates the in-place pair is an error at its line",
          "[state_update][config]") {
    TempDir d("inplace-yaml");
    const std::string exp = d.file("e.yaml");
    const std::string body =
        "name: pair\nhardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
        "\nworkload: " + repo_path("configs/workloads/mamba-130m.yaml") +
        "\nset: {workload.seq_len: 4, simulation.layers: one}\n"
        "mapping:\n  fusion:\n    - [mul_delta_B, mul_dBx]\n"
        "    - [ssm_add, ssm_out]\n";
    write_file(exp, body);
    const CliResult r = run_cli({"run", exp, "-q", "-o", d.file("out")});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("e.yaml:8:") && Catch::Contains("mapping.fusion[1]") &&
                          Catch::Contains("holds ssm_add but not ssm_decay"));
    // With the state update split, the same list runs.
    const CliResult s =
        run_cli({"run", exp, "-q", "-o", d.file("out2"), "--set", "workload.state_update=split",
                 "--set", "simulation.vcd=false", "--set", "simulation.timeline=false"});
    CHECK(s.exit_code == 0);
    // An unknown value names the choices.
    const CliResult bad =
        run_cli({"run", exp, "-q", "-o", d.file("out3"), "--set", "workload.state_update=inplace"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("state_update") && Catch::Contains("in_place"));
}
