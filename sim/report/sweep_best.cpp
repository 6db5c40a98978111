// The best point of each group of a sweep's results, against a baseline point.
#include "sim/report/sweep_plot.hpp"

#include "sim/config/config_tree.hpp"
#include "sim/report/table.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace fusesim {

std::string write_best_tables(const SweepSpec& spec, const std::string& results_csv,
                              const OutputDir& out) {
    if (spec.best.empty()) return "";
    const auto table = read_csv_file(results_csv);
    if (table.size() < 2) return "";
    const auto& head = table.front();
    auto col = [&](const std::string& name) {
        auto it = std::find(head.begin(), head.end(), name);
        if (it == head.end()) throw ConfigError("best: no column '" + name + "' in the results");
        return static_cast<int>(it - head.begin());
    };
    const int status = col("status");
    std::string text;
    std::vector<std::string> axis_names;
    for (const auto& a : spec.axes) axis_names.push_back(a.key);
    Table csv([&] {
        std::vector<std::string> h = {"table"};
        h.insert(h.end(), axis_names.begin(), axis_names.end());
        for (const char* c : {"value", "baseline_value", "speedup"}) h.push_back(c);
        return h;
    }());
    for (size_t b = 0; b < spec.best.size(); ++b) {
        const BestSpec& bs = spec.best[b];
        const int vc = col(bs.minimize);
        std::vector<int> gc;
        for (const auto& g : bs.group_by) gc.push_back(col(g));
        // Best row per group, in order of first appearance.
        std::vector<std::vector<std::string>> keys;
        std::vector<size_t> best_row;
        for (size_t i = 1; i < table.size(); ++i) {
            const auto& r = table[i];
            if (r.size() != head.size() || r[status] != "ok") continue;
            std::vector<std::string> key;
            for (int c : gc) key.push_back(r[c]);
            auto it = std::find(keys.begin(), keys.end(), key);
            if (it == keys.end()) {
                keys.push_back(key);
                best_row.push_back(i);
            } else {
                size_t& cur = best_row[it - keys.begin()];
                if (std::strtod(r[vc].c_str(), nullptr) <
                    std::strtod(table[cur][vc].c_str(), nullptr))
                    cur = i;
            }
        }
        Table t([&] {
            std::vector<std::string> h = bs.group_by;
            for (const auto& a : axis_names)
                if (std::find(bs.group_by.begin(), bs.group_by.end(), a) == bs.group_by.end())
                    h.push_back("best " + a);
            h.push_back(bs.minimize);
            if (!bs.baseline.empty()) {
                h.push_back("baseline");
                h.push_back("speedup");
            }
            return h;
        }());
        for (size_t k = 0; k < keys.size(); ++k) {
            const auto& r = table[best_row[k]];
            // The baseline: the row equal to the best one but for the baseline's values, with
            // the group keys the baseline names taken from the baseline.
            std::string base_value;
            if (!bs.baseline.empty())
                for (size_t i = 1; i < table.size() && base_value.empty(); ++i) {
                    const auto& q = table[i];
                    if (q.size() != head.size() || q[status] != "ok") continue;
                    bool match = true;
                    for (const auto& a : axis_names) {
                        const int c = col(a);
                        auto bv = std::find_if(bs.baseline.begin(), bs.baseline.end(),
                                               [&](const auto& kv) { return kv.first == a; });
                        const bool in_group = std::find(bs.group_by.begin(), bs.group_by.end(),
                                                        a) != bs.group_by.end();
                        if (bv != bs.baseline.end())
                            match = match && same_value(q[c], bv->second);
                        else if (in_group)
                            match = match && q[c] == r[c];
                    }
                    if (match) base_value = q[vc];
                }
            std::vector<std::string> cells = keys[k];
            for (const auto& a : axis_names)
                if (std::find(bs.group_by.begin(), bs.group_by.end(), a) == bs.group_by.end())
                    cells.push_back(r[col(a)]);
            cells.push_back(r[vc]);
            std::string speedup;
            if (!bs.baseline.empty()) {
                cells.push_back(base_value.empty() ? "-" : base_value);
                speedup = base_value.empty() ? "-"
                                             : fixed(std::strtod(base_value.c_str(), nullptr) /
                                                         std::strtod(r[vc].c_str(), nullptr),
                                                     3);
                cells.push_back(speedup);
            }
            t.row(cells);
            std::vector<std::string> row = {std::to_string(b)};
            for (const auto& a : axis_names) row.push_back(r[col(a)]);
            row.push_back(r[vc]);
            row.push_back(base_value);
            row.push_back(base_value.empty() ? ""
                                             : exact(std::strtod(base_value.c_str(), nullptr) /
                                                     std::strtod(r[vc].c_str(), nullptr)));
            csv.row(row);
        }
        text += "best " + bs.minimize + " per " +
                [&] {
                    std::string g;
                    for (const auto& x : bs.group_by) g += (g.empty() ? "" : ", ") + x;
                    return g;
                }() +
                "\n" + t.text() + "\n";
    }
    out.write("best.csv", csv.csv());
    out.write("best.txt", text);
    return text;
}

} // namespace fusesim
