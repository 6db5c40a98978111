#include "sim/config/sweep.hpp"

#include "sim/config/config_reader.hpp"
#include "sim/config/file_names.hpp"
#include "sim/config/params_read.hpp"

#include <tuple>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace fusesim {

namespace {

// A range value as results.csv shows it (%.10g).
std::string range_text(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

std::string value_text(const ConfigNode& n) {
    if (n.is_scalar()) return n.value();
    std::string y = n.to_yaml();
    while (!y.empty() && y.back() == '\n') y.pop_back();
    return y;
}

std::vector<ConfigNode> range_values(Reader& r) {
    const double from = r.real("from", -1e18, 1e18);
    const double to = r.real("to", -1e18, 1e18);
    const double step = r.real("step", 1e-12, 1e18);
    r.finish();
    if (to < from) r.fail("to", "must not be below 'from'");
    std::vector<ConfigNode> out;
    // `intervals` steps from `from` reach `to`: one value more than that. Checked as a double
    // first so that a huge count never overflows the integer.
    const double intervals = std::floor((to - from) / step + 1e-9);
    if (intervals + 1 > 100000) r.fail("step", "makes more than 100,000 values");
    const auto n = static_cast<int64_t>(intervals);
    for (int64_t i = 0; i <= n; ++i) {
        const double v = from + static_cast<double>(i) * step;
        out.push_back(ConfigNode::scalar(range_text(std::round(v * 1e9) / 1e9), r.node().origin()));
    }
    return out;
}

// The columns of this sweep's results.csv: one per axis, then the result columns. Plots and best
// tables name columns; a misspelt one is an error when the spec is read, not after the sweep ran.
struct Columns {
    std::vector<std::string> names;
    bool has(const std::string& c) const {
        return std::find(names.begin(), names.end(), c) != names.end();
    }
    std::string problem(const std::string& c) const {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        return "no column '" + c + "' in this sweep's results (columns: " + list + ")";
    }
    void check(const Reader& r, const std::string& key, const std::string& c) const {
        if (!has(c)) r.fail(key, problem(c));
    }
};

// column: value pairs (where, match, baseline), each key a column of the results.
std::vector<std::pair<std::string, std::string>> pairs(Reader& r, const Columns& columns) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, value] : r.node().entries()) {
        r.accept(key);
        columns.check(r, key, key);
        out.emplace_back(key, value_text(value));
    }
    return out;
}

} // namespace

SweepSpec read_sweep(const std::string& path) {
    return read_sweep(load_yaml_file(path), path);
}

SweepSpec read_sweep(const ConfigNode& root, const std::string& path) {
    namespace P = sweep_param;
    Reader r(root, "");
    SweepSpec s;
    s.file = path;
    s.name = r.opt_str("name").value_or(fs::path(path).stem().string());
    if (const std::string why = file_name_problem(s.name); !why.empty()) r.fail("name", why);
    r.opt_str("description");
    const fs::path base = fs::path(path).parent_path();
    s.experiment = (base / r.str("experiment")).lexically_normal().string();
    if (auto set = r.opt_sub("set")) {
        for (const auto& [key, value] : set->node().entries()) {
            set->accept(key);
            s.fixed.push_back({key, value_text(value), value.origin()});
        }
    }
    Reader axes = r.sub("axes");
    for (const auto& [key, value] : axes.node().entries()) {
        SweepAxis a;
        a.key = key;
        if (value.is_sequence()) {
            axes.accept(key);
            a.values = value.items();
        } else if (value.is_map()) {
            Reader rr = axes.sub(key);
            a.values = range_values(rr);
        } else {
            axes.accept(key);
            a.values.push_back(value);
        }
        if (a.values.empty()) axes.fail(key, "expected at least one value");
        if (key == "hardware" || key == "mapping") {
            for (const ConfigNode& v : a.values) {
                if (!v.is_scalar() || v.value().empty())
                    throw ConfigError(v.origin(), "axes." + key,
                                      "expected a file name (a " + key +
                                          " file, relative to the sweep spec)");
                a.files.push_back((base / v.value()).lexically_normal().string());
            }
        }
        s.axes.push_back(a);
    }
    if (s.axes.empty()) r.fail("axes", "expected at least one axis");
    double points = 1;
    for (const auto& ax : s.axes) points *= static_cast<double>(ax.values.size());
    if (points > 1e6) r.fail("axes", "the axes make more than 1,000,000 design points");
    s.zip = read_choice_or_default(r, P::combine) == "zip";
    if (s.zip)
        for (const auto& a : s.axes)
            if (a.values.size() != s.axes.front().values.size())
                throw ConfigError(root.find("axes")->origin(), "axes",
                                  "combine: zip needs axes of equal length ('" + a.key + "' has " +
                                      std::to_string(a.values.size()) + ", '" + s.axes.front().key +
                                      "' " + std::to_string(s.axes.front().values.size()) + ")");
    Columns columns;
    for (const auto& a : s.axes) columns.names.push_back(a.key);
    for (const auto& c : result_columns()) columns.names.push_back(c);
    if (const ConfigNode* plots = r.opt_raw("plots")) {
        if (!plots->is_sequence())
            throw ConfigError(plots->origin(), "plots", "expected a list of plots");
        for (size_t i = 0; i < plots->items().size(); ++i) {
            Reader p(plots->items()[i], "plots[" + std::to_string(i) + "]");
            PlotSpec ps;
            ps.name = p.str("name"); // becomes <name>.gp and <name>.svg
            if (const std::string why = file_name_problem(ps.name); !why.empty())
                p.fail("name", why);
            for (size_t k = 0; k < s.plots.size(); ++k)
                if (s.plots[k].name == ps.name)
                    p.fail("name", "plots[" + std::to_string(k) + "] has the same name '" +
                                       ps.name + "' (each plot writes <name>.gp and <name>.svg)");
            ps.x = p.str("x");
            columns.check(p, "x", ps.x);
            ps.y = p.str("y");
            columns.check(p, "y", ps.y);
            ps.series = p.opt_str("series").value_or("");
            if (!ps.series.empty()) columns.check(p, "series", ps.series);
            ps.style = read_choice_or_default(p, P::plot_style);
            ps.title = p.opt_str("title").value_or(ps.name);
            ps.logx = read_bool_or_default(p, P::plot_logx);
            ps.logy = read_bool_or_default(p, P::plot_logy);
            if (auto where = p.opt_sub("where")) ps.where = pairs(*where, columns);
            for (auto [axis, column, label_key, unit_key] :
                 {std::tuple{&ps.xaxis, &ps.x, "xlabel", "xunit"},
                  std::tuple{&ps.yaxis, &ps.y, "ylabel", "yunit"}}) {
                *axis = default_axis(*column);
                if (auto label = p.opt_str(label_key)) axis->text = *label;
                if (auto unit = p.opt_str(unit_key)) {
                    if (const std::string why = unit_problem(*column, *unit); !why.empty())
                        p.fail(unit_key, why);
                    axis->unit = *unit == "none" ? "" : *unit;
                }
            }
            if (const ConfigNode* marks = p.opt_raw("marks")) {
                if (!marks->is_sequence())
                    throw ConfigError(marks->origin(), p.key_path("marks"), "expected a list");
                for (size_t k = 0; k < marks->items().size(); ++k) {
                    Reader m(marks->items()[k],
                             p.key_path("marks") + "[" + std::to_string(k) + "]");
                    PlotSpec::Mark mark;
                    Reader match = m.sub("match");
                    mark.match = pairs(match, columns);
                    mark.label = m.str("label");
                    m.finish();
                    ps.marks.push_back(mark);
                }
            }
            p.finish();
            s.plots.push_back(ps);
        }
    }
    if (const ConfigNode* best = r.opt_raw("best")) {
        if (!best->is_sequence()) throw ConfigError(best->origin(), "best", "expected a list");
        for (size_t i = 0; i < best->items().size(); ++i) {
            Reader b(best->items()[i], "best[" + std::to_string(i) + "]");
            BestSpec bs;
            const ConfigNode& g = b.raw("group_by");
            if (!g.is_sequence()) b.fail("group_by", "expected a list of columns");
            for (const auto& item : g.items()) {
                bs.group_by.push_back(value_text(item));
                if (!columns.has(bs.group_by.back()))
                    throw ConfigError(item.origin(), b.key_path("group_by"),
                                      columns.problem(bs.group_by.back()));
            }
            bs.minimize = b.opt_str("minimize").value_or(default_string(P::best_minimize));
            columns.check(b, "minimize", bs.minimize);
            if (auto base = b.opt_sub("baseline")) bs.baseline = pairs(*base, columns);
            b.finish();
            s.best.push_back(bs);
        }
    }
    s.output = r.opt_str("output").value_or("traces/" + s.name);
    r.finish();
    return s;
}

size_t point_count(const SweepSpec& spec) {
    size_t total = spec.zip ? spec.axes.front().values.size() : 1;
    if (!spec.zip)
        for (const auto& a : spec.axes) total *= a.values.size();
    return total;
}

SweepPoint point_at(const SweepSpec& spec, size_t p) {
    const size_t n_axes = spec.axes.size();
    std::vector<size_t> idx(n_axes, 0);
    SweepPoint pt;
    pt.index = p;
    pt.overrides = spec.fixed;
    pt.files = spec.files;
    size_t rest = p;
    for (size_t a = n_axes; a-- > 0;) { // first axis outermost
        const size_t n = spec.axes[a].values.size();
        idx[a] = spec.zip ? p : rest % n;
        if (!spec.zip) rest /= n;
    }
    for (size_t a = 0; a < n_axes; ++a) {
        const std::string text = value_text(spec.axes[a].values[idx[a]]);
        pt.values.push_back(text);
        const SweepAxis& axis = spec.axes[a];
        if (axis.files.empty())
            pt.overrides.push_back({axis.key, text, axis.values[idx[a]].origin()});
        else if (axis.key == "hardware")
            pt.files.hardware = axis.files[idx[a]];
        else
            pt.files.mapping = axis.files[idx[a]];
    }
    return pt;
}

std::vector<SweepPoint> expand_points(const SweepSpec& spec) {
    std::vector<SweepPoint> points;
    const size_t total = point_count(spec);
    points.reserve(total);
    for (size_t p = 0; p < total; ++p) points.push_back(point_at(spec, p));
    return points;
}

const std::vector<std::string>& result_columns() {
    static const std::vector<std::string> cols = {"status",
                                                  "latency_cycles",
                                                  "latency_seconds",
                                                  "latency_per_token_seconds",
                                                  "peak_sram_bytes",
                                                  "dram_read_bytes",
                                                  "dram_write_bytes",
                                                  "utilization",
                                                  "pes",
                                                  "sram_bytes",
                                                  "dram_bytes_per_cycle",
                                                  "split_d",
                                                  "evicted_bytes",
                                                  "energy_joules",
                                                  "edp_joule_seconds",
                                                  "area_mm2",
                                                  "config_hash",
                                                  "version",
                                                  "tokens_per_second",
                                                  "decode_state",
                                                  "state_bytes"};
    return cols;
}

} // namespace fusesim
