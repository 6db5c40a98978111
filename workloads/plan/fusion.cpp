#include "workloads/plan/fusion.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <numeric>
#include <stdexcept>

namespace fusesim {

namespace {

const std::vector<std::string> kA = {"mul_delta_A", "exp"};
const std::vector<std::string> kB = {"mul_delta_B", "mul_dBx"};
const std::vector<std::string> kSsm = {"ssm_decay", "ssm_add", "ssm_out"};

std::vector<std::string> join(std::initializer_list<std::vector<std::string>> parts) {
    std::vector<std::string> out;
    for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// The groups of each preset (Table 2 of the paper; REFERENCE.md §1).
std::vector<std::vector<std::string>> preset_groups(const std::string& name) {
    if (name == "unfused") return {};
    if (name == "a") return {kA};
    if (name == "b") return {kB};
    if (name == "a-b") return {kA, kB};
    if (name == "as") return {join({kA, kSsm})};
    if (name == "bs") return {join({kB, kSsm})};
    if (name == "as-b") return {join({kA, kSsm}), kB};
    if (name == "bs-a") return {join({kB, kSsm}), kA};
    if (name == "fuse-all" || name == "mem-aware") return {join({kA, kB, kSsm})};
    if (name == "cascade") return {}; // fusion_cascade.cpp
    throw std::invalid_argument("unknown fusion preset '" + name + "'");
}

int64_t dim_size(const Workload& w, const std::string& op, const std::string& dim) {
    const Operator& o = w.ops[w.op_index(op)];
    return o.dims[o.dim_index(dim)].size;
}

} // namespace

const std::vector<std::string>& fusion_preset_names() {
    static const std::vector<std::string> names = {
        "unfused", "a", "b", "a-b", "as", "bs", "as-b", "bs-a", "fuse-all", "mem-aware", "cascade"};
    return names;
}

std::vector<std::string> fusion_presets_for(const Workload& w) {
    if (w.model == "mamba2") return {"unfused", "fuse-all", "mem-aware", "cascade"};
    if (w.model == "hybrid") return hybrid_presets_for(w);
    for (const auto& g : join({kA, kB, kSsm}))
        if (w.op_index(g) < 0) return {"unfused"};
    return fusion_preset_names();
}

bool is_fusion_preset(const std::string& name) {
    const auto& n = fusion_preset_names();
    return std::find(n.begin(), n.end(), name) != n.end();
}

int64_t fuse_all_bytes(int64_t d_inner, int64_t d_state, int64_t bytes_per_element) {
    return (5 * d_inner * d_state + d_inner + d_state) * bytes_per_element;
}

int64_t mem_aware_split(int64_t d_inner, int64_t d_state, int64_t bytes_per_element,
                        int64_t sram_bytes) {
    for (int64_t s = 1; s <= d_inner; ++s)
        if (d_inner % s == 0 &&
            fuse_all_bytes(d_inner / s, d_state, bytes_per_element) <= sram_bytes)
            return s;
    return d_inner; // one channel per tile: the smallest step there is
}

FusionChoice apply_fusion_preset(const std::string& name, const Workload& w, MappingSpec& m,
                                 int64_t sram_bytes) {
    FusionChoice c;
    c.preset = name;
    if (w.model == "hybrid") return apply_hybrid_preset(name, w, m, sram_bytes);
    if (name == "unfused") return c; // any workload
    for (const auto& g : join({kA, kB, kSsm}))
        if (w.model != "mamba2" && w.op_index(g) < 0)
            throw std::invalid_argument(
                "fusion preset '" + name + "' applies to Mamba-1 blocks" +
                (name == "cascade" || name == "fuse-all" || name == "mem-aware"
                     ? std::string(" and Mamba-2 blocks")
                     : std::string()) +
                "; this workload has no operator '" + g + "'");
    if (name == "cascade") return apply_cascade_preset(w, m, sram_bytes);
    if (w.model == "mamba2") return apply_ssd_preset(name, w, m, sram_bytes);
    const auto groups = preset_groups(name);
    for (const auto& g : join({kA, kB, kSsm}))
        if (w.op_index(g) < 0)
            throw std::invalid_argument("fusion preset '" + name +
                                        "' applies to Mamba-1 blocks; this workload has no "
                                        "operator '" +
                                        g + "'");
    const int64_t D = dim_size(w, "ssm_out", "d"), N = dim_size(w, "ssm_out", "n");
    c.fuse_all_bytes = fuse_all_bytes(D, N, w.precision.bytes);
    if (name == "mem-aware") c.split_d = mem_aware_split(D, N, w.precision.bytes, sram_bytes);
    for (const auto& g : groups) {
        FusionGroupSpec spec;
        spec.ops = g;
        spec.on_chip = true;
        m.groups.push_back(spec);
        // The scheme tiles its fused operators into 1-token steps over all of d (Mem-Aware: d in
        // S_D parts), whatever the mapping says for them unfused.
        for (const auto& op : g) {
            TilingRule& r = m.per_op[op];
            r = {};
            r.tile["l"] = 1;
            if (c.split_d > 1) {
                // Each slice of d runs all its tokens before the next: the state of one slice
                // is live at a time, which is what makes the split save memory.
                r.split["d"] = c.split_d;
                r.order = {"d"};
            }
        }
    }
    if (name == "mem-aware")
        c.note = "S_D = " + std::to_string(c.split_d) + " (D = " + std::to_string(D) +
                 " in tiles of " + std::to_string(D / c.split_d) + "): one step needs " +
                 std::to_string(fuse_all_bytes(D / c.split_d, N, w.precision.bytes)) + " of " +
                 std::to_string(sram_bytes) + " bytes of SRAM";
    return c;
}

std::vector<InPlaceSet> in_place_sets(const Workload& w) {
    auto has = [](const std::vector<int>& v, int o) {
        return std::find(v.begin(), v.end(), o) != v.end();
    };
    std::vector<InPlaceSet> sets;
    for (size_t t = 0; t < w.tensors.size(); ++t) {
        if (!w.tensors[t].in_place) continue;
        InPlaceSet set;
        set.tensor = static_cast<int>(t);
        for (int o : w.topo_order)
            if (w.ops[o].kind != OpKind::View && (has(w.producers[t], o) || has(w.consumers[t], o)))
                set.ops.push_back(o);
        sets.push_back(set);
    }
    return sets;
}

void check_in_place(const Workload& w, const FusionGroupSpec& group) {
    for (const auto& set : in_place_sets(w)) {
        std::string inside, outside;
        for (int o : set.ops) {
            const std::string& name = w.ops[o].name;
            const bool in = std::find(group.ops.begin(), group.ops.end(), name) != group.ops.end();
            std::string& list = in ? inside : outside;
            list += (list.empty() ? "" : ", ") + name;
        }
        if (inside.empty() || outside.empty()) continue;
        throw std::invalid_argument(
            "the group holds " + inside + " but not " + outside + ": '" +
            w.tensors[set.tensor].name +
            "' is updated in place and never leaves the chip, so the operators writing and "
            "reading it share one group; add " +
            outside + " to this group" +
            (w.model == "mamba1" ? " (or set the workload's state_update: split)" : ""));
    }
}

void check_fusable(const Workload& w, const FusionGroupSpec& group) {
    std::vector<int> ops;
    for (const auto& n : group.ops) ops.push_back(w.op_index(n));
    std::map<int, int> parent;
    for (int o : ops) parent[o] = o;
    std::function<int(int)> find = [&](int x) {
        return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    for (int o : ops)
        for (const auto& in : w.ops[o].inputs) {
            std::vector<int> ps;
            w.producers_through_views(in.tensor, ps);
            for (int p : ps)
                if (parent.count(p)) parent[find(p)] = find(o);
        }
    std::map<int, std::vector<std::string>> parts;
    for (int o : ops) parts[find(o)].push_back(w.ops[o].name);
    if (parts.size() <= 1) return;
    std::string text;
    for (const auto& [root, names] : parts) {
        std::string s;
        for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
        text += (text.empty() ? "" : " | ") + s;
    }
    throw std::invalid_argument("these operators cannot be fused into one group: no producer-"
                                "consumer path joins them (" +
                                text + ")");
}

} // namespace fusesim
