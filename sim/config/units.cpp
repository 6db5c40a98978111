#include "sim/config/units.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

namespace fusesim {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

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

} // namespace

int64_t parse_bytes(const std::string& text) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kSizeForm);
    if (q->negative) throw std::invalid_argument("a non-negative size such as '24MB' or '768KiB'");
    auto unit = size_unit(q->unit);
    if (!unit) throw std::invalid_argument(kSizeForm);
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
    if (!q) throw std::invalid_argument(kFrequencyForm);
    static const std::pair<const char*, double> units[] = {
        {"", 1}, {"hz", 1}, {"khz", 1e3}, {"mhz", 1e6}, {"ghz", 1e9}, {"thz", 1e12}};
    for (const auto& [name, factor] : units) {
        if (lower(q->unit) == name) {
            double hz = q->value * factor;
            if (!(hz > 0)) throw std::invalid_argument("a positive frequency such as '1GHz'");
            return hz;
        }
    }
    throw std::invalid_argument(kFrequencyForm);
}

double parse_bytes_per_cycle(const std::string& text, double clock_hz) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kBandwidthForm);
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
        if (slash == std::string::npos) throw std::invalid_argument(kBandwidthForm);
        auto size = size_unit(unit.substr(0, slash));
        std::string per = lower(unit.substr(slash + 1));
        if (!size) throw std::invalid_argument(kBandwidthForm);
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
            throw std::invalid_argument(kBandwidthForm);
        }
    }
    if (!(per_cycle > 0) || !std::isfinite(per_cycle)) {
        throw std::invalid_argument("a positive bandwidth such as '256GB/s' or '2048bit/cycle'");
    }
    return per_cycle;
}

uint64_t parse_cycles(const std::string& text, double clock_hz) {
    auto q = split_quantity(text);
    if (!q) throw std::invalid_argument(kDurationForm);
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
        if (scale == 0) throw std::invalid_argument(kDurationForm);
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
    if (!q) throw std::invalid_argument(kEnergyForm);
    if (q->negative) throw std::invalid_argument("a non-negative energy such as '7pJ' or '0.5nJ'");
    if (q->unit.empty()) return q->value;
    // SI prefixes stay case-sensitive here: 'm' (milli) and 'M' (mega) differ.
    std::string unit = q->unit;
    if (unit.back() != 'J' && unit.back() != 'j') throw std::invalid_argument(kEnergyForm);
    unit.pop_back();
    static const std::pair<const char*, double> prefixes[] = {
        {"f", 1e-3}, {"p", 1}, {"n", 1e3}, {"u", 1e6}, {"\xC2\xB5", 1e6}, {"m", 1e9}, {"", 1e12}};
    for (const auto& [name, factor] : prefixes) {
        if (unit == name) return q->value * factor;
    }
    throw std::invalid_argument(kEnergyForm);
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

} // namespace fusesim
