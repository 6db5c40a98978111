// The GPU reference (`kind: gpu`, README "GPU reference") through `fusesim analyze`: kernel
// times derived by hand from the A100's published peaks and the assumed efficiencies, the L2
// rule, the launch overheads, and the errors of its keys and of `run` on a GPU.
#include "tests/run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <map>
#include <string>

using namespace fusesim::test;
using Catch::Contains;

namespace {

const std::string kA100 = "configs/hardware/a100-80gb.yaml";
// One cycle of the 1410 MHz clock: every kernel's bounds are rounded up to whole cycles.
constexpr double kCycle = 1.0 / 1.41e9;

// A GEMM of 4096 × 4096 × 4096 followed by a SiLU of its output, fp16.
std::string gemm_workload(int layers, const std::string& precision) {
    return "name: gemm-silu\nmodel: custom\nlayers: " + std::to_string(layers) +
           "\nstage: prefill\nseq_len: 1\nprecision: " + precision +
           "\ndims: {l: 4096, k: 4096, d: 4096}\ninputs: [x]\nweights: [w]\noperators:\n"
           "  - {name: mm, einsum: 'y[l,d] += x[l,k] * w[k,d]', type: projection}\n"
           "  - {name: act, einsum: 'a[l,d] = silu(y[l,d])', type: elementwise}\n";
}

// `fusesim analyze` of `workload` (YAML text) on the A100 80 GB with `sets`; analysis.json.
nlohmann::json analyze(const TempDir& dir, const std::string& label, const std::string& workload,
                       const std::vector<std::string>& sets) {
    const std::string wl = dir.file(label + "-wl.yaml");
    write_file(wl, workload);
    const std::string exp = dir.file(label + ".yaml");
    write_file(exp,
               "name: " + label + "\nhardware: " + repo_path(kA100) + "\nworkload: " + wl + "\n");
    return run_cli_json({"analyze", exp, "-q", "-o", dir.file(label)}, sets,
                        dir.file(label + "/analysis.json"));
}

const nlohmann::json& op_of(const nlohmann::json& j, const std::string& name) {
    for (const auto& o : j.at("points").at(0).at("operators_per_layer"))
        if (o.at("name") == name) return o;
    FAIL("no operator " << name);
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("A GEMM on the A100 is compute-bound on the FP16 tensor cores", "[gpu]") {
    TempDir dir("gpu-gemm");
    const nlohmann::json j = analyze(dir, "g", gemm_workload(1, "fp16"), {});
    const nlohmann::json& mm = op_of(j, "mm");
    // 4096³ = 68,719,476,736 MACs at fp16 on the tensor cores: 312 TFLOP/s ÷ 2 flops per MAC
    // = 156e12 MAC/s, × 0.75 (GEMM compute efficiency) = 1.17e14/s: 587.346 µs. HBM: x, w in
    // and y out, 3 × 4096² × 2 B = 100,663,296 B at 2.039e12 × 0.8 B/s = 61.711 µs. So
    // compute-bound, and with the 5 µs launch 592.346 µs.
    CHECK(mm.at("unit") == "tensor_fp16");
    CHECK(mm.at("kernel_class") == "gemm");
    CHECK(mm.at("bound") == "compute");
    CHECK(mm.at("dram_bytes") == 100663296);
    CHECK(mm.at("latency_seconds").get<double>() == Approx(592.3459550e-6).margin(kCycle));
    // fp32 without TF32: the CUDA cores, 19.5e12 ÷ 2 × 0.75 = 7.3125e12 MAC/s: 9.3975 ms (+5 µs);
    // with TF32: 156e12 ÷ 2 × 0.75 = 5.85e13 MAC/s: 1174.692 µs (+5 µs).
    const nlohmann::json f = analyze(dir, "f", gemm_workload(1, "fp32"), {});
    CHECK(op_of(f, "mm").at("unit") == "cuda_fp32");
    CHECK(op_of(f, "mm").at("latency_seconds").get<double>() ==
          Approx(9.397535280e-3 + 5e-6).margin(kCycle));
    const nlohmann::json t = analyze(dir, "t", gemm_workload(1, "fp32"), {"hardware.tf32=true"});
    CHECK(op_of(t, "mm").at("unit") == "tensor_tf32");
    CHECK(op_of(t, "mm").at("latency_seconds").get<double>() ==
          Approx(1174.69191e-6 + 5e-6).margin(kCycle));
}

TEST_CASE("An elementwise kernel on the A100 is bandwidth-bound, its input read from L2", "[gpu]") {
    TempDir dir("gpu-elementwise");
    const nlohmann::json j = analyze(dir, "e", gemm_workload(1, "fp16"), {});
    const nlohmann::json& act = op_of(j, "act");
    // silu of 4096² = 16,777,216 elements on the CUDA cores: 19.5e12 ÷ 2 × 0.8 = 7.8e12 ops/s,
    // 2.151 µs. y (33,554,432 B) was written by the kernel just before and fits the 40 MB L2,
    // so only the output goes to HBM: 33,554,432 B at 2.039e12 × 0.85 B/s = 19.360 µs,
    // bandwidth-bound: 24.360 µs with the launch.
    CHECK(act.at("unit") == "cuda_fp32");
    CHECK(act.at("kernel_class") == "elementwise");
    CHECK(act.at("bound") == "memory");
    CHECK(act.at("l2_read_bytes") == 33554432);
    CHECK(act.at("dram_bytes") == 33554432);
    CHECK(act.at("latency_seconds").get<double>() == Approx(24.36037389e-6).margin(kCycle));
    // Without the L2 rule y is read from HBM too: 2 × 19.360 µs + 5 µs = 43.721 µs.
    const nlohmann::json n =
        analyze(dir, "n", gemm_workload(1, "fp16"), {"hardware.l2_reuse=false"});
    CHECK(op_of(n, "act").at("l2_read_bytes") == 0);
    CHECK(op_of(n, "act").at("latency_seconds").get<double>() ==
          Approx(43.72074777e-6).margin(kCycle));
    // An L2 of 32 MiB (33,554,432 B) still holds y; one byte less does not.
    const nlohmann::json s = analyze(dir, "s", gemm_workload(1, "fp16"), {"hardware.l2=33554431B"});
    CHECK(op_of(s, "act").at("l2_read_bytes") == 0);
}

TEST_CASE("An FFT on the A100 takes the ops of the FFT operator on the CUDA cores", "[gpu]") {
    TempDir dir("gpu-fft");
    const std::string hyena = "name: hyena-small\nmodel: hyena\nd_model: 64\norder: 2\nlayers: "
                              "1\nstage: prefill\nseq_len: 256\nprecision: fp32\n";
    const nlohmann::json j = analyze(dir, "h", hyena, {"hardware.l2_reuse=false"});
    const nlohmann::json& fft = op_of(j, "conv1_fft");
    // n = 2L = 512 points, radix 2: 5 · 512 · log2 512 = 23,040 real ops per channel, × 64
    // channels = 1,474,560, on the CUDA cores at 19.5e12 ÷ 2 × 0.6 (FFT compute efficiency)
    // = 5.85e12 ops/s: 0.25206 µs. HBM: L real fp32 inputs (256 · 64 · 4 = 65,536 B) and 2L
    // complex outputs (512 · 64 · 8 = 262,144 B), 327,680 B at 2.039e12 × 0.7 B/s = 0.22958 µs:
    // compute-bound by a little, 5.25206 µs with the launch.
    CHECK(fft.at("kind") == "fft");
    CHECK(fft.at("kernel_class") == "fft");
    CHECK(fft.at("unit") == "cuda_fp32");
    CHECK(fft.at("ops") == 1474560);
    CHECK(fft.at("dram_bytes") == 327680);
    CHECK(fft.at("bound") == "compute");
    CHECK(fft.at("latency_seconds").get<double>() == Approx(5.25206154e-6).margin(kCycle));
    // At half the FFT bandwidth efficiency memory binds: 327,680 B ÷ (2.039e12 × 0.35) =
    // 0.45916 µs.
    const nlohmann::json m = analyze(
        dir, "m", hyena, {"hardware.l2_reuse=false", "hardware.efficiency.fft.bandwidth=0.35"});
    CHECK(op_of(m, "conv1_fft").at("bound") == "memory");
    CHECK(op_of(m, "conv1_fft").at("latency_seconds").get<double>() ==
          Approx(5.45916065e-6).margin(kCycle));
}

TEST_CASE("Every kernel pays the launch overhead once per layer", "[gpu]") {
    TempDir dir("gpu-launch");
    // Two kernels a layer, 3 layers: 6 launches. At 10 µs each the model takes 6 × 10 µs =
    // 60 µs longer than with none (the bounds are the same), and `launch_seconds` says so.
    const nlohmann::json a =
        analyze(dir, "a", gemm_workload(3, "fp16"), {"hardware.launch_overhead=10us"});
    const nlohmann::json b =
        analyze(dir, "b", gemm_workload(3, "fp16"), {"hardware.launch_overhead=0us"});
    const double ta = a.at("points").at(0).at("total_latency_seconds").get<double>();
    const double tb = b.at("points").at(0).at("total_latency_seconds").get<double>();
    CHECK(ta - tb == Approx(60e-6).margin(1e-12));
    CHECK(a.at("points").at(0).at("launch_seconds").get<double>() == Approx(60e-6).epsilon(1e-12));
    CHECK(b.at("points").at(0).at("launch_seconds").get<double>() == 0);
    // Without launches: 3 × (587.346 µs + 19.360 µs) = 1820.118 µs (3 cycles of rounding each).
    CHECK(tb == Approx(3 * (587.3459550e-6 + 19.36037389e-6)).margin(6 * kCycle));
    CHECK(a.at("hardware").at("kind") == "gpu");
    CHECK(a.at("hardware").at("gpu").at("peak_flops").at("tensor_fp16") == 312e12);
}

TEST_CASE("A mistake in a GPU key names its file, line and key", "[gpu][config]") {
    TempDir dir("gpu-errors");
    const std::string base = read_file(repo_path(kA100));
    const std::string wl = repo_path("configs/workloads/hyena-153m.yaml");
    auto analyze_hw = [&](const std::string& text) {
        write_file(dir.file("hw.yaml"), text);
        write_file(dir.file("exp.yaml"),
                   "hardware: " + dir.file("hw.yaml") + "\nworkload: " + wl + "\n");
        return run_cli({"analyze", dir.file("exp.yaml"), "-q", "-o", dir.file("out")});
    };
    // Line 23 of the shipped file is `  scan: {compute: 0.5, bandwidth: 0.6}`: misspell a key.
    std::string bad = base;
    bad.replace(bad.find("scan: {compute: 0.5"), 19, "scan: {compuet: 0.5");
    const CliResult r = analyze_hw(bad);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("hw.yaml:23:") && Contains("hardware.efficiency.scan.compuet") &&
                          Contains("did you mean 'compute'"));
    const CliResult u = analyze_hw(base + "hbm: 2TB/s\n");
    CHECK(u.exit_code == 2);
    CHECK_THAT(u.err, Contains("hw.yaml:24:") && Contains("unknown key 'hbm'"));
    std::string fast = base;
    fast.replace(fast.find("2039GB/s"), 8, "fast");
    const CliResult f = analyze_hw(fast);
    CHECK(f.exit_code == 2);
    CHECK_THAT(f.err, Contains("hw.yaml:10:") && Contains("hardware.hbm_bandwidth") &&
                          Contains("expected a bandwidth"));
    std::string zero = base;
    zero.replace(zero.find("fp32: 19.5"), 10, "fp32: 0   ");
    const CliResult e = analyze_hw(zero);
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.err, Contains("hw.yaml:15:") && Contains("hardware.peak.fp32") &&
                          Contains("expected a number in [0.001, 1000000]"));
}

TEST_CASE("run, validate and sweep refuse a GPU, which is a reference for analyze", "[gpu][cli]") {
    for (const char* command : {"run", "validate"}) {
        TempDir dir("gpu-run");
        const CliResult r = run_cli({command, "configs/experiments/hyena-a100.yaml", "--set",
                                     "workload.seq_len=1024", "-o", dir.file("o")});
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("a100-80gb.yaml:6:") && Contains("hardware.kind") &&
                              Contains("roofline reference for `fusesim analyze`"));
    } // A sweep stops before any point runs.
    TempDir dir("gpu-sweep");
    write_file(dir.file("s.yaml"),
               "name: s\nexperiment: " + repo_path("configs/experiments/hyena-a100.yaml") +
                   "\naxes:\n  workload.seq_len: [1024, 2048]\n");
    const CliResult s = run_cli({"sweep", dir.file("s.yaml"), "-o", dir.file("o")});
    CHECK(s.exit_code == 2);
    CHECK_THAT(s.err, Contains("hardware.kind") && Contains("`sweep` simulates"));
}

TEST_CASE("The shipped A100 experiments give the README's latencies", "[gpu][cli]") {
    TempDir dir("gpu-shipped");
    auto point = [&](const std::string& experiment, const std::string& label) {
        const CliResult r = run_cli(
            {"analyze", experiment, "-q", "--set", "workload.seq_len=2048", "-o", dir.file(label)});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        return nlohmann::json::parse(read_file(dir.file(label + "/analysis.json")))
            .at("points")
            .at(0);
    };
    // Hyena-153M, fp16, L = 2048: 26 kernels a layer × 18 layers × 5 µs = 2.34 ms of launches;
    // in_proj 4,586,471,424 MACs at 156e12 × 0.75 /s = 39.201 µs + 5 µs.
    const nlohmann::json h = point("configs/experiments/hyena-a100.yaml", "h");
    CHECK(h.at("operators_per_layer").size() == 26);
    CHECK(h.at("launch_seconds").get<double>() == Approx(2.34e-3).epsilon(1e-12));
    for (const auto& o : h.at("operators_per_layer"))
        if (o.at("name") == "in_proj")
            CHECK(o.at("latency_seconds").get<double>() ==
                  Approx(4586471424.0 / 1.17e14 + 5e-6).margin(kCycle));
    CHECK(h.at("total_latency_seconds").get<double>() == Approx(7.003e-3).epsilon(1e-3));
    // Mamba-2.8B, fp16, Blelloch in chunks of 256, L = 2048 (README "GPU reference").
    const nlohmann::json m = point("configs/experiments/mamba-a100.yaml", "m");
    CHECK(m.at("total_latency_seconds").get<double>() == Approx(280.173e-3).epsilon(1e-3));
}

TEST_CASE("GEMMs go to the tensor cores and other mac kernels to the CUDA cores", "[gpu]") {
    TempDir dir("gpu-units");
    auto ops_of = [&](const std::string& workload, const std::string& label,
                      const std::string& scan) {
        const std::string exp = dir.file(label + ".yaml");
        write_file(exp, "hardware: " + repo_path(kA100) + "\nworkload: " + repo_path(workload) +
                            "\nset: {workload.seq_len: 64, workload.precision: bf16" + scan +
                            "}\n");
        const CliResult r = run_cli({"analyze", exp, "-q", "-o", dir.file(label)});
        INFO(r.err);
        REQUIRE(r.exit_code == 0);
        const nlohmann::json j =
            nlohmann::json::parse(read_file(dir.file(label + "/analysis.json")));
        std::map<std::string, std::string> units;
        for (const auto& o : j.at("points").at(0).at("operators_per_layer"))
            units[o.at("name")] =
                o.at("kernel_class").get<std::string>() + " " + o.at("unit").get<std::string>();
        return units;
    };
    // Attention's QKᵀ (q lacks t, k lacks l) and PV are batched GEMMs; a LayerNorm's sum of
    // squares reduces x·x, one input with every output dimension.
    auto opt = ops_of("configs/workloads/opt-2.7b.yaml", "opt", "");
    CHECK(opt.at("scores") == "gemm tensor_fp16");
    CHECK(opt.at("context") == "gemm tensor_fp16");
    CHECK(opt.at("fc1") == "gemm tensor_fp16");
    CHECK(opt.at("ln1_sq") == "elementwise cuda_fp32");
    CHECK(opt.at("softmax") == "elementwise cuda_fp32");
    // Mamba's depthwise conv (x has every output dimension) and ssm_out (h has them too) are
    // not GEMMs; the projections are. A Blelloch scan is of class scan.
    auto mamba = ops_of("configs/workloads/mamba-130m.yaml", "mamba", ", workload.scan: blelloch");
    CHECK(mamba.at("in_proj") == "gemm tensor_fp16");
    CHECK(mamba.at("x_proj") == "gemm tensor_fp16");
    CHECK(mamba.at("conv") == "elementwise cuda_fp32");
    CHECK(mamba.at("ssm_out") == "elementwise cuda_fp32");
    CHECK(mamba.at("scan") == "scan cuda_fp32");
}

TEST_CASE("A fused group is one kernel: intermediates on chip, times added, one launch",
          "[gpu][fusion]") {
    TempDir dir("gpu-fused");
    const nlohmann::json j =
        analyze(dir, "f", gemm_workload(1, "fp16"), {"mapping.fusion=[[mm, act]]"});
    // mm: compute 587.346 µs as above; HBM only x and w, 2 × 4096² × 2 B = 67,108,864 B at
    // 2.039e12 × 0.8 B/s = 41.141 µs (y stays on chip). act: compute 2.151 µs; HBM only its
    // output, 33,554,432 B at 2.039e12 × 0.85 = 19.360 µs. One kernel: max(587.346 + 2.151,
    // 41.141 + 19.360) + 5 µs = 594.497 µs (unfused: 592.346 + 24.360 = 616.706 µs).
    const nlohmann::json& mm = op_of(j, "mm");
    const nlohmann::json& act = op_of(j, "act");
    CHECK(mm.at("dram_bytes") == 67108864);
    CHECK(act.at("dram_bytes") == 33554432);
    CHECK(act.at("l2_read_bytes") == 0);
    CHECK(mm.at("kernel") == "mm");
    CHECK(act.at("kernel") == "mm");
    const auto& p = j.at("points").at(0);
    // Each operator's part is rounded up to whole cycles: at most one cycle each.
    CHECK(p.at("total_latency_seconds").get<double>() == Approx(594.49697e-6).margin(3 * kCycle));
    CHECK(p.at("launch_seconds").get<double>() == Approx(5e-6));
    // `auto` needs simulation, which a GPU does not run.
    const CliResult a =
        run_cli({"analyze", dir.file("f.yaml"), "-q", "--set", "mapping.fusion=auto"});
    CHECK(a.exit_code == 2);
    CHECK_THAT(a.err, Contains("mapping.fusion") && Contains("a GPU does not run"));
}
