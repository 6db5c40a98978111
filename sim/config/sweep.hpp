// Sweeps: many design points of one experiment, each a set of config overrides, run one child
// process per point, N at a time. Results are appended to results.csv one whole line per point as
// it finishes, so an interrupted sweep keeps every finished point and a re-run skips them.
//
// Sweep spec (YAML):
//   name: fig9-fusion-schemes
//   experiment: ../experiments/mamba-unfused.yaml   # relative to the spec
//   set: {simulation.layers: one}                   # fixed overrides for every point
//   axes:                                           # dotted config key → values
//     mapping.fusion: [unfused, fuse-all]
//     workload.seq_len: {from: 512, to: 2048, step: 512}   # or a range (inclusive)
//   combine: product                                # or zip (axes of equal length)
//   plots:                                          # optional, drawn from results.csv
//     - {name: latency, x: mapping.fusion, y: latency_per_token_seconds,
//        series: workload.seq_len, style: bars, logy: true,
//        where: {mapping.fusion: fuse-all},          # only rows with these values
//        marks: [{match: {hardware.area.memory_share: 0.8}, label: MARCA}]}
//   best:                                           # optional: best point per group
//     - {group_by: [workload.seq_len], minimize: latency_seconds,
//        baseline: {hardware.area.scale: 1.0, hardware.area.memory_share: 0.8}}
#pragma once

#include "sim/config/config_tree.hpp"
#include "sim/config/experiment.hpp"
#include "sim/config/params_sweep.hpp"
#include "sim/config/plot_labels.hpp"

#include <string>
#include <vector>

namespace fusesim {

struct SweepAxis {
    std::string key;
    std::vector<ConfigNode> values;
    // Axis `hardware` or `mapping`: its values are files (relative to the spec's folder) that
    // take the place of the experiment's section, as --hardware and --mapping do; resolved here.
    std::vector<std::string> files;
};

struct PlotSpec {
    std::string name, x, y, series, style = default_string(sweep_param::plot_style), title;
    bool logx = sweep_param::plot_logx.default_value != 0;
    bool logy = sweep_param::plot_logy.default_value != 0;
    std::vector<std::pair<std::string, std::string>> where; // only rows with these values
    // Labelled points: the row of each series that matches `match` gets `label`.
    struct Mark {
        std::vector<std::pair<std::string, std::string>> match;
        std::string label;
    };
    std::vector<Mark> marks;
    // The axes' labels and the units their values are shown in (plot_labels.hpp).
    AxisLabel xaxis, yaxis;
};

// The best point of each group of rows, against a baseline point (a table and best.csv).
struct BestSpec {
    std::vector<std::string> group_by;
    std::string minimize = default_string(sweep_param::best_minimize);
    std::vector<std::pair<std::string, std::string>> baseline; // values that make the baseline
};

struct SweepSpec {
    std::string name;
    std::string file;
    std::string experiment; // path, resolved against the spec's folder
    std::vector<Override> fixed;
    std::vector<SweepAxis> axes;
    bool zip = false;
    std::vector<PlotSpec> plots;
    std::vector<BestSpec> best;
    std::string output; // default output folder
    SectionFiles files; // --hardware, --workload, --mapping of the command line
};

struct SweepPoint {
    size_t index = 0;
    std::vector<std::string> values; // one text per axis, as written in results.csv
    std::vector<Override> overrides; // fixed, then the axes
    SectionFiles files;              // the command line's, or a file axis' for this point
};

SweepSpec read_sweep(const std::string& path);
// A spec already parsed (built by the Python package's sweep(experiment, axes=...)): `path`
// gives the default name (its stem) and the folder `experiment` is relative to ("": the working
// directory).
SweepSpec read_sweep(const ConfigNode& root, const std::string& path);
std::vector<SweepPoint> expand_points(const SweepSpec& spec);
// The number of points, and point `index` alone (a million points take seconds to expand).
size_t point_count(const SweepSpec& spec);
SweepPoint point_at(const SweepSpec& spec, size_t index);

// The result columns after the axis columns (DESIGN.md: results.csv).
const std::vector<std::string>& result_columns();

} // namespace fusesim
