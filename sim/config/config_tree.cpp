#include "sim/config/config_tree.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
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

// ---------------------------------------------------------------------------------------------
// Loading

namespace {

// Keys are names or dotted paths; this keeps the key paths built while loading short.
constexpr std::size_t kMaxKeyBytes = 4096;

std::string size_text(std::size_t bytes) {
    return bytes % 1024 == 0 ? std::to_string(bytes / 1024) + " KiB" : std::to_string(bytes) + " B";
}

Origin origin_of(const YAML::Mark& mark, const std::string& file) {
    if (mark.is_null()) return Origin{file, 0, 0};
    return Origin{file, mark.line + 1, mark.column + 1};
}

std::string join_key(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

// `fallback` is used where yaml-cpp has no useful mark (empty values point at the next token).
ConfigNode convert(const YAML::Node& node, const std::string& file, const std::string& path,
                   const Origin& fallback, int depth, long& budget) {
    // Aliases can make cyclic or exponentially large graphs ("billion laughs"): stop early.
    if (depth > kMaxDepth) {
        throw ConfigError(fallback, "",
                          "values nested more than " + std::to_string(kMaxDepth) +
                              " levels deep (recursive alias?)");
    }
    if (--budget < 0) {
        throw ConfigError(fallback, "",
                          "more than " + std::to_string(kMaxNodes) +
                              " values (a file this large, or aliases expanding too much)");
    }
    Origin here = origin_of(node.Mark(), file);
    switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
        return ConfigNode::null(fallback.line ? fallback : here);
    case YAML::NodeType::Scalar:
        if (node.Scalar().size() > kMaxScalarBytes) {
            throw ConfigError(here, path,
                              "a value of " + std::to_string(node.Scalar().size()) +
                                  " bytes (at most " + size_text(kMaxScalarBytes) + ")");
        }
        return ConfigNode::scalar(node.Scalar(), here);
    case YAML::NodeType::Sequence: {
        ConfigNode seq = ConfigNode::sequence(fallback.line ? fallback : here);
        std::size_t index = 0;
        for (const YAML::Node& item : node) {
            std::string item_path = path + "[" + std::to_string(index++) + "]";
            seq.push_back(
                convert(item, file, item_path, origin_of(item.Mark(), file), depth + 1, budget));
        }
        return seq;
    }
    case YAML::NodeType::Map: {
        ConfigNode map = ConfigNode::map(fallback.line ? fallback : here);
        std::map<std::string, int> first_line; // yaml-cpp keeps duplicate keys: catch them here
        for (auto it = node.begin(); it != node.end(); ++it) {
            Origin key_origin = origin_of(it->first.Mark(), file);
            if (!it->first.IsScalar()) {
                throw ConfigError(key_origin, path, "map keys must be plain scalars");
            }
            std::string key = it->first.Scalar();
            if (key.size() > kMaxKeyBytes) {
                throw ConfigError(key_origin, path,
                                  "a key of " + std::to_string(key.size()) + " bytes (at most " +
                                      size_text(kMaxKeyBytes) + ")");
            }
            std::string key_path = join_key(path, key);
            auto [pos, inserted] = first_line.emplace(key, key_origin.line);
            if (!inserted) {
                throw ConfigError(key_origin, key_path,
                                  "duplicate key '" + key + "' (first defined at line " +
                                      std::to_string(pos->second) + ", again at line " +
                                      std::to_string(key_origin.line) + ")");
            }
            // Scalars point at their value; collections and empty values at their key's line.
            const YAML::Node value = it->second; // a copy: `it->` yields a temporary proxy
            Origin value_fallback = value.IsScalar() ? origin_of(value.Mark(), file) : key_origin;
            map.set(key, convert(value, file, key_path, value_fallback, depth + 1, budget));
        }
        return map;
    }
    }
    return ConfigNode{};
}

ConfigNode convert_root(const YAML::Node& root, const std::string& file) {
    Origin origin = origin_of(root.Mark(), file);
    if (origin.line == 0) origin = Origin{file, 1, 1}; // empty document
    long budget = kMaxNodes;
    return convert(root, file, "", origin, 0, budget);
}

ConfigNode parse(const std::string& text, const std::string& file) {
    try {
        return convert_root(YAML::Load(text), file);
    } catch (const YAML::DeepRecursion& e) { // yaml-cpp's own guard, far above kMaxDepth
        throw ConfigError(origin_of(e.mark, file), "",
                          "values nested more than " + std::to_string(kMaxDepth) + " levels deep");
    } catch (const YAML::ParserException& e) {
        throw ConfigError(origin_of(e.mark, file), "", e.msg);
    } catch (const YAML::Exception& e) {
        throw ConfigError(origin_of(e.mark, file), "", e.msg);
    }
}

} // namespace

bool read_config_file(const std::string& path, std::string& text, std::string& why) {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one; fstat then says what the
    // opened file is (a stat before open could see another file than the one opened).
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        why = std::strerror(errno);
        return false;
    }
    struct FdCloser {
        int fd;
        ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        why = std::strerror(errno);
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        why = "a directory, not a file";
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        why = "not a regular file";
        return false;
    }
    const auto too_big = [&] {
        why = "larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB";
        return false;
    };
    if (static_cast<std::size_t>(st.st_size) > kMaxFileBytes) return too_big();
    // Read at most one byte past the limit: a file that grows meanwhile is still bounded.
    text.assign(kMaxFileBytes + 1, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, &text[got], text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            why = std::strerror(errno);
            return false;
        }
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    if (got > kMaxFileBytes) return too_big();
    text.resize(got);
    return true;
}

ConfigNode load_yaml_file(const std::string& path) {
    std::string text, why;
    if (!read_config_file(path, text, why))
        throw ConfigError(Origin{path}, "", "cannot read file '" + path + "' (" + why + ")");
    return parse(text, path);
}

ConfigNode parse_yaml_text(const std::string& text, const std::string& origin_file) {
    return parse(text, origin_file);
}

} // namespace fusesim
