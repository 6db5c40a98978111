#include "sim/config/reference.hpp"

#include "sim/config/config_tree.hpp"
#include "sim/config/params.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/units.hpp"
#include "workloads/plan/fusion.hpp"
#include "workloads/vocab/op_kind.hpp"

#include <cmath>
#include <cstdio>

namespace fusesim {

namespace {

// 1000 stays 1000; 1e-06 reads 1e-6 and 1e+09 reads 1e9.
std::string short_number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", v);
    std::string s = buf, out;
    const auto e = s.find('e');
    if (e == std::string::npos) return s;
    out = s.substr(0, e + 1);
    size_t i = e + 1;
    if (s[i] == '+')
        ++i;
    else if (s[i] == '-')
        out += s[i++];
    while (i + 1 < s.size() && s[i] == '0') ++i;
    return out + s.substr(i);
}

std::string integer_text(double v) {
    return std::to_string(static_cast<int64_t>(v));
}

std::string with_commas(int64_t v) {
    std::string s = std::to_string(v), out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i > 0 && (s.size() - i) % 3 == 0) out += ',';
        out += s[i];
    }
    return out;
}

std::string bytes_text(double v) {
    return format_bytes(static_cast<int64_t>(v));
}

// `a`, `b`, `c`: names as code spans.
std::string code_list(const std::vector<std::string>& names, const std::string& skip) {
    std::string s;
    for (const auto& n : names)
        if (n != skip) s += (s.empty() ? "`" : ", `") + n + "`";
    return s;
}

// A description names lists kept elsewhere in the code by placeholder, so that they stay current:
// {op_kinds} (the `cpo` kinds) and {fusion_presets} (every preset but `unfused`).
std::string expand_doc(std::string doc) {
    const std::pair<std::string, std::string> lists[] = {
        {"{op_kinds}", code_list(op_kind_names(), "view")},
        {"{fusion_presets}", code_list(fusion_preset_names(), "unfused")}};
    for (const auto& [placeholder, text] : lists)
        for (auto at = doc.find(placeholder); at != std::string::npos; at = doc.find(placeholder))
            doc.replace(at, placeholder.size(), text);
    return doc;
}

// The tables point into the declarations and the registry, which outlive the copy.
ParamTable find_table(const std::string& id) {
    for (const ParamTable& t : param_tables())
        if (id == t.id) return t;
    std::string ids;
    for (const auto& i : reference_table_ids()) ids += (ids.empty() ? "" : ", ") + i;
    throw ConfigError("unknown reference table '" + id + "' (tables: " + ids + ")");
}

} // namespace

std::string param_type_text(const Param& p) {
    if (p.type_doc) return p.type_doc;
    switch (p.type) {
    case ParamType::String:
        return "string";
    case ParamType::Boolean:
        return "boolean";
    case ParamType::Integer:
        return "integer " + integer_text(p.min) + "–" + integer_text(p.max);
    case ParamType::Number:
        return "number " + short_number(p.min) + "–" + short_number(p.max);
    case ParamType::Choice: {
        const auto c = param_choices(p);
        std::string s;
        for (size_t i = 0; i < c.size(); ++i)
            s += (i == 0 ? "" : i + 1 == c.size() ? " or " : ", ") + ("`" + c[i] + "`");
        return s;
    }
    case ParamType::Size:
        if (p.min <= 0) return "size, at most " + bytes_text(p.max);
        return "size, " + bytes_text(p.min) + "–" + bytes_text(p.max);
    case ParamType::Frequency:
        return "frequency, " + short_number(p.min / 1e6) + " MHz–" + short_number(p.max / 1e9) +
               " GHz";
    case ParamType::Bandwidth: {
        const std::string range = short_number(p.min) + "–" + short_number(p.max) + " B/cycle";
        return p.unlimited ? "bandwidth (" + range + ") or `unlimited`" : "bandwidth, " + range;
    }
    case ParamType::Duration:
        return "duration, at most " + with_commas(static_cast<int64_t>(p.max)) + " cycles";
    case ParamType::Energy:
        return "energy, at most " + short_number(p.max) + " pJ";
    case ParamType::Other:
        break;
    }
    return "";
}

std::vector<std::string> reference_table_ids() {
    std::vector<std::string> ids;
    for (const ParamTable& t : param_tables()) ids.emplace_back(t.id);
    return ids;
}

std::string reference_table(const std::string& id) {
    const ParamTable t = find_table(id);
    std::string s = "| key | type | default | meaning |\n|---|---|---|---|\n";
    for (int i = 0; i < t.count; ++i) {
        const Param& p = *t.params[i];
        s += "| `" + std::string(p.key) + "` | " + param_type_text(p) + " | " +
             (p.required() ? "required" : p.default_text) + " | " + expand_doc(p.doc) + " |\n";
    }
    return s;
}

std::string reference_block(const std::string& id) {
    return "<!-- reference:" + id + " begin -->\n" + reference_table(id) + "<!-- reference:" + id +
           " end -->\n";
}

} // namespace fusesim
