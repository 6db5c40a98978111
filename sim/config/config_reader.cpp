#include "sim/config/config_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace fusesim {

namespace {

// ---------------------------------------------------------------------------------------------
// Quantities: "<number><unit>" with optional spaces; the unit is returned without any whitespace.

struct Quantity {
    std::string number; // as written, sign included
    double value = 0;
    std::string unit;
    bool negative = false;
    bool integral = false; // the number has no '.' or exponent
};

std::string strip_spaces(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (!std::isspace(static_cast<unsigned char>(c))) out += c;
    }
    return out;
}

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
    return s.size() >= suffix.size() &&
           s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

std::optional<Quantity> split_quantity(const std::string& text) {
    std::size_t i = 0, n = text.size();
    while (i < n && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    if (i < n && (text[i] == '-' || text[i] == '+')) ++i;
    std::size_t digits = 0;
    bool integral = true;
    while (i < n && is_digit(text[i])) ++i, ++digits;
    if (i < n && text[i] == '.') {
        integral = false;
        ++i;
        while (i < n && is_digit(text[i])) ++i, ++digits;
    }
    if (digits == 0) return std::nullopt;
    // An exponent only when digits follow, so that a unit starting with 'e' is not swallowed.
    if (i < n && (text[i] == 'e' || text[i] == 'E')) {
        std::size_t j = i + 1;
        if (j < n && (text[j] == '-' || text[j] == '+')) ++j;
        if (j < n && is_digit(text[j])) {
            while (j < n && is_digit(text[j])) ++j;
            i = j;
            integral = false;
        }
    }
    Quantity q;
    q.number = text.substr(start, i - start);
    q.value = std::strtod(q.number.c_str(), nullptr);
    q.unit = strip_spaces(text.substr(i));
    q.negative = text[start] == '-';
    q.integral = integral;
    if (!std::isfinite(q.value)) return std::nullopt;
    return q;
}

// A size unit such as "B", "KiB", "Mb", "kbit", "bytes": a decimal or binary prefix times a byte
// or a bit. Prefix letters are case-insensitive, but a lone 'b' is a bit and 'B' a byte.
struct SizeUnit {
    int64_t prefix = 1;
    bool bits = false;
};

std::optional<SizeUnit> size_unit(const std::string& unit) {
    SizeUnit u;
    if (unit.empty()) return u;
    // Spelled-out suffixes match in any case; the one-letter ones are case-sensitive.
    static const struct {
        const char* suffix;
        bool any_case, bits;
    } bases[] = {{"bytes", true, false}, {"byte", true, false}, {"bits", true, true},
                 {"bit", true, true},    {"B", false, false},   {"b", false, true}};
    std::string rest;
    bool found = false;
    for (const auto& base : bases) {
        if (ends_with(base.any_case ? lower(unit) : unit, base.suffix)) {
            rest = unit.substr(0, unit.size() - std::string(base.suffix).size());
            u.bits = base.bits;
            found = true;
            break;
        }
    }
    if (!found) return std::nullopt;
    static const std::pair<const char*, int64_t> prefixes[] = {
        {"", 1},
        {"k", 1000},
        {"m", 1000000},
        {"g", 1000000000},
        {"t", 1000000000000},
        {"ki", int64_t(1) << 10},
        {"mi", int64_t(1) << 20},
        {"gi", int64_t(1) << 30},
        {"ti", int64_t(1) << 40},
    };
    for (const auto& [name, factor] : prefixes) {
        if (lower(rest) == name) {
            u.prefix = factor;
            return u;
        }
    }
    return std::nullopt;
}

// Rounds values that are integers up to floating-point noise ("0.1KB" is 100 bytes).
std::optional<double> near_integer(double v) {
    double r = std::nearbyint(v);
    if (std::fabs(v - r) <= 1e-9 * std::max(1.0, std::fabs(v))) return r;
    return std::nullopt;
}

const char* const kSize = "a size such as '24MB' or '768KiB'";
const char* const kFrequency = "a frequency such as '1GHz' or '800MHz'";
const char* const kBandwidth = "a bandwidth such as '256GB/s' or '2048bit/cycle'";
const char* const kDuration = "a duration such as '100cycles' or '50ns'";
const char* const kEnergy = "an energy such as '7pJ' or '0.5nJ'";

} // namespace

int64_t parse_bytes(const std::string& text) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kSize);
    if (q->negative) throw std::invalid_argument("a non-negative size such as '24MB' or '768KiB'");
    auto unit = size_unit(q->unit);
    if (!unit) throw std::invalid_argument(kSize);
    const int64_t divisor = unit->bits ? 8 : 1;
    if (q->integral) { // exact integer arithmetic for the common case
        int64_t n = 0, total = 0;
        const char* begin = q->number.data() + (q->number[0] == '+' ? 1 : 0);
        if (std::from_chars(begin, q->number.data() + q->number.size(), n).ec != std::errc() ||
            __builtin_mul_overflow(n, unit->prefix, &total)) {
            throw std::invalid_argument("a size below 8 EiB");
        }
        if (total % divisor != 0)
            throw std::invalid_argument("a size that is a whole number of bytes");
        return total / divisor;
    }
    double bytes = q->value * static_cast<double>(unit->prefix) / static_cast<double>(divisor);
    if (bytes >= 9.2e18) throw std::invalid_argument("a size below 8 EiB");
    // A fraction of a unit ("0.1MiB") rounds to the nearest byte; a fraction of one byte is
    // not a size.
    if (q->value * static_cast<double>(unit->prefix) < static_cast<double>(divisor) * 1024) {
        auto whole = near_integer(bytes);
        if (!whole) throw std::invalid_argument("a size that is a whole number of bytes");
        return static_cast<int64_t>(*whole);
    }
    return static_cast<int64_t>(std::llround(bytes));
}

double parse_hertz(const std::string& text) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kFrequency);
    static const std::pair<const char*, double> units[] = {
        {"", 1}, {"hz", 1}, {"khz", 1e3}, {"mhz", 1e6}, {"ghz", 1e9}, {"thz", 1e12}};
    for (const auto& [name, factor] : units) {
        if (lower(q->unit) == name) {
            double hz = q->value * factor;
            if (!(hz > 0)) throw std::invalid_argument("a positive frequency such as '1GHz'");
            return hz;
        }
    }
    throw std::invalid_argument(kFrequency);
}

double parse_bytes_per_cycle(const std::string& text, double clock_hz) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kBandwidth);
    std::string unit = q->unit;
    // "Gbps", "GBps": only after a size unit, so that a time ("1ps") is not read as 1 B/s.
    if (unit.find('/') == std::string::npos && ends_with(unit, "ps") && unit.size() > 2 &&
        size_unit(unit.substr(0, unit.size() - 2))) {
        unit = unit.substr(0, unit.size() - 2) + "/s";
    }
    double per_cycle = 0;
    if (unit.empty()) {
        per_cycle = q->value;
    } else {
        auto slash = unit.find('/');
        if (slash == std::string::npos) throw std::invalid_argument(kBandwidth);
        auto size = size_unit(unit.substr(0, slash));
        std::string per = lower(unit.substr(slash + 1));
        if (!size) throw std::invalid_argument(kBandwidth);
        double bytes = q->value * static_cast<double>(size->prefix) / (size->bits ? 8.0 : 1.0);
        if (per == "s" || per == "sec" || per == "second") {
            if (!(clock_hz > 0)) {
                throw std::invalid_argument("a bandwidth per cycle (no clock frequency is known "
                                            "to convert a rate per second)");
            }
            per_cycle = bytes / clock_hz;
        } else if (per == "cycle" || per == "cycles" || per == "cyc" || per == "clk") {
            per_cycle = bytes;
        } else {
            throw std::invalid_argument(kBandwidth);
        }
    }
    if (!(per_cycle > 0) || !std::isfinite(per_cycle)) {
        throw std::invalid_argument("a positive bandwidth such as '256GB/s' or '2048bit/cycle'");
    }
    return per_cycle;
}

uint64_t parse_cycles(const std::string& text, double clock_hz) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kDuration);
    if (q->negative) {
        throw std::invalid_argument("a non-negative duration such as '100cycles' or '50ns'");
    }
    std::string unit = lower(q->unit);
    double cycles = 0;
    if (unit.empty() || unit == "cycle" || unit == "cycles" || unit == "cyc" || unit == "clk") {
        auto whole = near_integer(q->value);
        if (!whole) throw std::invalid_argument("a whole number of cycles");
        cycles = *whole;
    } else {
        static const std::pair<const char*, double> units[] = {
            {"s", 1}, {"ms", 1e-3}, {"us", 1e-6}, {"ns", 1e-9}, {"ps", 1e-12}};
        double scale = 0;
        for (const auto& [name, factor] : units) {
            if (unit == name) scale = factor;
        }
        if (scale == 0) throw std::invalid_argument(kDuration);
        if (!(clock_hz > 0)) {
            throw std::invalid_argument("a duration in cycles (no clock frequency is known to "
                                        "convert a time)");
        }
        // A time that is not a whole number of cycles takes the next full cycle.
        double c = q->value * scale * clock_hz;
        auto whole = near_integer(c);
        cycles = whole ? *whole : std::ceil(c);
    }
    if (cycles >= 1.8e19) throw std::invalid_argument("a duration below 2^64 cycles");
    return static_cast<uint64_t>(cycles);
}

double parse_picojoules(const std::string& text) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kEnergy);
    if (q->negative) throw std::invalid_argument("a non-negative energy such as '7pJ' or '0.5nJ'");
    if (q->unit.empty()) return q->value;
    // SI prefixes stay case-sensitive here: 'm' (milli) and 'M' (mega) differ.
    std::string unit = q->unit;
    if (unit.back() != 'J' && unit.back() != 'j') throw std::invalid_argument(kEnergy);
    unit.pop_back();
    static const std::pair<const char*, double> prefixes[] = {
        {"f", 1e-3}, {"p", 1}, {"n", 1e3}, {"u", 1e6}, {"\xC2\xB5", 1e6}, {"m", 1e9}, {"", 1e12}};
    for (const auto& [name, factor] : prefixes) {
        if (unit == name) return q->value * factor;
    }
    throw std::invalid_argument(kEnergy);
}

std::string format_bytes(int64_t bytes) {
    const std::string sign = bytes < 0 ? "-" : "";
    const uint64_t b = bytes < 0 ? uint64_t(0) - static_cast<uint64_t>(bytes) : uint64_t(bytes);
    static const std::pair<const char*, uint64_t> binary[] = {{"TiB", uint64_t(1) << 40},
                                                              {"GiB", uint64_t(1) << 30},
                                                              {"MiB", uint64_t(1) << 20},
                                                              {"KiB", uint64_t(1) << 10}};
    static const std::pair<const char*, uint64_t> decimal[] = {
        {"TB", 1000000000000}, {"GB", 1000000000}, {"MB", 1000000}, {"KB", 1000}};
    // Among the units that divide the value exactly, the one giving the smallest number reads
    // best ("2000 KiB" rather than "2048 KB", "3072 MB" rather than "3000000 KiB").
    std::string unit = "B";
    uint64_t count = b;
    for (const auto* units : {binary, decimal}) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (b % units[i].second == 0 && b / units[i].second < count) {
                unit = units[i].first;
                count = b / units[i].second;
            }
        }
    }
    // Exact only while short: "48769952 KiB" reads worse than "46.51 GiB".
    if ((unit != "B" && count < 10000) || b < 1024)
        return fmt::format("{}{} {}", sign, count, unit);
    for (const auto& [name, factor] : binary) { // not exact: two decimals, largest binary unit
        if (b >= factor) {
            return fmt::format("{}{:.2f} {}", sign,
                               static_cast<double>(b) / static_cast<double>(factor), name);
        }
    }
    return fmt::format("{}{} B", sign, b);
}

// ---------------------------------------------------------------------------------------------
// Reader

namespace {

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

// The closest candidate within edit distance 3 (and not a complete rewrite), or a prefix match.
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

// Strict parsing: the whole text must be the number (no units, no trailing junk).
std::optional<int64_t> to_integer(const std::string& text) {
    auto q = split_quantity(text);
    if (!q || !q->integral || !q->unit.empty() || q->number.size() != text.size()) return {};
    int64_t v = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    if (std::from_chars(begin, text.data() + text.size(), v).ec != std::errc()) return {};
    return v;
}

std::optional<double> to_real(const std::string& text) {
    auto q = split_quantity(text);
    if (!q || !q->unit.empty() || q->number.size() != text.size()) return {};
    return q->value;
}

std::optional<bool> to_boolean(const std::string& text) {
    std::string t = lower(text);
    if (t == "true" || t == "yes") return true;
    if (t == "false" || t == "no") return false;
    return std::nullopt;
}

} // namespace

Reader::Reader(const ConfigNode& node, std::string path) : node_(node), path_(std::move(path)) {
    if (!node_.is_map())
        throw ConfigError(node_.origin(), path_, "expected a map, got " + describe(node_));
}

std::string Reader::key_path(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
}

bool Reader::has(const std::string& key) const {
    return node_.has(key);
}

void Reader::mark(const std::string& key) {
    if (known_.insert(key).second) asked_.push_back(key);
}

void Reader::accept(const std::string& key) {
    mark(key);
}

void Reader::fail(const std::string& key, const std::string& message) const {
    const ConfigNode* value = key.empty() ? nullptr : node_.find(key);
    throw ConfigError(value ? value->origin() : node_.origin(), key.empty() ? path_ : key_path(key),
                      message);
}

namespace {

[[noreturn]] void missing(const Reader& r, const std::string& key, const std::string& expected) {
    // A misspelling of the key (one letter off) is the likelier mistake: point at it.
    auto one_edit = [](const std::string& a, const std::string& b) {
        if (a.size() == b.size()) {
            size_t diff = 0;
            for (size_t i = 0; i < a.size(); ++i) diff += a[i] != b[i];
            return diff == 1;
        }
        const std::string& longer = a.size() > b.size() ? a : b;
        const std::string& shorter = a.size() > b.size() ? b : a;
        if (longer.size() != shorter.size() + 1) return false;
        for (size_t i = 0; i < longer.size(); ++i)
            if (longer.substr(0, i) + longer.substr(i + 1) == shorter) return true;
        return false;
    };
    for (const auto& [other, value] : r.node().entries()) {
        if (other == key) continue;
        if (one_edit(other, key))
            throw ConfigError(value.origin(), r.key_path(other),
                              "unknown key '" + other + "'; did you mean '" + key +
                                  "'? (missing key '" + key + "'" +
                                  (expected.empty() ? "" : ", expected " + expected) + ")");
    }
    throw ConfigError(r.node().origin(), r.path(),
                      "missing key '" + key + "'" +
                          (expected.empty() ? "" : " (expected " + expected + ")"));
}

// The scalar at `key`, or nullptr when absent or empty; anything else is an error.
const ConfigNode* opt_scalar(Reader& r, const std::string& key, const std::string& expected) {
    r.accept(key);
    const ConfigNode* n = r.node().find(key);
    if (!n || n->is_null()) return nullptr;
    if (!n->is_scalar()) r.fail(key, "expected " + expected + ", got " + describe(*n));
    return n;
}

const ConfigNode& scalar(Reader& r, const std::string& key, const std::string& expected) {
    const ConfigNode* n = r.node().find(key);
    if (!n) missing(r, key, expected);
    if (n->is_null()) r.fail(key, "expected " + expected + ", got an empty value");
    return *opt_scalar(r, key, expected);
}

// Converts a scalar with `parse` (std::invalid_argument carries what was expected).
template <class Parse>
auto convert(Reader& r, const std::string& key, const ConfigNode& n, Parse parse) {
    try {
        return parse(n.value());
    } catch (const std::invalid_argument& e) {
        r.fail(key, std::string("expected ") + e.what() + ", got '" + n.value() + "'");
    }
}

template <class T>
T checked(Reader& r, const std::string& key, const ConfigNode& n, std::optional<T> v,
          const std::string& expected) {
    if (!v) r.fail(key, "expected " + expected + ", got '" + n.value() + "'");
    return *v;
}

int64_t integer_in(Reader& r, const std::string& key, const ConfigNode& n, int64_t min,
                   int64_t max) {
    auto v = to_integer(n.value());
    if (v && (*v < min || *v > max)) v.reset();
    return checked(r, key, n, v, integer_range(min, max));
}

double real_in(Reader& r, const std::string& key, const ConfigNode& n, double min, double max) {
    auto v = to_real(n.value());
    if (v && (*v < min || *v > max)) v.reset();
    return checked(r, key, n, v, real_range(min, max));
}

} // namespace

namespace {

const std::string& bounded(Reader& r, const std::string& key, const std::string& text,
                           std::size_t max_bytes) {
    if (text.size() > max_bytes) {
        r.fail(key, "expected a string of at most " + std::to_string(max_bytes) + " bytes, got " +
                        std::to_string(text.size()) + " bytes");
    }
    return text;
}

} // namespace

std::string Reader::str(const std::string& key, std::size_t max_bytes) {
    return bounded(*this, key, scalar(*this, key, "a string").value(), max_bytes);
}

int64_t Reader::integer(const std::string& key, int64_t min, int64_t max) {
    return integer_in(*this, key, scalar(*this, key, integer_range(min, max)), min, max);
}

double Reader::real(const std::string& key, double min, double max) {
    return real_in(*this, key, scalar(*this, key, real_range(min, max)), min, max);
}

bool Reader::boolean(const std::string& key) {
    const char* expected = "a boolean (true/false/yes/no)";
    const ConfigNode& n = scalar(*this, key, expected);
    return checked(*this, key, n, to_boolean(n.value()), expected);
}

std::string Reader::choice(const std::string& key, const std::vector<std::string>& choices) {
    std::string expected = "one of " + quoted_list(choices);
    const ConfigNode& n = scalar(*this, key, expected);
    if (std::find(choices.begin(), choices.end(), n.value()) != choices.end()) return n.value();
    std::string message = "expected " + expected + ", got '" + n.value() + "'";
    if (auto s = suggest(n.value(), choices)) message += " (did you mean '" + *s + "'?)";
    fail(key, message);
}

namespace {

std::string number_text(double v) {
    return fmt::format("{:g}", v);
}

} // namespace

int64_t Reader::bytes(const std::string& key, int64_t min, int64_t max) {
    const ConfigNode& n = scalar(*this, key, kSize);
    int64_t v = convert(*this, key, n, parse_bytes);
    if (v < min) {
        fail(key, "expected a size of at least " + format_bytes(min) + ", got '" + n.value() + "'");
    }
    if (v > max) {
        fail(key, "expected a size of at most " + format_bytes(max) + ", got '" + n.value() + "'");
    }
    return v;
}

double Reader::hertz(const std::string& key, double min, double max) {
    const ConfigNode& n = scalar(*this, key, kFrequency);
    const double hz = convert(*this, key, n, parse_hertz);
    if (!(hz >= min && hz <= max)) {
        fail(key, "expected a frequency from " + number_text(min / 1e6) + " MHz to " +
                      number_text(max / 1e9) + " GHz, got '" + n.value() + "'");
    }
    return hz;
}

double Reader::bytes_per_cycle(const std::string& key, double clock_hz, double min, double max) {
    const ConfigNode& n = scalar(*this, key, kBandwidth);
    const double v = convert(
        *this, key, n, [&](const std::string& t) { return parse_bytes_per_cycle(t, clock_hz); });
    if (!(v >= min && v <= max)) {
        fail(key, "expected a bandwidth from " + number_text(min) + " to " + number_text(max) +
                      " B/cycle, got '" + n.value() + "' (" + number_text(v) + " B/cycle)");
    }
    return v;
}

uint64_t Reader::cycles(const std::string& key, double clock_hz, uint64_t max) {
    const ConfigNode& n = scalar(*this, key, kDuration);
    const uint64_t v =
        convert(*this, key, n, [&](const std::string& t) { return parse_cycles(t, clock_hz); });
    if (v > max) {
        fail(key, "expected a duration of at most " + std::to_string(max) + " cycles, got '" +
                      n.value() + "' (" + std::to_string(v) + " cycles)");
    }
    return v;
}

double Reader::picojoules(const std::string& key, double max) {
    const ConfigNode& n = scalar(*this, key, kEnergy);
    const double v = convert(*this, key, n, parse_picojoules);
    if (!(v <= max)) {
        fail(key,
             "expected an energy of at most " + number_text(max) + " pJ, got '" + n.value() + "'");
    }
    return v;
}

std::optional<std::string> Reader::opt_str(const std::string& key, std::size_t max_bytes) {
    const ConfigNode* n = opt_scalar(*this, key, "a string");
    if (!n) return std::nullopt;
    return bounded(*this, key, n->value(), max_bytes);
}

std::optional<int64_t> Reader::opt_integer(const std::string& key, int64_t min, int64_t max) {
    const ConfigNode* n = opt_scalar(*this, key, integer_range(min, max));
    if (!n) return std::nullopt;
    return integer_in(*this, key, *n, min, max);
}

std::optional<double> Reader::opt_real(const std::string& key, double min, double max) {
    const ConfigNode* n = opt_scalar(*this, key, real_range(min, max));
    if (!n) return std::nullopt;
    return real_in(*this, key, *n, min, max);
}

std::optional<bool> Reader::opt_boolean(const std::string& key) {
    const char* expected = "a boolean (true/false/yes/no)";
    const ConfigNode* n = opt_scalar(*this, key, expected);
    if (!n) return std::nullopt;
    return checked(*this, key, *n, to_boolean(n->value()), expected);
}

Reader Reader::sub(const std::string& key) {
    mark(key);
    const ConfigNode* n = node_.find(key);
    if (!n) missing(*this, key, "a map");
    return Reader(*n, key_path(key));
}

std::optional<Reader> Reader::opt_sub(const std::string& key) {
    mark(key);
    const ConfigNode* n = node_.find(key);
    if (!n || n->is_null()) return std::nullopt;
    return Reader(*n, key_path(key));
}

const ConfigNode& Reader::raw(const std::string& key) {
    mark(key);
    const ConfigNode* n = node_.find(key);
    if (!n) missing(*this, key, "");
    return *n;
}

const ConfigNode* Reader::opt_raw(const std::string& key) {
    mark(key);
    return node_.find(key);
}

std::vector<int64_t> Reader::integer_list(const std::string& key, int64_t min, int64_t max,
                                          std::size_t max_items) {
    const std::string range = integer_range(min, max);
    const std::string expected = range + " or a list of them";
    const ConfigNode& n = raw(key);
    if (n.is_scalar()) return {integer_in(*this, key, n, min, max)};
    if (!n.is_sequence()) fail(key, "expected " + expected + ", got " + describe(n));
    if (n.items().empty()) fail(key, "expected " + expected + ", got an empty list");
    if (n.items().size() > max_items) {
        fail(key, "expected a list of at most " + std::to_string(max_items) + " values, got " +
                      std::to_string(n.items().size()));
    }
    std::vector<int64_t> out;
    for (std::size_t i = 0; i < n.items().size(); ++i) {
        const ConfigNode& item = n.items()[i];
        auto v = item.is_scalar() ? to_integer(item.value()) : std::nullopt;
        if (!v || *v < min || *v > max) {
            throw ConfigError(item.origin(), key_path(key) + "[" + std::to_string(i) + "]",
                              "expected " + range + ", got " + describe(item));
        }
        out.push_back(*v);
    }
    return out;
}

void Reader::finish() const {
    for (const auto& [key, value] : node_.entries()) {
        if (known_.count(key)) continue;
        std::string message = "unknown key '" + key + "'";
        if (!path_.empty()) message += " in '" + path_ + "'";
        if (asked_.empty()) {
            message += " (no keys are expected here)";
        } else {
            std::string known;
            for (const std::string& k : asked_) known += (known.empty() ? "" : ", ") + k;
            message += " (known keys: " + known;
            if (auto s = suggest(key, asked_)) message += "; did you mean '" + *s + "'?";
            message += ")";
        }
        throw ConfigError(value.origin(), key_path(key), message);
    }
}

} // namespace fusesim
