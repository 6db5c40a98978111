// One simulated layer of an experiment through the command line, for tests that compare fusion
// schemes by their reports (no VCD or timeline written).
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

} // namespace fusesim::test
