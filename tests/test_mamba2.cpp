// Mamba-2 (SSD): operator counts of one chunk by hand, shapes, padding, decode, and what the
// fusion presets do to it.
#include "workloads/models/models.hpp"
#include "workloads/plan/fusion.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

using namespace fusesim;

namespace {
const Precision kFp32{"fp32", 4};

// Mamba-2 2.7B: d_model 2560, D = 5120 = 80 heads of P = 64, N = 128, G = 1, Q = 256.
Mamba2Params mamba2_27b() {
    Mamba2Params p;
    p.d_model = 2560;
    p.d_inner = 5120;
    p.d_state = 128;
    p.head_dim = 64;
    p.n_groups = 1;
    p.chunk_size = 256;
    p.layers = 64;
    return p;
}

int64_t ops_of(const Workload& w, const std::string& op) {
    const int o = w.op_index(op);
    REQUIRE(o >= 0);
    return w.ops[o].ops();
}

int64_t ops_of_type(const Workload& w, const std::string& type) {
    int64_t n = 0;
    for (const auto& op : w.ops)
        if (op.type == type) n += op.ops();
    return n;
}

std::vector<int64_t> shape(const Workload& w, const std::string& t) {
    return w.tensors[w.tensor_index(t)].shape;
}
} // namespace

TEST_CASE("SSD op counts of one chunk, by hand", "[mamba2]") {
    // L = 256 = Q: one chunk. H = 80, P = 64, N = 128, G = 1, so Q² = 65,536.
    const Workload w = build_mamba2(mamba2_27b(), Stage::Prefill, 1, 256, kFp32);
    const std::map<std::string, int64_t> expected = {
        {"ssd_dA", 256 * 80},               // A·Δ per token and head: 20,480
        {"ssd_xdt", 256 * 80 * 64},         // X = x·Δ: 1,310,720
        {"ssd_cumsum", 256 * 80},           // prefix sum along the chunk: 20,480
        {"ssd_segsum", 80 * 65536},         // Acum[q] − Acum[s] per head: 5,242,880
        {"ssd_decay", 80 * 65536},          // exp: 5,242,880
        {"ssd_cb", 65536 * 128},            // C·Bᵀ, Q×Q×N per group: 8,388,608 MACs
        {"ssd_mask", 80 * 65536},           // C·Bᵀ ∘ L per head: 5,242,880
        {"ssd_diag", 80 * 65536 * 64},      // (C·Bᵀ ∘ L)·X, Q×Q×P per head: 335,544,320
        {"ssd_state_diff", 256 * 80},       // decay to the chunk's end: 20,480
        {"ssd_state_exp", 256 * 80},        // 20,480
        {"ssd_state_x", 256 * 80 * 64},     // X weighted by it: 1,310,720
        {"ssd_state", 80 * 64 * 128 * 256}, // Bᵀ·X, N×P per head over Q: 167,772,160
        {"ssd_chunk_exp", 80},              // the chunk's total decay per head
        {"ssd_pass_decay", 80 * 64 * 128},  // S[c−1] decayed: 655,360
        {"ssd_pass_add", 80 * 64 * 128},    // + the chunk state: 655,360
        {"ssd_off", 256 * 80 * 64 * 128},   // C·S[c−1]: 167,772,160
        {"ssd_off_exp", 256 * 80},          // 20,480
        {"ssd_off_scale", 256 * 80 * 64},   // 1,310,720
        {"ssd_sum", 256 * 80 * 64}};        // Y_diag + Y_off: 1,310,720
    int64_t total = 0;
    for (const auto& [op, n] : expected) {
        INFO(op);
        CHECK(ops_of(w, op) == n);
        total += n;
    }
    // 701,861,968 ops per chunk, of which the four matrix products are 679,477,248 MACs.
    CHECK(total == 701861968);
    CHECK(ops_of_type(w, "ssd_chunk") + ops_of_type(w, "ssd_state") == total);
    CHECK(ops_of(w, "ssd_cb") + ops_of(w, "ssd_diag") + ops_of(w, "ssd_state") +
              ops_of(w, "ssd_off") ==
          679477248);
    for (const char* mac : {"ssd_cb", "ssd_diag", "ssd_state", "ssd_off"})
        CHECK(w.ops[w.op_index(mac)].kind == OpKind::Mac);
    CHECK(w.ops[w.op_index("ssd_cumsum")].kind == OpKind::Add);
    CHECK(w.ops[w.op_index("ssd_decay")].kind == OpKind::Exp);

    // Two chunks do twice the work (L = 512); the state passing is a recurrence over chunks.
    const Workload w2 = build_mamba2(mamba2_27b(), Stage::Prefill, 1, 512, kFp32);
    CHECK(ops_of_type(w2, "ssd_chunk") + ops_of_type(w2, "ssd_state") == 2 * total);
    const Operator& pass = w2.ops[w2.op_index("ssd_pass_add")];
    CHECK(pass.sequential_dim == pass.dim_index("c"));
    CHECK(w2.ops[w2.op_index("ssd_pass_decay")].inputs[1].carried);
    CHECK(w2.tensors[w2.tensor_index("sd")].in_place);
    CHECK(shape(w2, "S") == std::vector<int64_t>{1, 2, 1, 80, 64, 128});
}

TEST_CASE("Mamba-2 projections and conv per token, by hand", "[mamba2]") {
    const int64_t L = 256;
    const Workload w = build_mamba2(mamba2_27b(), Stage::Prefill, 1, L, kFp32);
    // in_proj: d_model × (2D + 2GN + H) = 2560 × (10240 + 256 + 80) = 2560 × 10,576.
    CHECK(ops_of(w, "in_proj") == 2560 * 10576 * L);
    CHECK(shape(w, "zxbcdt") == std::vector<int64_t>{1, L, 10576});
    // out_proj: D × d_model = 5120 × 2560; conv over x, B, C: (5120 + 2·128) × 4.
    CHECK(ops_of(w, "out_proj") == 5120 * 2560 * L);
    CHECK(ops_of(w, "conv") == 5376 * 4 * L);
    // B and C are views of the conv output, one group of N = 128.
    CHECK(shape(w, "Bm") == std::vector<int64_t>{1, L, 1, 128});
    CHECK(shape(w, "x") == std::vector<int64_t>{1, L, 1, 80, 64});
}

TEST_CASE("A sequence shorter than a chunk is one chunk, a longer one is zero-padded", "[mamba2]") {
    const Mamba2Params p = mamba2_27b();
    CHECK(ssd_chunk(p, 64) == 64);
    CHECK(ssd_chunks(p, 64) == 1);
    CHECK(ssd_chunks(p, 300) == 2);
    // L = 64: Q = 64, ssd_diag = H·Q²·P = 80·4096·64.
    const Workload s = build_mamba2(p, Stage::Prefill, 1, 64, kFp32);
    CHECK(ops_of(s, "ssd_diag") == 80 * 4096 * 64);
    // L = 300: two chunks of 256 (212 padding tokens); the outputs go back to 300 tokens.
    const Workload w = build_mamba2(p, Stage::Prefill, 1, 300, kFp32);
    CHECK(ops_of(w, "ssd_diag") == 2 * 80 * 65536 * 64);
    CHECK(shape(w, "y") == std::vector<int64_t>{1, 512, 1, 80, 64});
    CHECK(ops_of(w, "out_proj") == int64_t{5120} * 2560 * 300);
    CHECK(w.ops[w.op_index("ssd_xdt")].padding == Padding::Zero);
    const Workload full = build_mamba2(p, Stage::Prefill, 1, 512, kFp32);
    CHECK(full.ops[full.op_index("ssd_xdt")].padding == Padding::None);
}

TEST_CASE("Mamba-2 groups: heads of a group share B and C", "[mamba2]") {
    Mamba2Params p = mamba2_27b();
    p.n_groups = 8; // 10 heads per group
    const Workload w = build_mamba2(p, Stage::Prefill, 1, 256, kFp32);
    // C·Bᵀ per group: G·Q²·N = 8·65,536·128; the rest per head as before.
    CHECK(ops_of(w, "ssd_cb") == 8 * 65536 * 128);
    CHECK(ops_of(w, "ssd_diag") == 80 * 65536 * 64);
    // in_proj: 2D + 2GN + H = 10240 + 2048 + 80.
    CHECK(shape(w, "zxbcdt") == std::vector<int64_t>{1, 256, 12368});
    CHECK(shape(w, "Cm") == std::vector<int64_t>{1, 256, 8, 128});
}

TEST_CASE("Mamba-2 decode is the recurrent form over one token", "[mamba2]") {
    const Workload w = build_mamba2(mamba2_27b(), Stage::Decode, 1, 2048, kFp32);
    // h = exp(A·Δ)·h + (x·Δ) ⊗ B: H·P·N = 655,360 elements per step; y = h·C as many MACs.
    for (const char* op : {"ssd_dBx", "ssd_decay", "ssd_add", "ssd_out"}) {
        INFO(op);
        CHECK(ops_of(w, op) == 655360);
    }
    CHECK(ops_of(w, "ssd_exp") == 80);
    CHECK(w.tensors[w.tensor_index("h_prev")].role == TensorRole::State);
    CHECK(shape(w, "xwin") == std::vector<int64_t>{1, 4, 5376});
    CHECK(w.op_index("ssd_cb") < 0);
}

TEST_CASE("Mamba-2 presets: fuse-all fuses the SSD per chunk, mem-aware splits the heads",
          "[mamba2]") {
    const Workload w = build_mamba2(mamba2_27b(), Stage::Prefill, 1, 512, kFp32);
    CHECK(fusion_presets_for(w) ==
          std::vector<std::string>{"unfused", "fuse-all", "mem-aware", "cascade"});
    // One step (chunk c = 1, h heads, fp32) touches, in elements: per head 3·Q² (seg, Lm, Mm) +
    // 7·Q·P (x, xdt, yd, xw, yo, yoff, yc) + 6·Q (Δ, dA, Acum, sdf, sde, ea) + 4·P·N (st, sd and
    // S of chunks 0 and 1) + 2 (A, cd) = 196,608 + 114,688 + 1,536 + 32,768 + 2 = 345,602; per
    // group Q·N for each of B and C and Q² for C·Bᵀ: 131,072.
    CHECK(ssd_step_bytes(w, 80) == (80 * 345602 + 131072) * 4); // 111,116,928
    CHECK(ssd_step_bytes(w, 16) == (16 * 345602 + 131072) * 4); // 22,642,816
    MappingSpec fa;
    const FusionChoice f = apply_fusion_preset("fuse-all", w, fa, 24 << 20);
    REQUIRE(fa.groups.size() == 1);
    CHECK(fa.groups[0].ops.size() == 19);
    CHECK(f.fuse_all_bytes == 111116928);
    CHECK(fa.per_op.at("ssd_diag").tile.at("c") == 1);
    CHECK(fa.per_op.at("ssd_sum").tile.at("q") == 16); // the output leaves in 16-token pieces
    // 24 MiB = 25,165,824 B: 20 heads need 27,648,160 + 524,288 B, 16 heads fit: S_H = 5.
    MappingSpec ma;
    const FusionChoice m = apply_fusion_preset("mem-aware", w, ma, 24 << 20);
    CHECK(m.split_d == 5);
    CHECK(ma.per_op.at("ssd_diag").split.at("j") == 5);
    CHECK(ma.per_op.at("ssd_diag").order == std::vector<std::string>{"j"});
    // Presets of the Mamba-1 state update name what applies instead.
    MappingSpec bad;
    CHECK_THROWS_WITH(apply_fusion_preset("as", w, bad, 24 << 20),
                      Catch::Contains("a Mamba-2 block takes unfused, fuse-all, mem-aware"));
    // Decode fuses the recurrent form.
    const Workload d = build_mamba2(mamba2_27b(), Stage::Decode, 1, 2048, kFp32);
    MappingSpec fd;
    apply_fusion_preset("fuse-all", d, fd, 24 << 20);
    REQUIRE(fd.groups.size() == 1);
    CHECK(fd.groups[0].ops.size() == 7);
}
