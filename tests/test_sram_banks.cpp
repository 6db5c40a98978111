// The banked SRAM model (hw/cost/sram_banks.hpp): accesses per bank of strided operands counted
// in closed form, the slice geometry the plan records, the SRAM bank stall of a simulated tile,
// and the `core.sram_bank_width` / `core.sram_ports` keys.
#include "hw/cost/sram_banks.hpp"
#include "run_cli.hpp"
#include "sim/analytic/plan_analytic.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/schema.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "workloads/graph/workload.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <array>
#include <string>

using namespace fusesim;
using Catch::Matchers::Contains;

namespace {

std::vector<int64_t> accesses(const BankGeometry& g, const StridedAccess& a) {
    std::vector<int64_t> per(static_cast<size_t>(g.banks), 0);
    add_bank_accesses(g, a, per);
    return per;
}

} // namespace

TEST_CASE("A contiguous operand of n words spreads over the banks: ceil(n / N) on the busiest",
          "[sram_banks]") {
    // 8 banks of 4 B; 400 B from address 0 = words 0..99, word w on bank w mod 8:
    // 100 = 12·8 + 4, so banks 0–3 get 13 accesses and banks 4–7 get 12; ceil(100 / 8) = 13.
    const BankGeometry g{8, 4, 1};
    const auto per = accesses(g, {0, 400, 400, 1});
    CHECK(per == std::vector<int64_t>{13, 13, 13, 13, 12, 12, 12, 12});
    const BankTime t = bank_time(g, per);
    CHECK(t.accesses == 100);
    CHECK(t.cycles == 13);
    CHECK(t.conflict_free == 13); // no conflict: the busiest bank is the average rounded up
    // A run that does not start on a word boundary touches every word it overlaps: 6 B from
    // byte 2 are bytes 2..7, words 0 and 1, banks 0 and 1.
    CHECK(accesses(g, {2, 6, 6, 1}) == std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0, 0});
    // From byte 28 (word 7, bank 7): 12 B are words 7, 8, 9 on banks 7, 0, 1 (wrapping).
    CHECK(accesses(g, {28, 12, 12, 1}) == std::vector<int64_t>{1, 1, 0, 0, 0, 0, 0, 1});
}

TEST_CASE("A column read (stride a multiple of N x width) lands on one bank: N times slower",
          "[sram_banks]") {
    // 8 banks of 4 B; 32 runs of one word, 64 B apart (= 2 · 8 · 4): every run starts at an
    // address ≡ 0 mod 32, all on bank 0. SRAM time = 32 accesses ÷ 1 port = 32 cycles; the
    // conflict-free time is ceil(32 / 8) = 4: 8× (N×) slower.
    const BankGeometry g{8, 4, 1};
    const auto per = accesses(g, {0, 4, 64, 32});
    CHECK(per == std::vector<int64_t>{32, 0, 0, 0, 0, 0, 0, 0});
    const BankTime t = bank_time(g, per);
    CHECK(t.cycles == 32);
    CHECK(t.conflict_free == 4);
    CHECK(t.cycles == 8 * t.conflict_free);
    // Column 3 of the same array (base 12 B = word 3): all on bank 3.
    CHECK(accesses(g, {12, 4, 64, 32})[3] == 32);
}

TEST_CASE("A stride co-prime with N spreads the runs over all banks: no conflict", "[sram_banks]") {
    // Stride 3 words (12 B) over 8 banks: run i on bank 3i mod 8, which visits all 8 banks every
    // 8 runs (gcd(3, 8) = 1); 32 runs: 4 per bank, time 4 = the conflict-free time.
    const BankGeometry g{8, 4, 1};
    const auto per = accesses(g, {0, 4, 12, 32});
    CHECK(per == std::vector<int64_t>(8, 4));
    CHECK(bank_time(g, per).cycles == 4);
    CHECK(bank_time(g, per).conflict_free == 4);
    // Stride 2 words (gcd 2): the runs use banks 0, 2, 4, 6 only, 8 each: 2× the free time.
    const auto even = accesses(g, {0, 4, 8, 32});
    CHECK(even == std::vector<int64_t>{8, 0, 8, 0, 8, 0, 8, 0});
    CHECK(bank_time(g, even).cycles == 8);
}

TEST_CASE("Two ports per bank halve the SRAM time", "[sram_banks]") {
    // The column read above: 32 accesses on bank 0 at 2 per cycle = 16 cycles (32 with one
    // port); the contiguous 100 words: ceil(13 / 2) = 7 cycles, conflict-free ceil(100 / 16) = 7.
    const BankGeometry two{8, 4, 2};
    CHECK(bank_time(two, accesses(two, {0, 4, 64, 32})).cycles == 16);
    const BankTime c = bank_time(two, accesses(two, {0, 400, 400, 1}));
    CHECK(c.cycles == 7);
    CHECK(c.conflict_free == 7);
}

TEST_CASE("Bank counts of very many runs are closed-form (one period visited)", "[sram_banks]") {
    // 10¹² runs of one word with stride 3 words on 8 banks: the start banks repeat every 8 runs,
    // so each bank gets 10¹² ÷ 8 = 1.25·10¹¹ accesses — counted without visiting the runs.
    const BankGeometry g{8, 4, 1};
    const int64_t runs = 1000000000000;
    CHECK(accesses(g, {0, 4, 12, runs}) == std::vector<int64_t>(8, runs / 8));
    // One run of 2^40 words: 2^37 per bank.
    CHECK(accesses(g, {0, int64_t{4} << 40, int64_t{4} << 40, 1}) ==
          std::vector<int64_t>(8, int64_t{1} << 37));
    // Stride 5 B (not a multiple of the width) with 1-byte runs: addresses 5i mod 32 repeat
    // every 32 runs, each of the 32 bytes of a 32-B period once, so each bank (4 B) 4 times per
    // period; 3200 runs = 100 periods: 400 per bank.
    CHECK(accesses(g, {0, 1, 5, 3200}) == std::vector<int64_t>(8, 400));
}

namespace {

// x → p: y[l,d] = x·z → c: q[l,d] = exp(y) on 64×64 fp32, fused (y stays on chip); c tiled
// d = 1, so each of its 64 tiles reads one column of y's single chunk.
Workload column_workload() {
    Workload w;
    w.name = "banks";
    WorkloadBuilder b(w);
    b.dim("l", 64);
    b.dim("d", 64);
    b.declare("x", TensorRole::Input);
    b.declare("z", TensorRole::Input);
    b.add("p", "y[l,d] = x[l,d] * z[l,d]", "test", "");
    b.add("c", "q[l,d] = exp(y[l,d])", "test", "");
    w.finalize();
    return w;
}

MappingSpec column_mapping() {
    MappingSpec m;
    m.per_op["c"].tile["d"] = 1;
    m.groups.push_back({{"p", "c"}, true});
    return m;
}

// One core of 128×64 PEs (exp CPO 4), 1 MiB SRAM of 16 banks of 4 B with one port, DRAM
// 10⁶ B/cycle without latency (its transfers take a cycle).
HardwareSpec banked() {
    HardwareSpec hw = default_cpo_table({});
    hw.name = "banks";
    hw.core.pe_rows = 128;
    hw.core.pe_cols = 64;
    hw.core.sram_bytes = 1 << 20;
    hw.core.sram_banks = 16;
    hw.core.sram_bank_width = 4;
    hw.core.sram_ports = 1;
    hw.core.sram_bytes_per_cycle = 4;
    hw.dram.bytes_per_cycle = 1e6;
    hw.cpo[static_cast<int>(OpKind::Exp)] = 4;
    return hw;
}

double num(const std::map<std::string, std::string>& r, const std::string& k) {
    INFO(k << (r.count("error") ? " error: " + r.at("error") : ""));
    REQUIRE(r.count(k));
    return std::stod(r.at(k));
}

} // namespace

TEST_CASE("The plan records where a tile's slice lies in its chunk", "[sram_banks]") {
    // c's tile j reads column j of y's one 64×64 fp32 chunk (row-major, 256 B per row): runs of
    // 4 B, 256 B apart, starting 4j B in; p's reads of x and z are whole chunks (geometry 0).
    const Workload w = column_workload();
    const HardwareSpec hw = banked();
    const TilePlan plan = build_plan_for(w, column_mapping(), hw, 1);
    int seen = 0;
    for (const Tile& t : plan.tiles) {
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
            const InputRef& ref = plan.inputs[r];
            if (w.ops[t.op].name == "p") {
                CHECK(ref.geometry == 0);
                continue;
            }
            const SliceGeometry& g = plan.geometries.at(ref.geometry);
            CHECK(ref.bytes == 256);
            CHECK(g.run == 4);
            CHECK(g.stride == 256);
            CHECK(g.offset == 4 * t.grid_index);
            ++seen;
        }
    }
    CHECK(seen == 64);
}

TEST_CASE("A tile bound by its SRAM banks takes the bank time and reports the stall",
          "[sram_banks]") {
    // p (1 tile): reads x and z (16 KiB each, from bank 0: 4096 words, 256 per bank) and writes
    // y (the same): 768 accesses on every bank → 768 cycles, against 1 compute cycle (64×64
    // fills the 128×64 array in one step). Stall 767, all of it bandwidth (conflict-free time
    // 12288 ÷ 16 = 768): no conflict.
    // c (64 tiles): tile j reads column j of y, 64 words 64 words apart (≡ 0 mod 16 banks), all
    // on bank j mod 16: 64 accesses; its output column (256 B from bank 0) puts 4 on every bank.
    // Busiest bank 68 → 68 cycles against 1 step × CPO 4 = 4 compute cycles. Stall 64; the
    // conflict-free time is 128 ÷ 16 = 8, so 8 − 4 = 4 of the stall is bandwidth and 60 is
    // bank conflicts. compute.c = 64 × 68 = 4352.
    // Totals: stall 767 + 64 · 64 = 4863, conflicts 64 · 60 = 3840.
    // Run: x and z arrive after 1 cycle, p computes 768, the c tiles 4352 back to back, the
    // last q column reaches DRAM 1 cycle later: 1 + 768 + 4352 + 1 = 5122 cycles.
    const Workload w = column_workload();
    const HardwareSpec hw = banked();
    const MappingSpec m = column_mapping();
    auto r = test::in_child([&](std::map<std::string, std::string>& out) {
        const TilePlan plan = build_plan_for(w, m, hw, 1);
        SimOptions o;
        o.timeline = false;
        const TimingResult t = simulate(w, hw, plan, o);
        out["cycles"] = std::to_string(t.cycles);
        out["stall"] = std::to_string(t.sram_bank_stall_cycles);
        out["conflict"] = std::to_string(t.sram_bank_conflict_cycles);
        out["core_stall"] = std::to_string(t.core_sram_stall.at(0));
        out["group_stall"] = std::to_string(t.groups.at(0).stall_sram_bank);
        for (size_t o2 = 0; o2 < w.ops.size(); ++o2) {
            out["compute." + w.ops[o2].name] = std::to_string(t.ops[o2].compute_cycles);
            out["stall." + w.ops[o2].name] = std::to_string(t.ops[o2].sram_stall_cycles);
            out["conflict." + w.ops[o2].name] = std::to_string(t.ops[o2].sram_conflict_cycles);
        }
        // The analytical model costs the tiles with the same function, without the bank stall
        // (the aggregated view: SRAM never stalls the array; validate names the banks' part).
        uint64_t est = 0;
        for (const auto& g : estimate_groups(w, hw, plan, true)) est += g.compute_cycles;
        out["analytic_compute"] = std::to_string(est);
    });
    CHECK(num(r, "compute.p") == 768);
    CHECK(num(r, "compute.c") == 4352);
    CHECK(num(r, "stall.p") == 767);
    CHECK(num(r, "conflict.p") == 0);
    CHECK(num(r, "stall.c") == 4096);
    CHECK(num(r, "conflict.c") == 3840);
    CHECK(num(r, "stall") == 4863);
    CHECK(num(r, "conflict") == 3840);
    CHECK(num(r, "core_stall") == 4863);
    CHECK(num(r, "group_stall") == 4863);
    CHECK(num(r, "analytic_compute") == 768 + 4352 - 4863); // the array's 1 + 256 cycles
    CHECK(num(r, "cycles") == 5122);
}

TEST_CASE("Without core.sram_bank_width the bandwidth bound is today's", "[sram_banks]") {
    // sram_bandwidth 4 B/cycle per bank, 16 banks, no bank model: c's tile moves 256 + 256 B
    // over 64 B/cycle = 8 cycles (the column costs no more than a row), p's 48 KiB 768 cycles.
    const Workload w = column_workload();
    HardwareSpec hw = banked();
    hw.core.sram_bank_width = 0;
    const TilePlan plan = build_plan_for(w, column_mapping(), hw, 1);
    TileCoster cost(w, hw, plan);
    for (const Tile& t : plan.tiles) {
        const TileCost c = cost(t);
        CHECK(c.cycles == (w.ops[t.op].name == "p" ? 768u : 8u));
        CHECK(c.cycles == tile_compute_cycles(w, hw, plan, t));
        CHECK(c.sram_stall == 0);
    }
}

namespace {

const char* kHardware = R"(name: banks
clock: 1GHz
cores: 1
core:
  pe_rows: 16
  pe_cols: 16
  sram: 1MiB
  sram_banks: 16
dram:
  bandwidth: 256B/cycle
)";

std::string error_of(const std::string& core_lines) {
    std::string text = kHardware;
    text.insert(text.find("dram:"), core_lines);
    try {
        read_hardware(parse_yaml_text(text, "hw.yaml"));
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("The bank keys are read, derived and checked with file, line and key",
          "[sram_banks][config]") {
    const HardwareSpec hw = read_hardware(
        parse_yaml_text(std::string(kHardware).insert(std::string(kHardware).find("dram:"),
                                                      "  sram_bank_width: 64B\n  sram_ports: 2\n"),
                        "hw.yaml"));
    CHECK(hw.core.sram_bank_width == 64);
    CHECK(hw.core.sram_ports == 2);
    CHECK(hw.core.sram_bytes_per_cycle == 128.0); // per bank: width × ports
    CHECK(error_of("  sram_bank_width: 64B\n  sram_bandwidth: 128B/cycle\n  sram_ports: 2\n")
              .empty());
    // kHardware has 8 lines before `dram:`: the first inserted line is line 9.
    CHECK_THAT(error_of("  sram_ports: 2\n"), Contains("hw.yaml:9:") &&
                                                  Contains("hardware.core.sram_ports") &&
                                                  Contains("sram_bank_width"));
    CHECK_THAT(error_of("  sram_bank_width: 64B\n  sram_bandwidth: 100B/cycle\n"),
               Contains("hw.yaml:10:") && Contains("hardware.core.sram_bandwidth") &&
                   Contains("64"));
    // `unlimited` (the declared default, written out by the config hash) leaves it derived.
    CHECK(error_of("  sram_bank_width: 64B\n  sram_bandwidth: unlimited\n").empty());
    CHECK_THAT(error_of("  sram_bank_width: 8KiB\n"),
               Contains("hw.yaml:9:") && Contains("hardware.core.sram_bank_width"));
    CHECK_THAT(error_of("  sram_bank_width: 64B\n  sram_ports: 0\n"),
               Contains("hw.yaml:10:") && Contains("hardware.core.sram_ports"));
}

TEST_CASE("report.json and validate give the SRAM bank stall, and its parts add up",
          "[sram_banks][cli]") {
    // Mamba-2 Fuse-All at L = 256, one layer scaled to 64, on MARCA with 16 banks of 64 B: the
    // total is the cores' sum scaled by 64 layers (one core: exactly 64 ×), the operators' figures
    // add up to it (each scaled and rounded down: at most one cycle short per operator), the
    // conflicts are part of the stall, and validate names the banks for the same stall.
    test::TempDir d("sram-banks");
    const std::vector<std::string> banks = {"--set", "workload.seq_len=256",
                                            "--set", "hardware.core.sram_banks=16",
                                            "--set", "hardware.core.sram_bank_width=64B",
                                            "--set", "hardware.core.sram_bandwidth=64B/cycle"};
    std::vector<std::string> run = {"run", "configs/experiments/mamba2-fuse-all.yaml", "-q", "-o",
                                    d.file("run")};
    run.insert(run.end(), banks.begin(), banks.end());
    const auto r = test::run_cli(run);
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(test::read_file(d.file("run/report.json")));
    const uint64_t stall = j["sram_banks"]["stall_cycles"],
                   conflict = j["sram_banks"]["conflict_cycles"];
    REQUIRE(j["cores"].size() == 1);
    const uint64_t core = j["cores"][0]["sram_bank_stall_cycles"];
    CHECK(core > 0);
    CHECK(stall == 64 * core);
    CHECK(conflict <= stall);
    uint64_t ops = 0;
    size_t n = 0;
    for (const auto& op : j["operators"]) {
        const uint64_t s = op["sram_bank_stall_cycles"];
        CHECK(s <= static_cast<uint64_t>(op["compute_cycles"]));
        ops += s;
        ++n;
    }
    CHECK(ops <= stall);
    CHECK(ops + n >= stall);
    // The same run without the bank model has no bank stall and is faster.
    const auto plain = test::run_cli({"run", "configs/experiments/mamba2-fuse-all.yaml", "-q", "-o",
                                      d.file("plain"), "--set", "workload.seq_len=256"});
    REQUIRE(plain.exit_code == 0);
    const auto p = nlohmann::json::parse(test::read_file(d.file("plain/report.json")));
    CHECK(p["sram_banks"]["stall_cycles"] == 0);
    CHECK(static_cast<uint64_t>(p["latency"]["cycles"]) <
          static_cast<uint64_t>(j["latency"]["cycles"]));
    std::vector<std::string> val = {"validate", "configs/experiments/mamba2-fuse-all.yaml", "-o",
                                    d.file("validate")};
    val.insert(val.end(), banks.begin(), banks.end());
    const auto v = test::run_cli(val);
    REQUIRE(v.exit_code == 0);
    CHECK_THAT(v.out, Contains("SRAM banks: "));
    const auto vj = nlohmann::json::parse(test::read_file(d.file("validate/validate.json")));
    uint64_t groups = 0;
    for (const auto& g : vj["groups"]) groups += static_cast<uint64_t>(g["stall_sram_bank_cycles"]);
    CHECK(groups == core); // validate simulates the one layer: the core's stall, by group
}
