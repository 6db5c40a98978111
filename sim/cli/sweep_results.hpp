// A sweep's results file: one physical line per point (cells never hold a newline), appended a
// whole line at a time, repaired before a resume (torn rows dropped, their points run again),
// rewritten in point order at the end (results.csv and results.json), and tallied by outcome.
#pragma once

#include "sim/config/sweep.hpp"

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace fusesim::sweep {

// What a point's `status` says. A point that died by a signal (kill -9, the OOM killer) has no
// result and runs again on resume; the others are final.
enum class Outcome { Ok, Infeasible, Error, Died };
Outcome outcome(const std::string& status);

std::string one_line(std::string s); // newlines become spaces
std::string csv_line(const std::vector<std::string>& cells);
std::string point_key(const std::vector<std::string>& values);
std::vector<std::string> header(const SweepSpec& spec); // axis keys, then result_columns()

using Rows = std::map<std::string, std::vector<std::string>>; // by point key

Rows read_rows(const std::string& path, const std::vector<std::string>& head);
Rows repair_results(const std::string& path, const std::vector<std::string>& head);
void append_line(int fd, const std::string& path, const std::string& line);
void write_sorted(const std::string& path, const SweepSpec& spec,
                  const std::vector<SweepPoint>& points, const Rows& rows);

struct Counts {
    size_t ok = 0, infeasible = 0, error = 0, died = 0, missing = 0;
};
Counts count(const std::vector<SweepPoint>& points, const Rows& rows, size_t n_axes);
int exit_status(const Counts& n); // 0 only when every point has a result (ok or infeasible)
std::string counts_text(const Counts& c);

} // namespace fusesim::sweep
