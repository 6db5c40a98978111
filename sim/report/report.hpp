// What a timing run produces: the numbers (scaled to the whole model), and the files
// report.json, summary.txt, ops.csv, memory.csv and timeline.json.
#pragma once

#include "sim/report/output.hpp"
#include "sim/report/run_summary.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace fusesim {

// Rendered from the typed summary (run_summary.hpp), built once per run.
nlohmann::ordered_json report_json(const RunSummary& s);
std::string summary_text(const RunSummary& s);
std::string ops_csv(const RunSummary& s);
// Rendered from the raw result: the event streams are not part of the summary.
// memory.csv and timeline.json are in timeline.cpp. timeline.json holds at most `max_counters`
// SRAM counter events (the largest value per interval past that, as in memory.csv).
std::string memory_csv(const RunContext& c);
std::string timeline_json(const RunContext& c, size_t max_counters);
// Tensor lifetimes in SRAM around one step of a group (simulation.lifetimes): CSV and a gnuplot
// script drawing them as bars over time (the paper's Figure 10).
std::string lifetimes_csv(const RunContext& c);
std::string lifetimes_script(const RunContext& c, const std::string& svg_path);

} // namespace fusesim
