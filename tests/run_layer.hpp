// Runs of the command line whose JSON output a test reads: one simulated layer of an experiment
// (for tests that compare fusion schemes; no VCD or timeline written), or any command.
#pragma once

#include "run_cli.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace fusesim::test {

// `fusesim run experiment --set s…` with one layer simulated: its report.json, or nothing if the
// run failed (`err`, if given, gets the command and what it printed on stderr).
std::optional<nlohmann::json> try_run_layer(const std::string& experiment,
                                            const std::vector<std::string>& sets,
                                            std::string* err = nullptr);

// The same, failing the test case (with the run's stderr) if the run failed.
nlohmann::json run_layer(const std::string& experiment, const std::vector<std::string>& sets);

// `fusesim args… --set s…` (each of `sets`), failing the test case unless it exits 0; the JSON
// file it wrote at `json_path`.
nlohmann::json run_cli_json(std::vector<std::string> args, const std::vector<std::string>& sets,
                            const std::string& json_path);

// The entry of `type` in an analysis point's `operator_types`, or nullptr.
const nlohmann::json* find_type(const nlohmann::json& point, const std::string& type);

} // namespace fusesim::test
