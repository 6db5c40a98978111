// `fusesim sweep` and `fusesim merge`: design points in parallel child processes, results.csv
// appended a whole line at a time under a lock on the folder, resumable (torn rows repaired,
// killed points rerun), stopped promptly by SIGINT/SIGTERM, shardable, with plots.
#include "sim/cli/commands.hpp"
#include "sim/cli/folder_lock.hpp"
#include "sim/cli/sweep_settings.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/sweep.hpp"
#include "sim/cli/child_process.hpp"
#include "sim/engine/timing.hpp"
#include "sim/report/output.hpp"
#include "sim/report/sweep_plot.hpp"
#include "sim/report/table.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sys/stat.h>
#include <sys/wait.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <unistd.h>

namespace fusesim {

namespace {

// The signal that stops the sweep (SIGINT, SIGTERM), 0 while it runs.
volatile std::sig_atomic_t g_stop = 0;
void on_stop(int s) {
    g_stop = s;
}
void on_child(int) {} // only wakes sigsuspend

// What a point's `status` says. A point that died by a signal (kill -9, the OOM killer) has no
// result and runs again on resume; the others are final.
enum class Outcome { Ok, Infeasible, Error, Died };
Outcome outcome(const std::string& status) {
    if (status == "ok") return Outcome::Ok;
    if (status.rfind("infeasible: ", 0) == 0) return Outcome::Infeasible;
    if (status.rfind("died: ", 0) == 0) return Outcome::Died;
    // How earlier versions recorded a killed point: it runs again too.
    if (status.rfind("error: the point's process died (signal ", 0) == 0) return Outcome::Died;
    return Outcome::Error;
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

// One physical line per row (cells never hold a newline), so that a torn row is one line.
std::string csv_line(const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + csv_escape(one_line(cells[i]));
    return s + "\n";
}

std::string point_key(const std::vector<std::string>& values) {
    std::string k;
    for (const auto& v : values) k += one_line(v) + '\x1f';
    return k;
}

std::string signal_text(int sig) {
    static const std::map<int, const char*> names = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
        {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
        {SIGSEGV, "SIGSEGV"}, {SIGPIPE, "SIGPIPE"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"}};
    auto it = names.find(sig);
    return "signal " + std::to_string(sig) +
           (it != names.end() ? std::string(" (") + it->second + ")" : "");
}

// Runs one point in a child: its result line comes back through a pipe.
struct Running {
    fusesim::Child child;
    size_t point;
};

// A status message cut to a size that keeps a child's whole reply within one pipe buffer (the
// parent reads it after the child exits, so a longer reply would block the child for good).
std::string status_text(const std::string& kind, const std::string& message) {
    constexpr size_t kMax = 4000;
    std::string s = kind + one_line(message);
    if (s.size() <= kMax) return s;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8
    return s.substr(0, cut) + " [...]";
}

// Runs one point in a child, in a process group of its own (so that stopping it stops whatever
// it started) that dies with the sweep. The child sends back its result cells only.
Running spawn(const SweepSpec& spec, const SweepPoint& p, std::vector<int> close_in_child) {
    const pid_t parent = ::getpid();
    const Child c = start_child([&](int fd) {
        for (int f : close_in_child) ::close(f); // the folder's lock stays with the parent
        ::setpgid(0, 0);
        std::signal(SIGTTOU, SIG_IGN); // a background group may still write to the terminal
#ifdef __linux__
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1); // the sweep is already gone
#endif
        std::vector<std::string> cells;
        try {
            cells = run_point(spec.experiment, p.overrides);
        } catch (const ScheduleError& e) { // the mapping does not fit: a result, not a failure
            cells = {status_text("infeasible: ", e.what())};
        } catch (const std::exception& e) {
            cells = {status_text("error: ", e.what())};
        }
        cells.resize(result_columns().size());
        write_all(fd, csv_line(cells));
    });
    ::setpgid(c.pid, c.pid); // also here: kill(-pid) must work as soon as spawn returns
    return {c, p.index};
}

// Kills a point's child (not reaped yet, so the pid is still its) and anything it started.
void kill_point(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

std::string bar(size_t done, size_t total) {
    const int width = 30;
    const int fill = total ? static_cast<int>(width * done / total) : width;
    return "[" + std::string(fill, '=') + std::string(width - fill, ' ') + "]";
}

std::string clock_text(double s) {
    const auto t = static_cast<int64_t>(s + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", static_cast<int>(t / 3600),
                  static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
    return buf;
}

std::vector<std::string> header(const SweepSpec& spec) {
    std::vector<std::string> h;
    for (const auto& a : spec.axes) h.push_back(a.key);
    const auto& r = result_columns();
    h.insert(h.end(), r.begin(), r.end());
    return h;
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The whole rows of a results file (header first, rows of the wrong width left out); the header
// must match this sweep's.
std::vector<std::vector<std::string>> whole_rows(const std::string& path, const std::string& text,
                                                 const std::vector<std::string>& head) {
    auto table = parse_csv(text).rows;
    if (table.empty()) return table;
    if (table.front() != head)
        throw ConfigError("'" + path + "' has other columns than this sweep's results: " +
                          "it belongs to another sweep (choose another folder with -o)");
    std::vector<std::vector<std::string>> out;
    for (auto& r : table)
        if (r.size() == head.size()) out.push_back(std::move(r));
    return out;
}

using Rows = std::map<std::string, std::vector<std::string>>;

// Rows by point key (the later row wins).
Rows by_point(const std::vector<std::vector<std::string>>& table, size_t n_axes) {
    Rows rows;
    for (size_t i = 1; i < table.size(); ++i)
        rows[point_key({table[i].begin(), table[i].begin() + static_cast<long>(n_axes)})] =
            table[i];
    return rows;
}

Rows read_rows(const std::string& path, const std::vector<std::string>& head) {
    return by_point(whole_rows(path, read_text(path), head), head.size() - result_columns().size());
}

// Before a sweep appends to its results: a file that is not exactly its whole rows (a torn last
// line from a full disk or a kill, a row cut inside a quoted cell) is rewritten with the whole
// rows only, so that appended rows start on a fresh line; the torn points run again.
Rows repair_results(const std::string& path, const std::vector<std::string>& head) {
    const std::string text = read_text(path);
    const auto table = whole_rows(path, text, head);
    if (table.empty()) {
        write_file_atomic(path, csv_line(head));
        return {};
    }
    std::string clean;
    for (const auto& r : table) clean += csv_line(r);
    if (clean != text) {
        write_file_atomic(path, clean);
        std::cerr << "fusesim sweep: repaired " << path << ": kept its " << table.size() - 1
                  << " whole rows, dropped what a crash left half-written (those points run "
                     "again)\n";
    }
    return by_point(table, head.size() - result_columns().size());
}

// Appends one whole line with one write. A write cut short (a full disk) is undone, so the file
// never ends in half a row; std::runtime_error then.
void append_line(int fd, const std::string& path, const std::string& line) {
    struct stat st {};
    const bool sized = ::fstat(fd, &st) == 0;
    if (::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size())) return;
    const int err = errno;
    if (sized) {
        const int undone = ::ftruncate(fd, st.st_size);
        (void)undone; // if even that fails, the next run repairs the torn line
    }
    throw std::runtime_error("cannot append to '" + path + "': " + std::strerror(err));
}

// Rewrites the results in point order (so that a resumed or merged sweep equals a straight one).
void write_sorted(const std::string& path, const SweepSpec& spec,
                  const std::vector<SweepPoint>& points, const Rows& rows) {
    const auto head = header(spec);
    std::string text = csv_line(head);
    // The same rows as JSON (results.json beside results.csv): numbers as numbers.
    nlohmann::ordered_json rows_json = nlohmann::ordered_json::array();
    for (const auto& p : points) {
        auto it = rows.find(point_key(p.values));
        if (it == rows.end()) continue;
        text += csv_line(it->second);
        nlohmann::ordered_json row;
        for (size_t c = 0; c < head.size() && c < it->second.size(); ++c) {
            const std::string& v = it->second[c];
            char* end = nullptr;
            const double d = std::strtod(v.c_str(), &end);
            if (!v.empty() && end && *end == '\0') {
                if (v.find_first_of(".eEn") == std::string::npos && std::abs(d) < 9e15)
                    row[head[c]] = static_cast<int64_t>(d);
                else
                    row[head[c]] = d;
            } else
                row[head[c]] = v;
        }
        rows_json.push_back(row);
    }
    write_file_atomic(path, text);
    nlohmann::ordered_json j;
    j["sweep"] = spec.name;
    j["points"] = points.size();
    j["rows"] = rows_json;
    const std::string json_path = path.substr(0, path.rfind('.')) + ".json";
    write_file_atomic(json_path, j.dump(2) + "\n");
}

bool parse_shard(const std::string& s, size_t& i, size_t& n) {
    const auto slash = s.find('/');
    if (slash == std::string::npos) return false;
    try {
        i = std::stoul(s.substr(0, slash));
        n = std::stoul(s.substr(slash + 1));
    } catch (...) {
        return false;
    }
    return n > 0 && i < n;
}

// SIGINT and SIGTERM set g_stop; they, and SIGCHLD, are blocked except while the loop waits in
// sigsuspend, so a signal is never missed between a check and the wait. Restored on scope exit.
class SignalScope {
  public:
    SignalScope() {
        struct sigaction stop {
        }, child{};
        stop.sa_handler = on_stop; // no SA_RESTART: the wait returns at once
        child.sa_handler = on_child;
        sigemptyset(&stop.sa_mask);
        sigemptyset(&child.sa_mask);
        // A signal ignored at start (nohup, a background job of a script) stays ignored.
        sigaction(SIGINT, nullptr, &old_int_);
        sigaction(SIGTERM, nullptr, &old_term_);
        if (old_int_.sa_handler != SIG_IGN) sigaction(SIGINT, &stop, nullptr);
        if (old_term_.sa_handler != SIG_IGN) sigaction(SIGTERM, &stop, nullptr);
        sigaction(SIGCHLD, &child, &old_chld_);
        sigset_t block;
        sigemptyset(&block);
        for (int s : {SIGINT, SIGTERM, SIGCHLD}) sigaddset(&block, s);
        sigprocmask(SIG_BLOCK, &block, &old_mask_);
        wait_mask_ = old_mask_;
        for (int s : {SIGINT, SIGTERM, SIGCHLD}) sigdelset(&wait_mask_, s);
    }
    ~SignalScope() {
        sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
        sigaction(SIGINT, &old_int_, nullptr);
        sigaction(SIGTERM, &old_term_, nullptr);
        sigaction(SIGCHLD, &old_chld_, nullptr);
    }
    void wait() const { sigsuspend(&wait_mask_); }
    // A SIGINT or SIGTERM that arrived but is not delivered yet (blocked).
    static bool stop_pending() {
        sigset_t p;
        sigpending(&p);
        return sigismember(&p, SIGINT) == 1 || sigismember(&p, SIGTERM) == 1;
    }

  private:
    struct sigaction old_int_ {
    }, old_term_{}, old_chld_{};
    sigset_t old_mask_{}, wait_mask_{};
};

struct Counts {
    size_t ok = 0, infeasible = 0, error = 0, died = 0, missing = 0;
};

Counts count(const std::vector<SweepPoint>& points, const Rows& rows, size_t n_axes) {
    Counts n;
    for (const auto& p : points) {
        auto it = rows.find(point_key(p.values));
        if (it == rows.end()) {
            ++n.missing;
            continue;
        }
        switch (outcome(it->second[n_axes])) {
        case Outcome::Ok:
            ++n.ok;
            break;
        case Outcome::Infeasible:
            ++n.infeasible;
            break;
        case Outcome::Error:
            ++n.error;
            break;
        case Outcome::Died:
            ++n.died;
            break;
        }
    }
    return n;
}

// 0 only when every point has a result (ok or infeasible).
int exit_status(const Counts& n) {
    return n.error || n.died || n.missing ? 1 : 0;
}

std::string counts_text(const Counts& c) {
    std::string s = std::to_string(c.ok) + " ok";
    if (c.infeasible) s += ", " + std::to_string(c.infeasible) + " infeasible";
    if (c.error) s += ", " + std::to_string(c.error) + " failed";
    if (c.died) s += ", " + std::to_string(c.died) + " died (run again to retry them)";
    if (c.missing) s += ", " + std::to_string(c.missing) + " without a result";
    return s;
}

} // namespace

int cmd_sweep(const CommandArgs& args, int jobs, const std::string& shard) {
    SweepSpec spec = read_sweep(args.experiment);
    for (const auto& o : args.overrides) spec.fixed.push_back(o);
    auto points = expand_points(spec);
    // Mistakes common to every point (the experiment's path, a misspelt axis key) stop the sweep
    // here, with their file and line, instead of failing each point.
    std::string settings; // the resolved config of the first point (see sweep_settings.hpp)
    for (const auto& p : {points.front(), points.back()}) {
        const ResolvedExperiment e = load_experiment(spec.experiment, p.overrides);
        read_experiment(e);
        if (settings.empty()) settings = e.tree.to_yaml();
    }
    size_t shard_i = 0, shard_n = 1;
    if (!shard.empty() && !parse_shard(shard, shard_i, shard_n))
        throw ConfigError("--shard expects i/n with 0 <= i < n (e.g. 0/4), got '" + shard + "'");
    std::vector<SweepPoint> mine;
    for (const auto& p : points)
        if (p.index % shard_n == shard_i) mine.push_back(p);

    OutputDir out(args.output.empty() ? spec.output : args.output);
    const FolderLock lock(out.path()); // held until the sweep returns
    const std::string results = out.file("results.csv");
    const auto head = header(spec);
    const size_t n_axes = head.size() - result_columns().size();
    auto rows = repair_results(results, head);
    check_sweep_settings(out.path(), settings, !rows.empty());
    std::vector<const SweepPoint*> todo;
    for (const auto& p : mine) {
        auto it = rows.find(point_key(p.values));
        if (it == rows.end() || outcome(it->second[n_axes]) == Outcome::Died) todo.push_back(&p);
    }

    const int fd = ::open(results.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) throw std::runtime_error("cannot append to '" + results + "'");
    g_stop = 0;
    const bool tty = isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    size_t done = 0, failed = 0, next = 0;
    std::map<pid_t, Running> running;
    std::cerr << "fusesim sweep: " << spec.name << ": " << points.size() << " points";
    if (shard_n > 1) std::cerr << ", shard " << shard_i << "/" << shard_n << ": " << mine.size();
    std::cerr << ", " << (mine.size() - todo.size()) << " already done, " << todo.size()
              << " to run, " << jobs << " at a time\n";
    auto report = [&](bool final) {
        const double el =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double eta =
            done ? el / static_cast<double>(done) * static_cast<double>(todo.size() - done) : 0;
        const std::string line = bar(done, todo.size()) + " " + std::to_string(done) + "/" +
                                 std::to_string(todo.size()) + " points, " +
                                 std::to_string(failed) + " failed, elapsed " + clock_text(el) +
                                 (final ? "" : ", ETA " + clock_text(eta));
        if (tty)
            std::cerr << "\r" << line << (final ? "\n" : "") << std::flush;
        else if (final || done % std::max<size_t>(1, todo.size() / 20) == 0)
            std::cerr << line << "\n";
    };
    // Takes one finished child's line and appends it; false if no child has finished. While
    // stopping (`keep` false on an error) only whole lines count: a killed point is no result.
    auto reap = [&](bool block, bool keep) {
        // Which child ended, without reaping it yet: while its zombie holds the pid, killing
        // its process group (whatever it started) cannot hit another process.
        siginfo_t info{};
        if (waitid(P_ALL, 0, &info, WEXITED | WNOWAIT | (block ? 0 : WNOHANG)) != 0) {
            if (errno == ECHILD) { // no child left to wait for: never wait for one
                for (auto& [p, c] : running) ::close(c.child.fd);
                running.clear();
            }
            return false;
        }
        const pid_t pid = info.si_pid;
        if (pid <= 0) return false;
        ::kill(-pid, SIGKILL);
        int status = 0;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        auto it = running.find(pid);
        if (it == running.end()) return true;
        const Running c = it->second;
        running.erase(it);
        // The child has exited: its reply is in the pipe. Read without waiting for the end of
        // file, which a process it started (and that outlived it) could hold back.
        ::fcntl(c.child.fd, F_SETFL, O_NONBLOCK);
        std::string data = read_all(c.child.fd);
        ::close(c.child.fd);
        const CsvRows line = parse_csv(data);
        const bool whole = line.torn == 0 && line.rows.size() == 1 &&
                           line.rows[0].size() == result_columns().size();
        if (!keep || (!whole && (g_stop || SignalScope::stop_pending()))) return true;
        std::string status_cell = whole ? line.rows[0][0] : "";
        if (whole) {
            std::vector<std::string> cells = points[c.point].values;
            cells.insert(cells.end(), line.rows[0].begin(), line.rows[0].end());
            data = csv_line(cells);
        } else {
            status_cell = WIFSIGNALED(status)
                              ? "died: " + signal_text(WTERMSIG(status))
                              : "error: the point's process exited with status " +
                                    std::to_string(WEXITSTATUS(status)) + " and no result";
            std::vector<std::string> cells = points[c.point].values;
            cells.push_back(status_cell);
            cells.resize(head.size());
            data = csv_line(cells);
            if (WIFSIGNALED(status))
                std::cerr << (tty ? "\n" : "") << "point " << c.point << " died ("
                          << signal_text(WTERMSIG(status)) << "); it runs again on resume\n";
        }
        const Outcome o = outcome(status_cell);
        if (o == Outcome::Error || o == Outcome::Died) ++failed;
        append_line(fd, results, data);
        ++done;
        report(false);
        return true;
    };
    {
        const SignalScope signals;
        try {
            while (!g_stop) {
                if (SignalScope::stop_pending()) signals.wait(); // deliver it now
                if (g_stop) break;
                while (!g_stop && next < todo.size() && static_cast<int>(running.size()) < jobs) {
                    const Running c = spawn(spec, *todo[next++], {fd, lock.fd()});
                    running.emplace(c.child.pid, c);
                }
                if (running.empty()) break;
                if (!reap(false, true) && !g_stop) signals.wait();
            }
        } catch (...) {
            for (auto& [pid, c] : running) kill_point(pid);
            while (!running.empty() && reap(true, false)) {
            }
            ::close(fd);
            throw;
        }
        if (g_stop) {
            // Stop promptly: the running points are lost anyway, so kill them now and wait.
            for (auto& [pid, c] : running) kill_point(pid);
            while (!running.empty() && reap(true, true)) {
            }
        }
    }
    ::close(fd);
    if (g_stop) {
        const int sig = g_stop;
        std::cerr << "\ninterrupted by " << signal_text(sig) << ": " << done
                  << " points finished in this run, kept in " << results
                  << "; run the same command again to resume\n";
        return 128 + sig;
    }
    report(true);
    rows = read_rows(results, head);
    write_sorted(results, spec, points, rows);
    if (shard_n == 1) {
        draw_sweep_plots(spec, results, out);
        std::cout << write_best_tables(spec, results, out);
    }
    out.commit(); // the plots, while the folder is still locked
    const Counts n = count(mine, rows, n_axes);
    std::cerr << "wrote " << results << ": " << mine.size() << " points: " << counts_text(n)
              << "\n";
    return exit_status(n);
}

int cmd_merge(const std::string& spec_path, const std::vector<std::string>& inputs,
              const std::string& output) {
    const SweepSpec spec = read_sweep(spec_path);
    const auto points = expand_points(spec);
    const auto head = header(spec);
    const size_t n_axes = head.size() - result_columns().size();
    Rows rows;
    for (const auto& in : inputs) {
        if (!std::ifstream(in)) throw ConfigError("cannot read results file '" + in + "'");
        for (auto& [k, v] : read_rows(in, head)) {
            auto it = rows.find(k);
            // A later file wins, except that a point that died never hides a result.
            if (it == rows.end() || outcome(v[n_axes]) != Outcome::Died) rows[k] = v;
        }
    }
    OutputDir out(output.empty() ? spec.output : output);
    const FolderLock lock(out.path());
    const std::string results = out.file("results.csv");
    write_sorted(results, spec, points, rows);
    draw_sweep_plots(spec, results, out);
    std::cout << write_best_tables(spec, results, out);
    out.commit();
    const Counts n = count(points, rows, n_axes);
    std::cerr << "merged " << rows.size() << " of " << points.size() << " points into " << results
              << ": " << counts_text(n) << "\n";
    return exit_status(n);
}

} // namespace fusesim
