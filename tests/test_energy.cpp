// Energy per component and chip area (hw/cost/energy.hpp): figures of small runs counted by hand,
// the hardware keys, and a sweep that minimizes the energy-delay product.
#include "hw/cost/energy.hpp"
#include "run_cli.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/params_hardware.hpp"
#include "sim/config/schema.hpp"
#include "sim/report/table.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace fusesim;
using namespace fusesim::test;
using nlohmann::json;

namespace {

constexpr double kPico = 1e-12;

// Cores of 4 × 4 PEs and 1 MiB SRAM, 16 B/cycle DRAM, every energy figure at its default.
std::string tiny_hardware(int cores) {
    return "name: tiny\nclock: 1GHz\ncores: " + std::to_string(cores) +
           "\ncore: {pe_rows: 4, pe_cols: 4, sram: 1MiB}\ndram: {bandwidth: 16B/cycle}\n";
}
// y[l,d] += x[l,k] · w[k,d] with l = 8, k = 8, d = 4, then a = silu(y).
const char* kGemmSilu = "name: gemm-silu\nmodel: custom\nlayers: 1\nstage: prefill\nbatch: 1\n"
                        "seq_len: 8\nprecision: fp32\ndims: {l: seq_len, k: 8, d: 4}\n"
                        "inputs: [x]\nweights: [w]\noperators:\n"
                        "  - {name: proj, einsum: \"y[l,d] += x[l,k] * w[k,d]\"}\n"
                        "  - {name: act, einsum: \"a[l,d] = silu(y[l,d])\"}\n";

// Writes the experiment (hardware, the GEMM + SiLU, a mapping) into `d`; returns its path.
std::string experiment(const TempDir& d, const std::string& hardware, const std::string& mapping) {
    write_file(d.file("hw.yaml"), hardware);
    write_file(d.file("wl.yaml"), kGemmSilu);
    write_file(d.file("map.yaml"), mapping);
    write_file(d.file("exp.yaml"),
               "name: energy\nhardware: hw.yaml\nworkload: wl.yaml\n"
               "mapping: map.yaml\nsimulation: {vcd: false, timeline: false}\n");
    return d.file("exp.yaml");
}

json run_report(const std::string& exp, const std::string& out,
                std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", exp, "-q", "-o", out};
    args.insert(args.end(), extra.begin(), extra.end());
    const CliResult r = run_cli(args);
    INFO(r.command << "\n" << r.err);
    REQUIRE(r.exit_code == 0);
    return json::parse(read_file(out + "/report.json"));
}

double joules(const json& j) {
    return j.get<double>();
}

} // namespace

TEST_CASE("Energy of an unfused GEMM and SiLU on one core counted by hand", "[energy]") {
    TempDir d("energy-hand");
    const std::string exp = experiment(d, tiny_hardware(1), "name: whole\nfusion: unfused\n");
    const json r = run_report(exp, d.file("out"));
    const json& e = r["energy"];
    // One tile per operator, fp32 (4 B per element):
    //   proj: 8·8·4 = 256 MACs; reads x (8·8·4 B = 256 B) and w (8·4·4 = 128 B) from DRAM,
    //         writes y (8·4·4 = 128 B), which leaves its group and is written back to DRAM.
    //   act:  32 SiLUs; reads y (128 B) from DRAM, writes a (128 B), written back.
    // DRAM: read 384 + 128 = 512 B, written 128 + 128 = 256 B: 768 B = 6144 bit × 20 pJ.
    // SRAM read: the arrays' inputs 384 + 128, the write-backs 256: 768 B × 1.25 pJ = 960 pJ.
    // SRAM write: the arrays' outputs 128 + 128, the fills from DRAM 512: 768 B → 960 pJ.
    // Compute: 256 × 4.6 pJ = 1177.6 pJ; 32 × 41.4 pJ = 1324.8 pJ.
    CHECK(e["counts"]["ops"]["mac"].get<double>() == 256);
    CHECK(e["counts"]["ops"]["silu"].get<double>() == 32);
    CHECK(e["counts"]["sram_read_bytes"].get<double>() == 768);
    CHECK(e["counts"]["sram_write_bytes"].get<double>() == 768);
    CHECK(e["counts"]["dram_bytes"].get<double>() == 768);
    CHECK(joules(e["compute_joules"]["mac"]) == Approx(1177.6 * kPico).epsilon(1e-12));
    CHECK(joules(e["compute_joules"]["silu"]) == Approx(1324.8 * kPico).epsilon(1e-12));
    CHECK(joules(e["compute_joules"]["exp"]) == 0);
    CHECK(joules(e["compute_total_joules"]) == Approx(2502.4 * kPico).epsilon(1e-12));
    CHECK(joules(e["sram_read_joules"]) == Approx(960 * kPico).epsilon(1e-12));
    CHECK(joules(e["sram_write_joules"]) == Approx(960 * kPico).epsilon(1e-12));
    CHECK(joules(e["sram_joules"]) == Approx(1920 * kPico).epsilon(1e-12));
    CHECK(joules(e["noc_joules"]) == 0); // one core: no interconnect
    CHECK(joules(e["dram_joules"]) == Approx(122880 * kPico).epsilon(1e-12));
    CHECK(joules(e["static_joules"]) == 0);
    CHECK(joules(e["total_joules"]) == Approx(127302.4 * kPico).epsilon(1e-12));
    // Latency: fetch x, w 384 B ÷ 16 = 24 cycles; proj 2 × 1 × 8 = 16 cycles on 4 × 4; write y
    // 8; read y 8; act 2; write a 8: 66 cycles. EDP = 127302.4 pJ × 66 ns.
    REQUIRE(r["latency"]["cycles"] == 66);
    CHECK(r["edp_joule_seconds"].get<double>() == Approx(127302.4e-12 * 66e-9).epsilon(1e-12));
    // Area: 16 PEs × 222 · 0.2 / 8192 mm² = 0.0867 mm²; 1 MiB × 7.4 mm².
    CHECK(r["area"]["pe_mm2"].get<double>() == Approx(16 * 222.0 * 0.2 / 8192).epsilon(1e-12));
    CHECK(r["area"]["sram_mm2"].get<double>() == Approx(7.4).epsilon(1e-12));
    CHECK(r["area"]["total_mm2"].get<double>() ==
          Approx(7.4 + 16 * 222.0 * 0.2 / 8192).epsilon(1e-12));
    const std::string summary = read_file(d.file("out/summary.txt"));
    CHECK_THAT(summary, Catch::Contains("energy       1.273e-07 J (compute 2.502e-09, SRAM "
                                        "1.92e-09, NoC 0, DRAM 1.229e-07), EDP 8.402e-15 J·s"));
    CHECK_THAT(summary, Catch::Contains("area         7.49 mm² (PEs 0.09, SRAM 7.40)"));

    // fp16: half the bytes, and the ops scaled by Horowitz's ratios (MAC: (1.1 + 0.4) / 4.6;
    // SiLU is multiplier-class: 1.1 / 3.7). DRAM 384 B = 3072 bit → 61,440 pJ; SRAM 384 B each
    // way → 480 pJ each; MACs 256 × 1.5 = 384 pJ; SiLU 32 × 41.4 × 1.1 / 3.7 = 393.859… pJ.
    const json h = run_report(exp, d.file("fp16"), {"--set", "workload.precision=fp16"});
    const json& f = h["energy"];
    CHECK(joules(f["compute_joules"]["mac"]) == Approx(384 * kPico).epsilon(1e-12));
    CHECK(joules(f["compute_joules"]["silu"]) ==
          Approx(32 * 41.4 * 1.1 / 3.7 * kPico).epsilon(1e-12));
    CHECK(joules(f["sram_read_joules"]) == Approx(480 * kPico).epsilon(1e-12));
    CHECK(joules(f["sram_write_joules"]) == Approx(480 * kPico).epsilon(1e-12));
    CHECK(joules(f["dram_joules"]) == Approx(61440 * kPico).epsilon(1e-12));
}

TEST_CASE("Energy of bytes moved between two cores counted by hand", "[energy]") {
    TempDir d("energy-noc");
    // One proj tile (all 8 rows) and two act tiles of 4 rows, fused: the tiles spread over
    // the two cores, so one act tile reads its half of y (4 · 4 · 4 B = 64 B) from the other
    // core over the bus: 64 byte-hops × 0.8 pJ = 51.2 pJ.
    const std::string exp =
        experiment(d, tiny_hardware(2),
                   "name: fused\ntiling:\n  default: {l: 4}\n  ops:\n    proj: {l: 8}\n"
                   "fusion: [[proj, act]]\n");
    const json r = run_report(exp, d.file("out"));
    const json& e = r["energy"];
    CHECK(e["counts"]["noc_byte_hops"].get<double>() == 64);
    CHECK(joules(e["noc_joules"]) == Approx(51.2 * kPico).epsilon(1e-12));
    // DRAM: x and w in (384 B), a out (128 B): 512 B → 81,920 pJ.
    CHECK(joules(e["dram_joules"]) == Approx(81920 * kPico).epsilon(1e-12));
    // SRAM read: inputs of proj 384 and of act 64 + 64, write-back of a 128, sent 64: 704 B.
    // SRAM write: outputs 128 + 64 + 64, fills 384, received 64: 704 B. 704 × 1.25 = 880 pJ.
    CHECK(joules(e["sram_read_joules"]) == Approx(880 * kPico).epsilon(1e-12));
    CHECK(joules(e["sram_write_joules"]) == Approx(880 * kPico).epsilon(1e-12));
    CHECK(joules(e["total_joules"]) ==
          Approx((2502.4 + 1760 + 51.2 + 81920) * kPico).epsilon(1e-12));
    // Two cores: twice the PEs and SRAM of one.
    CHECK(r["area"]["total_mm2"].get<double>() ==
          Approx(2 * (7.4 + 16 * 222.0 * 0.2 / 8192)).epsilon(1e-12));
}

TEST_CASE("Energy per component from given counts by hand", "[energy]") {
    EnergySpec spec; // the defaults
    EnergyCounts n;
    n.ops[static_cast<int>(OpKind::Add)] = 1000;
    n.ops[static_cast<int>(OpKind::Exp)] = 10;
    n.sram_read_bytes = 400;
    n.sram_write_bytes = 100;
    n.noc_byte_hops = 50;
    n.dram_bytes = 2;
    n.seconds = 1e-3;
    spec.leakage_w_per_mm2 = 0.01;
    const ChipArea area{1.5, 2.5}; // 4 mm²
    const EnergyBreakdown b = run_energy(spec, 20, "fp32", area, n);
    // add 1000 × 0.9 pJ; exp 10 × 4 × 4.6 pJ = 184 pJ; SRAM 400 × 1.25 and 100 × 1.25 pJ;
    // NoC 50 × 0.8 pJ; DRAM 16 bit × 20 pJ; static 0.01 W/mm² × 4 mm² × 1 ms = 40 µJ.
    CHECK(b.compute_joules[static_cast<int>(OpKind::Add)] == Approx(900e-12).epsilon(1e-12));
    CHECK(b.compute_joules[static_cast<int>(OpKind::Exp)] == Approx(184e-12).epsilon(1e-12));
    CHECK(b.sram_read_joules == Approx(500e-12).epsilon(1e-12));
    CHECK(b.sram_write_joules == Approx(125e-12).epsilon(1e-12));
    CHECK(b.noc_joules == Approx(40e-12).epsilon(1e-12));
    CHECK(b.dram_joules == Approx(320e-12).epsilon(1e-12));
    CHECK(b.static_joules == Approx(40e-6).epsilon(1e-12));
    CHECK(b.total_joules() == Approx(40e-6 + 2069e-12).epsilon(1e-12));
    // int8: adds × 0.03 / 0.9, exp (multiplier-class) × 0.2 / 3.7; bytes are unchanged.
    const EnergyBreakdown i8 = run_energy(spec, 20, "int8", area, n);
    CHECK(i8.compute_joules[static_cast<int>(OpKind::Add)] == Approx(30e-12).epsilon(1e-12));
    CHECK(i8.compute_joules[static_cast<int>(OpKind::Exp)] ==
          Approx(184e-12 * 0.2 / 3.7).epsilon(1e-12));
    CHECK(i8.sram_read_joules == b.sram_read_joules);
    CHECK(interconnect_hops("bus", 0, 1) == 1);
    CHECK(interconnect_hops("p2p", 3, 1) == 1);
    CHECK(precision_factor(EnergyClass::MultiplyAdd, "bf16") == Approx(1.5 / 4.6).epsilon(1e-12));
    CHECK(precision_factor(EnergyClass::Adder, "fp8") == Approx(0.03 / 0.9).epsilon(1e-12));
}

TEST_CASE("Area of the area model's chips by hand", "[energy][area]") {
    const std::string file = read_file(repo_path("configs/hardware/marca-area.yaml"));
    auto area_of = [&](const std::string& scale, const std::string& share) {
        std::string text = file;
        text.replace(text.find("scale: 1.0"), 10, "scale: " + scale);
        text.replace(text.find("memory_share: 0.8"), 17, "memory_share: " + share);
        const HardwareSpec hw = read_hardware(parse_yaml_text(text, "marca-area.yaml"));
        return chip_area(hw.energy, hw.total_pes(), hw.total_sram_bytes());
    };
    // a = 1, m = 0.8: 8192 PEs × 222 · 0.2 / 8192 mm² = 44.4 mm²; 24 MiB × 7.4 = 177.6 mm².
    const ChipArea marca = area_of("1.0", "0.8");
    CHECK(marca.pe_mm2 == Approx(44.4).epsilon(1e-12));
    CHECK(marca.sram_mm2 == Approx(177.6).epsilon(1e-12));
    CHECK(marca.total_mm2() == Approx(222).epsilon(1e-12));
    // a = 0.5, m = 0.1: 0.5 · 40,960 · 0.9 = 18,432 PEs (288 rows of 64) → 99.9 mm²;
    // 0.5 · 30 MiB · 0.1 = 1.5 MiB → 11.1 mm². 111 mm² = 0.5 × 222.
    const ChipArea small = area_of("0.5", "0.1");
    CHECK(small.pe_mm2 == Approx(99.9).epsilon(1e-12));
    CHECK(small.sram_mm2 == Approx(11.1).epsilon(1e-12));
    // a = 0.125, m = 0.95: 0.125 · 40,960 · 0.05 = 256 PEs = 4 rows → 1.3875 mm²; SRAM
    // 0.125 · 30 MiB · 0.95 = 3.5625 MiB → 26.3625 mm².
    const ChipArea tiny = area_of("0.125", "0.95");
    CHECK(tiny.pe_mm2 == Approx(1.3875).epsilon(1e-12));
    CHECK(tiny.sram_mm2 == Approx(26.3625).epsilon(1e-9));
}

TEST_CASE("Under an area model the SRAM density follows from the die the model describes",
          "[energy][area]") {
    // A die that holds 20,480 PEs (full_pes) or 30 MiB (full_sram): at 222 · 0.2 / 8192 mm² per
    // PE it is 20,480 × 0.00542 = 111 mm², so a MiB of SRAM takes 111 / 30 = 3.7 mm². At a = 1,
    // m = 0.8: 4,096 PEs = 22.2 mm² and 24 MiB = 88.8 mm², the whole 111 mm² die.
    std::string text = read_file(repo_path("configs/hardware/marca-area.yaml"));
    text.replace(text.find("full_pes: 40960"), 15, "full_pes: 20480");
    const HardwareSpec hw = read_hardware(parse_yaml_text(text, "marca-area.yaml"));
    CHECK(hw.energy.sram_mm2_per_mib == Approx(3.7).epsilon(1e-12));
    const ChipArea a = chip_area(hw.energy, hw.total_pes(), hw.total_sram_bytes());
    CHECK(a.pe_mm2 == Approx(22.2).epsilon(1e-12));
    CHECK(a.sram_mm2 == Approx(88.8).epsilon(1e-12));
    CHECK(a.total_mm2() == Approx(111).epsilon(1e-12));
    // A die.sram_area that contradicts the model is an error at its key.
    try {
        read_hardware(parse_yaml_text(text + "die: {sram_area: 7.4}\n", "marca-area.yaml"));
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK_THAT(std::string(e.what()),
                   Catch::Contains("hardware.die.sram_area") && Catch::Contains("3.7"));
    }
    // One that agrees is accepted.
    CHECK_NOTHROW(read_hardware(parse_yaml_text(text + "die: {sram_area: 3.7}\n", "x.yaml")));
}

TEST_CASE("Energy and area keys are read with units and checked", "[energy][config]") {
    const std::string base = "name: x\nclock: 1GHz\ncores: 1\n"
                             "core: {pe_rows: 2, pe_cols: 2, sram: 1KiB, sram_read_energy: 2pJ}\n"
                             "dram: {bandwidth: 8B/cycle}\n";
    const HardwareSpec d = read_hardware(parse_yaml_text(base, "hw.yaml"));
    // The declared defaults are the model's defaults.
    const EnergySpec model;
    CHECK(d.energy.sram_read_pj_per_byte == 2);
    CHECK(d.energy.sram_write_pj_per_byte == hw_param::sram_write_energy.default_value);
    CHECK(model.sram_write_pj_per_byte == hw_param::sram_write_energy.default_value);
    CHECK(model.sram_read_pj_per_byte == hw_param::sram_read_energy.default_value);
    CHECK(model.noc_pj_per_byte_hop == hw_param::ic_energy.default_value);
    CHECK(d.energy.noc_pj_per_byte_hop == hw_param::ic_energy.default_value);
    CHECK(DramSpec{}.energy_pj_per_bit == hw_param::dram_energy.default_value);
    CHECK(d.dram.energy_pj_per_bit == 20);
    CHECK(model.pe_mm2 == hw_param::pe_area.default_value);
    CHECK(model.sram_mm2_per_mib == hw_param::sram_area.default_value);
    CHECK(d.energy.op_pj[static_cast<int>(OpKind::Mac)] == Approx(4.6).epsilon(1e-12));

    const HardwareSpec h = read_hardware(parse_yaml_text(
        base + "op_energy: {mac: 0.5nJ, exp: 3}\ninterconnect: {energy_per_byte: 2fJ}\n"
               "die: {pe_area: 0.01, sram_area: 2, leakage: 0.05}\n",
        "hw.yaml"));
    CHECK(h.energy.op_pj[static_cast<int>(OpKind::Mac)] == Approx(500).epsilon(1e-12));
    CHECK(h.energy.op_pj[static_cast<int>(OpKind::Exp)] == 3);
    CHECK(h.energy.op_pj[static_cast<int>(OpKind::Add)] == Approx(0.9).epsilon(1e-12));
    CHECK(h.energy.noc_pj_per_byte_hop == Approx(0.002).epsilon(1e-12));
    CHECK(h.energy.pe_mm2 == 0.01);
    CHECK(h.energy.sram_mm2_per_mib == 2);
    CHECK(h.energy.leakage_w_per_mm2 == 0.05);

    auto error_of = [&](const std::string& extra) {
        try {
            read_hardware(parse_yaml_text(base + extra, "hw.yaml"));
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    CHECK_THAT(error_of("op_energy: {view: 1pJ}\n"),
               Catch::Contains("hw.yaml:6") && Catch::Contains("hardware.op_energy.view") &&
                   Catch::Contains("unknown operator kind"));
    CHECK_THAT(error_of("op_energy: {mac: 3 volts}\n"), Catch::Contains("hardware.op_energy.mac"));
    CHECK_THAT(error_of("die: {pe_area: -1}\n"), Catch::Contains("hardware.die.pe_area"));
    CHECK_THAT(error_of("die: {area: 1}\n"), Catch::Contains("unknown key 'area'"));
}

TEST_CASE("A sweep minimizing the energy-delay product picks the point of least EDP",
          "[energy][sweep]") {
    TempDir d("energy-sweep");
    const std::string exp = experiment(d, tiny_hardware(1), "name: whole\nfusion: unfused\n");
    // Point 0: 16 B/cycle, 20 pJ/bit: 66 cycles, 127,302.4 pJ (the hand case above).
    // Point 1: 32 B/cycle, 200 pJ/bit: 12 + 16 + 4 + 4 + 2 + 4 = 42 cycles; DRAM 6144 bit ×
    // 200 pJ = 1,228,800 pJ, + compute 2502.4 + SRAM 1920 = 1,233,222.4 pJ. Faster, but its
    // EDP (5.18e-14 J·s) is six times point 0's (8.40e-15 J·s).
    write_file(d.file("sweep.yaml"),
               "name: edp\nexperiment: exp.yaml\naxes:\n"
               "  hardware.dram.bandwidth: [16B/cycle, 32B/cycle]\n"
               "  hardware.dram.energy_per_bit: [20pJ, 200pJ]\ncombine: zip\nbest:\n"
               "  - {group_by: [], minimize: edp_joule_seconds}\n"
               "  - {group_by: [], minimize: latency_seconds}\n");
    const CliResult r = run_cli({"sweep", d.file("sweep.yaml"), "-o", d.file("out")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 3);
    const auto& head = rows[0];
    auto col = [&](const std::string& name) {
        return static_cast<size_t>(std::find(head.begin(), head.end(), name) - head.begin());
    };
    // then config_hash, version, tokens_per_second, decode_state, state_bytes
    REQUIRE(col("area_mm2") == head.size() - 6);
    CHECK(std::stod(rows[1][col("energy_joules")]) == Approx(127302.4e-12).epsilon(1e-7));
    CHECK(std::stod(rows[1][col("edp_joule_seconds")]) ==
          Approx(127302.4e-12 * 66e-9).epsilon(1e-7));
    CHECK(std::stod(rows[2][col("energy_joules")]) == Approx(1233222.4e-12).epsilon(1e-7));
    CHECK(std::stod(rows[2][col("edp_joule_seconds")]) ==
          Approx(1233222.4e-12 * 42e-9).epsilon(1e-7));
    CHECK(std::stod(rows[1][col("area_mm2")]) ==
          Approx(7.4 + 16 * 222.0 * 0.2 / 8192).epsilon(1e-7));
    const auto best = read_csv_file(d.file("out/best.csv"));
    REQUIRE(best.size() == 3);
    // Table 0 (EDP) picks point 0; table 1 (latency) picks point 1.
    CHECK(best[1][0] == "0");
    CHECK(best[1][1] == "16B/cycle");
    CHECK(best[2][0] == "1");
    CHECK(best[2][1] == "32B/cycle");
}
