// Fusion presets of a hybrid model (workloads/models/hybrid.hpp): a Mamba-1 preset applies to
// every Mamba layer of the period (the same groups, with that layer's operator names); attention
// layers stay unfused.
#include "workloads/models/hybrid.hpp"
#include "workloads/plan/fusion.hpp"

#include <stdexcept>

namespace fusesim {

namespace {

// The prefixes of the period's Mamba layers (those with a state update); `layers`: the
// period's length.
std::vector<std::string> mamba_prefixes(const Workload& w, size_t* layers = nullptr) {
    std::vector<std::string> out;
    for (size_t i = 0;; ++i) {
        if (layers) *layers = i;
        const std::string p = hybrid_prefix(i);
        bool any = false, mamba = false;
        for (const Operator& op : w.ops) {
            if (op.name.compare(0, p.size(), p) != 0) continue;
            any = true;
            mamba = mamba || op.name == p + "ssm_out";
        }
        if (!any) return out;
        if (mamba) out.push_back(p);
    }
}

} // namespace

std::vector<std::string> hybrid_presets_for(const Workload& w) {
    if (mamba_prefixes(w).empty()) return {"unfused"};
    return fusion_preset_names();
}

FusionChoice apply_hybrid_preset(const std::string& name, const Workload& w, MappingSpec& m,
                                 int64_t sram_bytes) {
    size_t period = 0;
    const auto prefixes = mamba_prefixes(w, &period);
    // What a "layer" of the run is: reports count periods.
    const std::string unit = "a layer of this run is one period of the pattern (" +
                             std::to_string(period) +
                             " layers: " + std::to_string(prefixes.size()) + " Mamba, " +
                             std::to_string(period - prefixes.size()) + " attention)";
    if (name == "unfused") {
        FusionChoice c;
        c.preset = name;
        c.note = unit;
        return c;
    }
    if (prefixes.empty())
        throw std::invalid_argument("fusion preset '" + name +
                                    "' applies to Mamba layers; this hybrid's pattern has none");
    FusionChoice c;
    for (const std::string& p : prefixes) {
        MappingSpec one;
        c = apply_fusion_preset(name, hybrid_layer_view(w, p, "mamba1"), one, sram_bytes);
        for (FusionGroupSpec g : one.groups) {
            for (std::string& op : g.ops) op = p + op;
            m.groups.push_back(std::move(g));
        }
        for (const auto& [op, rule] : one.per_op) m.per_op[p + op] = rule;
    }
    if (!c.note.empty()) c.note += "; ";
    c.note += "applied to each of the " + std::to_string(prefixes.size()) +
              " Mamba layers of the pattern; attention layers unfused; " + unit;
    return c;
}

} // namespace fusesim
