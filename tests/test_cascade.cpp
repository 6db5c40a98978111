// The whole-cascade preset (`cascade`): the conv's halo between sequence tiles, the weights read
// again for every sequence tile, and `fusion: auto` searching cascades at several sequence tiles
// beside the presets.
#include "run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <optional>

using namespace fusesim::test;
using nlohmann::json;

namespace {

const char* kMamba1 = "configs/experiments/mamba-unfused.yaml";
const char* kMamba2 = "configs/experiments/mamba2-unfused.yaml";

// mamba-130m (d_model 768, D = 1536, N = 16, R = 48, d_conv 4, fp32), prefill of 64 tokens.
std::vector<std::string> small(std::vector<std::string> more) {
    more.insert(more.begin(), {"workload.d_model=768", "workload.d_state=16", "workload.dt_rank=48",
                               "workload.layers=24", "workload.seq_len=64"});
    return more;
}

int64_t per_layer(const json& r, const char* key) {
    return r["dram"][key].get<int64_t>() / r["model_layers"].get<int64_t>();
}

} // namespace

TEST_CASE("Cascade conv halo is d_conv - 1 rows of D per sequence tile boundary", "[cascade]") {
    // The conv of sequence tile i reads xi[l0 - 3, l0) from tile i - 1 (kernel 4): per boundary
    // (d_conv - 1) · D · 4 B = 3 · 1536 · 4 = 18,432 B, kept on chip inside the group. L = 64 in
    // tiles of 16: 3 boundaries, 55,296 B; of 32: 1, 18,432 B; of 64: none.
    const std::pair<int, int64_t> cases[] = {{16, 55296}, {32, 18432}, {64, 0}};
    for (const auto& [lt, halo] : cases) {
        const json r = run_layer(kMamba1, small({"mapping.fusion=cascade",
                                                 "mapping.sequence_tile=" + std::to_string(lt)}));
        REQUIRE(r["groups"].size() == 1);
        INFO("sequence tile " << lt);
        CHECK(r["groups"][0]["operators"].size() == 24);
        CHECK(r["groups"][0]["halo_bytes_per_layer"].get<int64_t>() == halo);
        CHECK_THAT(r["fusion"]["note"].get<std::string>(),
                   Catch::Contains("sequence tile") && Catch::Contains("24 operators"));
    }
    // Mamba-2 (mamba2-130m's sizes: D = 1536, G = 1, N = 128): the conv runs over the D + 2GN =
    // 1792 channels of xBC, 3 · 1792 · 4 = 21,504 B per boundary, 64,512 B for 3 boundaries.
    const json m2 = run_layer(kMamba2, {"workload.d_model=768", "workload.layers=24",
                                        "workload.seq_len=64", "workload.chunk_size=16",
                                        "mapping.fusion=cascade", "mapping.sequence_tile=16"});
    REQUIRE(m2["groups"].size() == 1);
    CHECK(m2["groups"][0]["halo_bytes_per_layer"].get<int64_t>() == 64512);
}

TEST_CASE("Cascade DRAM bytes are weights once per sequence tile plus input and output once",
          "[cascade]") {
    // Weights of one layer (elements): w_in 768·3072 = 2,359,296; w_out 1536·768 = 1,179,648;
    // w_x 1536·(48 + 2·16) = 122,880; w_dt 48·1536 = 73,728; w_conv 1536·4 = 6,144; b_conv,
    // b_dt, Dskip 1536 each; norm_g 768: 3,747,072 elements = 14,988,288 B; and A 1536·16 =
    // 24,576 elements = 98,304 B. With simulation.cache_weights: false no weight stays on chip:
    // each of the T = 64 / 16 = 4 sequence tiles reads every weight but A once (a projection's
    // channel tiles read disjoint slices), and A is read by each of the 64 one-token steps of
    // mul_delta_A: 4 · 14,988,288 + 64 · 98,304 = 66,244,608 B of weights. The layer input u
    // (64 · 768 · 4 = 196,608 B) is read once and stays for norm_scale and the residual; the
    // output, as many bytes, is the only write: every intermediate stays on chip.
    const json streamed =
        run_layer(kMamba1, small({"mapping.fusion=cascade", "mapping.sequence_tile=16",
                                  "simulation.cache_weights=false"}));
    CHECK(streamed["groups"][0]["weight_dram_bytes_per_layer"].get<int64_t>() == 66244608);
    CHECK(per_layer(streamed, "read_bytes") == 66244608 + 196608);
    CHECK(per_layer(streamed, "write_bytes") == 196608);
    // Kept on chip by default: the 15,086,592 B of weights fit the 24 MiB and are read once.
    const json kept =
        run_layer(kMamba1, small({"mapping.fusion=cascade", "mapping.sequence_tile=16"}));
    CHECK(kept["groups"][0]["weight_dram_bytes_per_layer"].get<int64_t>() == 15086592);
    CHECK(per_layer(kept, "read_bytes") == 15086592 + 196608);
    CHECK(per_layer(kept, "write_bytes") == 196608);
    CHECK(kept["latency"]["cycles"].get<double>() < streamed["latency"]["cycles"].get<double>());
}

TEST_CASE("A cascade group spanning projections conv and scan can be written as a list",
          "[cascade]") {
    // The same operators as a user's group list (no tiling of their own: the mapping's) give one
    // group whose intermediates stay: only u is read (with the weights) and out written.
    const std::string group =
        "mapping.fusion=[[norm_sq, norm_rsqrt, norm_scale, in_proj, conv, conv_bias, conv_silu, "
        "x_proj, dt_proj, dt_bias, softplus, mul_delta_A, exp, mul_delta_B, mul_dBx, ssm_decay, "
        "ssm_add, ssm_out, skip_mul, skip_add, gate_silu, gate_mul, out_proj, residual]]";
    const json r = run_layer(kMamba1, small({group}));
    REQUIRE(r["groups"].size() == 1);
    CHECK(per_layer(r, "write_bytes") == 196608);
    CHECK(r["groups"][0]["on_chip_bytes_per_layer"].get<int64_t>() > 0);
}

TEST_CASE("Cascade applies to Mamba-2 and to decode and is an error elsewhere", "[cascade]") {
    const json m2 = run_layer(kMamba2, {"workload.seq_len=512", "mapping.fusion=cascade"});
    REQUIRE(m2["groups"].size() == 1);
    CHECK_THAT(m2["fusion"]["note"].get<std::string>(), Catch::Contains("S_H = 10"));
    // Decode: the whole token step as one group; tokens/s = batch ÷ latency.
    const json d = run_layer(kMamba1, small({"workload.stage=decode", "mapping.fusion=cascade"}));
    REQUIRE(d["groups"].size() == 1);
    CHECK(d["tokens_per_second"].get<double>() ==
          Approx(1.0 / d["latency"]["seconds"].get<double>()).epsilon(1e-9));
    const CliResult opt =
        run_cli({"run", kMamba1, "-q", "--workload", "configs/workloads/opt-2.7b.yaml", "--mapping",
                 "configs/mappings/mamba-auto.yaml", "--set", "mapping.fusion=cascade"});
    CHECK(opt.exit_code == 2);
    CHECK_THAT(opt.err, Catch::Contains("mapping.fusion") && Catch::Contains("cascade"));
    const CliResult bad = run_cli({"run", kMamba1, "-q", "--set", "mapping.sequence_tile=0"});
    CHECK(bad.exit_code == 2);
    CHECK_THAT(bad.err, Catch::Contains("mapping.sequence_tile"));
}

TEST_CASE("fusion auto is never slower than any preset on the Fig. 9 and Mamba-2 points",
          "[cascade][auto]") {
    // Auto simulates every preset, the cascade at sequence tiles 64 … 512 and the presets with
    // elementwise chains, one layer each, and keeps the fastest: it can tie a preset, never
    // lose to one. The points of configs/sweeps/fig9-fusion-schemes.yaml and
    // mamba2-fusion-schemes.yaml, one layer each.
    const std::pair<const char*, std::vector<std::string>> models[] = {
        {kMamba1,
         {"unfused", "a", "b", "a-b", "as", "bs", "as-b", "bs-a", "fuse-all", "mem-aware",
          "cascade"}},
        {kMamba2, {"unfused", "fuse-all", "mem-aware", "cascade"}}};
    for (const auto& [experiment, presets] : models)
        for (int L : {1, 64, 512, 1024, 2048}) {
            const std::string len = "workload.seq_len=" + std::to_string(L);
            const json a = run_layer(experiment, {len, "mapping.fusion=auto"});
            INFO(experiment << " L = " << L);
            for (const auto& p : presets) {
                const json r = run_layer(experiment, {len, "mapping.fusion=" + p});
                INFO(p);
                CHECK(a["latency"]["cycles"].get<uint64_t>() <=
                      r["latency"]["cycles"].get<uint64_t>());
            }
        }
}
