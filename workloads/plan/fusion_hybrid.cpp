// Fusion presets of a hybrid model (workloads/models/hybrid.hpp): a preset applies to every layer
// of the period whose kind takes it (the same groups, with that layer's operator names): every
// Mamba-1 preset to the Mamba-1 layers, unfused, fuse-all, mem-aware and cascade to the Mamba-2
// layers (their SSD counterparts); attention layers stay unfused.
#include "workloads/models/hybrid.hpp"
#include "workloads/plan/fusion.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

namespace {

struct PeriodLayer {
    std::string prefix;
    std::string model; // mamba1, mamba2 or opt
};

// The layers of the period, in order, with the model each was built from.
std::vector<PeriodLayer> period_layers(const Workload& w) {
    std::vector<PeriodLayer> out;
    for (size_t i = 0;; ++i) {
        const std::string p = hybrid_prefix(i);
        bool any = false;
        std::string model = "opt";
        for (const Operator& op : w.ops) {
            if (op.name.compare(0, p.size(), p) != 0) continue;
            any = true;
            if (op.name == p + "ssm_out") model = "mamba1";
            if (op.name == p + "ssd_xdt") model = "mamba2";
        }
        if (!any) return out;
        out.push_back({p, model});
    }
}

bool takes(const std::string& model, const std::string& preset) {
    if (model == "mamba1") return true;
    if (model == "mamba2")
        return preset == "unfused" || preset == "fuse-all" || preset == "mem-aware" ||
               preset == "cascade";
    return preset == "unfused";
}

} // namespace

std::vector<std::string> hybrid_presets_for(const Workload& w) {
    const auto layers = period_layers(w);
    std::vector<std::string> out;
    for (const auto& name : fusion_preset_names())
        if (std::any_of(
                layers.begin(), layers.end(),
                [&](const PeriodLayer& l) { return l.model != "opt" && takes(l.model, name); }) ||
            name == "unfused")
            out.push_back(name);
    return out;
}

FusionChoice apply_hybrid_preset(const std::string& name, const Workload& w, MappingSpec& m,
                                 int64_t sram_bytes) {
    const auto layers = period_layers(w);
    size_t mamba1 = 0, mamba2 = 0;
    for (const auto& l : layers) {
        if (l.model == "mamba1") ++mamba1;
        if (l.model == "mamba2") ++mamba2;
    }
    // What a "layer" of the run is: reports count periods.
    const std::string unit = "a layer of this run is one period of the pattern (" +
                             std::to_string(layers.size()) + " layers: " + std::to_string(mamba1) +
                             " Mamba-1, " + std::to_string(mamba2) + " Mamba-2, " +
                             std::to_string(layers.size() - mamba1 - mamba2) + " attention)";
    FusionChoice c;
    c.preset = name;
    if (name == "unfused") {
        c.note = unit;
        return c;
    }
    size_t applied = 0;
    std::string notes;
    for (const auto& l : layers) {
        if (l.model == "opt" || !takes(l.model, name)) continue;
        MappingSpec one;
        one.sequence_tile = m.sequence_tile;
        const FusionChoice lc =
            apply_fusion_preset(name, hybrid_layer_view(w, l.prefix, l.model), one, sram_bytes);
        if (applied++ == 0) c = lc;
        for (FusionGroupSpec g : one.groups) {
            for (std::string& op : g.ops) op = l.prefix + op;
            m.groups.push_back(std::move(g));
        }
        for (const auto& [op, rule] : one.per_op) m.per_op[l.prefix + op] = rule;
        if (!lc.note.empty() && notes.find(lc.note) == std::string::npos)
            notes += (notes.empty() ? "" : "; ") + lc.note;
    }
    if (applied == 0)
        throw std::invalid_argument(
            "fusion preset '" + name +
            "' applies to Mamba layers (a Mamba-2 layer takes unfused, "
            "fuse-all, mem-aware, cascade); this hybrid's pattern has none that "
            "takes it");
    c.preset = name;
    c.note = (notes.empty() ? "" : notes + "; ") + "applied to each of the " +
             std::to_string(applied) +
             " Mamba layers of the pattern that take it, the others unfused; " + unit;
    return c;
}

} // namespace fusesim
