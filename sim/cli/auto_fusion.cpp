#include "sim/cli/auto_fusion.hpp"

#include "sim/cli/child_process.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/tile_cost.hpp"

#include "workloads/plan/fusion.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <algorithm>
#include <functional>
#include <map>

namespace fusesim {

namespace {

// Tokens per tile of a fused elementwise chain: every operator of the chain steps alike.
constexpr int64_t kChainTokens = 16;

bool chainable(const Operator& op) {
    return op.kind != OpKind::View && (op.type == "elementwise" || op.type == "norm");
}

// Simulates one candidate in a child process; returns its cycles, or 0 and the error (and
// whether it was a schedule that cannot progress).
uint64_t simulate_in_child(const Workload& w, const HardwareSpec& hw, const MappingSpec& m,
                           const SimOptions& options, std::string& error, bool& infeasible) {
    // Refused before forking: a candidate plan that would not fit is not tried.
    try {
        const int64_t limit =
            options.memory_limit > 0 ? options.memory_limit : memory_limit(0, 1, nullptr);
        const std::string problem = memory_problem(
            estimate_run_memory(w, m, hw, 1, options.timeline, static_cast<double>(limit)), limit,
            "", false);
        if (!problem.empty()) {
            error = problem;
            return 0;
        }
        const std::string reply = run_in_child([&] {
            const TilePlan plan = build_plan_for(w, m, hw, 1);
            try {
                return std::to_string(simulate(w, hw, plan, options).cycles);
            } catch (const ScheduleError& e) {
                return std::string("infeasible ") + e.what();
            }
        });
        if (reply.rfind("infeasible ", 0) == 0) {
            infeasible = true;
            error = reply.substr(11);
            return 0;
        }
        return std::stoull(reply);
    } catch (const std::exception& e) {
        error = e.what();
        return 0;
    }
}

} // namespace

std::vector<FusionGroupSpec> elementwise_chains(const Workload& w,
                                                const std::vector<std::string>& taken) {
    const int n = static_cast<int>(w.ops.size());
    std::vector<int> parent(n);
    for (int i = 0; i < n; ++i) parent[i] = i;
    std::function<int(int)> find = [&](int x) {
        return parent[x] == x ? x : parent[x] = find(parent[x]);
    };
    auto free_op = [&](int o) {
        return w.ops[o].kind != OpKind::View &&
               std::find(taken.begin(), taken.end(), w.ops[o].name) == taken.end();
    };
    // Non-view operators reading tensor `t`, looking through views.
    std::function<void(int, std::vector<int>&)> readers = [&](int t, std::vector<int>& out) {
        for (int c : w.consumers[t]) {
            if (w.ops[c].kind == OpKind::View)
                readers(w.ops[c].output.tensor, out);
            else if (std::find(out.begin(), out.end(), c) == out.end())
                out.push_back(c);
        }
    };
    // An elementwise consumer joins its producer when it is that producer's only reader: the
    // intermediate then never needs DRAM, and no group can close a cycle around another.
    for (int o = 0; o < n; ++o) {
        if (!free_op(o) || !chainable(w.ops[o])) continue;
        for (const auto& in : w.ops[o].inputs) {
            if (in.carried) continue;
            std::vector<int> ps;
            w.producers_through_views(in.tensor, ps);
            for (int p : ps) {
                if (!free_op(p) || w.ops[p].sequential_dim >= 0 || !chainable(w.ops[p])) continue;
                std::vector<int> rs;
                readers(w.ops[p].output.tensor, rs);
                if (rs.size() == 1) parent[find(p)] = find(o);
            }
        }
    }
    std::map<int, FusionGroupSpec> groups;
    for (int o : w.topo_order)
        if (free_op(o)) groups[find(o)].ops.push_back(w.ops[o].name);
    std::vector<FusionGroupSpec> out;
    for (int o : w.topo_order) { // in topological order of their first operator
        auto it = groups.find(find(o));
        if (it == groups.end() || it->second.ops.size() < 2 ||
            it->second.ops.front() != w.ops[o].name)
            continue;
        it->second.on_chip = true;
        out.push_back(it->second);
    }
    return out;
}

std::vector<int64_t> cascade_tiles(const Workload& w, int64_t own) {
    int64_t L = 1;
    for (const auto& op : w.ops)
        if (const int l = op.dim_index("l"); l >= 0) L = std::max(L, op.dims[l].size);
    std::vector<int64_t> out;
    // Shorter tiles multiply the weight re-reads (at L = 2048 Lt = 32 is 3.6× slower than 128)
    // and the tiles to simulate; longer ones no longer keep a tile's intermediates on chip.
    for (int64_t lt = 64; lt <= 512; lt *= 2) out.push_back(std::min(lt, L));
    out.push_back(std::min(own, L));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

namespace {

SimOptions one_layer(const SimOptions& options) {
    SimOptions o = options;
    o.layers = 1;
    o.timeline = false;
    o.vcd_path.clear();
    o.lifetime_group.clear();
    return o;
}

// Best first; a candidate that failed goes last; ties keep the simpler (earlier) one.
void rank(std::vector<FusionCandidate>& cands) {
    std::stable_sort(cands.begin(), cands.end(),
                     [](const FusionCandidate& a, const FusionCandidate& b) {
                         if ((a.cycles == 0) != (b.cycles == 0)) return a.cycles != 0;
                         return a.cycles < b.cycles;
                     });
}

} // namespace

std::vector<FusionCandidate> search_allocation(const Workload& w, const HardwareSpec& hw,
                                               const MappingSpec& base, const SimOptions& options) {
    std::vector<FusionCandidate> cands;
    auto add = [&](const std::string& name, const std::string& kind, const std::string& dim) {
        MappingSpec m = base;
        m.allocation = kind;
        m.allocation_dim = dim;
        cands.push_back({name, m, 0, ""});
    };
    add("round-robin", "round-robin", "");
    for (const char* dim : {"d", "j"}) {
        bool found = false;
        for (const auto& op : w.ops) found = found || op.dim_index(dim) >= 0;
        if (!found) continue;
        add(std::string("split: ") + dim, "split", dim);
        break;
    }
    add("pipeline", "pipeline", "");
    const SimOptions o = one_layer(options);
    for (auto& c : cands) c.cycles = simulate_in_child(w, hw, c.mapping, o, c.error, c.infeasible);
    rank(cands);
    return cands;
}

std::vector<FusionCandidate> search_fusion(const Workload& w, const HardwareSpec& hw,
                                           const MappingSpec& base_in, const SimOptions& options) {
    // With allocation: auto too, the fusion is chosen under round-robin (then the allocation).
    MappingSpec base = base_in;
    if (base.allocation == "auto") base.allocation = "round-robin";
    std::vector<FusionCandidate> cands;
    auto add = [&](const std::string& name, MappingSpec m) {
        m.fusion = name;
        cands.push_back({name, m, 0, ""});
    };
    const std::vector<std::string> presets = fusion_presets_for(w);
    const int64_t sram = hw.core.sram_bytes - w.resident_sram_per_core;
    for (const auto& p : presets) {
        if (p == "cascade") {
            // The whole layer at every sequence tile of the ladder up to the sequence (a decode
            // step: its one token), and at the mapping's own.
            for (int64_t lt : cascade_tiles(w, base.sequence_tile)) {
                MappingSpec m = base;
                m.sequence_tile = lt;
                const FusionChoice c = apply_fusion_preset(p, w, m, sram);
                m.split_d = c.split_d;
                m.fuse_all_bytes = c.fuse_all_bytes;
                m.fusion_note = c.note;
                add("cascade, sequence tile " + std::to_string(lt), m);
            }
            continue;
        }
        MappingSpec m = base;
        if (p != "unfused") {
            const FusionChoice c = apply_fusion_preset(p, w, m, sram);
            m.split_d = c.split_d;
            m.fuse_all_bytes = c.fuse_all_bytes;
            m.fusion_note = c.note;
        }
        add(p, m);
        std::vector<std::string> taken;
        for (const auto& g : m.groups) taken.insert(taken.end(), g.ops.begin(), g.ops.end());
        const auto chains = elementwise_chains(w, taken);
        if (chains.empty()) continue;
        MappingSpec ext = m;
        ext.groups.insert(ext.groups.end(), chains.begin(), chains.end());
        // A chain advances token by token, so that each intermediate is consumed right away.
        for (const auto& g : chains)
            for (const auto& op : g.ops)
                if (w.ops[w.op_index(op)].dim_index("l") >= 0) {
                    TilingRule& r = ext.per_op[op];
                    r.tile["l"] = kChainTokens;
                    r.fixed = false; // the rest still fits automatically
                }
        add(p + " + elementwise chains", ext);
    }
    const SimOptions o = one_layer(options);
    for (auto& c : cands) c.cycles = simulate_in_child(w, hw, c.mapping, o, c.error, c.infeasible);
    rank(cands);
    return cands;
}

} // namespace fusesim
