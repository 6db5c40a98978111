// The build's version (`fusesim --version`, report.json's `version`), how it is generated
// (scripts/version.cmake), and `cmake --install`: the installed binary runs an installed
// experiment, whose configs name each other by relative paths.
#include "run_cli.hpp"

#include "sim/report/version.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace fusesim::test;
using Catch::Contains;

namespace {

#define SHOW(r) INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

// A short run of the default experiment: one layer, L = 64, no traces.
const std::vector<std::string> kShortRun = {
    "--set", "simulation.layers=one", "--set", "workload.seq_len=64",
    "--set", "simulation.vcd=false",  "--set", "simulation.timeline=false",
    "-q"};

CliResult version_script(const std::string& source_dir, const std::string& output) {
    return run_program_in(FUSESIM_CMAKE, FUSESIM_BUILD_DIR,
                          {"-DSOURCE_DIR=" + source_dir, "-DOUTPUT=" + output, "-DFALLBACK=0.1.0",
                           "-DGIT=/usr/bin/git", "-P", repo_path("scripts/version.cmake")});
}

} // namespace

TEST_CASE("The --version flag and the version command print the build's version",
          "[cli][version]") {
    const std::string expected = std::string("fusesim ") + fusesim::build_version() + "\n";
    CHECK(std::string(fusesim::build_version()).size() > 0);
    for (const char* form : {"--version", "version"}) {
        const CliResult r = run_cli({form});
        SHOW(r);
        CHECK(r.exit_code == 0);
        CHECK(r.out == expected);
    }
    // The same version is in the reports.
    const TempDir dir("version");
    std::vector<std::string> args = {"run", "configs/experiments/mamba-unfused.yaml", "-o",
                                     dir.file("run")};
    args.insert(args.end(), kShortRun.begin(), kShortRun.end());
    const CliResult r = run_cli(args);
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    const auto j = nlohmann::json::parse(read_file(dir.file("run/report.json")));
    CHECK(j.at("version") == fusesim::build_version());
    CHECK(j.at("config_hash").get<std::string>().size() == 64);
}

TEST_CASE("version.cmake: the project version outside git, rewritten only on change", "[version]") {
    const TempDir dir("version-script");
    fs::create_directories(dir.file("tarball"));
    const std::string out = dir.file("version.cpp");
    const CliResult r = version_script(dir.file("tarball"), out); // no .git: the fallback
    SHOW(r);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(read_file(out), Contains("return \"0.1.0\";"));
    // An unchanged version leaves the file alone (so nothing recompiles): set an hour back, its
    // time stays there through a second run.
    struct stat before {
    }, after{};
    fs::last_write_time(out, fs::last_write_time(out) - std::chrono::hours(1));
    REQUIRE(::stat(out.c_str(), &before) == 0);
    REQUIRE(version_script(dir.file("tarball"), out).exit_code == 0);
    REQUIRE(::stat(out.c_str(), &after) == 0);
    CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
    // In the source tree's repository the version is git's, not the fallback.
    if (fs::exists(repo_path(".git"))) {
        const std::string in_git = dir.file("git.cpp");
        REQUIRE(version_script(FUSESIM_SOURCE_DIR, in_git).exit_code == 0);
        CHECK_THAT(read_file(in_git), !Contains("return \"0.1.0\";"));
    }
}

TEST_CASE("cmake --install: the installed binary runs an installed experiment", "[install]") {
    const TempDir prefix("install");
    const CliResult inst =
        run_program_in(FUSESIM_CMAKE, FUSESIM_BUILD_DIR,
                       {"--install", FUSESIM_BUILD_DIR, "--prefix", prefix.path()});
    SHOW(inst);
    REQUIRE(inst.exit_code == 0);
    const std::string bin = prefix.file("bin/fusesim");
    const std::string configs = prefix.file("share/fusesim/configs");
    REQUIRE(::access(bin.c_str(), X_OK) == 0);
    for (const char* f : {"experiments/mamba-unfused.yaml", "hardware/marca-aggregated.yaml",
                          "workloads/mamba-2.8b-paper.yaml", "mappings/mamba-unfused.yaml",
                          "sweeps/fig9-fusion-schemes.yaml"}) {
        INFO(f);
        CHECK(fs::is_regular_file(configs + "/" + f));
    }
    const CliResult v = run_program_in(bin, prefix.path(), {"--version"});
    CHECK(v.out == std::string("fusesim ") + fusesim::build_version() + "\n");

    // From a folder of its own, with the installed experiment: the same report as the build's
    // binary on the source tree's configs, byte for byte.
    fs::create_directories(prefix.file("work"));
    std::vector<std::string> args = {"run", configs + "/experiments/mamba-unfused.yaml", "-o",
                                     "out"};
    args.insert(args.end(), kShortRun.begin(), kShortRun.end());
    const CliResult installed = run_program_in(bin, prefix.file("work"), args);
    SHOW(installed);
    REQUIRE(installed.exit_code == 0);
    const TempDir source("install-ref");
    std::vector<std::string> ref = {"run", "configs/experiments/mamba-unfused.yaml", "-o",
                                    source.file("out")};
    ref.insert(ref.end(), kShortRun.begin(), kShortRun.end());
    const CliResult built = run_cli(ref);
    SHOW(built);
    REQUIRE(built.exit_code == 0);
    CHECK(read_file(prefix.file("work/out/report.json")) ==
          read_file(source.file("out/report.json")));
}
