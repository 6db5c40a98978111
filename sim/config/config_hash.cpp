#include "sim/config/config_hash.hpp"

#include "sim/config/params.hpp"
#include "sim/config/params_hardware.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string_view>

namespace fusesim {

namespace {

// The declared default as a value, when it is one: "`unfused`" → "unfused", "1.25 pJ", "64";
// nullopt for a required key, no default, or a default in words ("`expand` × `d_model`").
std::optional<std::string> literal_default(const Param& p) {
    if (!p.default_text || !*p.default_text) return std::nullopt;
    const std::string_view t = p.default_text;
    if (t.size() >= 2 && t.front() == '`' && t.back() == '`') {
        const std::string_view inner = t.substr(1, t.size() - 2);
        if (inner.empty() || inner.find('`') != std::string_view::npos ||
            inner.find('<') != std::string_view::npos)
            return std::nullopt;
        return std::string(inner);
    }
    // A number with an optional unit of letters: "0", "0.00542", "1.25 pJ".
    std::size_t i = 0;
    while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    if (i < t.size() && t[i] == ' ') ++i;
    for (; i < t.size(); ++i)
        if (!std::isalpha(static_cast<unsigned char>(t[i]))) return std::nullopt;
    return std::string(t);
}

// Its presence is checked against the area model, so writing the default is not leaving it out.
bool presence_matters(const Param* p) {
    return p == &hw_param::sram_area;
}

const ParamTable* table(const std::vector<ParamTable>& tables, const std::string& id) {
    for (const ParamTable& t : tables)
        if (id == t.id) return &t;
    return nullptr;
}

void fill(ConfigNode& section, const ParamTable* t) {
    if (!t || !section.is_map()) return;
    for (int i = 0; i < t->count; ++i) {
        const Param* p = t->params[i];
        const std::string key = p->key;
        if (presence_matters(p) || key.find_first_of("<[") != std::string::npos) continue;
        const std::optional<std::string> value = literal_default(*p);
        if (!value) continue;
        const auto dot = key.rfind('.');
        const ConfigNode* parent =
            dot == std::string::npos ? &section : section.find_path(key.substr(0, dot));
        if (!parent || !parent->is_map() || parent->has(p->leaf())) continue; // no new maps
        section.set_path(key, ConfigNode::scalar(*value, Origin{"<default>"}));
    }
}

void fill_workload(ConfigNode& w, const std::vector<ParamTable>& tables) {
    fill(w, table(tables, "workload"));
    if (const ConfigNode* model = w.find("model"); model && model->is_scalar())
        fill(w, table(tables, model->value()));
}

void quote(std::string& out, const std::string& s) {
    out += '"';
    for (const char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char* hex = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    out += '"';
}

void canonical(std::string& out, const ConfigNode& n) {
    switch (n.kind()) {
    case ConfigNode::Kind::Null:
        out += "null";
        return;
    case ConfigNode::Kind::Scalar:
        quote(out, n.value());
        return;
    case ConfigNode::Kind::Sequence:
        out += '[';
        for (std::size_t i = 0; i < n.items().size(); ++i) {
            if (i) out += ',';
            canonical(out, n.items()[i]);
        }
        out += ']';
        return;
    case ConfigNode::Kind::Map: {
        std::vector<const std::pair<std::string, ConfigNode>*> entries;
        for (const auto& e : n.entries()) entries.push_back(&e);
        std::sort(entries.begin(), entries.end(),
                  [](const auto* a, const auto* b) { return a->first < b->first; });
        out += '{';
        for (std::size_t i = 0; i < entries.size(); ++i) {
            if (i) out += ',';
            quote(out, entries[i]->first);
            out += ':';
            canonical(out, entries[i]->second);
        }
        out += '}';
        return;
    }
    }
}

} // namespace

ConfigNode with_declared_defaults(const ConfigNode& tree) {
    ConfigNode t = tree;
    const std::vector<ParamTable> tables = param_tables();
    for (const char* id : {"hardware", "mapping", "simulation"})
        if (ConfigNode* s = t.find(id)) {
            const bool gpu = id == std::string("hardware") && s->is_map() && s->find("kind") &&
                             s->find("kind")->is_scalar() && s->find("kind")->value() == "gpu";
            const bool rdu = id == std::string("hardware") && s->is_map() && s->find("kind") &&
                             s->find("kind")->is_scalar() && s->find("kind")->value() == "rdu";
            fill(*s, table(tables, gpu ? "gpu" : rdu ? "rdu" : id));
        }
    if (ConfigNode* w = t.find("workload")) {
        if (w->is_map()) fill_workload(*w, tables);
        if (w->is_sequence()) {
            ConfigNode list = ConfigNode::sequence(w->origin());
            for (ConfigNode item : w->items()) {
                fill_workload(item, tables);
                list.push_back(std::move(item));
            }
            *w = std::move(list);
        }
    }
    return t;
}

std::string canonical_text(const ConfigNode& node) {
    std::string out;
    canonical(out, node);
    return out;
}

std::string sha256_hex(const std::string& bytes) {
    const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                      &EVP_MD_CTX_free);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), digest, &size) != 1)
        throw std::runtime_error("SHA-256 (OpenSSL EVP) failed");
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < size; ++i) {
        out += hex[digest[i] >> 4];
        out += hex[digest[i] & 15];
    }
    return out;
}

std::string config_hash(const ConfigNode& tree) {
    return sha256_hex(canonical_text(with_declared_defaults(tree)));
}

} // namespace fusesim
