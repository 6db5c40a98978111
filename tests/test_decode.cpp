// Decode as its own schedule (workload.decode_state): per-token DRAM bytes with the recurrent
// state on chip and in DRAM, tokens/s = batch ÷ latency per token step, auto's fallback and the
// config errors. Every run goes through the CLI (one simulation per child process).
//
// The model: mamba-130m (d_model 768, D = 1536, N = 16, d_conv K = 4, dt_rank R = 48), two
// layers, decode at context 2048, fp32, on MARCA aggregated (24 MiB SRAM, 256 B/cycle), with
// the whole layer in one fusion group so that nothing but weights, the layer input, the last
// layer's output and the state crosses the chip boundary.
//
// Weights of one layer, in elements: norm_g 768, w_in 768·3072 = 2,359,296, w_conv 1536·4 =
// 6,144, b_conv 1536, w_x 1536·(R + 2N) = 1536·80 = 122,880, w_dt 48·1536 = 73,728, b_dt 1536,
// A 1536·16 = 24,576, Dskip 1536, w_out 1536·768 = 1,179,648: 3,771,648 elements = 15,086,592 B;
// two layers 30,173,184 B. They are read once per token step, whatever the batch.
// The layer input u is B·768·4 = 3,072·B bytes (read once: layer 1 takes layer 0's output on
// chip), the output the same (written once).
// State of one layer and batch item: h, D·N = 24,576 elements, and the conv window
// (K − 1)·D = 4,608: 29,184 elements = 116,736 B; two layers 233,472 B per batch item.
#include "tests/run_cli.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

using fusesim::test::read_file;
using fusesim::test::repo_path;
using fusesim::test::run_cli;
using fusesim::test::TempDir;
using fusesim::test::write_file;

namespace {

const char* kWholeLayer =
    "mapping.fusion=[[norm_sq,norm_rsqrt,norm_scale,in_proj,gate_silu,conv,conv_state_out,"
    "conv_bias,conv_silu,x_proj,skip_mul,dt_proj,dt_bias,softplus,mul_delta_A,mul_delta_B,exp,"
    "mul_dBx,ssm_decay,ssm_add,ssm_out,skip_add,gate_mul,out_proj,residual]]";

std::string experiment(const TempDir& dir) {
    const std::string path = dir.file("decode.yaml");
    write_file(path, "name: decode-test\n"
                     "hardware: " +
                         repo_path("configs/hardware/marca-aggregated.yaml") +
                         "\n"
                         "workload: " +
                         repo_path("configs/workloads/mamba-130m.yaml") +
                         "\n"
                         "mapping: " +
                         repo_path("configs/mappings/mamba-unfused.yaml") +
                         "\n"
                         "set:\n  workload.stage: decode\n  workload.seq_len: 2048\n"
                         "  workload.layers: 2\n"
                         "simulation:\n  layers: all\n");
    return path;
}

struct Run {
    fusesim::test::CliResult cli;
    nlohmann::json report;
};

Run run(const TempDir& dir, const std::string& label, const std::vector<std::string>& sets) {
    std::vector<std::string> args{"run", experiment(dir), "-q", "-o", dir.file(label)};
    for (const auto& s : sets) {
        args.push_back("--set");
        args.push_back(s);
    }
    Run r{run_cli(args), {}};
    if (r.cli.exit_code == 0)
        r.report = nlohmann::json::parse(read_file(dir.file(label) + "/report.json"));
    return r;
}

int64_t bytes(const nlohmann::json& j, const char* key) {
    return j["dram"][key].get<int64_t>();
}

} // namespace

TEST_CASE("decode per-token DRAM bytes with the state on chip and in DRAM", "[decode]") {
    TempDir dir("decode-bytes");
    for (const int64_t B : {1, 2}) {
        const std::string b = "workload.batch=" + std::to_string(B);
        const Run on =
            run(dir, "on" + std::to_string(B), {kWholeLayer, b, "workload.decode_state=on_chip"});
        const Run off =
            run(dir, "off" + std::to_string(B), {kWholeLayer, b, "workload.decode_state=dram"});
        INFO(on.cli.err << off.cli.err);
        REQUIRE(on.cli.exit_code == 0);
        REQUIRE(off.cli.exit_code == 0);
        CHECK(on.report["decode"]["state"] == "on_chip");
        CHECK(off.report["decode"]["state"] == "dram");
        CHECK(on.report["decode"]["state_bytes"].get<int64_t>() == 233472 * B);
        CHECK(off.report["decode"]["state_bytes"].get<int64_t>() == 233472 * B);
        // On chip: weights (once for the whole batch) + the layer input; only the output is
        // written: 30,173,184 + 3,072·B read, 3,072·B written.
        CHECK(bytes(on.report, "read_bytes") == 30173184 + 3072 * B);
        CHECK(bytes(on.report, "write_bytes") == 3072 * B);
        // In DRAM: the new state is written every token, exactly the state bytes, 233,472·B.
        CHECK(bytes(off.report, "write_bytes") == 3072 * B + 233472 * B);
        // ... and the old one read: h (24,576 el.) and the window (4,608 el.), plus the window's
        // last K − 2 = 2 rows (3,072 el.) once more, for conv_state_out (the plan keys an
        // external slice as its own chunk): 32,256 el. = 129,024 B per layer, 258,048·B.
        CHECK(bytes(off.report, "read_bytes") == 30173184 + 3072 * B + 258048 * B);
        CHECK(bytes(off.report, "read_bytes") - bytes(on.report, "read_bytes") ==
              233472 * B + 2 * 2 * 1536 * 4 * B);
        // Streaming the state costs time: at 256 B/cycle its 491,520·B bytes are ~1,920·B
        // cycles of the port, about 1.6 % at B = 1 (latency ≈ 118,000 cycles, weights-bound:
        // 30.2 MB ÷ 256 = 117,871 cycles). Exact figures depend on overlap; require ≥ 1,000·B.
        const auto lat_on = on.report["latency"]["cycles"].get<int64_t>();
        const auto lat_off = off.report["latency"]["cycles"].get<int64_t>();
        CHECK(lat_on >= 117871);
        CHECK(lat_on < 117871 * 1.02 + 500 * B);
        CHECK(lat_off - lat_on >= 1000 * B);
    }
}

TEST_CASE("decode tokens per second is batch over latency per token step", "[decode]") {
    TempDir dir("decode-tps");
    for (const int64_t B : {1, 4}) {
        const Run r = run(
            dir, "b" + std::to_string(B),
            {kWholeLayer, "workload.batch=" + std::to_string(B), "workload.decode_state=on_chip"});
        INFO(r.cli.err);
        REQUIRE(r.cli.exit_code == 0);
        const double seconds = r.report["latency"]["seconds"].get<double>();
        const double tps = r.report["tokens_per_second"].get<double>();
        CHECK(tps == Approx(static_cast<double>(B) / seconds).epsilon(1e-12));
        // Weights-bound: one step ≈ 117,871 cycles at 1 GHz whatever B (the state and the
        // activations add ≤ 2 %), so B = 1 gives ≈ 8,480 tokens/s and B = 4 ≈ 4 times that.
        CHECK(tps == Approx(8484.0 * static_cast<double>(B)).epsilon(0.03));
        CHECK(r.cli.out.empty()); // -q
    }
}

TEST_CASE("decode state auto falls back to DRAM when it does not fit", "[decode]") {
    TempDir dir("decode-auto");
    // 256 KiB of SRAM: half is 131,072 B, below the 233,472 B of state: auto streams it.
    const Run small =
        run(dir, "small", {kWholeLayer, "hardware.core.sram=256KiB", "workload.decode_state=auto"});
    INFO(small.cli.err);
    REQUIRE(small.cli.exit_code == 0);
    CHECK(small.report["decode"]["state"] == "dram");
    const std::string note = small.report["decode"]["note"];
    CHECK(note.find("auto chose dram") != std::string::npos);
    CHECK(note.find("233472 B") != std::string::npos);
    CHECK(note.find("does not fit") != std::string::npos);
    // 24 MiB: half is 12 MiB, the state fits: auto keeps it on chip.
    const Run big = run(dir, "big", {kWholeLayer, "workload.decode_state=auto"});
    REQUIRE(big.cli.exit_code == 0);
    CHECK(big.report["decode"]["state"] == "on_chip");
    CHECK(bytes(big.report, "write_bytes") == 3072);
    CHECK(read_file(dir.file("big") + "/summary.txt").find("auto chose on_chip") !=
          std::string::npos);
}

TEST_CASE("decode state config errors name the key", "[decode]") {
    TempDir dir("decode-errors");
    const Run tight =
        run(dir, "tight", {"hardware.core.sram=256KiB", "workload.decode_state=on_chip"});
    CHECK(tight.cli.exit_code == 2);
    CHECK(tight.cli.err.find("workload.decode_state") != std::string::npos);
    CHECK(tight.cli.err.find("does not fit") != std::string::npos);
    const Run bad = run(dir, "bad", {"workload.decode_state=sram"});
    CHECK(bad.cli.exit_code == 2);
    CHECK(bad.cli.err.find("decode_state") != std::string::npos);
    CHECK(bad.cli.err.find("on_chip") != std::string::npos);
}

TEST_CASE("decode state bytes of Mamba-2 in and out of DRAM", "[decode]") {
    // mamba2-130m: D = 1536, H = D ÷ P = 24 heads of P = 64, N = 128, G = 1, d_conv 4; one
    // layer, Fuse-All. State per sequence: h, H·P·N = 196,608 elements, and the conv window
    // over x, B and C, (d_conv − 1)·(D + 2GN) = 3·1792 = 5,376: 201,984 el. = 807,936 B.
    TempDir dir("decode-mamba2");
    nlohmann::json rep[2];
    const char* modes[2] = {"on_chip", "dram"};
    for (int i = 0; i < 2; ++i) {
        const auto r =
            run_cli({"run", repo_path("configs/experiments/mamba2-unfused.yaml"), "--workload",
                     repo_path("configs/workloads/mamba2-130m.yaml"), "--set",
                     "workload.stage=decode", "--set", "workload.seq_len=2048", "--set",
                     "workload.layers=1", "--set", std::string("workload.decode_state=") + modes[i],
                     "--set", "mapping.fusion=fuse-all", "-q", "-o", dir.file(modes[i])});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        rep[i] = nlohmann::json::parse(read_file(dir.file(modes[i]) + "/report.json"));
        CHECK(rep[i]["decode"]["state_bytes"].get<int64_t>() == 807936);
        CHECK(rep[i]["decode"]["state"] == modes[i]);
    }
    // In DRAM the new state is written (807,936 B more) and the old one read: the state plus
    // the window's last two rows again for conv_state_out, 2·1792·4 = 14,336 B.
    CHECK(bytes(rep[1], "write_bytes") - bytes(rep[0], "write_bytes") == 807936);
    CHECK(bytes(rep[1], "read_bytes") - bytes(rep[0], "read_bytes") == 807936 + 14336);
}
