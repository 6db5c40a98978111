#include "sim/config/model_keys.hpp"

#include "sim/config/params_read.hpp"

#include <filesystem>

namespace fusesim {

namespace {

constexpr std::size_t kMaxPathBytes = 4096; // a file a model key names
constexpr std::size_t kMaxEntries = 4096;   // a map of names a model key holds

} // namespace

int64_t SectionKeys::integer(const Param& p) {
    return remember(p, read_int(r_, p));
}

std::optional<int64_t> SectionKeys::opt_integer(const Param& p) {
    const auto v = read_opt_int(r_, p);
    if (v) remember(p, *v);
    return v;
}

std::string SectionKeys::choice(const Param& p) {
    return read_choice_or_default(r_, p);
}

void SectionKeys::fail(const Param& p, const std::string& message) {
    r_.fail(p.leaf(), message);
}

std::string SectionKeys::file(const Param& p) {
    const std::string path = r_.str(p.leaf(), kMaxPathBytes);
    if (path.empty()) r_.fail(p.leaf(), "expected a file path, got an empty value");
    const std::string& from = r_.node().find(p.leaf())->origin().file;
    // Values from --set (and other generated values) have no file: the working directory.
    if (path.front() == '/' || from.empty() || from == "--set" || from.front() == '<') return path;
    return (std::filesystem::path(from).parent_path() / path).lexically_normal().string();
}

std::vector<std::pair<std::string, std::string>> SectionKeys::entries(const Param& p) {
    std::vector<std::pair<std::string, std::string>> out;
    const ConfigNode* n = r_.opt_raw(p.leaf());
    if (!n || n->is_null()) return out;
    if (!n->is_map())
        throw ConfigError(n->origin(), r_.key_path(p.leaf()),
                          std::string("expected a map (") + p.type_doc + ")");
    if (n->entries().size() > kMaxEntries)
        throw ConfigError(n->origin(), r_.key_path(p.leaf()),
                          "more than " + std::to_string(kMaxEntries) + " entries");
    for (const auto& [key, value] : n->entries()) {
        if (!value.is_scalar())
            throw ConfigError(value.origin(), r_.key_path(p.leaf()) + "." + key,
                              "expected a single value, got a structure");
        out.emplace_back(key, value.value());
    }
    return out;
}

void SectionKeys::fail_entry(const Param& p, const std::string& entry, const std::string& message) {
    const ConfigNode* n = r_.node().find(p.leaf());
    const ConfigNode* e = n ? n->find(entry) : nullptr;
    throw ConfigError(e ? e->origin() : r_.node().origin(), r_.key_path(p.leaf()) + "." + entry,
                      message);
}

std::vector<std::string> SectionKeys::items(const Param& p) {
    std::vector<std::string> out;
    const ConfigNode* n = r_.opt_raw(p.leaf());
    if (!n || n->is_null()) return out;
    if (!n->is_sequence())
        throw ConfigError(n->origin(), r_.key_path(p.leaf()),
                          std::string("expected a list (") + p.type_doc + ")");
    if (n->items().size() > kMaxEntries)
        throw ConfigError(n->origin(), r_.key_path(p.leaf()),
                          "more than " + std::to_string(kMaxEntries) + " items");
    for (size_t i = 0; i < n->items().size(); ++i) {
        const ConfigNode& v = n->items()[i];
        if (!v.is_scalar())
            throw ConfigError(v.origin(), r_.key_path(p.leaf()) + "[" + std::to_string(i) + "]",
                              "expected a single value, got a structure");
        out.push_back(v.value());
    }
    return out;
}

void SectionKeys::fail_item(const Param& p, size_t index, const std::string& message) {
    const ConfigNode* n = r_.node().find(p.leaf());
    const ConfigNode* e =
        n && n->is_sequence() && index < n->items().size() ? &n->items()[index] : nullptr;
    throw ConfigError(e   ? e->origin()
                      : n ? n->origin()
                          : r_.node().origin(),
                      r_.key_path(p.leaf()) + "[" + std::to_string(index) + "]", message);
}

int64_t SectionKeys::remember(const Param& p, int64_t value) {
    if (const ConfigNode* n = r_.node().find(p.leaf()); n && !n->is_null())
        s_.size_keys.push_back({r_.key_path(p.leaf()), value, n->origin()});
    return value;
}

} // namespace fusesim
