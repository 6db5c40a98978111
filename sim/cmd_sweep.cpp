// `fusesim sweep` and `fusesim merge`: design points in parallel child processes, results.csv
// appended a whole line at a time, resumable, shardable, with plots.
#include "sim/child_process.hpp"
#include "sim/commands.hpp"
#include "sim/output.hpp"
#include "sim/schema.hpp"
#include "sim/sweep.hpp"
#include "sim/sweep_plot.hpp"
#include "sim/table.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

namespace fusesim {

namespace {

volatile std::sig_atomic_t g_interrupted = 0;
void on_signal(int) {
    g_interrupted = 1;
}

std::string csv_line(const std::vector<std::string>& cells) {
    std::string s;
    for (size_t i = 0; i < cells.size(); ++i) s += (i ? "," : "") + csv_escape(cells[i]);
    return s + "\n";
}

std::string one_line(std::string s) {
    for (char& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    return s;
}

std::string point_key(const std::vector<std::string>& values) {
    std::string k;
    for (const auto& v : values) k += v + '\x1f';
    return k;
}

// Runs one point in a child: its result line comes back through a pipe.
struct Running {
    fusesim::Child child;
    size_t point;
};

Running spawn(const SweepSpec& spec, const SweepPoint& p) {
    const Child c = start_child([&](int fd) {
        std::signal(SIGINT, SIG_DFL);
        std::vector<std::string> cells = p.values;
        try {
            const auto r = run_point(spec.experiment, p.overrides);
            cells.insert(cells.end(), r.begin(), r.end());
        } catch (const std::exception& e) {
            cells.push_back("error: " + one_line(e.what()));
            cells.resize(p.values.size() + result_columns().size());
        }
        write_all(fd, csv_line(cells));
    });
    return {c, p.index};
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

// Rows of a results file by point key (the later row wins); the header must match.
std::map<std::string, std::vector<std::string>> read_rows(const std::string& path,
                                                          const std::vector<std::string>& head) {
    std::map<std::string, std::vector<std::string>> rows;
    const auto table = read_csv_file(path);
    if (table.empty()) return rows;
    if (table.front() != head)
        throw ConfigError("'" + path + "' has other columns than this sweep's results: " +
                          "it belongs to another sweep (choose another folder with -o)");
    const size_t n_axes = head.size() - result_columns().size();
    for (size_t i = 1; i < table.size(); ++i) {
        if (table[i].size() != head.size()) continue; // a line cut short by a crash
        rows[point_key({table[i].begin(), table[i].begin() + static_cast<long>(n_axes)})] =
            table[i];
    }
    return rows;
}

// Rewrites the results in point order (so that a resumed or merged sweep equals a straight one).
void write_sorted(const std::string& path, const SweepSpec& spec,
                  const std::vector<SweepPoint>& points,
                  const std::map<std::string, std::vector<std::string>>& rows) {
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

} // namespace

int cmd_sweep(const CommandArgs& args, int jobs, const std::string& shard) {
    SweepSpec spec = read_sweep(args.experiment);
    for (const auto& o : args.overrides) spec.fixed.push_back(o);
    auto points = expand_points(spec);
    // Mistakes common to every point (the experiment's path, a misspelt axis key) stop the sweep
    // here, with their file and line, instead of failing each point.
    for (const auto& p : {points.front(), points.back()}) {
        const ResolvedExperiment e = load_experiment(spec.experiment, p.overrides);
        read_hardware(*e.tree.find("hardware"));
        read_workload(*e.tree.find("workload"));
        read_simulation(e.tree.find("simulation"));
    }
    size_t shard_i = 0, shard_n = 1;
    if (!shard.empty() && !parse_shard(shard, shard_i, shard_n))
        throw ConfigError("--shard expects i/n with 0 <= i < n (e.g. 0/4), got '" + shard + "'");
    std::vector<SweepPoint> mine;
    for (const auto& p : points)
        if (p.index % shard_n == shard_i) mine.push_back(p);

    OutputDir out(args.output.empty() ? spec.output : args.output);
    const std::string results = out.file("results.csv");
    const auto head = header(spec);
    auto rows = read_rows(results, head);
    if (rows.empty()) write_file_atomic(results, csv_line(head));
    std::vector<const SweepPoint*> todo;
    for (const auto& p : mine)
        if (!rows.count(point_key(p.values))) todo.push_back(&p);

    const int fd = ::open(results.c_str(), O_WRONLY | O_APPEND);
    if (fd < 0) throw std::runtime_error("cannot append to '" + results + "'");
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
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
    while ((next < todo.size() || !running.empty()) && !g_interrupted) {
        while (next < todo.size() && static_cast<int>(running.size()) < jobs && !g_interrupted) {
            const Running c = spawn(spec, *todo[next++]);
            running.emplace(c.child.pid, c);
        }
        int status = 0;
        const pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) continue; // interrupted by a signal
        auto it = running.find(pid);
        if (it == running.end()) continue;
        const Running c = it->second;
        running.erase(it);
        std::string data = read_all(c.child.fd);
        close(c.child.fd);
        const SweepPoint& p = points[c.point];
        if (data.empty() || data.back() != '\n') {
            if (g_interrupted) break; // killed by Ctrl-C: not a result
            std::vector<std::string> cells = p.values;
            cells.push_back("error: the point's process died (" +
                            std::string(WIFSIGNALED(status)
                                            ? "signal " + std::to_string(WTERMSIG(status))
                                            : "exit " + std::to_string(WEXITSTATUS(status))) +
                            ")");
            cells.resize(head.size());
            data = csv_line(cells);
        }
        if (data.find(",error: ") != std::string::npos) ++failed;
        // One write of one whole line: a reader never sees half a row.
        if (::write(fd, data.data(), data.size()) != static_cast<ssize_t>(data.size()))
            throw std::runtime_error("cannot append to '" + results + "'");
        ++done;
        report(false);
    }
    ::close(fd);
    if (g_interrupted) {
        for (auto& [pid, c] : running) kill(pid, SIGTERM);
        for (auto& [pid, c] : running) waitpid(pid, nullptr, 0);
        std::cerr << "\ninterrupted: " << done << " points finished and kept in " << results
                  << "; run the same command again to resume\n";
        return 130;
    }
    report(true);
    rows = read_rows(results, head);
    write_sorted(results, spec, points, rows);
    if (shard_n == 1) {
        draw_sweep_plots(spec, results, out);
        std::cout << write_best_tables(spec, results, out);
    }
    std::cerr << "wrote " << results << (failed ? " (" + std::to_string(failed) + " failed)" : "")
              << "\n";
    return 0;
}

int cmd_merge(const std::string& spec_path, const std::vector<std::string>& inputs,
              const std::string& output) {
    const SweepSpec spec = read_sweep(spec_path);
    const auto points = expand_points(spec);
    const auto head = header(spec);
    std::map<std::string, std::vector<std::string>> rows;
    for (const auto& in : inputs) {
        if (!std::ifstream(in)) throw ConfigError("cannot read results file '" + in + "'");
        for (auto& [k, v] : read_rows(in, head)) rows[k] = v;
    }
    OutputDir out(output.empty() ? spec.output : output);
    const std::string results = out.file("results.csv");
    write_sorted(results, spec, points, rows);
    draw_sweep_plots(spec, results, out);
    std::cout << write_best_tables(spec, results, out);
    std::cerr << "merged " << rows.size() << " of " << points.size() << " points into " << results
              << "\n";
    return 0;
}

} // namespace fusesim
