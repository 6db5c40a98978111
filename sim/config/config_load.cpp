#include "sim/config/config_tree.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

// Loading: a YAML file (a regular file of bounded size) into a ConfigNode tree with origins.
namespace fusesim {
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
    // Read at most one byte past the limit: a file that grows meanwhile is still bounded. The
    // buffer starts at the size fstat gave (not the limit: a sweep reads thousands of files).
    const std::size_t limit = kMaxFileBytes + 1;
    text.assign(std::min(static_cast<std::size_t>(st.st_size) + 1, limit), '\0');
    std::size_t got = 0;
    while (true) {
        if (got == text.size()) {
            if (text.size() == limit) break;
            text.resize(std::min(2 * text.size(), limit));
        }
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
