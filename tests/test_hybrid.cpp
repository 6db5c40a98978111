// Hybrid models (model: hybrid): the layer sequence of a pattern, the operator counts of a hybrid
// against its Mamba-1 and OPT layers by hand, the Mamba presets applied per Mamba layer, and, run
// through the command line, DRAM bytes and latency of a small hybrid against its layers run
// alone, `simulation.layers: one` against `all`, fusion: auto, and the config errors.
#include "tests/run_cli.hpp"
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace fusesim;
using namespace fusesim::test;
using Catch::Contains;

namespace {

const Precision kFp32{"fp32", 4};
constexpr LayerKind M = LayerKind::Mamba;
constexpr LayerKind A = LayerKind::Attention;
constexpr LayerKind M2 = LayerKind::Mamba2;

// The small hybrid of the tests: d_model 64, Mamba D = 128, N = 4, R = 4, K = 4; attention 4
// heads of 16, FFN 128.
HybridParams small(std::vector<LayerKind> pattern, int64_t layers) {
    HybridParams p;
    p.mamba.d_model = 64;
    p.mamba.d_inner = 128;
    p.mamba.d_state = 4;
    p.mamba.dt_rank = 4;
    p.mamba.d_conv = 4;
    p.attention.d_model = 64;
    p.attention.heads = 4;
    p.attention.head_dim = 16;
    p.attention.ffn = 128;
    // Mamba-2: D = 128 in 8 heads of P = 16, N = 4, one group, chunks of 8 tokens.
    p.mamba2.d_model = 64;
    p.mamba2.d_inner = 128;
    p.mamba2.d_state = 4;
    p.mamba2.head_dim = 16;
    p.mamba2.n_groups = 1;
    p.mamba2.chunk_size = 8;
    p.pattern = std::move(pattern);
    p.layers = layers;
    return p;
}

int64_t total_ops(const Workload& w) {
    int64_t n = 0;
    for (const auto& op : w.ops) n += op.ops();
    return n;
}

// The number after `"key": ` in the first object named by `section` of report.json.
double json_number(const std::string& text, const std::string& section, const std::string& key) {
    const size_t at = text.find("\"" + section + "\"");
    REQUIRE(at != std::string::npos);
    const size_t k = text.find("\"" + key + "\"", at);
    REQUIRE(k != std::string::npos);
    return std::stod(text.substr(text.find(':', k) + 1));
}

const char* const kSizes = "d_model: 64\nstage: prefill\nbatch: 1\nseq_len: 32\nprecision: fp32\n";
// The Mamba keys (an OPT workload has none).
const char* const kMamba = "d_state: 4\ndt_rank: 4\n";

struct Figures {
    double cycles = 0, read = 0, write = 0, layers = 0;
};

// Runs `workload` (YAML text) unfused on the MARCA model with automatic tiles.
Figures run_workload(const TempDir& dir, const std::string& label, const std::string& workload,
                     const std::string& layers_mode, const std::string& fusion = "unfused") {
    write_file(dir.file(label + ".yaml"), workload);
    write_file(dir.file(label + "-x.yaml"),
               "hardware: " + repo_path("configs/hardware/marca-aggregated.yaml") + "\nworkload: " +
                   label + ".yaml\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") +
                   "\nset:\n  mapping.fusion: " + fusion +
                   "\nsimulation:\n  layers: " + layers_mode + "\n");
    const CliResult r =
        run_cli({"run", dir.file(label + "-x.yaml"), "-q", "-o", dir.file(label + "-out")});
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string j = read_file(dir.file(label + "-out/report.json"));
    return {json_number(j, "latency", "cycles"), json_number(j, "dram", "read_bytes"),
            json_number(j, "dram", "write_bytes"), json_number(j, "model_layers", "model_layers")};
}

} // namespace

TEST_CASE("hybrid: a pattern repeated to the depth gives the layer sequence", "[hybrid]") {
    // Jamba-style: 32 layers in periods of 8 with attention at offset 4: layers 4, 12, 20, 28 are
    // attention (4 = 32 / 8), the other 28 Mamba.
    const HybridParams jamba = small({M, M, M, M, A, M, M, M}, 32);
    const auto seq = hybrid_sequence(jamba);
    REQUIRE(seq.size() == 32);
    for (size_t i = 0; i < seq.size(); ++i) CHECK((seq[i] == A) == (i % 8 == 4));
    CHECK(hybrid_counts(jamba) == std::make_pair<int64_t, int64_t>(28, 4));
    // Zamba-style 1:5 ([M×5, A]) over 12 layers: 2 periods, 10 Mamba and 2 attention layers.
    CHECK(hybrid_counts(small({M, M, M, M, M, A}, 12)) == std::make_pair<int64_t, int64_t>(10, 2));
    // The graph holds one period, chained; Workload::layers counts periods (32 / 8 = 4).
    const Workload w = build_hybrid(jamba, Stage::Prefill, 1, 32, kFp32);
    CHECK(w.layers == 4);
    CHECK(w.model == "hybrid");
    CHECK(w.op_index("l4_scores") >= 0);  // the attention layer of the period
    CHECK(w.op_index("l3_scores") < 0);   // a Mamba layer has no attention
    CHECK(w.op_index("l7_ssm_out") >= 0); // the last Mamba layer
    CHECK(w.op_index("l8_ssm_out") < 0);  // one period only
    // Layer 1 reads layer 0's output (no second model input); the period hands on l7's output.
    CHECK(w.tensor_index("l1_u") < 0);
    CHECK(w.ops[w.op_index("l1_norm_sq")].inputs[0].tensor == w.tensor_index("l0_out"));
    CHECK(w.layer_input == w.tensor_index("l0_u"));
    CHECK(w.layer_output == w.tensor_index("l7_out"));
}

TEST_CASE("hybrid: ops are the sum over kinds of count × the layer's ops", "[hybrid]") {
    const int64_t L = 32, m = 64, D = 128, N = 4, R = 4, K = 4, H = 4, F = 128;
    // Mamba-1 block by hand: norm 2·L·m + L; in_proj L·2D·m; conv L·D·K; conv bias, SiLU, dt bias,
    // softplus, skip mul/add, gate SiLU/mul 8·L·D; x_proj L·(R+2N)·D; dt_proj L·D·R; the state
    // update's 7 operators 7·L·D·N; out_proj L·D·m; residual L·m.
    const int64_t mamba = L * (3 * m + 1 + 3 * D * m + D * K + 8 * D + (2 * R + 2 * N) * D +
                               7 * D * N); // = 32 · 31937 = 1 021 984
    CHECK(mamba == 1021984);
    // OPT layer by hand: two LayerNorms 2·(4·L·m + L); q, k, v, o projections 4·L·m²; scores and
    // context 2·L²·m; softmax H·L²; two residuals 2·L·m; fc1, fc2 2·L·m·F; ReLU L·F.
    const int64_t attention = 8 * L * m + 2 * L + 4 * L * m * m + 2 * L * L * m + H * L * L +
                              2 * L * m + 2 * L * m * F + L * F; // = 1 208 384
    CHECK(attention == 1208384);
    const HybridParams p = small({M, M, M, A}, 8); // 2 periods: 6 Mamba + 2 attention layers
    CHECK(total_ops(build_mamba1(p.mamba, Stage::Prefill, 1, L, kFp32)) == mamba);
    CHECK(total_ops(build_opt(p.attention, Stage::Prefill, 1, L, kFp32)) == attention);
    const Workload w = build_hybrid(p, Stage::Prefill, 1, L, kFp32);
    // One period: 3 Mamba + 1 attention; the model: × 2 periods = 6 × mamba + 2 × attention.
    CHECK(total_ops(w) == 3 * mamba + attention);
    CHECK(total_ops(w) * w.layers == 6 * mamba + 2 * attention); // 8 548 672
}

TEST_CASE("hybrid: Mamba presets apply to each Mamba layer, attention unfused", "[hybrid]") {
    const Workload w = build_hybrid(small({M, A, M}, 3), Stage::Prefill, 1, 32, kFp32);
    CHECK(fusion_presets_for(w) == fusion_preset_names());
    MappingSpec m;
    const FusionChoice c = apply_fusion_preset("as-b", w, m, 24 << 20);
    // as-b is two groups per Mamba block ({A, S} and {B}): 2 × 2 Mamba layers (l0, l2).
    REQUIRE(m.groups.size() == 4);
    CHECK(m.groups[0].ops == std::vector<std::string>{"l0_mul_delta_A", "l0_exp", "l0_ssm_decay",
                                                      "l0_ssm_add", "l0_ssm_out"});
    CHECK(m.groups[3].ops == std::vector<std::string>{"l2_mul_delta_B", "l2_mul_dBx"});
    for (const auto& g : m.groups)
        for (const auto& op : g.ops) CHECK(op.rfind("l1_", 0) == std::string::npos);
    CHECK(m.per_op.at("l2_exp").tile.at("l") == 1); // fused operators step one token
    CHECK_THAT(c.note, Contains("each of the 2 Mamba layers"));
    // A pattern without Mamba layers takes only unfused.
    const Workload attn = build_hybrid(small({A}, 2), Stage::Prefill, 1, 32, kFp32);
    CHECK(fusion_presets_for(attn) == std::vector<std::string>{"unfused"});
    MappingSpec none;
    CHECK_THROWS_WITH(apply_fusion_preset("fuse-all", attn, none, 24 << 20),
                      Contains("this hybrid's pattern has none"));
}

TEST_CASE("hybrid: a simulated hybrid's DRAM bytes and cycles are its layers' sum",
          "[hybrid][cli]") {
    TempDir dir("hybrid-sum");
    // Unfused, every operator reads its inputs from DRAM and writes its output there, so the
    // tensor between two layers costs the same bytes whether it is the hybrid's l0_out → l1 or a
    // lone layer's output and a lone layer's input: the period's bytes are exactly the Mamba
    // layer's plus the attention layer's. Tiles are sized per operator alike in both, and the
    // layers meet only through that tensor, so cycles add up too (within 1 %: the next layer's
    // first tile may start as the last one of the layer before drains).
    const std::string sizes = kSizes;
    const Figures mamba =
        run_workload(dir, "m", "name: m\nmodel: mamba1\nlayers: 1\n" + sizes + kMamba, "one");
    const Figures attention = run_workload(
        dir, "a", "name: a\nmodel: opt\nlayers: 1\nheads: 4\nffn: 128\n" + sizes, "one");
    // Two Mamba layers in the period: each has its own token recurrence (its own group).
    const std::string hybrid = "name: h\nmodel: hybrid\nlayers: 6\n"
                               "pattern: [mamba, mamba, attention]\nheads: 4\nffn: 128\n" +
                               sizes + kMamba;
    const Figures one = run_workload(dir, "h1", hybrid, "one");
    // Reports scale to the model: 2 periods of [mamba, mamba, attention].
    CHECK(one.layers == 2);
    CHECK(one.read == 2 * (2 * mamba.read + attention.read));    // 2 × (2 × 808448 + 361728)
    CHECK(one.write == 2 * (2 * mamba.write + attention.write)); // 2 × (2 × 567040 + 164608)
    CHECK(one.read == 3957248);
    CHECK(one.cycles == Approx(2 * (2 * mamba.cycles + attention.cycles)).epsilon(0.01));
    // `all` chains the two periods: the same bytes (the period boundary is a layer boundary like
    // any other), and no slower than one period scaled ×2; overlap at the boundary is at most a
    // few tiles of a period's ~13400 cycles: within 2 %.
    const Figures all = run_workload(dir, "h2", hybrid, "all");
    CHECK(all.read == one.read);
    CHECK(all.write == one.write);
    CHECK(all.cycles <= one.cycles);
    CHECK(all.cycles == Approx(one.cycles).epsilon(0.02));
}

TEST_CASE("hybrid: fused Mamba layers beat unfused, fusion auto runs", "[hybrid][cli]") {
    TempDir dir("hybrid-fused");
    const std::string hybrid = "name: h\nmodel: hybrid\nlayers: 2\npattern: [mamba, attention]\n"
                               "heads: 4\nffn: 128\n" +
                               std::string(kSizes) + kMamba;
    const Figures unfused = run_workload(dir, "u", hybrid, "one");
    const Figures fused = run_workload(dir, "f", hybrid, "one", "fuse-all");
    // Fuse-all keeps the Mamba layer's state-update tensors on chip; each is L·D·N = 32·128·4 =
    // 16384 elements = 65536 B. Unfused, dAp, dA, dB and dBx are each written once and read once
    // (4 × 2 × 65536 = 524288 B); h is written once, read by ssm_out and by ssm_decay for tokens
    // 1..31 (3 × 65536 − D·N·4 = 196608 − 2048 = 194560 B); hd is in place, on chip in both. The
    // attention layer is unfused in both: fuse-all saves exactly 524288 + 194560 = 718848 B.
    CHECK(unfused.read + unfused.write - (fused.read + fused.write) == 718848);
    CHECK(fused.cycles < unfused.cycles);
    // The report says what its layers are: periods of the pattern.
    CHECK_THAT(read_file(dir.file("u-out/report.json")),
               Contains("a layer of this run is one period of the pattern (2 layers: 1 Mamba-1, 0 "
                        "Mamba-2, 1 attention)"));
    const Figures best = run_workload(dir, "auto", hybrid, "one", "auto");
    CHECK(best.cycles <= unfused.cycles);
    CHECK_THAT(read_file(dir.file("auto-out/report.json")), Contains("auto chose"));
}

TEST_CASE("hybrid: pattern mistakes exit 2 naming the key", "[hybrid][cli]") {
    TempDir dir("hybrid-errors");
    auto run = [&](const std::string& label, const std::string& pattern, int layers) {
        write_file(dir.file(label + ".yaml"),
                   "name: h\nmodel: hybrid\nlayers: " + std::to_string(layers) + "\nheads: 4\n" +
                       std::string(kSizes) + kMamba + "pattern: " + pattern + "\n");
        write_file(dir.file(label + "-x.yaml"),
                   "hardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                       "\nworkload: " + label +
                       ".yaml\nmapping: " + repo_path("configs/mappings/mamba-auto.yaml") + "\n");
        return run_cli({"graph", dir.file(label + "-x.yaml")});
    };
    // The pattern is the file's line 12 (after 4 + 7 lines of keys).
    const CliResult unknown = run("unknown", "[mamba, atention]", 2);
    CHECK(unknown.exit_code == 2);
    CHECK_THAT(unknown.err, Contains("unknown.yaml:12") && Contains("workload.pattern[1]") &&
                                Contains("unknown layer kind 'atention'"));
    const CliResult empty = run("empty", "[]", 2);
    CHECK(empty.exit_code == 2);
    CHECK_THAT(empty.err, Contains("empty.yaml:12") && Contains("workload.pattern") &&
                              Contains("the pattern is empty"));
    const CliResult periods = run("periods", "[mamba, mamba, attention]", 4);
    CHECK(periods.exit_code == 2);
    CHECK_THAT(periods.err, Contains("workload.pattern") && Contains("whole number of periods"));
    const CliResult scalar = run("scalar", "mamba", 2);
    CHECK(scalar.exit_code == 2);
    CHECK_THAT(scalar.err, Contains("workload.pattern") && Contains("expected a list"));
    const CliResult ok = run("ok", "[mamba, attention]", 2);
    INFO(ok.err);
    CHECK(ok.exit_code == 0);
}

TEST_CASE("hybrid: the Jamba-style prefill experiment, fused and unfused", "[hybrid][cli]") {
    TempDir dir("hybrid-jamba");
    auto run = [&](const std::string& fusion, const std::string& layers) {
        const std::string out = dir.file(fusion + "-" + layers);
        const CliResult r =
            run_cli({"run", "configs/experiments/hybrid-prefill.yaml", "-q", "--set",
                     "mapping.fusion=" + fusion, "--set", "simulation.layers=" + layers, "--set",
                     "simulation.vcd=false", "-o", out});
        INFO(r.command << "\n" << r.err);
        REQUIRE(r.exit_code == 0);
        return read_file(out + "/report.json");
    };
    const std::string fused = run("fuse-all", "one");
    const std::string unfused = run("unfused", "one");
    const double fused_cycles = json_number(fused, "latency", "cycles");
    const double unfused_cycles = json_number(unfused, "latency", "cycles");
    // A lower bound by hand: the projections' MACs on 8192 PEs at one MAC per PE-cycle. L = 2048,
    // m = 4096, D = 8192, R = 256, N = 16: a Mamba layer L·(2D·m + (R+2N)·D + D·R + D·m) =
    // 215 285 235 712, the attention layer (F = 14336) L·(4m² + 2m·F) = 377 957 122 048; a
    // period 7 × the first + the second = 1 884 953 772 032, the model 4 periods: 920 387 584
    // cycles at least.
    const double bound = 4.0 * (7.0 * 215285235712.0 + 377957122048.0) / 8192.0;
    CHECK(bound == Approx(920387584.0));
    CHECK(fused_cycles >= bound);
    CHECK(unfused_cycles >= bound);
    // Golden figures as measured for README "Hybrid models" (1 %): fused 1.188 s, unfused
    // 2.469 s; four periods of eight layers.
    CHECK(fused_cycles == Approx(1188371112.0).epsilon(0.01));
    CHECK(unfused_cycles == Approx(2469332836.0).epsilon(0.01));
    CHECK(json_number(fused, "model_layers", "model_layers") == 4);
    // `all` chains the 4 periods (32 layers): within 0.1 % of one period scaled ×4.
    const std::string all = run("fuse-all", "all");
    CHECK(json_number(all, "simulated_layers", "simulated_layers") == 4);
    CHECK(json_number(all, "latency", "cycles") == Approx(fused_cycles).epsilon(0.001));
    CHECK(json_number(all, "dram", "read_bytes") == json_number(fused, "dram", "read_bytes"));
}

TEST_CASE("hybrid: Mamba-2 layers take the SSD presets, their bytes add up", "[hybrid][cli]") {
    // [mamba2, attention, mamba]: fuse-all is the SSD's 19 operators in one group for l0 and the
    // Mamba-1 state update's 7 for l2; the attention layer l1 unfused.
    const HybridParams p = small({M2, A, M}, 3);
    const Workload w = build_hybrid(p, Stage::Prefill, 1, 32, kFp32);
    CHECK(hybrid_counts(p) == std::make_pair<int64_t, int64_t>(2, 1));
    CHECK(fusion_presets_for(w) == fusion_preset_names());
    MappingSpec m;
    apply_fusion_preset("fuse-all", w, m, 24 << 20);
    REQUIRE(m.groups.size() == 2);
    CHECK(m.groups[0].ops.size() == 19);
    for (const auto& op : m.groups[0].ops) CHECK(op.rfind("l0_ssd_", 0) == 0);
    CHECK(m.groups[1].ops.size() == 7);
    CHECK(m.groups[1].ops.front() == "l2_mul_delta_A");
    // Without Mamba-1 layers only the presets a Mamba-2 block takes remain.
    const Workload ssd = build_hybrid(small({M2, A}, 2), Stage::Prefill, 1, 32, kFp32);
    CHECK(fusion_presets_for(ssd) ==
          std::vector<std::string>{"unfused", "fuse-all", "mem-aware", "cascade"});
    MappingSpec as;
    CHECK_THROWS_WITH(apply_fusion_preset("as", ssd, as, 24 << 20), Contains("none that takes it"));

    // Unfused, the period's DRAM bytes are exactly the Mamba-2 layer's plus the attention
    // layer's (the same argument as for Mamba-1 above).
    TempDir dir("hybrid-ssd");
    const std::string sizes = std::string(kSizes) + "d_state: 4\n";
    const Figures mamba2 = run_workload(
        dir, "s", "name: s\nmodel: mamba2\nlayers: 1\nhead_dim: 16\nchunk_size: 8\n" + sizes,
        "one");
    const Figures attention = run_workload(
        dir, "a", "name: a\nmodel: opt\nlayers: 1\nheads: 4\nffn: 128\n" + std::string(kSizes),
        "one");
    const std::string hybrid = "name: h\nmodel: hybrid\nlayers: 2\npattern: [mamba2, attention]\n"
                               "heads: 4\nffn: 128\nssd_head_dim: 16\nchunk_size: 8\n" +
                               sizes;
    const Figures one = run_workload(dir, "h", hybrid, "one");
    CHECK(one.read == mamba2.read + attention.read);
    CHECK(one.write == mamba2.write + attention.write);
    CHECK(one.cycles == Approx(mamba2.cycles + attention.cycles).epsilon(0.01));
    // The SSD fused keeps its intermediates on chip: fewer bytes, fewer cycles.
    const Figures fused = run_workload(dir, "hf", hybrid, "one", "fuse-all");
    CHECK(fused.read + fused.write < one.read + one.write);
    CHECK(fused.cycles < one.cycles);
}
