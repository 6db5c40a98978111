// A YAML document as a tree that remembers where every value came from (file, line, column), so
// that every configuration error can name its origin. Overrides (experiment files, --set) replace
// subtrees and bring their own origin along.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace fusesim {

struct Origin {
    std::string file; // path as given by the user, or "--set" / "<sweep>" for generated values
    int line = 0;     // 1-based; 0 when unknown
    int column = 0;   // 1-based; 0 when unknown
    std::string str() const; // "file:line:col", "file:line" or "file"
};

// Every configuration or usage problem; the CLI prints what() and exits 2.
class ConfigError : public std::runtime_error {
  public:
    ConfigError(const Origin& where, const std::string& key, const std::string& message);
    explicit ConfigError(const std::string& message); // usage errors with no file behind them
    const Origin& where() const { return where_; }
    const std::string& key() const { return key_; }

  private:
    Origin where_;
    std::string key_;
};

class ConfigNode {
  public:
    enum class Kind { Null, Scalar, Sequence, Map };

    ConfigNode() = default;
    static ConfigNode null(Origin origin); // an empty value ("~" or nothing) that knows its origin
    static ConfigNode scalar(std::string value, Origin origin);
    static ConfigNode sequence(Origin origin);
    static ConfigNode map(Origin origin);

    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::Null; }
    bool is_scalar() const { return kind_ == Kind::Scalar; }
    bool is_sequence() const { return kind_ == Kind::Sequence; }
    bool is_map() const { return kind_ == Kind::Map; }
    const Origin& origin() const { return origin_; }
    const std::string& value() const { return scalar_; } // scalars only

    // Sequences.
    const std::vector<ConfigNode>& items() const { return items_; }
    void push_back(ConfigNode item);

    // Maps keep insertion order (so the resolved config reads like the input).
    const std::vector<std::pair<std::string, ConfigNode>>& entries() const { return entries_; }
    bool has(const std::string& key) const;
    const ConfigNode* find(const std::string& key) const; // nullptr when absent
    ConfigNode* find(const std::string& key);
    void set(const std::string& key, ConfigNode value); // replaces or appends
    void erase(const std::string& key);

    // Dotted paths ("dram.bandwidth"); set_path creates intermediate maps with the given origin.
    // At most kMaxPathParts parts (ConfigError otherwise): trees are destroyed recursively, so
    // their depth must not follow user input.
    const ConfigNode* find_path(const std::string& dotted) const;
    void set_path(const std::string& dotted, ConfigNode value);

    // Output: YAML (block style, keys in order) and JSON (scalars typed: numbers and booleans
    // become JSON numbers and booleans, everything else a string).
    std::string to_yaml() const;
    std::string to_json_string(int indent = 2) const;

  private:
    Kind kind_ = Kind::Null;
    Origin origin_;
    std::string scalar_;
    std::vector<ConfigNode> items_;
    std::vector<std::pair<std::string, ConfigNode>> entries_;
    // Position of each key in entries_, kept once a map is large enough for scans to cost:
    // lookups stay O(1), so loading or overriding n keys is O(n).
    std::unordered_map<std::string, std::size_t> index_;
    void rebuild_index();
};

// Limits on what a configuration may contain (the README lists them).
constexpr int kMaxPathParts = 32;                  // parts of a dotted key ("a.b.c": 3)
constexpr int kMaxDepth = 200;                     // nesting of values in one document
constexpr long kMaxNodes = 250000;                 // values in one document (aliases expanded)
constexpr std::size_t kMaxFileBytes = 4u << 20;    // a configuration file: 4 MiB
constexpr std::size_t kMaxScalarBytes = 64u << 10; // one value: 64 KiB (a key: 4 KiB)

// Splits "a.b.c" into its parts (empty parts kept); ConfigError at `origin` beyond
// kMaxPathParts parts.
std::vector<std::string> split_key_path(const std::string& dotted, const Origin& origin);

// Reads a configuration file whole: it must be a regular file (a FIFO or device is refused
// without blocking) of at most kMaxFileBytes. Returns false and sets `why` (such as "not a
// regular file") when it cannot be used.
bool read_config_file(const std::string& path, std::string& text, std::string& why);

// Loads a YAML file. Syntax errors and unreadable files become ConfigError with file:line.
// Duplicate keys in a map are an error.
ConfigNode load_yaml_file(const std::string& path);
// Parses YAML text (for --set values and tests); `origin_file` names it in errors.
ConfigNode parse_yaml_text(const std::string& text, const std::string& origin_file);

} // namespace fusesim
