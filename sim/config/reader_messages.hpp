// The wording shared by the Reader's errors: what a node is, the closest known word, lists and
// ranges as they appear in "expected ..." messages.
#pragma once

#include "sim/config/config_tree.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fusesim {

std::string describe(const ConfigNode& node); // "'x'", "a list", "a map", "an empty value"
std::size_t edit_distance(const std::string& a, const std::string& b); // case-insensitive
// The closest candidate within edit distance 3 (and not a complete rewrite), or a prefix match.
std::optional<std::string> suggest(const std::string& word,
                                   const std::vector<std::string>& options);
std::string quoted_list(const std::vector<std::string>& items); // 'a', 'b'
std::string integer_range(int64_t min, int64_t max);            // "an integer in [1, 4]"
std::string real_range(double min, double max);                 // "a number in [0, 1]"

} // namespace fusesim
