// Typed, validated access to one map of a configuration. Each section of the schema is read by
// asking a Reader for its keys, with a description used in errors; finish() then rejects every
// key nobody asked for, suggesting the closest known key. All errors are ConfigError naming the
// file, line, the full dotted key, what was expected and what was found.
#pragma once

#include "sim/config/config_tree.hpp"
#include "sim/config/units.hpp" // parse_bytes and the other unit parsers

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace fusesim {

class Reader {
  public:
    // `node` must be a map (else ConfigError "expected a map"); `path` is its dotted key prefix
    // ("hardware.dram"), "" at the top.
    Reader(const ConfigNode& node, std::string path);

    const ConfigNode& node() const { return node_; }
    const std::string& path() const { return path_; }
    std::string key_path(const std::string& key) const; // path + "." + key
    bool has(const std::string& key) const;

    // Required values: a missing key is "missing key 'x' (expected ...)" at the map's origin.
    // A string of at most `max_bytes` (names: kMaxNameBytes).
    std::string str(const std::string& key, std::size_t max_bytes = kMaxScalarBytes);
    int64_t integer(const std::string& key, int64_t min, int64_t max);
    double real(const std::string& key, double min, double max);
    bool boolean(const std::string& key);
    // One of `choices`; the error lists them.
    std::string choice(const std::string& key, const std::vector<std::string>& choices);

    // Quantities with units. Plain numbers are accepted in the base unit. Each has a range (the
    // defaults below: values outside them would make the simulation overflow or never end); the
    // error names it.
    // bytes: B, KB, MB, GB (decimal, 1000^k), KiB, MiB, GiB (binary, 1024^k); "24MB", "768 KiB".
    int64_t bytes(const std::string& key, int64_t min = 0, int64_t max = kMaxBytes);
    // frequency in Hz: Hz, kHz, MHz, GHz.
    double hertz(const std::string& key, double min = kMinClockHz, double max = kMaxClockHz);
    // bandwidth in bytes per cycle: "256GB/s" (needs `clock_hz` > 0), "2048bit/cycle",
    // "256B/cycle", "32 bytes/cycle"; a plain number is bytes/cycle. Range after conversion.
    double bytes_per_cycle(const std::string& key, double clock_hz, double min = kMinBytesPerCycle,
                           double max = kMaxBytesPerCycle);
    // duration in cycles: "100cycles", "50ns" (needs clock_hz), plain number = cycles.
    uint64_t cycles(const std::string& key, double clock_hz, uint64_t max = kMaxLatencyCycles);
    // energy in picojoules: "7pJ", "0.5nJ", plain number = pJ.
    double picojoules(const std::string& key, double max = kMaxPicojoules);

    static constexpr std::size_t kMaxNameBytes = 256;      // names end up in file names
    static constexpr int64_t kMaxBytes = int64_t{1} << 40; // 1 TiB
    static constexpr double kMinClockHz = 1e6;             // 1 MHz
    static constexpr double kMaxClockHz = 1e11;            // 100 GHz
    static constexpr double kMinBytesPerCycle = 1e-3;      // after conversion from B/s
    static constexpr double kMaxBytesPerCycle = 1e9;       // "unlimited" exists for more
    static constexpr uint64_t kMaxLatencyCycles = 1000000; // 1 ms at 1 GHz
    static constexpr double kMaxPicojoules = 1e6;          // 1 µJ

    // Optional variants: std::nullopt when the key is absent (and the key is marked as known).
    std::optional<std::string> opt_str(const std::string& key,
                                       std::size_t max_bytes = kMaxScalarBytes);
    std::optional<int64_t> opt_integer(const std::string& key, int64_t min, int64_t max);
    std::optional<double> opt_real(const std::string& key, double min, double max);
    std::optional<bool> opt_boolean(const std::string& key);

    // Sub-structures.
    Reader sub(const std::string& key);                    // required map
    std::optional<Reader> opt_sub(const std::string& key); // optional map
    const ConfigNode& raw(const std::string& key);         // required, any kind
    const ConfigNode* opt_raw(const std::string& key);     // optional, any kind
    // A scalar or a non-empty sequence of at most `max_items` scalars, returned as a list (a
    // scalar gives one element).
    std::vector<int64_t> integer_list(const std::string& key, int64_t min, int64_t max,
                                      std::size_t max_items = 1024);

    // Marks a key as known without reading it (handled elsewhere).
    void accept(const std::string& key);
    // Throws ConfigError for the first key that was never asked for: "unknown key 'x' in
    // 'hardware.dram' (known keys: a, b, c; did you mean 'b'?)".
    void finish() const;

    // Error at a key (or at the map itself when key is empty).
    [[noreturn]] void fail(const std::string& key, const std::string& message) const;

  private:
    const ConfigNode& node_;
    std::string path_;
    std::set<std::string> known_;
    std::vector<std::string> asked_; // in the order asked, for the error's list of known keys
    void mark(const std::string& key);
};

} // namespace fusesim
