#include "sim/config/experiment.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/config/file_names.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;

namespace fusesim {

namespace {

// A comparison lists a few models; each is loaded and analysed in full.
constexpr std::size_t kMaxWorkloads = 64;

const std::vector<std::string> kSections = {"name",    "hardware", "workload",
                                            "mapping", "analysis", "simulation"};

std::string trim(const std::string& s) {
    auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) return "";
    return s.substr(begin, s.find_last_not_of(" \t") + 1 - begin);
}

// --set values have no file behind them: every node of the value gets the origin "--set".
ConfigNode with_origin(const ConfigNode& node, const Origin& origin) {
    switch (node.kind()) {
    case ConfigNode::Kind::Null:
        return ConfigNode::null(origin);
    case ConfigNode::Kind::Scalar:
        return ConfigNode::scalar(node.value(), origin);
    case ConfigNode::Kind::Sequence: {
        ConfigNode seq = ConfigNode::sequence(origin);
        for (const ConfigNode& item : node.items()) seq.push_back(with_origin(item, origin));
        return seq;
    }
    case ConfigNode::Kind::Map: {
        ConfigNode map = ConfigNode::map(origin);
        for (const auto& [key, value] : node.entries()) map.set(key, with_origin(value, origin));
        return map;
    }
    }
    return ConfigNode::null(origin);
}

// A section given as a path (relative to the experiment's folder) or as an inline map.
ConfigNode load_section(const ConfigNode& entry, const std::string& section,
                        const fs::path& base_dir) {
    if (entry.is_map()) return entry;
    if (!entry.is_scalar()) {
        throw ConfigError(entry.origin(), section,
                          "expected a file path or a map, got " +
                              std::string(entry.is_null() ? "an empty value" : "a list"));
    }
    const std::string path = (base_dir / entry.value()).lexically_normal().string();
    std::string text, why;
    if (!read_config_file(path, text, why)) {
        // Reported at the experiment's line that names the file, where the mistake is.
        throw ConfigError(entry.origin(), section, "cannot read file '" + path + "' (" + why + ")");
    }
    ConfigNode tree = parse_yaml_text(text, path);
    if (!tree.is_map()) {
        throw ConfigError(tree.origin(), section,
                          "expected a map at the top of '" + path + "' (named at " +
                              entry.origin().str() + ")");
    }
    return tree;
}

// A section replaced from the command line (`option` is "--hardware", ...): the path is the
// user's, relative to the working directory; errors inside the file name the file.
ConfigNode load_replacement(const std::string& path, const std::string& section,
                            const std::string& option) {
    std::string text, why;
    if (!read_config_file(path, text, why))
        throw ConfigError(Origin{option}, section, "cannot read file '" + path + "' (" + why + ")");
    ConfigNode tree = parse_yaml_text(text, path);
    if (!tree.is_map())
        throw ConfigError(tree.origin(), section,
                          "expected a map at the top of '" + path + "' (named by " + option + ")");
    return tree;
}

} // namespace

Override parse_override(const std::string& text) {
    auto eq = text.find('=');
    if (eq == std::string::npos) {
        throw ConfigError("--set expects key=value (e.g. hardware.dram.bandwidth=128GB/s), got '" +
                          text + "'");
    }
    Override o{trim(text.substr(0, eq)), text.substr(eq + 1)};
    if (o.path.empty()) throw ConfigError("--set has an empty key in '" + text + "'");
    return o;
}

void apply_override(ConfigNode& tree, const std::string& dotted, ConfigNode value) {
    const Origin where = value.origin();
    // Bounded before anything is built: a chain of 100,000 maps would overflow the stack when
    // destroyed.
    const std::vector<std::string> parts = split_key_path(dotted, where);
    if (std::any_of(parts.begin(), parts.end(), [](const std::string& p) { return p.empty(); })) {
        throw ConfigError(where, dotted, "invalid key path (empty part between dots)");
    }
    const std::string& section = parts.front();
    // A list of workloads (a comparison of models): the override applies to each of them.
    if (ConfigNode* list = tree.find(section); list && list->is_sequence() && parts.size() > 1) {
        ConfigNode out = ConfigNode::sequence(list->origin());
        for (const ConfigNode& item : list->items()) {
            ConfigNode item_tree = ConfigNode::map(where);
            item_tree.set(section, item);
            apply_override(item_tree, dotted, value);
            out.push_back(std::move(*item_tree.find(section)));
        }
        *list = std::move(out);
        return;
    }
    if (std::find(kSections.begin(), kSections.end(), section) == kSections.end() ||
        !tree.has(section)) {
        throw ConfigError(where, dotted,
                          "cannot override '" + section +
                              "': overrides must start with hardware, workload, mapping, analysis, "
                              "simulation or name");
    }
    if (section != "name" && parts.size() == 1) {
        // Replacing a whole section would silently drop every key of its file.
        throw ConfigError(where, dotted,
                          "an override must name a key inside '" + section + "' (e.g. " + section +
                              ".<key>=value)");
    }
    // Keys cannot be added below a scalar or a list: that is almost surely a wrong path.
    const ConfigNode* node = &tree;
    std::string prefix;
    for (std::size_t i = 0; i + 1 < parts.size() && node; ++i) {
        node = node->find(parts[i]);
        prefix += (i ? "." : "") + parts[i];
        if (node && !node->is_map() && !node->is_null()) {
            throw ConfigError(where, dotted,
                              "cannot set a key inside '" + prefix + "', which is not a map (" +
                                  node->origin().str() + ")");
        }
    }
    tree.set_path(dotted, std::move(value));
}

ResolvedExperiment load_experiment(const std::string& path, const std::vector<Override>& overrides,
                                   const SectionFiles& files) {
    const ConfigNode file = load_yaml_file(path);
    Reader r(file, "");
    const ConfigNode* name = r.opt_raw("name");
    r.opt_str("description"); // free text, only checked to be a scalar
    // A section replaced by a file named on the command line need not be in the experiment.
    const ConfigNode* hardware =
        files.hardware.empty() ? &r.raw("hardware") : r.opt_raw("hardware");
    const ConfigNode* workload =
        files.workloads.empty() ? &r.raw("workload") : r.opt_raw("workload");
    const ConfigNode* mapping = r.opt_raw("mapping");
    const std::optional<Reader> set = r.opt_sub("set");
    const std::optional<std::string> output = r.opt_str("output");
    const ConfigNode* analysis = r.opt_raw("analysis");
    const ConfigNode* simulation = r.opt_raw("simulation");
    r.finish(); // a misspelt top-level key is reported before any file is loaded

    const fs::path base_dir = fs::path(path).parent_path();
    ConfigNode tree = ConfigNode::map(file.origin());
    tree.set("name", name && !name->is_null()
                         ? *name
                         : ConfigNode::scalar(fs::path(path).stem().string(), Origin{path}));
    tree.set("hardware", files.hardware.empty()
                             ? load_section(*hardware, "hardware", base_dir)
                             : load_replacement(files.hardware, "hardware", "--hardware"));
    if (files.workloads.size() > kMaxWorkloads)
        throw ConfigError(Origin{"--workload"}, "workload",
                          std::to_string(files.workloads.size()) + " workloads (at most " +
                              std::to_string(kMaxWorkloads) + ")");
    if (files.workloads.size() == 1) {
        tree.set("workload", load_replacement(files.workloads.front(), "workload", "--workload"));
    } else if (!files.workloads.empty()) {
        ConfigNode list = ConfigNode::sequence(Origin{"--workload"});
        for (const std::string& f : files.workloads)
            list.push_back(load_replacement(f, "workload", "--workload"));
        tree.set("workload", std::move(list));
    } else if (workload->is_sequence()) {
        ConfigNode list = ConfigNode::sequence(workload->origin());
        if (workload->items().size() > kMaxWorkloads)
            throw ConfigError(workload->origin(), "workload",
                              "a list of " + std::to_string(workload->items().size()) +
                                  " workloads (at most " + std::to_string(kMaxWorkloads) + ")");
        for (const ConfigNode& item : workload->items())
            list.push_back(load_section(item, "workload", base_dir));
        if (list.items().empty())
            throw ConfigError(workload->origin(), "workload", "expected at least one workload");
        tree.set("workload", std::move(list));
    } else {
        tree.set("workload", load_section(*workload, "workload", base_dir));
    }
    if (!files.mapping.empty())
        tree.set("mapping", load_replacement(files.mapping, "mapping", "--mapping"));
    else
        tree.set("mapping", mapping && !mapping->is_null()
                                ? load_section(*mapping, "mapping", base_dir)
                                : ConfigNode::map(Origin{path}));
    // Optional sections exist (possibly empty) so that --set can reach them.
    tree.set("analysis",
             analysis && !analysis->is_null() ? *analysis : ConfigNode::map(Origin{path}));
    tree.set("simulation",
             simulation && !simulation->is_null() ? *simulation : ConfigNode::map(Origin{path}));

    if (set) {
        for (const auto& [key, value] : set->node().entries()) apply_override(tree, key, value);
    }
    for (const Override& o : overrides) {
        const Origin& origin = o.origin;
        ConfigNode value;
        try {
            value = with_origin(parse_yaml_text(o.value, origin.file), origin);
        } catch (const ConfigError& e) {
            // Keep yaml-cpp's message and column, but name the key being set.
            throw ConfigError(origin, o.path,
                              "cannot parse the value '" + o.value + "' as YAML (column " +
                                  std::to_string(e.where().column) + ": " +
                                  std::string(e.what()).substr(e.where().str().size() + 2) + ")");
        }
        apply_override(tree, trim(o.path), std::move(value));
    }

    const ConfigNode& final_name = *tree.find("name");
    if (!final_name.is_scalar() || final_name.value().empty()) {
        throw ConfigError(final_name.origin(), "name", "expected a non-empty name");
    }
    // The name is the default output folder (traces/<name>).
    if (const std::string why = file_name_problem(final_name.value()); !why.empty())
        throw ConfigError(final_name.origin(), "name", why);
    ResolvedExperiment result;
    result.name = final_name.value();
    result.file = path;
    result.output = output ? *output : "traces/" + result.name;
    result.tree = std::move(tree);
    return result;
}

std::vector<const ConfigNode*> experiment_workloads(const ResolvedExperiment& e) {
    const ConfigNode* w = e.tree.find("workload");
    std::vector<const ConfigNode*> out;
    if (w && w->is_sequence())
        for (const auto& item : w->items()) out.push_back(&item);
    else if (w)
        out.push_back(w);
    return out;
}

} // namespace fusesim
