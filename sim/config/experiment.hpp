// An experiment: one YAML file that names a hardware, a workload and a mapping file (paths
// relative to the experiment file) and may override any of their keys. The result is one resolved
// tree { name, hardware: {...}, workload: {...}, mapping: {...}, ... } whose leaves still know the
// file and line they came from.
//
// Experiment file schema:
//   name: fig4-mamba-vs-opt         # optional; default: the file's stem
//   description: "..."              # optional free text
//   hardware: ../hardware/x.yaml    # a path, or an inline map
//   workload: ../workloads/y.yaml   # a path, or an inline map, or a list of them (a comparison
//                                   # of models, for `analyze` and `graph`); a `workload.x`
//                                   # override then applies to each
//   mapping: ../mappings/z.yaml     # a path, or an inline map; optional (default: empty map)
//   set:                            # optional overrides, dotted keys from the top of the tree
//     workload.seq_len: [64, 128]
//     hardware.dram.bandwidth: 128GB/s
//   output: traces/custom           # optional default output folder (relative to the cwd)
//   analysis:                       # optional, for `analyze`: roofline_seq_len, execution
// Any other top-level key is an error.
#pragma once

#include "sim/config/config_tree.hpp"

#include <string>
#include <vector>

namespace fusesim {

struct ResolvedExperiment {
    std::string name;
    std::string file;   // the experiment file as given
    std::string output; // default output folder: `output` key, else "traces/<name>"
    ConfigNode tree;    // map with keys name, hardware, workload, mapping
};

// A --set override: "a.b.c=value"; value is parsed as YAML (so lists work: "x=[1,2]").
struct Override {
    std::string path;
    std::string value;
    Origin origin{"--set"}; // where it was written (a sweep spec's line, or the command line)
};
Override parse_override(const std::string& text); // ConfigError on a missing '=' or empty key

// Files named on the command line (--hardware, --workload, --mapping) that take the place of the
// experiment's own entries. Paths are the user's, relative to the working directory; the files
// they name are read like the experiment's. An empty path (or list) replaces nothing; several
// workloads make a list (a comparison of models).
struct SectionFiles {
    std::string hardware;
    std::vector<std::string> workloads;
    std::string mapping;
};

// Loads the experiment, loads the files it names (or those of `files` in their place: the
// experiment's entry is then neither read nor required), applies its `set:` block, then
// `overrides` in order. An override must name an existing top-level section (hardware, workload,
// mapping, name); the schema readers reject unknown leaf keys afterwards.
ResolvedExperiment load_experiment(const std::string& path, const std::vector<Override>& overrides,
                                   const SectionFiles& files = {});

// Same, from an already parsed tree (used by sweeps to apply axis values).
void apply_override(ConfigNode& tree, const std::string& dotted, ConfigNode value);

// The workloads of an experiment: `workload:` is one map, or a list of maps to compare models.
std::vector<const ConfigNode*> experiment_workloads(const ResolvedExperiment& e);

} // namespace fusesim
