// Reading a declared parameter: the Reader call with the declaration's key, range and default.
// Optional keys that are absent take the declared default.
#pragma once

#include "sim/config/config_reader.hpp"
#include "sim/config/params.hpp"

#include <string>
#include <vector>

namespace fusesim {

std::vector<std::string> param_choices(const Param& p); // "a|b" → {"a", "b"}

inline int64_t read_int(Reader& r, const Param& p) {
    return r.integer(p.leaf(), static_cast<int64_t>(p.min), static_cast<int64_t>(p.max));
}
inline std::optional<int64_t> read_opt_int(Reader& r, const Param& p) {
    return r.opt_integer(p.leaf(), static_cast<int64_t>(p.min), static_cast<int64_t>(p.max));
}
inline int64_t read_int_or_default(Reader& r, const Param& p) {
    return read_opt_int(r, p).value_or(p.default_int());
}
inline double read_real(Reader& r, const Param& p) {
    return r.real(p.leaf(), p.min, p.max);
}
inline double read_real_or_default(Reader& r, const Param& p) {
    return r.opt_real(p.leaf(), p.min, p.max).value_or(p.default_value);
}
inline bool read_bool_or_default(Reader& r, const Param& p) {
    return r.opt_boolean(p.leaf()).value_or(p.default_value != 0);
}
inline int64_t read_bytes(Reader& r, const Param& p) {
    return r.bytes(p.leaf(), static_cast<int64_t>(p.min), static_cast<int64_t>(p.max));
}
inline double read_hertz(Reader& r, const Param& p) {
    return r.hertz(p.leaf(), p.min, p.max);
}
inline double read_bandwidth(Reader& r, const Param& p, double clock_hz) {
    return r.bytes_per_cycle(p.leaf(), clock_hz, p.min, p.max);
}
inline std::string read_choice(Reader& r, const Param& p) {
    return r.choice(p.leaf(), param_choices(p));
}
// Quantities count as written when the key is there at all (an empty value is an error).
inline uint64_t read_cycles_or_default(Reader& r, const Param& p, double clock_hz) {
    if (r.has(p.leaf())) return r.cycles(p.leaf(), clock_hz, static_cast<uint64_t>(p.max));
    r.accept(p.leaf());
    return static_cast<uint64_t>(p.default_value);
}
inline double read_energy_or_default(Reader& r, const Param& p) {
    if (r.has(p.leaf())) return r.picojoules(p.leaf(), p.max);
    r.accept(p.leaf());
    return p.default_value;
}
inline std::string read_choice_or_default(Reader& r, const Param& p) {
    if (r.has(p.leaf())) return read_choice(r, p);
    r.accept(p.leaf());
    return default_string(p);
}

} // namespace fusesim
