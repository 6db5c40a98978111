// Hyena and the parallel scans through the command line: run and analyze with figures checked
// by hand, and the errors of their keys.
#include "tests/run_layer.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>

using namespace fusesim::test;
using Catch::Contains;

namespace {

const std::string kHyena = "configs/experiments/hyena-prefill.yaml";
const std::string kScan = "configs/experiments/mamba-scan.yaml";

nlohmann::json run_report(const TempDir& dir, const std::string& experiment,
                          const std::string& label, std::vector<std::string> sets) {
    return run_cli_json(
        {"run", experiment, "-q", "--set", "simulation.vcd=false", "-o", dir.file(label)}, sets,
        dir.file(label + "/report.json"));
}

const nlohmann::json& op_in(const nlohmann::json& report, const std::string& name) {
    for (const auto& o : report.at("operators"))
        if (o.at("name") == name) return o;
    FAIL("no operator " << name);
    throw std::logic_error("unreachable");
}

// A workload file written for a test, run through `fusesim graph` with the MARCA model.
CliResult graph_of(const TempDir& dir, const std::string& workload) {
    const std::string wl = dir.file("wl.yaml");
    write_file(wl, workload);
    const std::string exp = dir.file("exp.yaml");
    write_file(exp, "hardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                        "\nworkload: " + wl + "\n");
    return run_cli({"graph", exp, "--dot", dir.file("g.dot")});
}

} // namespace

TEST_CASE("Hyena-153M runs, its FFTs counted by hand", "[hyena][cli]") {
    TempDir dir("hyena-run");
    const nlohmann::json r = run_report(dir, kHyena, "run", {});
    // d_model 864, L = 2048, n = 4096, the released form of order 2 (one long convolution): a
    // radix-2 FFT is 5 · 4096 · 12 = 245,760 real ops per channel, × 864 channels × 18 layers
    // = 3,822,059,520. It reads the L real inputs (2048 · 864 · 4 B) and writes 4096 complex
    // values per channel (4096 · 864 · 8 B): 35,389,440 B a layer, 637,009,920 B in 18, at
    // 256 B/cycle 2,488,320 cycles. Compute: 4 tiles of 216 channels on the 128 × 64 array,
    // fft_pos (2048) on the rows and fft_ops (120) on the columns, ⌈2048/128⌉ · ⌈120/64⌉ · 216
    // = 6,912 cycles a tile, × 4 × 18 = 497,664: memory-bound.
    const auto& fft = op_in(r, "conv1_fft");
    CHECK(fft.at("ops").get<double>() == 3822059520.0);
    CHECK(fft.at("dram_bytes").get<double>() == 637009920.0);
    CHECK(fft.at("memory_cycles").get<double>() == 2488320.0);
    CHECK(fft.at("compute_cycles").get<double>() == 497664.0);
    CHECK(fft.at("bound") == "memory");
    // Its structure: 12 radix-2 stages of the 4096-point transform.
    CHECK(fft.at("staged").at("algorithm") == "fft");
    CHECK(fft.at("staged").at("points") == 4096);
    CHECK(fft.at("staged").at("stages") == 12);
    CHECK(op_in(r, "conv1_ifft").at("staged").at("algorithm") == "ifft");
    CHECK_FALSE(op_in(r, "in_proj").contains("staged"));
    CHECK(op_in(r, "conv1_ifft").at("ops").get<double>() == 3822059520.0);
    // The filter product: 6 real ops per frequency and channel: 6 · 4096 · 864 · 18.
    CHECK(op_in(r, "conv1_filter").at("ops").get<double>() == 382205952.0);
    // Two gates (one before the convolution), no second convolution.
    CHECK(op_in(r, "gate0").at("ops").get<double>() == 2048.0 * 864 * 18);
    for (const auto& o : r.at("operators")) CHECK(o.at("name") != "conv2_fft");
    // Golden latency as measured (README "Hyena and parallel scans"), 1 %.
    CHECK(r.at("latency").at("cycles").get<double>() == Approx(62591760).epsilon(0.01));
}

TEST_CASE("Hyena with its long convolution fused keeps the spectra on chip", "[hyena][cli]") {
    TempDir dir("hyena-fused");
    const nlohmann::json r =
        run_report(dir, "configs/experiments/hyena-fused-conv.yaml", "fused", {});
    // FFT, product and inverse FFT in one group: the spectra U and Y (4096 · 864 · 8 B each a
    // layer) stay on chip. The FFT only reads z (2048 · 864 · 4 = 7,077,888 B a layer), the
    // product only the weight H (28,311,552 B), the inverse only writes y (7,077,888 B); × 18.
    CHECK(op_in(r, "conv1_fft").at("group") == "conv1_fft+conv1_filter+conv1_ifft");
    CHECK(op_in(r, "conv1_fft").at("dram_bytes").get<double>() == 127401984.0);
    CHECK(op_in(r, "conv1_filter").at("dram_bytes").get<double>() == 509607936.0);
    CHECK(op_in(r, "conv1_ifft").at("dram_bytes").get<double>() == 127401984.0);
    // Its FFTs are now compute-bound: 497,664 compute cycles against 127,401,984 ÷ 256 =
    // 497,664 of DRAM (equal: ties count as compute).
    CHECK(op_in(r, "conv1_fft").at("compute_cycles").get<double>() == 497664.0);
    CHECK(op_in(r, "conv1_fft").at("bound") == "compute");
    // Golden, as measured (README): 55.02 ms against 62.59 ms unfused.
    const double fused = r.at("latency").at("cycles").get<double>();
    CHECK(fused == Approx(55023660).epsilon(0.01));
    CHECK(fused < 62591760 * 0.95);
}

TEST_CASE("Hyena analyze counts the long convolutions by hand", "[hyena][cli]") {
    TempDir dir("hyena-analyze");
    const CliResult r = run_cli({"analyze", kHyena, "-o", dir.file("an")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json j = nlohmann::json::parse(read_file(dir.file("an/analysis.json")));
    // long_conv per layer: 2 FFTs × 212,336,640 + the product 6 · 4096 · 864 = 21,233,664:
    // 445,906,944 ops, × 18 layers = 8,026,324,992. Bytes: FFT 35,389,440, the product 3 ×
    // 28,311,552 (U, H and Y, complex), inverse FFT 35,389,440: 155,713,536, × 18.
    const nlohmann::json* t = find_type(j.at("points").at(0), "long_conv");
    REQUIRE(t);
    CHECK(t->at("ops").get<double>() == 8026324992.0);
    CHECK(t->at("dram_bytes").get<double>() == 2802843648.0);
}

TEST_CASE("The HyenaDNA config loads", "[hyena][cli]") {
    TempDir dir("hyenadna");
    const std::string exp = dir.file("exp.yaml");
    write_file(exp, "hardware: " + repo_path("configs/hardware/marca-aggregated.yaml") +
                        "\nworkload: " + repo_path("configs/workloads/hyenadna-large-1m.yaml") +
                        "\n");
    const CliResult r = run_cli({"analyze", exp, "-o", dir.file("an")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const nlohmann::json j = nlohmann::json::parse(read_file(dir.file("an/analysis.json")));
    // d_model 256, L = 16384, n = 32768: 5 · 32768 · 15 = 2,457,600 ops per transform; one
    // convolution (order 2, released form): 2 transforms × 256 channels, plus the product
    // 6 · 32768 · 256; × 8 layers.
    for (const auto& t : j.at("points").at(0).at("operator_types"))
        if (t.at("type") == "long_conv")
            CHECK(t.at("ops").get<double>() == 8.0 * (2.0 * 256 * 2457600 + 6.0 * 32768 * 256));
}

TEST_CASE("Hyena keys: a bad FFT length, order, radix or stage names its key", "[hyena][cli]") {
    TempDir dir("hyena-keys");
    const std::string base = "name: h\nmodel: hyena\nd_model: 64\n";
    const std::string prefill = "stage: prefill\n";
    CliResult r = graph_of(dir, base + "stage: prefill\nseq_len: 1000\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("wl.yaml:5:") && Contains("workload.seq_len") &&
                          Contains("power of 2") && Contains("gives 2000"));
    r = graph_of(dir, base + "order: 0\nseq_len: 64\n" + prefill);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("wl.yaml:4:") && Contains("workload.order"));
    r = graph_of(dir, base + "order: 1\nform: released\nseq_len: 64\n" + prefill);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.order") && Contains("released form needs order 2"));
    r = graph_of(dir, base + "fft_radix: 8\nseq_len: 64\n" + prefill);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.fft_radix") && Contains("2") && Contains("4"));
    r = graph_of(dir, base + "stage: decode\nseq_len: 64\n");
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.stage") && Contains("prefill only"));
}

TEST_CASE("The three state updates run, their scans counted by hand", "[scan][cli]") {
    TempDir dir("scan-run");
    // Paper's Mamba-2.8B: D = 5120, N = 64, L = 2048, 64 layers; L·D·N = 671,088,640.
    const nlohmann::json seq = run_report(dir, kScan, "seq", {"workload.scan=sequential"});
    const nlohmann::json hs = run_report(dir, kScan, "hs", {"workload.scan=hillis-steele"});
    const nlohmann::json bl = run_report(dir, kScan, "bl", {"workload.scan=blelloch"});
    // Sequential: one mul per element and token in ssm_decay: 671,088,640 × 64.
    CHECK(op_in(seq, "ssm_decay").at("ops").get<double>() == 42949672960.0);
    // Chunks of 256: Hillis–Steele 8 steps × 3 ops per element, Blelloch 2 × 3:
    // 24 × 671,088,640 × 64 = 1,030,792,151,040 and 6 × ... = 257,698,037,760.
    CHECK(op_in(hs, "scan").at("ops").get<double>() == 1030792151040.0);
    CHECK(op_in(bl, "scan").at("ops").get<double>() == 257698037760.0);
    // Both read dA and dBx (4 B each) and write the pair (8 B) per element:
    // 16 × 671,088,640 × 64 = 687,194,767,360 B.
    for (const auto* r : {&hs, &bl})
        CHECK(op_in(*r, "scan").at("dram_bytes").get<double>() == 687194767360.0);
    // The carry applied to every token: 2 ops per element, 85,899,345,920.
    CHECK(op_in(bl, "scan_apply").at("ops").get<double>() == 85899345920.0);
    CHECK(op_in(hs, "scan").at("staged").at("stages") == 8);
    CHECK(op_in(bl, "scan").at("staged").at("stages") == 16);
    CHECK(op_in(bl, "scan").at("staged").at("points") == 256);
    // On the MARCA model every form is memory-bound: the scans' equal traffic gives equal
    // latency; writing and rereading the pairs costs more than the recurrence's traffic.
    const double t_seq = seq.at("latency").at("cycles").get<double>();
    const double t_hs = hs.at("latency").at("cycles").get<double>();
    const double t_bl = bl.at("latency").at("cycles").get<double>();
    CHECK(t_hs == t_bl);
    CHECK(t_seq < t_bl);
    CHECK(t_seq == Approx(8345059072).epsilon(0.01));
    CHECK(t_bl == Approx(10365902592).epsilon(0.01));
    // One chunk of the whole sequence: no carries, the scan writes h alone (dA and dBx in, h
    // out: 12 B per element against 16 B and the reread pairs): faster than the recurrence.
    const nlohmann::json one =
        run_report(dir, kScan, "one", {"workload.scan=blelloch", "workload.scan_chunk=2048"});
    CHECK(op_in(one, "scan").at("dram_bytes").get<double>() == 12.0 * 671088640 * 64);
    const double t_one = one.at("latency").at("cycles").get<double>();
    CHECK(t_one < t_seq);
    CHECK(t_one == Approx(7663619072).epsilon(0.01));
}

TEST_CASE("Scan keys: an unknown scan, a chunk not a power of 2, Mamba-2", "[scan][cli]") {
    TempDir dir("scan-keys");
    CliResult r = run_cli({"graph", kScan, "--set", "workload.scan=brent-kung"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.scan") && Contains("hillis-steele"));
    r = run_cli({"graph", kScan, "--set", "workload.scan_chunk=100"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.scan_chunk") && Contains("power of 2"));
    r = run_cli(
        {"graph", "configs/experiments/mamba2-unfused.yaml", "--set", "workload.scan=blelloch"});
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("workload.scan"));
    const CliResult a = run_cli({"analyze", kScan, "-o", dir.file("an")});
    INFO(a.err);
    CHECK(a.exit_code == 0);
}

TEST_CASE("The scan-forms sweep runs its points", "[scan][cli]") {
    TempDir dir("scan-sweep");
    const CliResult r =
        run_cli({"sweep", "configs/sweeps/scan-forms.yaml", "-j", "2", "-o", dir.file("out")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const std::string results = read_file(dir.file("out/results.csv"));
    // As in the run above (L = 2048): the recurrence 8,345,059,072 cycles, both scans
    // 10,365,902,592 (their DRAM traffic is the same).
    CHECK_THAT(results, Contains("sequential,2048,ok,8345059072,") &&
                            Contains("hillis-steele,2048,ok,10365902592,") &&
                            Contains("blelloch,2048,ok,10365902592,"));
    CHECK_THAT(results, Contains("blelloch,512,ok,"));
}
