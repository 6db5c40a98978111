// Sweeps never lose a point: a torn or half-quoted results.csv is repaired on resume, two sweeps
// never share a folder, a point whose process is killed runs again, SIGTERM stops the children
// at once and keeps what finished, and the exit status says whether every point has a result.
#include "run_cli.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/table.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <fstream>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace fusesim;
using namespace fusesim::test;

namespace {

// A sweep of one-layer Mamba-2.8B points; `lengths` picks how long each takes (L = 131072 takes
// about a second, L <= 1024 a few milliseconds).
std::string write_spec(const TempDir& d, const std::string& schemes, const std::string& lengths) {
    const std::string spec = d.file("spec.yaml");
    write_file(spec,
               "name: faults\nexperiment: " + repo_path("configs/experiments/mamba-unfused.yaml") +
                   "\nset: {simulation.layers: one, simulation.vcd: false, "
                   "simulation.timeline: false}\naxes:\n  mapping.fusion: [" +
                   schemes + "]\n  workload.seq_len: [" + lengths + "]\n");
    return spec;
}

// A sweep started in the background (stderr into a file), for tests that signal it.
struct Background {
    pid_t pid = -1;
    std::string err_path;
};

Background start_sweep(const TempDir& d, const std::vector<std::string>& args,
                       const std::string& err_name) {
    Background b;
    b.err_path = d.file(err_name);
    std::vector<std::string> storage = {FUSESIM_BINARY, "sweep"};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    b.pid = fork();
    if (b.pid == 0) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        const int err = ::open(b.err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int null = ::open("/dev/null", O_RDWR);
        if (err < 0 || null < 0 || chdir(FUSESIM_SOURCE_DIR) != 0) _exit(126);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        execv(argv[0], argv.data());
        _exit(127);
    }
    return b;
}

// The exit code of a background sweep (128 + signal if it was killed).
int wait_exit(pid_t pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The running children of `parent` (from /proc/<pid>/stat: the field after the state).
std::vector<pid_t> children_of(pid_t parent) {
    std::vector<pid_t> out;
    DIR* dir = opendir("/proc");
    if (!dir) return out;
    while (const dirent* e = readdir(dir)) {
        const std::string name = e->d_name;
        if (name.empty() || !std::all_of(name.begin(), name.end(), ::isdigit)) continue;
        std::ifstream in("/proc/" + name + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        const auto paren = stat.rfind(')');
        if (paren == std::string::npos || paren + 4 >= stat.size()) continue;
        const char state = stat[paren + 2];
        const pid_t ppid = std::atoi(stat.c_str() + paren + 4);
        if (ppid == parent && state != 'Z') out.push_back(std::stoi(name));
    }
    closedir(dir);
    return out;
}

bool alive(pid_t pid) {
    return kill(pid, 0) == 0 || errno != ESRCH;
}

// Polls `ready` every millisecond for up to 60 s; false on timeout.
template <class F>
bool wait_until(F ready) {
    for (int i = 0; i < 60000; ++i) {
        if (ready()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return false;
}

size_t lines_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

std::string straight_run(const TempDir& d, const std::string& spec) {
    const CliResult r = run_cli({"sweep", spec, "-j", "2", "-o", d.file("straight")});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    return read_file(d.file("straight/results.csv"));
}

} // namespace

TEST_CASE("The CSV reader drops only a torn row and keeps the rows after it", "[sweep][faults]") {
    // A last line without its newline is torn.
    auto r = parse_csv("a,b\n1,2\n3,4");
    CHECK(r.rows == std::vector<std::vector<std::string>>{{"a", "b"}, {"1", "2"}});
    CHECK(r.torn == 1);
    // A quote that never closes loses its row only, not everything after it.
    r = parse_csv("a,b\n1,\"error: cut\n2,ok\n3,\"x, y\"\n");
    CHECK(r.rows == std::vector<std::vector<std::string>>{{"a", "b"}, {"2", "ok"}, {"3", "x, y"}});
    CHECK(r.torn == 1);
    // A quote closed inside a cell (a torn quoted cell glued to the next row) is torn too.
    r = parse_csv("1,\"error: cut2,\"error: b\",c\n4,5\n");
    CHECK(r.rows == std::vector<std::vector<std::string>>{{"4", "5"}});
    CHECK(r.torn == 1);
    // Whole files read as before: "" is a quote, newlines inside quotes, CRLF.
    r = parse_csv("a,\"say \"\"hi\"\"\",\"two\nlines\"\r\n,\n");
    CHECK(r.rows ==
          std::vector<std::vector<std::string>>{{"a", "say \"hi\"", "two\nlines"}, {"", ""}});
    CHECK(r.torn == 0);
    CHECK(parse_csv("").rows.empty());
}

TEST_CASE("A resume repairs a torn last line and reruns that point", "[sweep][faults]") {
    TempDir d("sweep-torn");
    const std::string spec = write_spec(d, "unfused, fuse-all", "1, 64, 512");
    const std::string straight = straight_run(d, spec);
    const auto lines = parse_csv(straight).rows;
    REQUIRE(lines.size() == 7);

    // What a full disk leaves: four whole rows, then half of the fifth without its newline.
    const std::string out = d.file("torn");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    const size_t cut = straight.find('\n', straight.find("fuse-all,64,")) - 20;
    write_file(out + "/results.csv", straight.substr(0, cut));
    const CliResult r = run_cli({"sweep", spec, "-o", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("4 already done, 2 to run") && Catch::Contains("repaired"));
    CHECK(read_file(out + "/results.csv") == straight);
}

TEST_CASE("A sweep that runs out of disk space leaves only whole rows", "[sweep][faults]") {
    TempDir d("sweep-full-disk");
    const std::string spec = write_spec(d, "unfused, fuse-all", "1, 64, 512");
    const std::string straight = straight_run(d, spec);
    const std::string out = d.file("out");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    // A file-size limit stands in for a full disk: the write of the fourth row stops part-way.
    const std::string header = straight.substr(0, straight.find('\n') + 1);
    write_file(out + "/results.csv", header);
    size_t limit = header.size();
    for (int i = 0; i < 3; ++i) limit = straight.find('\n', limit) + 1;
    limit += 30;
    const pid_t pid = fork();
    if (pid == 0) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        const int null = ::open("/dev/null", O_RDWR);
        dup2(null, STDOUT_FILENO);
        dup2(null, STDERR_FILENO);
        const struct rlimit lim = {static_cast<rlim_t>(limit), static_cast<rlim_t>(limit)};
        setrlimit(RLIMIT_FSIZE, &lim);
        std::signal(SIGXFSZ, SIG_IGN); // the write fails instead of killing the process
        execl(FUSESIM_BINARY, FUSESIM_BINARY, "sweep", spec.c_str(), "-j", "1", "-o", out.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    CHECK(wait_exit(pid) == 1);
    const std::string text = read_file(out + "/results.csv");
    CHECK(text.size() < limit);
    CHECK(text.back() == '\n');
    const CsvRows rows = parse_csv(text);
    CHECK(rows.torn == 0);
    CHECK(rows.rows.size() == 4); // the header and three whole rows
    // With room again, a resume finishes the sweep.
    const CliResult again = run_cli({"sweep", spec, "-o", out});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.err, Catch::Contains("3 already done, 3 to run"));
    CHECK(read_file(out + "/results.csv") == straight);
}

TEST_CASE("An unterminated quote in results.csv loses only its own row", "[sweep][faults]") {
    TempDir d("sweep-quote");
    const std::string spec = write_spec(d, "unfused, fuse-all", "1, 64, 512");
    const std::string straight = straight_run(d, spec);
    const std::string out = d.file("quote");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    // The row of unfused/64 cut inside a quoted status, then the rows a later run appended.
    const size_t row = straight.find("unfused,64,");
    const size_t next = straight.find('\n', row) + 1;
    write_file(out + "/results.csv",
               straight.substr(0, row) + "unfused,64,\"error: cut short\n" + straight.substr(next));
    const CliResult r = run_cli({"sweep", spec, "-o", out});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("5 already done, 1 to run"));
    CHECK(read_file(out + "/results.csv") == straight);
}

TEST_CASE("A second sweep into a folder in use exits 2 naming the holder", "[sweep][faults]") {
    TempDir d("sweep-lock");
    const std::string spec = write_spec(d, "unfused", "131072, 1, 64");
    const std::string out = d.file("out");
    const Background first = start_sweep(d, {spec, "-j", "1", "-o", out}, "first.err");
    // Once the first holds the lock (its note is in the lock file), the second is refused.
    REQUIRE(wait_until([&] {
        std::ifstream in(out + "/.fusesim-sweep.lock");
        std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        return text.find("command ") != std::string::npos;
    }));
    const CliResult second = run_cli({"sweep", spec, "-j", "1", "-o", out});
    CHECK(second.exit_code == 2);
    CHECK_THAT(second.err, Catch::Contains("in use by pid " + std::to_string(first.pid)) &&
                               Catch::Contains("sweep"));
    // The first completes with every point.
    CHECK(wait_exit(first.pid) == 0);
    const auto rows = read_csv_file(out + "/results.csv");
    REQUIRE(rows.size() == 4);
    for (size_t i = 1; i < rows.size(); ++i) CHECK(rows[i][2] == "ok");
    // The lock went with it: the same folder takes a sweep again (nothing left to run).
    const CliResult again = run_cli({"sweep", spec, "-o", out});
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.err, Catch::Contains("3 already done, 0 to run"));
}

TEST_CASE("A point whose process is killed is recorded and runs again on resume",
          "[sweep][faults]") {
    TempDir d("sweep-child-killed");
    // The first point is the slow one: it is still running when the test kills it.
    const std::string spec = write_spec(d, "unfused", "131072, 1, 64");
    const std::string out = d.file("out");
    const Background sweep = start_sweep(d, {spec, "-j", "1", "-o", out}, "sweep.err");
    std::vector<pid_t> kids;
    REQUIRE(wait_until([&] { return !(kids = children_of(sweep.pid)).empty(); }));
    REQUIRE(kill(kids.front(), SIGKILL) == 0);
    // The sweep goes on with the other points but says that not every point has a result.
    CHECK(wait_exit(sweep.pid) == 1);
    CHECK_THAT(read_file(sweep.err_path),
               Catch::Contains("died (signal 9 (SIGKILL))") && Catch::Contains("2 ok, 1 died"));
    const auto rows = read_csv_file(out + "/results.csv");
    REQUIRE(rows.size() == 4);
    CHECK(rows[1][2] == "died: signal 9 (SIGKILL)");
    CHECK(rows[2][2] == "ok");
    // A resume runs that point only, and the results equal a straight run.
    const CliResult again = run_cli({"sweep", spec, "-j", "1", "-o", out});
    INFO(again.err);
    CHECK(again.exit_code == 0);
    CHECK_THAT(again.err, Catch::Contains("2 already done, 1 to run"));
    CHECK(read_file(out + "/results.csv") == straight_run(d, spec));
}

TEST_CASE("A killed point recorded by an earlier version runs again too", "[sweep][faults]") {
    TempDir d("sweep-old-died");
    const std::string spec = write_spec(d, "unfused, fuse-all", "1, 64");
    const std::string straight = straight_run(d, spec);
    const std::string out = d.file("out");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    const size_t row = straight.find("fuse-all,1,");
    const size_t next = straight.find('\n', row) + 1;
    write_file(out + "/results.csv",
               straight.substr(0, row) +
                   "fuse-all,1,error: the point's process died (signal 9),,,,,,,,,,,,\n" +
                   straight.substr(next));
    const CliResult r = run_cli({"sweep", spec, "-o", out});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("3 already done, 1 to run"));
    CHECK(read_file(out + "/results.csv") == straight);
}

TEST_CASE("SIGTERM or SIGINT stops a sweep at once and keeps the finished points",
          "[sweep][faults]") {
    for (const int sig : {SIGTERM, SIGINT}) {
        INFO("signal " << sig);
        TempDir d("sweep-signal");
        // Two quick points, then a slow one that is running when the signal comes.
        const std::string spec = write_spec(d, "unfused", "1, 64, 131072");
        const std::string out = d.file("out");
        const Background sweep = start_sweep(d, {spec, "-j", "1", "-o", out}, "sweep.err");
        std::vector<pid_t> kids;
        REQUIRE(wait_until([&] {
            return lines_of(out + "/results.csv") == 3 && !(kids = children_of(sweep.pid)).empty();
        }));
        REQUIRE(kill(sweep.pid, sig) == 0);
        CHECK(wait_exit(sweep.pid) == 128 + sig);
        // The running child was killed, not waited for: no row for it, and it is gone.
        for (pid_t k : kids) CHECK(!alive(k));
        const auto rows = read_csv_file(out + "/results.csv");
        REQUIRE(rows.size() == 3);
        CHECK(rows[1][1] == "1");
        CHECK(rows[2][1] == "64");
        CHECK_THAT(read_file(sweep.err_path),
                   Catch::Contains(sig == SIGTERM ? "interrupted by signal 15 (SIGTERM)"
                                                  : "interrupted by signal 2 (SIGINT)") &&
                       Catch::Contains("run the same command again to resume"));
        if (sig == SIGINT) continue;
        // Resuming runs only the slow point.
        const CliResult again = run_cli({"sweep", spec, "-j", "1", "-o", out});
        CHECK(again.exit_code == 0);
        CHECK_THAT(again.err, Catch::Contains("2 already done, 1 to run"));
    }
}

TEST_CASE("Failures are counted from the parsed rows and make the exit status 1",
          "[sweep][faults]") {
    TempDir d("sweep-failing");
    // With 16 KiB of SRAM and no streaming no tile fits: the preset is infeasible (a result), and
    // so is fusion: auto, whose candidates all are (at 64 KiB the cascade's channel tiles make
    // the one-token step of L = 1 fit). The middle length is no integer: an error
    // whose message holds a comma, so its cell is quoted (the old count searched the text for
    // ",error: ").
    const std::string spec = write_spec(d, "unfused, auto", "1, \"2,0\", 64");
    const CliResult r = run_cli({"sweep", spec, "--set", "hardware.core.sram=16KiB", "--set",
                                 "simulation.stream_operands=false", "-o", d.file("out")});
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("6 points: 0 ok, 4 infeasible, 2 failed"));
    CHECK_THAT(read_file(d.file("out/results.csv")), Catch::Contains(",\"error: "));
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 7);
    CHECK_THAT(rows[1][2], Catch::StartsWith("infeasible: the schedule cannot progress"));
    CHECK_THAT(rows[2][2], Catch::StartsWith("error: ") && Catch::Contains("got '2,0'"));
    CHECK_THAT(rows[4][2], Catch::StartsWith("infeasible: ") && Catch::Contains("found no plan"));
    // A resume skips deterministic errors and says the same.
    const CliResult again = run_cli({"sweep", spec, "--set", "hardware.core.sram=16KiB", "--set",
                                     "simulation.stream_operands=false", "-o", d.file("out")});
    CHECK(again.exit_code == 1);
    CHECK_THAT(again.err, Catch::Contains("6 already done, 0 to run"));
}

TEST_CASE("A point whose error is longer than a pipe holds is recorded and the sweep ends",
          "[sweep][faults]") {
    // The middle length is 60,000 letters: the error names it, so the child's reply would be
    // larger than a pipe buffer (the child then blocked for good, and so did the sweep).
    TempDir d("sweep-long-error");
    const std::string spec = write_spec(d, "unfused", "1, \"" + std::string(60000, 'x') + "\", 64");
    const CliResult r = run_cli({"sweep", spec, "-o", d.file("out")}, 120);
    INFO(r.err.substr(0, 2000));
    REQUIRE(!r.timed_out);
    CHECK(r.exit_code == 1);
    const auto rows = read_csv_file(d.file("out/results.csv"));
    REQUIRE(rows.size() == 4);
    CHECK(rows[2][1] == std::string(60000, 'x'));
    CHECK_THAT(rows[2][2], Catch::StartsWith("error: ") && Catch::EndsWith(" [...]"));
    CHECK(rows[2][2].size() < 4100);
    CHECK(rows[3][2] == "ok");
}

TEST_CASE("A merge that lacks points or holds a died one exits 1", "[sweep][faults]") {
    TempDir d("sweep-merge-partial");
    const std::string spec = write_spec(d, "unfused, fuse-all", "1, 64");
    REQUIRE(run_cli({"sweep", spec, "--shard", "0/2", "-o", d.file("s0")}).exit_code == 0);
    REQUIRE(run_cli({"sweep", spec, "--shard", "1/2", "-o", d.file("s1")}).exit_code == 0);
    const CliResult half = run_cli({"merge", spec, d.file("s0/results.csv"), "-o", d.file("m")});
    CHECK(half.exit_code == 1);
    CHECK_THAT(half.err, Catch::Contains("merged 2 of 4 points") &&
                             Catch::Contains("2 ok, 2 without a result"));
    // A shard's row of a point that died does not hide that point's result in another file.
    const std::string s1 = read_file(d.file("s1/results.csv"));
    const std::string died = "unfused,64,died: signal 9 (SIGKILL),,,,,,,,,,,,\n";
    write_file(d.file("died.csv"), s1.substr(0, s1.find('\n') + 1) + died);
    const CliResult all =
        run_cli({"merge", spec, d.file("s0/results.csv"), d.file("s1/results.csv"),
                 d.file("died.csv"), "-o", d.file("m")});
    CHECK(all.exit_code == 0);
    CHECK_THAT(all.err, Catch::Contains("merged 4 of 4 points") && Catch::Contains(": 4 ok"));
}

TEST_CASE("A sweep range allows 100,000 values and refuses 100,001", "[sweep][faults]") {
    TempDir d("sweep-range");
    const std::string spec = d.file("spec.yaml");
    auto with_range = [&](const std::string& range) {
        write_file(spec, "name: range\nexperiment: " +
                             repo_path("configs/experiments/mamba-unfused.yaml") +
                             "\naxes:\n  workload.seq_len: " + range + "\n");
        return spec;
    };
    CHECK(read_sweep(with_range("{from: 1, to: 100000, step: 1}")).axes[0].values.size() == 100000);
    CHECK_THROWS_AS(read_sweep(with_range("{from: 1, to: 100001, step: 1}")), ConfigError);
    CHECK_THROWS_WITH(read_sweep(with_range("{from: 0, to: 100000, step: 1}")),
                      Catch::Contains("spec.yaml:4:") &&
                          Catch::Contains("makes more than 100,000 values"));
    // A count far beyond any integer is refused the same way.
    CHECK_THROWS_AS(read_sweep(with_range("{from: 0, to: 1e18, step: 1e-12}")), ConfigError);
}

TEST_CASE("A resume with other settings is refused instead of mixing results", "[sweep][faults]") {
    TempDir d("sweep-settings");
    const std::string spec = write_spec(d, "unfused", "1, 64");
    const std::string out = d.file("out");
    REQUIRE(run_cli({"sweep", spec, "-o", out}).exit_code == 0);
    const std::string before = read_file(out + "/results.csv");

    // Another SRAM size changes every point's result: the old rows must not be reused.
    const CliResult other = run_cli({"sweep", spec, "-o", out, "--set", "hardware.core.sram=8MiB"});
    INFO(other.err);
    CHECK(other.exit_code == 2);
    CHECK_THAT(other.err, Catch::Contains("other settings") && Catch::Contains("sram"));
    CHECK(read_file(out + "/results.csv") == before);

    // The same settings resume (nothing left to run).
    const CliResult same = run_cli({"sweep", spec, "-o", out});
    INFO(same.err);
    CHECK(same.exit_code == 0);
    CHECK_THAT(same.err, Catch::Contains("2 already done, 0 to run"));
}
