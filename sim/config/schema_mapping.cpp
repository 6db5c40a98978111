// The mapping and simulation sections of an experiment.
#include "sim/config/schema.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/config/params_read.hpp"
#include "sim/config/params_run.hpp"
#include "workloads/plan/fusion.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

namespace fusesim {

namespace {

void read_rule(Reader& r, const std::string& key, const std::vector<std::string>& dims,
               TilingRule& rule) {
    Reader rr = r.sub(key);
    for (const auto& [dim, value] : rr.node().entries()) {
        if (!dims.empty() && std::find(dims.begin(), dims.end(), dim) == dims.end()) {
            std::string list;
            for (const auto& d : dims) list += (list.empty() ? "" : ", ") + d;
            throw ConfigError(value.origin(), rr.key_path(dim),
                              "no such dimension here (dimensions: " + list + ")");
        }
        if (value.is_map()) {
            Reader v = rr.sub(dim);
            if (auto n = v.opt_integer("split", 1, int64_t{1} << 30))
                rule.split[dim] = *n;
            else if (auto e = v.opt_integer("tile", 1, int64_t{1} << 40))
                rule.tile[dim] = *e;
            else
                v.fail("", "expected 'tile: N' or 'split: N'");
            v.finish();
        } else {
            rule.tile[dim] = rr.integer(dim, 1, int64_t{1} << 40);
        }
    }
    rr.finish();
}

std::vector<std::string> op_dims(const Operator& op) {
    std::vector<std::string> d;
    for (const auto& x : op.dims) d.push_back(x.name);
    return d;
}

int op_or_fail(const Workload& w, const ConfigNode& node, const std::string& key) {
    const int o = node.is_scalar() ? w.op_index(node.value()) : -1;
    if (o < 0 || w.ops[o].kind == OpKind::View) {
        std::string list;
        for (const auto& op : w.ops)
            if (op.kind != OpKind::View) list += (list.empty() ? "" : ", ") + op.name;
        throw ConfigError(node.origin(), key,
                          "unknown operator '" + (node.is_scalar() ? node.value() : "?") +
                              "' (operators: " + list + ")");
    }
    return o;
}

// mapping.allocation: round-robin, pipeline, auto, or {split: dim}.
void read_allocation(const ConfigNode& a, const Workload& w, MappingSpec& m) {
    const std::string key = "mapping.allocation";
    if (a.is_scalar()) {
        const std::string& v = a.value();
        if (v != "round-robin" && v != "pipeline" && v != "auto")
            throw ConfigError(a.origin(), key,
                              "expected round-robin, pipeline, auto or {split: <dim>}, got '" + v +
                                  "'");
        m.allocation = v;
        return;
    }
    if (!a.is_map())
        throw ConfigError(a.origin(), key,
                          "expected round-robin, pipeline, auto or {split: <dim>}");
    Reader ar(a, key);
    const std::string dim = ar.str("split");
    bool found = false;
    for (const auto& op : w.ops) found = found || op.dim_index(dim) >= 0;
    if (!found) ar.fail("split", "no operator has a dimension '" + dim + "'");
    ar.finish();
    m.allocation = "split";
    m.allocation_dim = dim;
}

} // namespace

MappingSpec read_mapping(const ConfigNode& node, const Workload& w, int64_t sram_bytes) {
    Reader r(node, "mapping");
    MappingSpec m;
    m.name = r.opt_str("name").value_or(default_string(run_param::map_name));
    r.opt_str("description");
    bool auto_tiles = run_param::tiling_auto.default_value != 0;
    if (auto t = r.opt_sub("tiling")) {
        auto_tiles = read_bool_or_default(*t, run_param::tiling_auto);
        std::vector<std::string> all;
        for (const auto& op : w.ops)
            for (const auto& d : op.dims)
                if (std::find(all.begin(), all.end(), d.name) == all.end()) all.push_back(d.name);
        if (t->has("default")) read_rule(*t, "default", all, m.default_rule);
        if (auto ops = t->opt_sub("ops")) {
            for (const auto& [name, value] : ops->node().entries()) {
                const int o =
                    op_or_fail(w, ConfigNode::scalar(name, value.origin()), ops->key_path(name));
                read_rule(*ops, name, op_dims(w.ops[o]), m.per_op[name]);
            }
            ops->finish();
        }
        t->finish();
    }
    m.sequence_tile = read_int_or_default(r, run_param::sequence_tile); // before the preset
    if (const ConfigNode* f = r.opt_raw("fusion")) {
        if (f->is_scalar() && f->value() == "auto") {
            m.fusion = "auto"; // chosen by search_fusion once the hardware is known
        } else if (f->is_scalar()) {
            if (!is_fusion_preset(f->value())) {
                std::string names;
                for (const auto& n : fusion_preset_names())
                    names += (names.empty() ? "" : ", ") + n;
                throw ConfigError(f->origin(), "mapping.fusion",
                                  "expected a preset (" + names +
                                      ", auto) or a list of groups, got '" + f->value() + "'");
            }
            try {
                const FusionChoice c = apply_fusion_preset(f->value(), w, m, sram_bytes);
                m.fusion = c.preset;
                m.fusion_note = c.note;
                m.split_d = c.split_d;
                m.fuse_all_bytes = c.fuse_all_bytes;
            } catch (const std::invalid_argument& e) {
                throw ConfigError(f->origin(), "mapping.fusion", e.what());
            }
        } else if (f->is_sequence()) {
            m.fusion = "custom groups";
            std::set<std::string> grouped; // an operator in two groups: found before any checks
            for (size_t i = 0; i < f->items().size(); ++i) {
                const ConfigNode& g = f->items()[i];
                const std::string key = "mapping.fusion[" + std::to_string(i) + "]";
                FusionGroupSpec spec;
                const ConfigNode* list = &g;
                std::optional<Reader> gr;
                if (g.is_map()) {
                    gr.emplace(g, key);
                    list = &gr->raw("ops");
                    spec.on_chip = read_bool_or_default(*gr, run_param::on_chip);
                }
                if (!list->is_sequence() || list->items().empty())
                    throw ConfigError(list->origin(), key,
                                      "expected a list of operator names (or {ops: [...], on_chip: "
                                      "true})");
                for (const auto& item : list->items()) {
                    const std::string& name = w.ops[op_or_fail(w, item, key)].name;
                    if (!grouped.insert(name).second)
                        throw ConfigError(item.origin(), key,
                                          "operator '" + name + "' is in two fusion groups");
                    spec.ops.push_back(name);
                }
                if (gr) gr->finish();
                try {
                    check_fusable(w, spec);
                    check_in_place(w, spec);
                } catch (const std::invalid_argument& e) {
                    throw ConfigError(g.origin(), key, e.what());
                }
                m.groups.push_back(spec);
            }
        } else {
            throw ConfigError(f->origin(), "mapping.fusion",
                              "expected 'unfused' or a list of groups");
        }
    }
    if (auto sp = r.opt_sub("spatial")) {
        for (const auto& [name, value] : sp->node().entries()) {
            const int o =
                op_or_fail(w, ConfigNode::scalar(name, value.origin()), sp->key_path(name));
            Reader s = sp->sub(name);
            const auto dims = op_dims(w.ops[o]);
            auto dim = [&](const char* k) {
                const std::string d = s.str(k);
                if (d != "none" && std::find(dims.begin(), dims.end(), d) == dims.end())
                    s.fail(k, "operator '" + name + "' has no dimension '" + d + "'");
                return d == "none" ? std::string() : d;
            };
            m.spatial[name] = {dim("rows"), dim("cols")};
            s.finish();
        }
        sp->finish();
    }
    if (const ConfigNode* a = r.opt_raw("allocation")) read_allocation(*a, w, m);
    m.step_tokens = read_int_or_default(r, run_param::step_tokens);
    r.finish();
    if (auto_tiles) m.fit_bytes = sram_bytes * 2 / 5; // a tile and the next one's inputs fit
    return m;
}

SimulationSpec read_simulation(const ConfigNode* node) {
    namespace P = run_param;
    SimulationSpec s;
    if (!node) return s;
    Reader r(*node, "simulation");
    s.all_layers = read_choice_or_default(r, P::layers) == "all";
    s.prefetch = static_cast<int>(read_int_or_default(r, P::prefetch));
    s.cache_weights = read_bool_or_default(r, P::cache_weights);
    s.stream_operands = read_bool_or_default(r, P::stream_operands);
    if (auto l = r.opt_sub("lifetimes")) {
        s.lifetime_group = l->str(P::lifetime_group.leaf());
        s.lifetime_step = read_int_or_default(*l, P::lifetime_step);
        l->finish();
    }
    s.vcd = read_bool_or_default(r, P::vcd);
    if (r.has("vcd_limit")) s.vcd_limit = read_bytes(r, P::vcd_limit);
    s.timeline = read_bool_or_default(r, P::timeline);
    if (r.has("trace_budget")) s.trace_budget = read_bytes(r, P::trace_budget);
    s.fst = read_bool_or_default(r, P::fst);
    r.finish();
    return s;
}

} // namespace fusesim
