// `fusesim sweep` and `fusesim merge`: design points in parallel child processes, results.csv
// appended a whole line at a time under a lock on the folder, resumable (torn rows repaired,
// killed points rerun), stopped promptly by SIGINT/SIGTERM, shardable, with plots. The pieces:
// sweep_child (a point's process), sweep_results (the results file), sweep_progress (stderr).
#include "sim/cli/commands.hpp"
#include "sim/cli/folder_lock.hpp"
#include "sim/cli/sweep_child.hpp"
#include "sim/cli/sweep_progress.hpp"
#include "sim/cli/sweep_results.hpp"
#include "sim/cli/sweep_settings.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/schema_gpu.hpp"
#include "sim/config/sweep.hpp"
#include "sim/report/output.hpp"
#include "sim/report/sweep_plot.hpp"
#include "sim/report/table.hpp"

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <sys/wait.h>
#include <unistd.h>

namespace fusesim {

using namespace sweep;

namespace {

// The signal that stops the sweep (SIGINT, SIGTERM), 0 while it runs.
volatile std::sig_atomic_t g_stop = 0;
void on_stop(int s) {
    g_stop = s;
}
void on_child(int) {} // only wakes sigsuspend

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

} // namespace

int cmd_sweep(const CommandArgs& args, int jobs, const std::string& shard) {
    return run_sweep(read_sweep(args.experiment), args, jobs, shard);
}

int run_sweep(SweepSpec spec, const CommandArgs& args, int jobs, const std::string& shard) {
    for (const auto& o : args.overrides) spec.fixed.push_back(o);
    spec.files = args.files; // replaced before the spec's `set:`, the --set and the axes apply
    auto points = expand_points(spec);
    // Mistakes common to every point (the experiment's path, a misspelt axis key) stop the sweep
    // here, with their file and line, instead of failing each point.
    std::string settings; // the resolved config of the first point (see sweep_settings.hpp)
    for (const auto& p : {points.front(), points.back()}) {
        const ResolvedExperiment e = load_experiment(spec.experiment, p.overrides, p.files);
        if (const ConfigNode* w = e.tree.find("workload"); w && w->is_sequence())
            throw ConfigError(w->origin(), "workload",
                              "a sweep simulates one workload per point; the experiment lists "
                              "several");
        read_experiment(e);
        refuse_gpu(*e.tree.find("hardware"), "sweep");
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
    const SweepProgress progress(todo.size());
    const bool tty = progress.tty();
    size_t done = 0, failed = 0, next = 0;
    std::map<pid_t, Running> running;
    std::cerr << "fusesim sweep: " << spec.name << ": " << points.size() << " points";
    if (shard_n > 1) std::cerr << ", shard " << shard_i << "/" << shard_n << ": " << mine.size();
    std::cerr << ", " << (mine.size() - todo.size()) << " already done, " << todo.size()
              << " to run, " << jobs << " at a time\n";
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
        progress.update(done, failed, false);
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
    progress.update(done, failed, true);
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
