// fusesim: the command line. Parses arguments, dispatches to a command, maps failures to exit
// codes (2: configuration or usage error, 1: anything else).
#include "sim/cli/commands.hpp"
#include "sim/cli/heap_pages.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/timing.hpp"
#include "sim/report/version.hpp"

#include <CLI/CLI.hpp>
#include <systemc>

#include <cstdlib>
#include <iostream>

// libsystemc's own main() prints its banner in sc_elab_and_sim() before it calls sc_main, unless
// SYSTEMC_DISABLE_COPYRIGHT_MESSAGE is set then. This main() takes the place of the library's
// (the executable's definition wins at link time), sets the variable, then enters SystemC as
// the library would: no command, `--help` included, ever prints the banner, whatever the caller's
// environment. Child processes (sweep points) inherit the variable. First of all, the binary
// re-executes itself once with huge pages for its heap (sim/cli/heap_pages.hpp).
int main(int argc, char* argv[]) {
    fusesim::reexec_with_huge_pages(argv);
    ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
    return sc_core::sc_elab_and_sim(argc, argv);
}

int sc_main(int argc, char* argv[]) {
    using namespace fusesim;
    CLI::App app{"fusesim: discrete-event simulator of multi-core dataflow accelerators"};
    app.require_subcommand(1);
    const std::string version_line = std::string("fusesim ") + build_version();
    app.set_version_flag("--version", version_line, "print the version and exit");
    CommandArgs args;
    std::vector<std::string> sets;

    std::string max_memory;
    auto memory_option = [&](CLI::App* c) {
        c->add_option("--max-memory", max_memory,
                      "refuse a run whose plan is estimated to need more memory (default: half "
                      "of physical memory; 8GiB, 500MB)")
            ->type_name("SIZE");
    };
    auto common = [&](CLI::App* c, const char* what) {
        c->add_option("experiment", args.experiment, what)->required();
        c->add_option("--set", sets,
                      "override a config key: --set workload.seq_len=2048 (applied after "
                      "--hardware, --workload and --mapping)")
            ->type_name("KEY=VALUE");
        // One file per occurrence, so that a path is never taken for the experiment; an empty
        // path would silently keep the experiment's section.
        const auto nonempty = [](const std::string& v) {
            return v.empty() ? std::string("expected a file, got an empty path") : std::string();
        };
        c->add_option("--hardware", args.files.hardware,
                      "use this hardware file instead of the experiment's (path relative to the "
                      "current directory)")
            ->type_name("FILE")
            ->check(nonempty);
        c->add_option("--workload", args.files.workloads,
                      "use this workload file instead of the experiment's (relative to the "
                      "current directory); repeat it to compare models")
            ->type_name("FILE")
            ->check(nonempty)
            ->allow_extra_args(false);
        c->add_option("--mapping", args.files.mapping,
                      "use this mapping file instead of the experiment's (relative to the "
                      "current directory)")
            ->type_name("FILE")
            ->check(nonempty);
    };
    auto* graph = app.add_subcommand("graph", "print the operator graph of a workload");
    common(graph, "experiment YAML file");
    graph->add_option("--dot", args.dot, "also write Graphviz DOT to this file");

    auto* analyze = app.add_subcommand("analyze", "roofline analysis, layer-by-layer execution");
    common(analyze, "experiment YAML file");
    analyze->add_option("-o,--output", args.output, "output folder (default traces/<name>/)");
    analyze->add_flag("-q,--quiet", args.quiet, "no terminal summary");

    auto* run = app.add_subcommand("run", "timing simulation of an experiment, tile by tile");
    common(run, "experiment YAML file");
    run->add_option("-o,--output", args.output, "output folder (default traces/<name>/)");
    run->add_flag("-q,--quiet", args.quiet, "no terminal summary");
    memory_option(run);

    auto* validate =
        app.add_subcommand("validate", "analytical model vs timing simulation on the same plan");
    common(validate, "experiment YAML file");
    validate->add_option("-o,--output", args.output,
                         "output folder (default traces/<name>-validate/)");
    validate->add_flag("-q,--quiet", args.quiet, "no terminal summary");
    memory_option(validate);

    int jobs = 2;
    std::string shard;
    auto* sweep = app.add_subcommand("sweep", "run a sweep spec: one process per design point");
    common(sweep, "sweep spec YAML file");
    sweep->add_option("-j,--jobs", jobs, "points run at the same time")->check(CLI::Range(1, 256));
    sweep->add_option("--shard", shard, "run only share i of n (i/n, 0-based), e.g. 0/4");
    sweep->add_option("-o,--output", args.output, "output folder (default traces/<name>/)");
    memory_option(sweep);

    std::vector<std::string> merge_inputs;
    std::string merge_spec;
    auto* merge = app.add_subcommand("merge", "combine results.csv files of a sweep's shards");
    merge->add_option("spec", merge_spec, "sweep spec YAML file")->required();
    merge->add_option("results", merge_inputs, "results.csv files")->required();
    merge->add_option("-o,--output", args.output, "output folder (default traces/<name>/)");

    std::string reference_table;
    auto* reference = app.add_subcommand(
        "reference", "print the README's configuration reference tables (Markdown)");
    reference->add_option("table", reference_table,
                          "only this table, without markers (hardware, workload, ...)");

    auto* version = app.add_subcommand("version", "print the version (as --version does)");

    if (argc > 1 && argv[1][0] != '-') {
        bool known = false;
        std::string names;
        for (const auto* sub : app.get_subcommands({})) {
            known = known || sub->get_name() == argv[1];
            names += (names.empty() ? "" : ", ") + sub->get_name();
        }
        if (!known) {
            std::cerr << "error: unknown command '" << argv[1] << "' (commands: " << names << ")\n";
            return 2;
        }
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        for (const auto& s : sets) args.overrides.push_back(parse_override(s));
        if (!max_memory.empty()) {
            try {
                args.max_memory = parse_bytes(max_memory);
            } catch (const std::invalid_argument& e) {
                throw ConfigError("--max-memory '" + max_memory + "': expected " + e.what());
            }
            if (args.max_memory <= 0) throw ConfigError("--max-memory must be above 0");
        }
        if (sweep->parsed()) args.memory_share = jobs; // points run -j at a time
        set_process_memory_limit(args.max_memory, args.memory_share);

        if (graph->parsed()) return cmd_graph(args);
        if (analyze->parsed()) return cmd_analyze(args);
        if (run->parsed()) return cmd_run(args);
        if (validate->parsed()) return cmd_validate(args);
        if (sweep->parsed()) return cmd_sweep(args, jobs, shard);
        if (merge->parsed()) return cmd_merge(merge_spec, merge_inputs, args.output);
        if (reference->parsed()) return cmd_reference(reference_table);
        if (version->parsed()) {
            std::cout << version_line << "\n";
            return 0;
        }
    } catch (const ConfigError& e) {
        std::cerr << "error: " << e.what() << "\n";
        return 2;
    } catch (const ScheduleError& e) {
        std::cerr << "error: " << e.what()
                  << "\n(the mapping's tiles do not fit this hardware: use smaller tiles or more "
                     "SRAM)\n";
        return 2;
    } catch (const std::exception& e) {
        std::cerr << "fusesim: " << e.what() << "\n";
        return 1;
    }
    return 2;
}
