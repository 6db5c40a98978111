// The commands of the `fusesim` CLI. Each returns the process exit code: 0 success, 2 config or
// usage error (thrown as ConfigError and reported by main), 1 any other failure.
#pragma once

#include "sim/config/experiment.hpp"
#include "sim/config/sweep.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

struct CommandArgs {
    std::string experiment;          // path of the experiment (or sweep spec) file
    std::vector<Override> overrides; // --set a.b=value, in order
    SectionFiles files;              // --hardware, --workload, --mapping (relative to the cwd)
    std::string output;              // -o DIR; empty: the experiment's default
    std::string dot;                 // graph: --dot FILE
    bool quiet = false;              // no terminal summary
    int64_t max_memory = 0;          // --max-memory: refuse plans estimated above it; 0: default
    int memory_share = 1;            // the default limit is divided by this (sweep -j)
};

int cmd_graph(const CommandArgs& args);
int cmd_analyze(const CommandArgs& args);
int cmd_run(const CommandArgs& args);
int cmd_validate(const CommandArgs& args);
// `args.experiment` is the sweep spec; `shard` "i/n" or empty.
int cmd_sweep(const CommandArgs& args, int jobs, const std::string& shard);
// The same for a spec already read (args.experiment is not used).
int run_sweep(SweepSpec spec, const CommandArgs& args, int jobs, const std::string& shard);
int cmd_merge(const std::string& spec, const std::vector<std::string>& inputs,
              const std::string& output);
// The README's configuration reference tables from the parameter declarations: every table with
// its markers, or the one named by `table` without them.
int cmd_reference(const std::string& table);

// Runs one point of a sweep in this process (SystemC: once per process) and returns its result
// cells (result_columns()), or throws. Used by sweep children; in sweep_point.cpp.
std::vector<std::string> run_point(const std::string& experiment, const std::vector<Override>& o,
                                   const SectionFiles& files);

} // namespace fusesim
