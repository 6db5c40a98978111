// `fusesim analyze`: the roofline study of the paper's Section 4 (Figures 1 and 4) for every
// workload, stage and sequence length of an experiment.
#include "hw/cost/rdu_op.hpp"
#include "sim/analytic/analytic.hpp"
#include "sim/analytic/dataflow.hpp"
#include "sim/analytic/gpu_analytic.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/config_hash.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/schema.hpp"
#include "sim/report/output.hpp"
#include "sim/report/table.hpp"
#include "sim/report/version.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <map>
#include <optional>

namespace fusesim {

namespace {

struct Point {
    std::string workload;
    Stage stage;
    int64_t seq_len;
    AnalyticReport report;
    double seconds;
    double layers;
    int64_t whole_layers;           // the same, for exact integer counts
    std::vector<GpuKernel> kernels; // on a GPU: one per operator of `report`
    int64_t launches = 0;           // on a GPU: kernels per layer
    // On an RDU: the mapping of each FFT and scan, by operator index.
    std::vector<std::optional<RduOpMapping>> rdu;
};

// The GPU's figures as read (analysis.json's `hardware.gpu`).
nlohmann::ordered_json gpu_json(const GpuSpec& g) {
    nlohmann::ordered_json peaks, eff;
    for (int u = 0; u < kGpuUnitCount; ++u)
        peaks[to_string(static_cast<GpuUnit>(u))] = g.peak_flops[u];
    for (int c = 0; c < kKernelClassCount; ++c)
        eff[to_string(static_cast<KernelClass>(c))] = {{"compute", g.efficiency[c].compute},
                                                       {"bandwidth", g.efficiency[c].bandwidth}};
    return {{"sms", g.sms},
            {"l2_bytes", g.l2_bytes},
            {"hbm_bytes_per_second", g.hbm_bytes_per_second},
            {"peak_flops", peaks},
            {"tf32", g.tf32},
            {"launch_overhead_seconds", g.launch_seconds},
            {"l2_reuse", g.l2_reuse},
            {"efficiency", eff}};
}

// On a GPU, the on-chip groups of the experiment's `mapping.fusion` (each one fused kernel).
std::vector<FusionGroupSpec> gpu_groups(const ResolvedExperiment& e, const Workload& w,
                                        const HardwareSpec& hw) {
    const ConfigNode* mapping = e.tree.find("mapping");
    if (!mapping) return {};
    MappingSpec m = read_mapping(*mapping, w, hw.core.sram_bytes);
    if (m.fusion == "auto")
        throw ConfigError(mapping->find("fusion")->origin(), "mapping.fusion",
                          "`auto` chooses by simulation, which a GPU does not run: name the "
                          "groups its fused kernels hold");
    return m.groups;
}

// The roofline plot places operator types at one sequence length (the paper's Figure 4).
int64_t pick_roofline_len(const ResolvedExperiment& e, const AnalysisSpec& a,
                          const std::vector<Point>& points) {
    if (const auto len = a.roofline_seq_len) {
        for (const auto& p : points)
            if (p.seq_len == *len) return *len;
        throw ConfigError(e.tree.find("analysis")->find("roofline_seq_len")->origin(),
                          "analysis.roofline_seq_len",
                          "is not one of the workload's seq_len values");
    }
    return points.back().seq_len;
}

// The roofline with every operator type at sequence length `len`: one panel per stage, a point
// per type, a colour per workload and a point shape per type, named in the key beside the panel
// (the paper's Figure 4, middle): no text is placed among the points, so none can overlap. Names
// go through gnuplot_string; the data blocks hold numbers only.
std::string roofline_script(const HardwareSpec& hw, bool gpu, const std::vector<Point>& points,
                            int64_t len) {
    const double peak = static_cast<double>(hw.total_pes());
    const double bw = hw.dram.bytes_per_cycle;
    std::string s =
        "set terminal svg size 1600,640 dynamic noenhanced font 'sans,13' background "
        "'white'\nset output " +
        gnuplot_string("roofline.svg") + "\nset multiplot layout 1,2 title " +
        gnuplot_string("Roofline of " + hw.name + " (" + std::to_string(hw.total_pes()) +
                       (gpu ? " MACs/cycle of the FP16 tensor cores, " : " PEs, ") + fixed(bw, 0) +
                       " B/cycle, ridge " + fixed(peak / bw, 1) +
                       " ops/byte), L = " + std::to_string(len)) +
        "\n";
    s += "set logscale xy\nset xlabel 'operational intensity (ops/byte)'\n"
         "set ylabel 'attainable performance (ops/cycle)'\nset grid\n"
         "set key outside right top vertical Left reverse font ',11' spacing 1.1\n"
         "set xrange [0.03:3000]\nset yrange [1:" +
         fixed(peak * 4, 0) + "]\n";
    s += "roof(x) = (x*" + fixed(bw, 6) + " < " + fixed(peak, 1) + ") ? x*" + fixed(bw, 6) + " : " +
         fixed(peak, 1) + "\nset samples 2000\n";
    // Colours by workload, point shapes by operator type, both in order of first appearance.
    auto add_once = [](std::vector<std::string>& v, const std::string& x) {
        if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
    };
    std::vector<std::string> workloads, types;
    for (const auto& p : points) {
        add_once(workloads, p.workload);
        for (const auto& t : p.report.types) add_once(types, t.type);
    }
    static const int kShapes[] = {7, 5, 9, 11, 13, 15, 4, 6, 8, 10, 12, 14, 1, 2, 3};
    int block = 0;
    for (Stage stage : {Stage::Prefill, Stage::Decode}) {
        std::string plot = "set title " + gnuplot_string(to_string(stage)) +
                           "\nplot roof(x) with lines lw 2 lc rgb 'black' title 'roofline'";
        for (const auto& p : points) {
            if (p.seq_len != len || p.stage != stage) continue;
            const std::string colour = std::to_string(
                std::find(workloads.begin(), workloads.end(), p.workload) - workloads.begin() + 1);
            for (const auto& t : p.report.types) {
                const bool on_log_axis = t.intensity > 0 && std::isfinite(t.intensity);
                if (t.ops <= 0 || !on_log_axis) continue;
                const size_t k = static_cast<size_t>(std::find(types.begin(), types.end(), t.type) -
                                                     types.begin());
                const std::string name = "$P" + std::to_string(block++);
                s += name + " << EOD\n" + sci(t.intensity, 6) + " " +
                     sci(t.attainable_ops_per_cycle, 6) + "\nEOD\n";
                plot += ", " + name + " using 1:2 with points pt " +
                        std::to_string(kShapes[k % std::size(kShapes)]) + " ps 1.5 lc " + colour +
                        " title " + gnuplot_string(p.workload + ": " + t.type);
            }
        }
        s += plot + "\n";
    }
    return s + "unset multiplot\n";
}

// Multi-panel plots against L, log-log, a line per workload.
struct Panel {
    Stage stage;
    std::string title, ylabel;
    std::function<double(const Point&)> value;
};

std::string panels_script(const std::string& svg, const std::string& layout, int height,
                          const std::vector<Point>& points, const std::vector<Panel>& panels) {
    std::string s =
        "set terminal svg size 1100," + std::to_string(height) +
        " dynamic noenhanced font 'sans,13' background 'white'\nset output " + gnuplot_string(svg) +
        "\nset multiplot layout " + layout +
        "\nset logscale xy\nset grid\nset key top left\nset xlabel 'sequence length L'\n";
    int block = 0;
    for (const auto& panel : panels) {
        std::map<std::string, std::string> series;
        double x_lo = 0, x_hi = 0, y_lo = 0, y_hi = 0;
        for (const auto& p : points)
            if (p.stage == panel.stage) {
                const double x = static_cast<double>(p.seq_len), y = panel.value(p);
                if (series.empty()) x_lo = x_hi = x, y_lo = y_hi = y;
                x_lo = std::min(x_lo, x), x_hi = std::max(x_hi, x);
                y_lo = std::min(y_lo, y), y_hi = std::max(y_hi, y);
                series[p.workload] += std::to_string(p.seq_len) + " " + sci(y, 6) + "\n";
            }
        if (series.empty()) continue;
        // One value on an axis: a range around it (gnuplot warns of an empty range otherwise).
        const auto range = [](const char* axis, double lo, double hi) {
            return lo < hi || lo <= 0 ? "set autoscale " + std::string(axis) + "\n"
                                      : "set " + std::string(axis) + "range [" + sci(lo / 2, 6) +
                                            ":" + sci(hi * 2, 6) + "]\n";
        };
        s += "set title " + gnuplot_string(panel.title) + "\nset ylabel " +
             gnuplot_string(panel.ylabel) + "\n" + range("x", x_lo, x_hi) + range("y", y_lo, y_hi);
        std::string plot = "plot ";
        for (const auto& [name, data] : series) {
            const std::string b = "$S" + std::to_string(block++);
            s += b + " << EOD\n" + data + "EOD\n";
            plot += std::string(plot == "plot " ? "" : ", ") + b +
                    " using 1:2 with linespoints lw 2 title " + gnuplot_string(name);
        }
        s += plot + "\n";
    }
    return s + "unset multiplot\n";
}

// Prefill time to first token and decode time per token (the paper's Figure 4, right).
std::string latency_script(const std::vector<Point>& points) {
    return panels_script("latency.svg", "1,2", 480, points,
                         {{Stage::Prefill, "Prefill: time to first token", "latency (s)",
                           [](const Point& p) { return p.seconds; }},
                          {Stage::Decode, "Decode: time per token", "latency (ms)",
                           [](const Point& p) { return p.seconds * 1e3; }}});
}

// The paper's Figure 1: total operations and DRAM traffic of the whole model by stage and L.
std::string totals_script(const std::vector<Point>& points, const std::string& execution) {
    auto ops = [](const Point& p) { return static_cast<double>(p.report.layer_ops) * p.layers; };
    auto bytes = [](const Point& p) {
        return static_cast<double>(p.report.layer_dram_bytes) * p.layers;
    };
    return panels_script(
        "ops-bytes.svg", "2,2", 900, points,
        {{Stage::Prefill, "Prefill: operations", "ops", ops},
         {Stage::Decode, "Decode (per token): operations", "ops", ops},
         {Stage::Prefill, "Prefill: DRAM traffic, " + execution, "bytes", bytes},
         {Stage::Decode, "Decode (per token): DRAM traffic, " + execution, "bytes", bytes}});
}

} // namespace

int cmd_analyze(const CommandArgs& args) {
    ResolvedExperiment e = load_experiment(args.experiment, args.overrides, args.files);
    ExperimentSpec x = read_experiment(e); // every section, also those analyze does not use
    const HardwareSpec& hw = x.hw;
    const bool dataflow = x.analysis.execution == Execution::Dataflow;

    std::vector<Point> points;
    for (const auto& ws : x.workloads)
        for (Stage stage : ws.stages)
            for (int64_t L : ws.seq_lens) {
                Workload w = ws.build(stage, L);
                GpuReport g;
                if (x.gpu) g = analyze_gpu(w, *x.gpu, hw, gpu_groups(e, w, hw));
                AnalyticReport r = x.gpu      ? std::move(g.report)
                                   : dataflow ? analyze_dataflow(w, hw)
                                              : analyze_layer_by_layer(w, hw);
                const double secs = static_cast<double>(r.model_cycles) / hw.clock_hz;
                std::vector<std::optional<RduOpMapping>> rdu(w.ops.size());
                for (size_t o = 0; o < w.ops.size(); ++o)
                    if (rdu_costs(hw, w.ops[o])) rdu[o] = rdu_op_mapping(w, hw, w.ops[o]);
                points.push_back({ws.name, stage, L, std::move(r), secs,
                                  static_cast<double>(w.layers), static_cast<int64_t>(w.layers),
                                  std::move(g.kernels), g.launches, std::move(rdu)});
            }
    const int64_t roof_len = pick_roofline_len(e, x.analysis, points);
    OutputDir out(args.output.empty() ? e.output : args.output);
    out.set_quiet(args.quiet);

    Table totals({"workload", "stage", "L", "ops", "DRAM bytes", "latency", "dominant type"});
    Table totals_csv(
        {"workload", "stage", "seq_len", "ops", "dram_bytes", "latency_seconds", "dominant_type"});
    // analysis.csv: counts as exact integers, floats as their shortest round-trip text.
    Table types({"workload", "stage", "seq_len", "type", "ops", "dram_bytes",
                 "intensity_ops_per_byte", "intensity_ratio_ops_per_byte",
                 "attainable_ops_per_cycle", "latency_seconds", "latency_share"});
    nlohmann::ordered_json j;
    j["experiment"] = e.name;
    j["version"] = build_version();
    j["config_hash"] = config_hash(e.tree);
    j["hardware"] = {
        {"name", hw.name},
        {"pes", hw.total_pes()},
        {"dram_bytes_per_cycle", hw.dram.bytes_per_cycle},
        {"clock_hz", hw.clock_hz},
        {"ridge_ops_per_byte", static_cast<double>(hw.total_pes()) / hw.dram.bytes_per_cycle},
        {"kind", x.gpu    ? "gpu"
                 : hw.rdu ? "rdu"
                          : "accelerator"}};
    if (x.gpu) j["hardware"]["gpu"] = gpu_json(*x.gpu);
    j["execution"] = dataflow ? "dataflow" : x.gpu ? "kernel-by-kernel" : "layer-by-layer";
    j["roofline_seq_len"] = roof_len;
    j["points"] = nlohmann::ordered_json::array();
    for (const auto& p : points) {
        const double layers = p.layers;
        std::string dominant;
        uint64_t most = 0;
        nlohmann::ordered_json jt = nlohmann::ordered_json::array();
        for (const auto& t : p.report.types) {
            const double secs = static_cast<double>(t.cycles) * layers / hw.clock_hz;
            if (t.cycles > most) {
                most = t.cycles;
                dominant = t.type;
            }
            types.row({p.workload, to_string(p.stage), std::to_string(p.seq_len), t.type,
                       std::to_string(t.ops * p.whole_layers),
                       std::to_string(t.dram_bytes * p.whole_layers), exact(t.intensity),
                       exact(t.intensity_ratio), exact(t.attainable_ops_per_cycle), exact(secs),
                       exact(secs / p.seconds)});
            jt.push_back({{"type", t.type},
                          {"ops", static_cast<double>(t.ops) * layers},
                          {"dram_bytes", static_cast<double>(t.dram_bytes) * layers},
                          {"intensity", t.intensity},
                          {"intensity_ratio", t.intensity_ratio},
                          {"attainable_ops_per_cycle", t.attainable_ops_per_cycle},
                          {"latency_seconds", secs}});
        }
        totals.row({p.workload, to_string(p.stage), std::to_string(p.seq_len),
                    sci(static_cast<double>(p.report.layer_ops) * layers, 4),
                    sci(static_cast<double>(p.report.layer_dram_bytes) * layers, 4),
                    seconds_text(p.seconds), dominant});
        totals_csv.row({p.workload, to_string(p.stage), std::to_string(p.seq_len),
                        std::to_string(p.report.layer_ops * p.whole_layers),
                        std::to_string(p.report.layer_dram_bytes * p.whole_layers),
                        exact(p.seconds), dominant});
        nlohmann::ordered_json jo = nlohmann::ordered_json::array();
        for (size_t i = 0; i < p.report.ops.size(); ++i) {
            const OpCost& c = p.report.ops[i];
            jo.push_back({{"name", c.name},
                          {"type", c.type},
                          {"kind", c.kind},
                          {"ops", c.ops},
                          {"dram_bytes", c.dram_bytes()},
                          {"intensity", c.intensity()},
                          {"cycles", c.cycles},
                          {"bound", c.compute_bound() ? "compute" : "memory"},
                          {"spatial_utilization", c.utilization}});
            if (static_cast<size_t>(c.op) < p.rdu.size() && p.rdu[c.op]) {
                const RduOpMapping& m = *p.rdu[c.op];
                jo.back()["rdu_mapping"] = {
                    {"variant", m.variant},
                    {"points", m.points},
                    {"passes", m.per_transform.passes},
                    {"vectors_per_pass", m.per_transform.vectors_per_pass},
                    {"pmu_round_trips", m.per_transform.pmu_round_trips},
                    {"lane_utilization", m.per_transform.lane_utilization},
                    {"stage_utilization", m.per_transform.stage_utilization},
                    {"cycles_per_transform", m.per_transform.cycles},
                    {"transforms_per_layer", m.transforms_per_layer}};
            }
            if (p.kernels.empty()) continue;
            const GpuKernel& k = p.kernels[i];
            jo.back()["unit"] = to_string(k.unit);
            jo.back()["kernel_class"] = to_string(k.cls);
            jo.back()["l2_read_bytes"] = k.l2_read_bytes;
            jo.back()["kernel"] = k.kernel;
            jo.back()["latency_seconds"] = static_cast<double>(c.cycles) / hw.clock_hz;
        }
        j["points"].push_back(
            {{"workload", p.workload},
             {"stage", to_string(p.stage)},
             {"seq_len", p.seq_len},
             {"layers", layers},
             {"total_latency_seconds", p.seconds},
             {"total_ops", static_cast<double>(p.report.layer_ops) * layers},
             {"total_dram_bytes", static_cast<double>(p.report.layer_dram_bytes) * layers},
             {"operator_types", jt},
             {"operators_per_layer", jo}});
        if (x.gpu)
            j["points"].back()["launch_seconds"] =
                static_cast<double>(p.launches) * layers * x.gpu->launch_seconds;
    }
    j["config"] = nlohmann::ordered_json::parse(e.tree.to_json_string());

    out.write("analysis.json", j.dump(2) + "\n");
    out.write("analysis.csv", types.csv());
    out.write("latency.csv", totals_csv.csv());
    out.write("config.yaml", e.tree.to_yaml());
    out.plot("roofline.gp", roofline_script(hw, x.gpu.has_value(), points, roof_len));
    out.plot("latency.gp", latency_script(points));
    out.plot("ops-bytes.gp", totals_script(points, dataflow ? "dataflow"
                                                   : x.gpu  ? "kernel by kernel"
                                                            : "layer by layer"));
    out.commit();

    if (!args.quiet) {
        if (x.gpu)
            std::cout << "fusesim analyze: " << e.name << " on " << hw.name
                      << " (GPU roofline reference: "
                      << fixed(x.gpu->ops_per_second(GpuUnit::TensorFp16) * 2 / 1e12, 1)
                      << " TFLOP/s tensor FP16, "
                      << fixed(x.gpu->ops_per_second(GpuUnit::CudaFp32) * 2 / 1e12, 1)
                      << " TFLOP/s FP32, " << fixed(x.gpu->hbm_bytes_per_second / 1e9, 0)
                      << " GB/s HBM), one kernel per operator\n\n";
        else
            std::cout << "fusesim analyze: " << e.name << " on " << hw.name << " ("
                      << hw.total_pes() << " PEs, " << fixed(hw.dram.bytes_per_cycle, 0)
                      << " B/cycle, ridge "
                      << fixed(static_cast<double>(hw.total_pes()) / hw.dram.bytes_per_cycle, 1)
                      << " ops/byte), " << (dataflow ? "dataflow" : "layer-by-layer")
                      << " execution\n\n";
        std::cout << totals.text() << "\nOperator types at L = " << roof_len
                  << " (intensity: ops-weighted mean, as in the paper)\n";
        Table at_len({"workload", "stage", "type", "ops", "intensity", "ops/byte (ratio)",
                      "attainable ops/cycle", "share of latency"});
        for (const auto& p : points) {
            if (p.seq_len != roof_len) continue;
            for (const auto& t : p.report.types)
                at_len.row({p.workload, to_string(p.stage), t.type,
                            sci(static_cast<double>(t.ops) * p.layers, 4), fixed(t.intensity, 3),
                            fixed(t.intensity_ratio, 3), fixed(t.attainable_ops_per_cycle, 1),
                            fixed(100.0 * static_cast<double>(t.cycles) /
                                      static_cast<double>(p.report.layer_cycles),
                                  1) +
                                " %"});
        }
        std::cout << at_len.text() << "\nwrote " << out.path()
                  << "/{analysis.json, analysis.csv, latency.csv, roofline.svg, latency.svg, "
                     "ops-bytes.svg}\n";
    }
    return 0;
}

} // namespace fusesim
