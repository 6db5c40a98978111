#include "sim/cli/sweep_results.hpp"

#include "sim/config/config_tree.hpp"
#include "sim/report/output.hpp"
#include "sim/report/table.hpp"
#include "sim/report/version.hpp"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace fusesim::sweep {

namespace {

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

// Rows by point key (the later row wins).
Rows by_point(const std::vector<std::vector<std::string>>& table, size_t n_axes) {
    Rows rows;
    for (size_t i = 1; i < table.size(); ++i)
        rows[point_key({table[i].begin(), table[i].begin() + static_cast<long>(n_axes)})] =
            table[i];
    return rows;
}

} // namespace

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

std::vector<std::string> header(const SweepSpec& spec) {
    std::vector<std::string> h;
    for (const auto& a : spec.axes) h.push_back(a.key);
    const auto& r = result_columns();
    h.insert(h.end(), r.begin(), r.end());
    return h;
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
            if (head[c] == "config_hash" || head[c] == "version") { // text that may look numeric
                row[head[c]] = v;
                continue;
            }
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
    j["version"] = build_version(); // of the build that wrote this file; each row has its own
    j["points"] = points.size();
    j["rows"] = rows_json;
    const std::string json_path = path.substr(0, path.rfind('.')) + ".json";
    write_file_atomic(json_path, j.dump(2) + "\n");
}

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

} // namespace fusesim::sweep
