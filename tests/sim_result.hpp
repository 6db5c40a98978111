// Reading a figure from a child simulation's reply (tests/sim_fork.hpp): the test fails with the
// child's error if the simulation threw.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <string>

namespace fusesim::test {

inline int64_t num(const std::map<std::string, std::string>& r, const std::string& key) {
    auto it = r.find("error");
    if (it != r.end()) FAIL("simulation failed: " << it->second);
    return std::stoll(r.at(key));
}

} // namespace fusesim::test
