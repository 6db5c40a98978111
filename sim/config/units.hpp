// Quantities with units on bare strings: sizes, frequencies, bandwidths, durations and energies
// (used by the Reader, --set, --max-memory and sweeps), and strict number parsing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace fusesim {

// What each quantity looks like, for "expected ..." in errors.
inline constexpr const char* kSizeForm = "a size such as '24MB' or '768KiB'";
inline constexpr const char* kFrequencyForm = "a frequency such as '1GHz' or '800MHz'";
inline constexpr const char* kBandwidthForm = "a bandwidth such as '256GB/s' or '2048bit/cycle'";
inline constexpr const char* kDurationForm = "a duration such as '100cycles' or '50ns'";
inline constexpr const char* kEnergyForm = "an energy such as '7pJ' or '0.5nJ'";

// Each throws std::invalid_argument with a short description of what was expected.
int64_t parse_bytes(const std::string& text);
double parse_hertz(const std::string& text);
double parse_bytes_per_cycle(const std::string& text, double clock_hz);
uint64_t parse_cycles(const std::string& text, double clock_hz);
double parse_picojoules(const std::string& text);

// Human-readable rendering used by reports: "24 MB" / "768 KiB" style.
std::string format_bytes(int64_t bytes);

// Strict parsing: the whole text must be the number (no units, no trailing junk).
std::optional<int64_t> to_integer(const std::string& text);
std::optional<double> to_real(const std::string& text);
std::optional<bool> to_boolean(const std::string& text); // true/false/yes/no, any case
std::string lower(std::string s);

} // namespace fusesim
