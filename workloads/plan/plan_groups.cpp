#include "workloads/plan/fusion.hpp"
#include "workloads/plan/plan_builder.hpp"

#include <algorithm>
#include <queue>
#include <set>
#include <stdexcept>

namespace fusesim {

void PlanBuilder::make_groups() {
    plan.group_of_op.assign(w.ops.size(), -1);
    for (const auto& g : m.groups) {
        GroupInfo info;
        info.on_chip = g.on_chip;
        for (const auto& name : g.ops) {
            const int o = w.op_index(name);
            if (o < 0)
                throw std::invalid_argument("fusion group names unknown operator '" + name + "'");
            if (plan.group_of_op[o] >= 0)
                throw std::invalid_argument("operator '" + name + "' is in two fusion groups");
            plan.group_of_op[o] = static_cast<int>(plan.groups.size());
            info.ops.push_back(o);
            info.name += (info.name.empty() ? "" : "+") + name;
        }
        plan.groups.push_back(info);
        try {
            check_in_place(w, g);
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("fusion group " + info.name + ": " + e.what());
        }
    }
    // An in-place set in no group stays together: in the recurrence if one of its operators is
    // part of it, else in a group of its own that spills all but the in-place tensor.
    const auto sets = in_place_sets(w);
    std::vector<char> recurrent(w.ops.size(), 0);
    for (size_t o = 0; o < w.ops.size(); ++o) recurrent[o] = w.ops[o].sequential_dim >= 0;
    for (const auto& set : sets) {
        bool any = false;
        for (int o : set.ops) any = any || recurrent[o];
        for (int o : set.ops) recurrent[o] = recurrent[o] || any;
    }
    // Operators of the token recurrence interleave per token even when unfused: one group per
    // recurrence, i.e. per connected set of recurrent operators (one per layer of a built-in
    // model; a hybrid's period holds one per Mamba layer).
    std::vector<int> root(w.ops.size());
    for (size_t o = 0; o < w.ops.size(); ++o) root[o] = static_cast<int>(o);
    auto find = [&](int x) {
        while (root[x] != x) x = root[x] = root[root[x]];
        return x;
    };
    for (size_t o = 0; o < w.ops.size(); ++o) {
        if (!recurrent[o] || plan.group_of_op[o] >= 0) continue;
        for (const auto& in : w.ops[o].inputs) {
            std::vector<int> ps;
            w.producers_through_views(in.tensor, ps);
            for (int p : ps)
                if (recurrent[p] && plan.group_of_op[p] < 0)
                    root[find(p)] = find(static_cast<int>(o));
        }
    }
    std::vector<int> rec_of(w.ops.size(), -1); // a recurrence's group, by its root operator
    for (int o : w.topo_order)
        if (recurrent[o] && plan.group_of_op[o] < 0) {
            int& g = rec_of[find(o)];
            if (g < 0) {
                g = static_cast<int>(plan.groups.size());
                plan.groups.push_back({"recurrence", {}, false});
            }
            GroupInfo& rec = plan.groups[g];
            plan.group_of_op[o] = g;
            rec.ops.push_back(o);
            rec.name += (rec.ops.size() == 1 ? ":" : "+") + w.ops[o].name;
        }
    for (const auto& set : sets) {
        // Sets sharing an operator join the group the first of them got.
        int g = -1;
        for (int o : set.ops)
            if (g < 0) g = plan.group_of_op[o];
        if (g < 0) {
            g = static_cast<int>(plan.groups.size());
            plan.groups.push_back({"in-place", {}, false});
        }
        for (int o : set.ops)
            if (plan.group_of_op[o] < 0) {
                GroupInfo& info = plan.groups[g];
                plan.group_of_op[o] = g;
                info.ops.push_back(o);
                info.name += (info.name == "in-place" ? ":" : "+") + w.ops[o].name;
            }
    }
    for (int o : w.topo_order) {
        if (plan.group_of_op[o] >= 0 || w.ops[o].kind == OpKind::View) continue;
        plan.group_of_op[o] = static_cast<int>(plan.groups.size());
        plan.groups.push_back({w.ops[o].name, {o}, false});
    }
    for (auto& g : plan.groups)
        std::sort(g.ops.begin(), g.ops.end(),
                  [&](int a, int b) { return op_rank[a] < op_rank[b]; });
    // Execution order: a topological order of the groups (a group runs after every group
    // that feeds it), earliest first operator first among those ready.
    const size_t n = plan.groups.size();
    std::vector<std::set<int>> feeds(n);
    std::vector<int> needs(n, 0);
    for (size_t o = 0; o < w.ops.size(); ++o) {
        const int g = plan.group_of_op[o];
        if (g < 0) continue;
        for (const auto& in : w.ops[o].inputs) {
            if (in.carried) continue;
            std::vector<int> ps;
            w.producers_through_views(in.tensor, ps);
            for (int p : ps) {
                const int pg = plan.group_of_op[p];
                if (pg >= 0 && pg != g && feeds[pg].insert(g).second) ++needs[g];
            }
        }
    }
    auto later = [&](int a, int b) {
        return op_rank[plan.groups[a].ops.front()] > op_rank[plan.groups[b].ops.front()];
    };
    std::priority_queue<int, std::vector<int>, decltype(later)> ready(later);
    for (size_t g = 0; g < n; ++g)
        if (needs[g] == 0) ready.push(static_cast<int>(g));
    std::vector<int> order;
    while (!ready.empty()) {
        const int g = ready.top();
        ready.pop();
        order.push_back(g);
        for (int h : feeds[g])
            if (--needs[h] == 0) ready.push(h);
    }
    if (order.size() != n) {
        std::string names;
        for (size_t g = 0; g < n; ++g)
            if (needs[g] > 0) names += (names.empty() ? "" : ", ") + plan.groups[g].name;
        throw std::invalid_argument("fusion groups depend on each other in a cycle (" + names +
                                    "): an operator outside a group sits between two of its "
                                    "operators");
    }
    std::vector<GroupInfo> sorted;
    for (int g : order) sorted.push_back(plan.groups[g]);
    plan.groups = sorted;
    for (size_t g = 0; g < plan.groups.size(); ++g)
        for (int o : plan.groups[g].ops) plan.group_of_op[o] = static_cast<int>(g);
}

void PlanBuilder::name_sequential() {
    for (const auto& g : plan.groups) {
        std::string name;
        for (int o : g.ops)
            if (w.ops[o].sequential_dim >= 0) name = w.ops[o].dims[w.ops[o].sequential_dim].name;
        sequential_name.push_back(name);
    }
}
} // namespace fusesim
