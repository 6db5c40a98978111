#include "sim/config/config_reader.hpp"

#include "sim/config/reader_messages.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <stdexcept>

namespace fusesim {

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
    const ConfigNode& n = scalar(*this, key, kSizeForm);
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
    const ConfigNode& n = scalar(*this, key, kFrequencyForm);
    const double hz = convert(*this, key, n, parse_hertz);
    if (!(hz >= min && hz <= max)) {
        fail(key, "expected a frequency from " + number_text(min / 1e6) + " MHz to " +
                      number_text(max / 1e9) + " GHz, got '" + n.value() + "'");
    }
    return hz;
}

double Reader::bytes_per_cycle(const std::string& key, double clock_hz, double min, double max) {
    const ConfigNode& n = scalar(*this, key, kBandwidthForm);
    const double v = convert(
        *this, key, n, [&](const std::string& t) { return parse_bytes_per_cycle(t, clock_hz); });
    if (!(v >= min && v <= max)) {
        fail(key, "expected a bandwidth from " + number_text(min) + " to " + number_text(max) +
                      " B/cycle, got '" + n.value() + "' (" + number_text(v) + " B/cycle)");
    }
    return v;
}

uint64_t Reader::cycles(const std::string& key, double clock_hz, uint64_t max) {
    const ConfigNode& n = scalar(*this, key, kDurationForm);
    const uint64_t v =
        convert(*this, key, n, [&](const std::string& t) { return parse_cycles(t, clock_hz); });
    if (v > max) {
        fail(key, "expected a duration of at most " + std::to_string(max) + " cycles, got '" +
                      n.value() + "' (" + std::to_string(v) + " cycles)");
    }
    return v;
}

double Reader::picojoules(const std::string& key, double max) {
    const ConfigNode& n = scalar(*this, key, kEnergyForm);
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
