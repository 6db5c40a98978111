// SystemC allows one elaboration per process: each simulation in a test runs in a forked child,
// which sends back a few numbers as text.
#pragma once

#include "sim/engine/timing.hpp"

#include <functional>
#include <map>
#include <string>

namespace fusesim::test {

// Runs `body` in a child process; `body` fills a map of named numbers (or throws: the exception
// text comes back under the key "error"). Returns the child's map.
std::map<std::string, std::string>
in_child(const std::function<void(std::map<std::string, std::string>&)>& body);

// Simulates in a child and returns the figures tests look at: cycles, dram_read, dram_write,
// evicted, refetched, peak, tiles, and compute.<op> (compute cycles per operator), or error.
std::map<std::string, std::string> simulate_in_child(const Workload& w, const HardwareSpec& hw,
                                                     const MappingSpec& m, int layers = 1);

} // namespace fusesim::test
