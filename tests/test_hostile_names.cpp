// Hostile strings in configs and on the command line: no string reaches a shell or runs inside
// gnuplot, names that would leave the output folder are configuration errors at their line, and
// files are written only inside the output folder, never through a symlink, and not at all by a
// run that fails. Each test runs the binary in a fresh folder and looks at everything in it.
#include "run_cli.hpp"
#include "sim/report/output.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <filesystem>
#include <map>
#include <string>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace fusesim;
using namespace fusesim::test;
using Catch::Contains;

namespace {

#define SHOW(r) INFO("$ " << (r).command << "\nstdout:\n" << (r).out << "\nstderr:\n" << (r).err)

// Every path under `root` (relative, symlinks not followed), sorted.
std::vector<std::string> tree(const std::string& root) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(root))
        out.push_back(fs::relative(e.path(), root).string());
    std::sort(out.begin(), out.end());
    return out;
}

// Paths under `root` named pwned, pwned1, ...: made by a command an injection would have run.
std::vector<std::string> pwned(const std::string& root) {
    std::vector<std::string> out;
    for (const auto& p : tree(root))
        if (fs::path(p).filename().string().rfind("pwned", 0) == 0) out.push_back(p);
    return out;
}

// gnuplot_string(s) without its quotes: how `s` appears inside a longer string of a script.
std::string escaped(const std::string& s) {
    const std::string q = gnuplot_string(s);
    return q.substr(1, q.size() - 2);
}

std::map<std::string, std::string> contents(const std::string& root) {
    std::map<std::string, std::string> out;
    for (const auto& p : tree(root))
        if (fs::is_regular_file(fs::symlink_status(fs::path(root) / p)))
            out[p] = read_file(root + "/" + p);
    return out;
}

const std::string kHardware = repo_path("configs/hardware/marca-aggregated.yaml");
const std::string kMamba = repo_path("configs/workloads/mamba-130m.yaml");
const std::string kGemm = repo_path("configs/workloads/single-gemm.yaml");

// A YAML double-quoted scalar holding `s`.
std::string yq(const std::string& s) {
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            q += std::string("\\") + c;
        else if (c == '\n')
            q += "\\n";
        else
            q += c;
    }
    return q + "\"";
}

// A quick analyze experiment (mamba-130m, two lengths); `extra` adds top-level lines.
std::string analyze_experiment(const TempDir& d, const std::string& name,
                               const std::string& extra = "") {
    const std::string path = d.file("e.yaml");
    write_file(path, "name: " + yq(name) + "\nhardware: " + kHardware + "\nworkload: " + kMamba +
                         "\nset:\n  workload.seq_len: [64, 128]\n" + extra);
    return path;
}

// A tiny timing experiment and a four-point sweep over it with a line plot and a bar plot.
std::string sweep_spec(const TempDir& d, const std::string& name, const std::string& plots) {
    write_file(d.file("g.yaml"), "name: g\nhardware: " + kHardware + "\nworkload: " + kGemm +
                                     "\nset:\n  workload.dims.k: 64\n  workload.dims.d: 64\n"
                                     "  simulation.vcd: false\n");
    const std::string path = d.file("s.yaml");
    write_file(path, "name: " + yq(name) +
                         "\nexperiment: g.yaml\naxes:\n  workload.seq_len: [16, 32]\n"
                         "  hardware.dram.bandwidth: [128GB/s, 256GB/s]\nplots:\n" +
                         plots);
    return path;
}

const std::string kPlots = "  - name: lines\n    x: workload.seq_len\n    y: latency_seconds\n"
                           "    series: hardware.dram.bandwidth\n"
                           "  - name: bars\n    x: hardware.dram.bandwidth\n"
                           "    y: latency_seconds\n    series: workload.seq_len\n"
                           "    style: bars\n";

// Strings that run a command if they reach a shell or gnuplot unescaped.
const std::string kShell = "n'$(touch pwned)'";
const std::string kGnuplot = "w'.system('touch pwned1').'\".system(\"touch pwned2\").\"`touch "
                             "pwned3`@x";

} // namespace

TEST_CASE("gnuplot_string escapes quotes and backslashes and newlines and command syntax",
          "[hostile]") {
    CHECK(gnuplot_string("plain") == "\"plain\"");
    CHECK(gnuplot_string("a\"b") == "\"a\\\"b\"");
    CHECK(gnuplot_string("a\\b") == "\"a\\\\b\"");
    CHECK(gnuplot_string("a\nb") == "\"a\\nb\"");
    CHECK(gnuplot_string("`ls`") == "\"\\140ls\\140\"");
    CHECK(gnuplot_string("@m") == "\"\\100m\"");
    CHECK(gnuplot_string(std::string("a\rb\x01\x7f", 5)) == "\"a?b??\"");
    CHECK(gnuplot_string("é 'x'") == "\"é 'x'\"");
    // No character of the result can end the line or the string early.
    const std::string q = gnuplot_string(kGnuplot + "\nEOD\n\\");
    CHECK(q.find('\n') == std::string::npos);
    CHECK(q.find('`') == std::string::npos);
    CHECK(q.back() == '"');
}

TEST_CASE("gnuplot reads gnuplot_string literals back unchanged and runs nothing", "[hostile]") {
    TempDir d("gp-roundtrip");
    const std::vector<std::string> texts = {
        kShell,         kGnuplot, "a \\ b \\\\ \" c",
        "line1\nline2", "EOD",    "x\nEOD\n!touch pwned4\n$P << EOD",
        "tab\there"};
    std::string script = "set print \"out.txt\"\n";
    for (const auto& t : texts) script += "print " + gnuplot_string(t) + "\n";
    write_file(d.file("t.gp"), script);
    const int fd = ::open(d.path().c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    const bool ok = run_gnuplot(fd, "t.gp", d.file("t.gp"));
    ::close(fd);
    REQUIRE(ok);
    std::string expected;
    for (const auto& t : texts) {
        std::string shown = t;
        for (char& c : shown)
            if (c == '\t') c = '?';
        expected += shown + "\n";
    }
    CHECK(read_file(d.file("out.txt")) == expected);
    CHECK(pwned(d.path()).empty());
}

TEST_CASE("gnuplot_number passes plain decimal numbers only", "[hostile]") {
    for (const char* ok : {"0", "12", "-1.5", "+3.", ".5", "1e9", "2.5E-07"}) {
        CHECK(plain_number(ok));
        CHECK(gnuplot_number(ok) == ok);
    }
    for (const char* bad :
         {"", "-", ".", "1e", "nan", "inf", "0x10", " 1", "1 ", "1;system('x')", "EOD", "1e5x"}) {
        CHECK_FALSE(plain_number(bad));
        CHECK(gnuplot_number(bad) == "NaN");
    }
}

TEST_CASE("file_name_problem refuses separators and dot names and control characters",
          "[hostile]") {
    for (const char* ok : {"fig4-mamba-vs-opt", "n'$(touch pwned)'", "a b", "x.y", "é"})
        CHECK(file_name_problem(ok).empty());
    for (const std::string& bad :
         {std::string(""), std::string("."), std::string(".."), std::string("../x"),
          std::string("a/b"), std::string("/abs"), std::string("a\\b"), std::string(".hidden"),
          std::string("-rf"), std::string("a\nb"), std::string("a\tb"), std::string(101, 'x')})
        CHECK_FALSE(file_name_problem(bad).empty());
    CHECK(file_name_problem(std::string(100, 'x')).empty());
    CHECK_THAT(file_name_problem("a\nb"), Contains("a\\x0ab"));
}

TEST_CASE("An experiment name with shell syntax runs no command", "[hostile]") {
    TempDir d("hostile-name");
    analyze_experiment(d, kShell);
    const CliResult r = run_cli_in(d.path(), {"analyze", "e.yaml", "-q"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(pwned(d.path()).empty());
    const std::string out = d.file("traces/" + kShell);
    CHECK(fs::is_regular_file(out + "/roofline.svg"));
    CHECK(fs::is_regular_file(out + "/latency.svg"));
    CHECK(fs::is_regular_file(out + "/ops-bytes.svg"));
    // Nothing but the experiment and its output folder.
    for (const auto& p : tree(d.path()))
        CHECK((p == "e.yaml" || p == "traces" || p.rfind("traces/" + kShell, 0) == 0));
}

TEST_CASE("An output key and a -o folder with shell syntax run no command", "[hostile]") {
    TempDir d("hostile-output");
    analyze_experiment(d, "plain", "output: " + yq("o" + kShell) + "\n");
    const CliResult r = run_cli_in(d.path(), {"analyze", "e.yaml", "-q"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(fs::is_regular_file(d.file("o" + kShell + "/roofline.svg")));
    const CliResult o = run_cli_in(d.path(), {"analyze", "e.yaml", "-q", "-o", "x" + kShell});
    SHOW(o);
    CHECK(o.exit_code == 0);
    CHECK(fs::is_regular_file(d.file("x" + kShell + "/latency.svg")));
    CHECK(pwned(d.path()).empty());
}

TEST_CASE("A sweep name with shell syntax runs no command", "[hostile]") {
    TempDir d("hostile-sweep");
    sweep_spec(d, "s" + kShell, kPlots);
    const CliResult r = run_cli_in(d.path(), {"sweep", "s.yaml"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(pwned(d.path()).empty());
    CHECK(fs::is_regular_file(d.file("traces/s" + kShell + "/lines.svg")));
    CHECK(fs::is_regular_file(d.file("traces/s" + kShell + "/bars.svg")));
}

TEST_CASE("Workload and hardware names with gnuplot syntax run no command", "[hostile]") {
    TempDir d("hostile-gnuplot");
    analyze_experiment(d, "gp",
                       "  workload.name: " + yq(kGnuplot) +
                           "\n  hardware.name: " + yq("h" + kGnuplot) + "\n");
    const CliResult r = run_cli_in(d.path(), {"analyze", "e.yaml", "-q"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(pwned(d.path()).empty());
    const std::string roof = read_file(d.file("traces/gp/roofline.gp"));
    // The key names each point "workload: type".
    CHECK_THAT(roof, Contains("title \"" + escaped(kGnuplot) + ": "));
    CHECK_THAT(roof, Contains("title \"Roofline of " + escaped("h" + kGnuplot) + " ("));
    CHECK_THAT(read_file(d.file("traces/gp/latency.gp")),
               Contains("title " + gnuplot_string(kGnuplot)));
    CHECK(fs::is_regular_file(d.file("traces/gp/roofline.svg")));
    CHECK_THAT(read_file(d.file("traces/gp/roofline.svg")), Contains("pwned3"));
}

TEST_CASE("A custom operator type with a newline and EOD runs no command", "[hostile]") {
    TempDir d("hostile-type");
    const std::string type = "t\nEOD\nsystem('touch pwned')\n!touch pwned2\n$P0 << EOD";
    write_file(d.file("w.yaml"),
               "name: w\nmodel: custom\nlayers: 1\nstage: prefill\nbatch: 1\nseq_len: 16\n"
               "precision: fp32\ndims: {l: seq_len, k: 64, d: 64}\ninputs: [x]\nweights: [w]\noperators:\n"
               "  - name: proj\n    einsum: \"y[l,d] += x[l,k] * w[k,d]\"\n    type: " +
                   yq(type) + "\n");
    write_file(d.file("e.yaml"), "name: ty\nhardware: " + kHardware + "\nworkload: w.yaml\n");
    const CliResult r = run_cli_in(d.path(), {"analyze", "e.yaml", "-q"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(pwned(d.path()).empty());
    const std::string roof = read_file(d.file("traces/ty/roofline.gp"));
    CHECK_THAT(roof, Contains("title " + gnuplot_string("w: " + type)));
    CHECK(fs::is_regular_file(d.file("traces/ty/roofline.svg")));
}

TEST_CASE("A sweep plot title with quotes and backslashes and newlines is escaped and renders",
          "[hostile]") {
    TempDir d("hostile-title");
    const std::string title = "a \\ b \" c\nsystem(\"touch pwned\") `touch pwned2` \\";
    sweep_spec(d, "t",
               "  - name: p\n    title: " + yq(title) +
                   "\n    x: workload.seq_len\n    y: latency_seconds\n");
    const CliResult r = run_cli_in(d.path(), {"sweep", "s.yaml"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(pwned(d.path()).empty());
    CHECK_THAT(read_file(d.file("traces/t/p.gp")), Contains("set title " + gnuplot_string(title)));
    CHECK_THAT(read_file(d.file("traces/t/p.svg")), Contains("touch pwned2"));
}

TEST_CASE("Names that would leave the output folder are configuration errors at their line",
          "[hostile]") {
    TempDir d("hostile-paths");
    fs::create_directories(d.file("victim"));
    write_file(d.file("victim/keep.gp"), "mine\n");
    const std::string abs = d.file("victim/keep");
    for (const std::string& name : {std::string("../victim/keep"), abs}) {
        sweep_spec(d, "s",
                   "  - name: " + yq(name) + "\n    x: workload.seq_len\n    y: latency_seconds\n");
        const CliResult r = run_cli_in(d.path(), {"sweep", "s.yaml"});
        SHOW(r);
        CHECK(r.exit_code == 2);
        CHECK_THAT(r.err, Contains("s.yaml:7") && Contains("plots[0].name"));
    }
    sweep_spec(d, "../s", kPlots);
    const CliResult s = run_cli_in(d.path(), {"sweep", "s.yaml"});
    SHOW(s);
    CHECK(s.exit_code == 2);
    CHECK_THAT(s.err, Contains("s.yaml:1") && Contains("name"));
    // Two plots of one name would overwrite each other.
    sweep_spec(d, "s", kPlots + "  - name: lines\n    x: workload.seq_len\n    y: utilization\n");
    const CliResult twice = run_cli_in(d.path(), {"sweep", "s.yaml"});
    SHOW(twice);
    CHECK(twice.exit_code == 2);
    CHECK_THAT(twice.err, Contains("plots[2].name") && Contains("plots[0]"));

    analyze_experiment(d, "../../../x");
    const CliResult e = run_cli_in(d.path(), {"analyze", "e.yaml"});
    SHOW(e);
    CHECK(e.exit_code == 2);
    CHECK_THAT(e.err, Contains("e.yaml:1") && Contains("name"));
    analyze_experiment(d, "ok");
    const CliResult set = run_cli_in(d.path(), {"analyze", "e.yaml", "--set", "name=../x"});
    SHOW(set);
    CHECK(set.exit_code == 2);
    CHECK_THAT(set.err, Contains("--set") && Contains("cannot be a file name"));

    CHECK(read_file(d.file("victim/keep.gp")) == "mine\n");
    CHECK(tree(d.path()) ==
          std::vector<std::string>{"e.yaml", "g.yaml", "s.yaml", "victim", "victim/keep.gp"});
}

TEST_CASE("dot refuses to replace a file fusesim did not write", "[hostile]") {
    TempDir d("hostile-dot");
    analyze_experiment(d, "g");
    write_file(d.file("keep.txt"), "mine\n");
    const CliResult r = run_cli_in(d.path(), {"graph", "e.yaml", "--dot", "keep.txt"});
    SHOW(r);
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Contains("keep.txt") && Contains("not written by fusesim"));
    CHECK(read_file(d.file("keep.txt")) == "mine\n");
    fs::create_symlink("keep.txt", d.file("link.dot"));
    const CliResult l = run_cli_in(d.path(), {"graph", "e.yaml", "--dot", "link.dot"});
    SHOW(l);
    CHECK(l.exit_code == 2);
    CHECK_THAT(l.err, Contains("symbolic link"));
    CHECK(read_file(d.file("keep.txt")) == "mine\n");
    // Its own file it replaces.
    for (int i = 0; i < 2; ++i) {
        const CliResult w = run_cli_in(d.path(), {"graph", "e.yaml", "--dot", "g.dot"});
        SHOW(w);
        CHECK(w.exit_code == 0);
    }
    CHECK_THAT(read_file(d.file("g.dot")), Contains("digraph \"mamba-130m\""));
}

TEST_CASE("Files are never written through symlinks in the output folder", "[hostile]") {
    TempDir d("hostile-symlink");
    analyze_experiment(d, "s");
    REQUIRE(run_cli_in(d.path(), {"analyze", "e.yaml", "-q", "-o", "out"}).exit_code == 0);
    write_file(d.file("victim.json"), "mine\n");
    write_file(d.file("victim.svg"), "mine\n");
    fs::remove(d.file("out/analysis.json"));
    fs::remove(d.file("out/roofline.svg")); // gnuplot's own output
    fs::create_symlink("../victim.json", d.file("out/analysis.json"));
    fs::create_symlink(d.file("victim.svg"), d.file("out/roofline.svg"));
    const CliResult r = run_cli_in(d.path(), {"analyze", "e.yaml", "-q", "-o", "out"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(read_file(d.file("victim.json")) == "mine\n");
    CHECK(read_file(d.file("victim.svg")) == "mine\n");
    CHECK(fs::is_regular_file(fs::symlink_status(d.file("out/analysis.json"))));
    CHECK(fs::is_regular_file(fs::symlink_status(d.file("out/roofline.svg"))));

    // An output folder that is itself a link is refused.
    fs::create_directory_symlink("out", d.file("link"));
    const CliResult l = run_cli_in(d.path(), {"analyze", "e.yaml", "-q", "-o", "link"});
    SHOW(l);
    CHECK(l.exit_code == 2);
    CHECK_THAT(l.err, Contains("symbolic link"));
}

TEST_CASE("A run that fails to write leaves the folder as it was and no temporary files",
          "[hostile]") {
    TempDir d("hostile-full");
    analyze_experiment(d, "f");
    REQUIRE(run_cli_in(d.path(), {"analyze", "e.yaml", "-q", "-o", "out"}).exit_code == 0);
    const auto before = contents(d.file("out"));
    REQUIRE(before.count("analysis.json"));
    // A 2000-byte file size limit: analysis.json cannot be written, as on a full disk.
    const CliResult r = run_cli_in(
        d.path(), {"analyze", "e.yaml", "-q", "-o", "out", "--set", "workload.seq_len=[64]"}, 2000);
    SHOW(r);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains("analysis.json"));
    CHECK(contents(d.file("out")) == before);
}

TEST_CASE("Plot scripts name their outputs by file name and run from their own folder",
          "[hostile]") {
    TempDir d("hostile-gp-folder");
    analyze_experiment(d, "p");
    REQUIRE(run_cli_in(d.path(), {"analyze", "e.yaml", "-q"}).exit_code == 0);
    const std::string out = d.file("traces/p");
    const std::string gp = read_file(out + "/roofline.gp");
    CHECK_THAT(gp, Contains("set output \"roofline.svg\"\n"));
    CHECK(gp.find(d.path()) == std::string::npos);
    fs::remove(out + "/roofline.svg");
    const int fd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
    REQUIRE(fd >= 0);
    CHECK(run_gnuplot(fd, "roofline.gp", out + "/roofline.gp"));
    ::close(fd);
    CHECK(fs::is_regular_file(out + "/roofline.svg"));
}

TEST_CASE("run writes trace.vcd and its reports by rename and a late error changes nothing",
          "[hostile]") {
    TempDir d("hostile-run");
    write_file(d.file("e.yaml"), "name: r\nhardware: " + kHardware + "\nworkload: " + kGemm +
                                     "\nset:\n  workload.dims.k: 64\n  workload.dims.d: 64\n"
                                     "  workload.seq_len: 16\nsimulation:\n  vcd: true\n");
    REQUIRE(run_cli_in(d.path(), {"run", "e.yaml", "-q", "-o", "out"}).exit_code == 0);
    REQUIRE(fs::is_regular_file(d.file("out/trace.vcd")));
    write_file(d.file("victim"), "mine\n");
    for (const char* name : {"trace.vcd", "report.json"}) {
        fs::remove(d.file(std::string("out/") + name));
        fs::create_symlink("../victim", d.file(std::string("out/") + name));
    }
    const CliResult r = run_cli_in(d.path(), {"run", "e.yaml", "-q", "-o", "out"});
    SHOW(r);
    CHECK(r.exit_code == 0);
    CHECK(read_file(d.file("victim")) == "mine\n");
    CHECK(fs::is_regular_file(fs::symlink_status(d.file("out/trace.vcd"))));
    CHECK(fs::is_regular_file(fs::symlink_status(d.file("out/report.json"))));

    // An error found after the simulation (no tile of the lifetimes group) writes nothing.
    const auto before = contents(d.file("out"));
    const CliResult late =
        run_cli_in(d.path(), {"run", "e.yaml", "-q", "-o", "out", "--set", "workload.seq_len=32",
                              "--set", "simulation.lifetimes={group: nothing, step: 0}"});
    SHOW(late);
    CHECK(late.exit_code == 2);
    CHECK(contents(d.file("out")) == before);
}

TEST_CASE("OutputDir commits staged files on success and discards them on an exception",
          "[hostile]") {
    TempDir d("outputdir");
    const std::string out = d.file("out");
    {
        OutputDir o(out);
        CHECK(o.write("a.txt", "1\n") == out + "/a.txt");
        CHECK_FALSE(fs::exists(out + "/a.txt")); // staged until the run succeeds
        o.commit();
    }
    CHECK(read_file(out + "/a.txt") == "1\n");
    try {
        OutputDir o(out);
        o.write("a.txt", "2\n");
        o.write("b.txt", "x\n");
        write_file(o.staged("c.txt"), "y\n"); // another writer's file, committed with the rest
        throw std::runtime_error("the run failed");
    } catch (const std::runtime_error&) {
    }
    CHECK(read_file(out + "/a.txt") == "1\n");
    CHECK(tree(out) == std::vector<std::string>{".fusesim-output", "a.txt"});
    {
        OutputDir o(out); // committed when the scope ends normally
        o.write("a.txt", "first\n");
        o.write("a.txt", "3\n"); // a second write of a name replaces the first
        write_file(o.staged("c.txt"), "y\n");
    }
    CHECK(read_file(out + "/a.txt") == "3\n");
    CHECK(read_file(out + "/c.txt") == "y\n");
    // The staging folder of a killed run (its process is gone) is removed by the next one.
    fs::create_directory(out + "/.fusesim-staging.999999999.0");
    write_file(out + "/.fusesim-staging.999999999.0/a.txt", "stale\n");
    { OutputDir o(out); }
    CHECK(tree(out) == std::vector<std::string>{".fusesim-output", "a.txt", "c.txt"});
}

TEST_CASE("write_file_atomic replaces a symlink instead of writing through it", "[hostile]") {
    TempDir d("atomic");
    write_file(d.file("victim"), "mine\n");
    fs::create_symlink("victim", d.file("link"));
    write_file_atomic(d.file("link"), "new\n");
    CHECK(read_file(d.file("victim")) == "mine\n");
    CHECK(fs::is_regular_file(fs::symlink_status(d.file("link"))));
    CHECK(read_file(d.file("link")) == "new\n");
    CHECK(tree(d.path()) == std::vector<std::string>{"link", "victim"});
    CHECK_THROWS_AS(write_file_atomic(d.file("missing/x"), "x"), std::runtime_error);
}

TEST_CASE("A sweep does not append to results.csv through a symlink", "[hostile]") {
    TempDir d("hostile-results");
    sweep_spec(d, "s", kPlots);
    REQUIRE(run_cli_in(d.path(), {"sweep", "s.yaml", "-o", "out"}).exit_code == 0);
    // A victim that reads as the sweep's results with one point missing, linked in their place.
    std::string text = read_file(d.file("out/results.csv"));
    text.erase(text.rfind('\n', text.size() - 2) + 1);
    write_file(d.file("victim.csv"), text);
    fs::remove(d.file("out/results.csv"));
    fs::create_symlink("../victim.csv", d.file("out/results.csv"));
    const CliResult r = run_cli_in(d.path(), {"sweep", "s.yaml", "-o", "out"});
    SHOW(r);
    CHECK(r.exit_code != 0);
    CHECK(read_file(d.file("victim.csv")) == text);
}

TEST_CASE("A plot gnuplot fails on keeps its script and leaves no half figure", "[hostile]") {
    TempDir d("gp-fail");
    const std::string out = d.file("out");
    {
        OutputDir o(out);
        CHECK_FALSE(o.plot("bad.gp", "set terminal svg\nset output \"bad.svg\"\n"
                                     "plot no_such_function(x)\n"));
        CHECK(o.plot("good.gp", "set terminal svg\nset output \"good.svg\"\nplot x\n"));
        o.commit();
    }
    CHECK(tree(out) ==
          std::vector<std::string>{".fusesim-output", "bad.gp", "good.gp", "good.svg"});
}
