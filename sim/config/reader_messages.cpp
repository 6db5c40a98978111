#include "sim/config/reader_messages.hpp"

#include "sim/config/units.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <limits>

namespace fusesim {

std::string describe(const ConfigNode& node) {
    switch (node.kind()) {
    case ConfigNode::Kind::Null:
        return "an empty value";
    case ConfigNode::Kind::Scalar:
        return "'" + node.value() + "'";
    case ConfigNode::Kind::Sequence:
        return "a list";
    case ConfigNode::Kind::Map:
        return "a map";
    }
    return "?";
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (same ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::optional<std::string> suggest(const std::string& word,
                                   const std::vector<std::string>& options) {
    std::optional<std::string> best;
    std::size_t best_distance = std::numeric_limits<std::size_t>::max();
    for (const std::string& option : options) {
        std::size_t d = edit_distance(word, option);
        bool prefix = !word.empty() && (lower(option).rfind(lower(word), 0) == 0 ||
                                        lower(word).rfind(lower(option), 0) == 0);
        bool close = d <= 3 && d < std::max(word.size(), option.size());
        if ((close || prefix) && d < best_distance) {
            best = option;
            best_distance = d;
        }
    }
    return best;
}

std::string quoted_list(const std::vector<std::string>& items) {
    std::string out;
    for (const std::string& item : items) out += (out.empty() ? "'" : ", '") + item + "'";
    return out;
}

std::string integer_range(int64_t min, int64_t max) {
    const int64_t lo = std::numeric_limits<int64_t>::min(),
                  hi = std::numeric_limits<int64_t>::max();
    if (min == lo && max == hi) return "an integer";
    if (max == hi) return fmt::format("an integer >= {}", min);
    if (min == lo) return fmt::format("an integer <= {}", max);
    return fmt::format("an integer in [{}, {}]", min, max);
}

std::string real_range(double min, double max) {
    const double hi = std::numeric_limits<double>::max();
    bool no_min = min <= -hi, no_max = max >= hi;
    if (no_min && no_max) return "a number";
    if (no_max) return fmt::format("a number >= {}", min);
    if (no_min) return fmt::format("a number <= {}", max);
    return fmt::format("a number in [{}, {}]", min, max);
}

} // namespace fusesim
