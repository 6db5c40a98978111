// One configuration parameter's declaration: its key, type, range, default and a one-line
// description. Plain data with no dependencies, so that every stage can declare its parameters
// (a model its keys, next to its builder) and sim/config reads and documents them all.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

enum class ParamType {
    String,
    Integer,
    Number,
    Boolean,
    Choice,    // one of `choices` ("a|b|c")
    Size,      // bytes, with units
    Frequency, // Hz, with units
    Bandwidth, // bytes/cycle, with units (`unlimited` too if `unlimited`)
    Duration,  // cycles, with units
    Energy,    // pJ, with units
    Other      // a structure; `type_doc` says what
};

struct Param {
    const char* key; // dotted, relative to its section ("core.sram_banks")
    ParamType type;
    double min, max;          // range (integers: exact up to 2^53)
    const char* default_text; // nullptr: required; "": optional without a default
    double default_value;     // the default as a number, when there is one
    const char* doc;          // one line, Markdown ({op_kinds}, {fusion_presets}: reference.cpp)
    const char* type_doc;     // replaces the generated type text (nullptr: generated)
    const char* choices;      // ParamType::Choice: "bus|p2p"
    bool unlimited;           // ParamType::Bandwidth: `unlimited` is accepted too
    // ParamType::Choice, when the list is known only at run time (registered models): replaces
    // `choices`.
    std::vector<std::string> (*choice_list)() = nullptr;

    bool required() const { return default_text == nullptr; }
    // The last part of the key: what a Reader on the enclosing map asks for.
    const char* leaf() const {
        const char* l = key;
        for (const char* c = key; *c; ++c)
            if (*c == '.') l = c + 1;
        return l;
    }
    int64_t default_int() const { return static_cast<int64_t>(default_value); }
};

// Declarations read best as one call each.
constexpr Param required(const char* key, ParamType t, double min, double max, const char* doc) {
    return {key, t, min, max, nullptr, 0, doc, nullptr, nullptr, false, nullptr};
}
constexpr Param optional(const char* key, ParamType t, double min, double max,
                         const char* default_text, double default_value, const char* doc) {
    return {key, t, min, max, default_text, default_value, doc, nullptr, nullptr, false, nullptr};
}
constexpr Param text(const char* key, const char* default_text, const char* doc) {
    return {key, ParamType::String, 0, 0, default_text, 0, doc, nullptr, nullptr, false, nullptr};
}
// A structure or a form the type column describes in words.
constexpr Param other(const char* key, const char* type_doc, const char* default_text,
                      const char* doc) {
    return {key, ParamType::Other, 0, 0, default_text, 0, doc, type_doc, nullptr, false, nullptr};
}
constexpr Param choice(const char* key, const char* choices, const char* default_text,
                       const char* doc) {
    return {key, ParamType::Choice, 0, 0, default_text, 0, doc, nullptr, choices, false, nullptr};
}
constexpr Param or_unlimited(Param p) {
    p.unlimited = true;
    return p;
}
constexpr Param choice_of(Param p, std::vector<std::string> (*list)()) {
    p.choice_list = list;
    return p;
}

// The default as a value: "`bus`" → "bus".
inline std::string default_string(const Param& p) {
    std::string s = p.default_text ? p.default_text : "";
    if (s.size() >= 2 && s.front() == '`' && s.back() == '`') s = s.substr(1, s.size() - 2);
    return s;
}

} // namespace fusesim
