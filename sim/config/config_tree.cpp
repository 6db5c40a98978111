#include "sim/config/config_tree.hpp"

#include <charconv>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

namespace fusesim {

std::string Origin::str() const {
    if (line <= 0) return file;
    std::string s = file + ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
    return s;
}

namespace {

std::string format_error(const Origin& where, const std::string& key, const std::string& message) {
    std::string out;
    // A key can be long user text: its start is enough to find it.
    const std::string shown = key.size() > 200 ? key.substr(0, 200) + "..." : key;
    for (const std::string& part : {where.str(), shown}) {
        if (!part.empty()) out += part + ": ";
    }
    return out + message;
}

} // namespace

ConfigError::ConfigError(const Origin& where, const std::string& key, const std::string& message)
    : std::runtime_error(format_error(where, key, message)), where_(where), key_(key) {}

ConfigError::ConfigError(const std::string& message) : std::runtime_error(message) {}

// ---------------------------------------------------------------------------------------------
// ConfigNode

ConfigNode ConfigNode::scalar(std::string value, Origin origin) {
    ConfigNode n;
    n.kind_ = Kind::Scalar;
    n.scalar_ = std::move(value);
    n.origin_ = std::move(origin);
    return n;
}

ConfigNode ConfigNode::null(Origin origin) {
    ConfigNode n;
    n.origin_ = std::move(origin);
    return n;
}

ConfigNode ConfigNode::sequence(Origin origin) {
    ConfigNode n;
    n.kind_ = Kind::Sequence;
    n.origin_ = std::move(origin);
    return n;
}

ConfigNode ConfigNode::map(Origin origin) {
    ConfigNode n;
    n.kind_ = Kind::Map;
    n.origin_ = std::move(origin);
    return n;
}

void ConfigNode::push_back(ConfigNode item) {
    items_.push_back(std::move(item));
}

namespace {
// Maps up to this size are scanned: cheaper than hashing, and most maps are this small.
constexpr std::size_t kIndexFrom = 16;
} // namespace

void ConfigNode::rebuild_index() {
    index_.clear();
    if (entries_.size() < kIndexFrom) return;
    index_.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].first, i);
}

bool ConfigNode::has(const std::string& key) const {
    return find(key) != nullptr;
}

const ConfigNode* ConfigNode::find(const std::string& key) const {
    if (!index_.empty()) {
        auto it = index_.find(key);
        return it == index_.end() ? nullptr : &entries_[it->second].second;
    }
    for (const auto& [k, v] : entries_) {
        if (k == key) return &v;
    }
    return nullptr;
}

ConfigNode* ConfigNode::find(const std::string& key) {
    return const_cast<ConfigNode*>(static_cast<const ConfigNode*>(this)->find(key));
}

void ConfigNode::set(const std::string& key, ConfigNode value) {
    if (ConfigNode* existing = find(key)) {
        *existing = std::move(value); // keep the key's position so output order stays stable
        return;
    }
    entries_.emplace_back(key, std::move(value));
    if (!index_.empty())
        index_.emplace(key, entries_.size() - 1);
    else if (entries_.size() >= kIndexFrom)
        rebuild_index();
}

void ConfigNode::erase(const std::string& key) {
    for (auto it = entries_.begin(); it != entries_.end(); ++it) {
        if (it->first == key) {
            entries_.erase(it);
            rebuild_index(); // positions after the erased key moved
            return;
        }
    }
}

std::vector<std::string> split_key_path(const std::string& dotted, const Origin& origin) {
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (true) {
        auto dot = dotted.find('.', start);
        if (parts.size() == kMaxPathParts) {
            throw ConfigError(origin, dotted.substr(0, 80) + (dotted.size() > 80 ? "..." : ""),
                              "a dotted key has more than " + std::to_string(kMaxPathParts) +
                                  " parts");
        }
        parts.push_back(dotted.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

const ConfigNode* ConfigNode::find_path(const std::string& dotted) const {
    const ConfigNode* node = this;
    for (const std::string& part : split_key_path(dotted, origin_)) {
        node = node->find(part);
        if (!node) return nullptr;
    }
    return node;
}

void ConfigNode::set_path(const std::string& dotted, ConfigNode value) {
    std::vector<std::string> parts = split_key_path(dotted, value.origin());
    ConfigNode* node = this;
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        ConfigNode* next = node->find(parts[i]);
        if (!next || !next->is_map()) {
            // An override below a missing or non-map key creates (or replaces it with) a map.
            node->set(parts[i], ConfigNode::map(value.origin()));
            next = node->find(parts[i]);
        }
        node = next;
    }
    if (!node->is_map()) *node = ConfigNode::map(value.origin());
    node->set(parts.back(), std::move(value));
}

// ---------------------------------------------------------------------------------------------
// Output

namespace {

void emit_yaml(YAML::Emitter& out, const ConfigNode& node) {
    switch (node.kind()) {
    case ConfigNode::Kind::Null:
        out << YAML::Null;
        break;
    case ConfigNode::Kind::Scalar:
        out << node.value(); // the emitter quotes whatever would not read back as the same text
        break;
    case ConfigNode::Kind::Sequence:
        out << YAML::BeginSeq;
        for (const ConfigNode& item : node.items()) emit_yaml(out, item);
        out << YAML::EndSeq;
        break;
    case ConfigNode::Kind::Map:
        out << YAML::BeginMap;
        for (const auto& [key, value] : node.entries()) {
            out << YAML::Key << key << YAML::Value;
            emit_yaml(out, value);
        }
        out << YAML::EndMap;
        break;
    }
}

bool all_digits(const std::string& s, std::size_t from, std::size_t to) {
    if (from >= to) return false;
    for (std::size_t i = from; i < to; ++i) {
        if (s[i] < '0' || s[i] > '9') return false;
    }
    return true;
}

// YAML core-schema style numbers: [-+]?digits, or a decimal/exponent float.
bool looks_integer(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    return all_digits(s, i, s.size());
}

bool looks_float(const std::string& s) {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    std::size_t e = s.find_first_of("eE", i);
    std::string mantissa = s.substr(i, e == std::string::npos ? std::string::npos : e - i);
    if (e != std::string::npos) {
        std::size_t j = e + 1;
        if (j < s.size() && (s[j] == '-' || s[j] == '+')) ++j;
        if (!all_digits(s, j, s.size())) return false;
    }
    std::size_t dot = mantissa.find('.');
    if (dot == std::string::npos) return all_digits(mantissa, 0, mantissa.size());
    bool before = all_digits(mantissa, 0, dot),
         after = all_digits(mantissa, dot + 1, mantissa.size());
    bool empty_after = dot + 1 == mantissa.size();
    return (before && (after || empty_after)) || (dot == 0 && after);
}

nlohmann::ordered_json scalar_to_json(const std::string& s) {
    if (s == "true" || s == "True" || s == "TRUE") return true;
    if (s == "false" || s == "False" || s == "FALSE") return false;
    if (looks_integer(s)) {
        const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
        int64_t i = 0;
        if (std::from_chars(begin, s.data() + s.size(), i).ec == std::errc()) return i;
        uint64_t u = 0;
        if (std::from_chars(begin, s.data() + s.size(), u).ec == std::errc()) return u;
        return s; // too large to be exact: keep the text
    }
    if (looks_float(s)) {
        double d = std::strtod(s.c_str(), nullptr);
        if (std::isfinite(d)) return d;
    }
    return s;
}

nlohmann::ordered_json to_json(const ConfigNode& node) {
    switch (node.kind()) {
    case ConfigNode::Kind::Null:
        return nullptr;
    case ConfigNode::Kind::Scalar:
        return scalar_to_json(node.value());
    case ConfigNode::Kind::Sequence: {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const ConfigNode& item : node.items()) arr.push_back(to_json(item));
        return arr;
    }
    case ConfigNode::Kind::Map: {
        nlohmann::ordered_json obj = nlohmann::ordered_json::object();
        for (const auto& [key, value] : node.entries()) obj[key] = to_json(value);
        return obj;
    }
    }
    return nullptr;
}

} // namespace

std::string ConfigNode::to_yaml() const {
    YAML::Emitter out;
    out.SetIndent(2);
    emit_yaml(out, *this);
    return std::string(out.c_str()) + "\n";
}

std::string ConfigNode::to_json_string(int indent) const {
    return to_json(*this).dump(indent, ' ', false,
                               nlohmann::ordered_json::error_handler_t::replace);
}

} // namespace fusesim
