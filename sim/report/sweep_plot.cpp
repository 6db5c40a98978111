#include "sim/report/sweep_plot.hpp"

#include "sim/config/config_tree.hpp"
#include "sim/report/table.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace fusesim {

namespace {

bool numeric(const std::string& s) {
    if (s.empty()) return false;
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end && *end == '\0';
}

int column(const std::vector<std::string>& head, const std::string& name, const PlotSpec& p) {
    auto it = std::find(head.begin(), head.end(), name);
    if (it == head.end()) {
        std::string cols;
        for (const auto& h : head) cols += (cols.empty() ? "" : ", ") + h;
        throw ConfigError("plot '" + p.name + "': no column '" + name + "' in the results (" +
                          cols + ")");
    }
    return static_cast<int>(it - head.begin());
}

// A cell shown in the axis' unit: divided by the unit's size, as a plain number or "NaN".
std::string scaled(const std::string& cell, double divisor) {
    if (!plain_number(cell)) return "NaN";
    if (divisor == 1) return cell;
    return exact(std::strtod(cell.c_str(), nullptr) / divisor);
}

} // namespace

bool same_value(const std::string& a, const std::string& b) {
    if (a == b) return true;
    if (!numeric(a) || !numeric(b)) return false;
    return std::abs(std::strtod(a.c_str(), nullptr) - std::strtod(b.c_str(), nullptr)) <=
           1e-9 * std::max(1.0, std::abs(std::strtod(a.c_str(), nullptr)));
}

void draw_sweep_plots(const SweepSpec& spec, const std::string& results_csv, const OutputDir& out) {
    const auto table = read_csv_file(results_csv);
    if (table.size() < 2) return;
    const auto& head = table.front();
    const int status = column(head, "status", {});
    for (const auto& p : spec.plots) {
        const int xc = column(head, p.x, p), yc = column(head, p.y, p);
        const int sc = p.series.empty() ? -1 : column(head, p.series, p);
        std::vector<std::pair<int, std::string>> where;
        for (const auto& [k, v] : p.where) where.emplace_back(column(head, k, p), v);
        // Series in order of first appearance; x values likewise.
        std::vector<std::string> series, xs;
        struct Label {
            std::string x, y, text;
        };
        std::vector<Label> labels;
        std::map<std::pair<std::string, std::string>, std::string> y;
        for (size_t i = 1; i < table.size(); ++i) {
            const auto& r = table[i];
            if (r.size() != head.size() || r[status] != "ok") continue;
            if (std::any_of(where.begin(), where.end(),
                            [&](const auto& kv) { return !same_value(r[kv.first], kv.second); }))
                continue;
            for (const auto& m : p.marks) {
                bool hit = true;
                for (const auto& [k, v] : m.match)
                    hit = hit && same_value(r[column(head, k, p)], v);
                if (hit) labels.push_back({r[xc], r[yc], m.label});
            }
            const std::string s = sc >= 0 ? r[sc] : p.y;
            if (std::find(series.begin(), series.end(), s) == series.end()) series.push_back(s);
            if (std::find(xs.begin(), xs.end(), r[xc]) == xs.end()) xs.push_back(r[xc]);
            y[{s, r[xc]}] = r[yc];
        }
        if (xs.empty()) continue;
        // Cells enter the script only as plain numbers (gnuplot_number) or as gnuplot_string
        // labels.
        const bool numeric_x = std::all_of(xs.begin(), xs.end(), plain_number) && p.style != "bars";
        const double xdiv = unit_divisor(p.x, p.xaxis.unit), ydiv = unit_divisor(p.y, p.yaxis.unit);
        auto xtext = [&](const std::string& x) { return plain_number(x) ? scaled(x, xdiv) : x; };
        const std::string series_name = p.series.empty() ? "" : default_axis(p.series).text;
        std::string g = "set terminal svg size 1000,560 dynamic noenhanced font 'sans,13' "
                        "background 'white'\nset output " +
                        gnuplot_string(p.name + ".svg") + "\nset title " + gnuplot_string(p.title) +
                        "\nset xlabel " + gnuplot_string(axis_text(p.xaxis)) + "\nset ylabel " +
                        gnuplot_string(axis_text(p.yaxis)) + "\nset grid\nset key outside right\n";
        if (p.logy) g += "set logscale y\n";
        if (p.logx && numeric_x) g += "set logscale x\n";
        std::string plot = "plot ";
        if (p.style == "bars") {
            g += "set style data histograms\nset style histogram clustered gap 1\n"
                 "set style fill solid 0.8 border -1\nset xtics (";
            for (size_t i = 0; i < xs.size(); ++i)
                g += (i ? ", " : "") + gnuplot_string(xtext(xs[i])) + " " + std::to_string(i);
            g += ") rotate by -30\n$D << EOD\n";
            for (size_t i = 0; i < xs.size(); ++i) {
                g += std::to_string(i);
                for (const auto& s : series) {
                    auto it = y.find({s, xs[i]});
                    g += " " + (it == y.end() ? std::string("NaN") : scaled(it->second, ydiv));
                }
                g += "\n";
            }
            g += "EOD\n";
            for (size_t k = 0; k < series.size(); ++k)
                plot += std::string(k ? ", " : "") + "$D using " + std::to_string(k + 2) +
                        " title " + gnuplot_string(series_name + " = " + series[k]);
        } else {
            for (size_t k = 0; k < series.size(); ++k) {
                g += "$S" + std::to_string(k) + " << EOD\n";
                for (size_t i = 0; i < xs.size(); ++i) {
                    auto it = y.find({series[k], xs[i]});
                    if (it == y.end()) continue;
                    g += (numeric_x ? scaled(xs[i], xdiv) : std::to_string(i)) + " " +
                         scaled(it->second, ydiv) + "\n";
                }
                g += "EOD\n";
                plot += std::string(k ? ", " : "") + "$S" + std::to_string(k) + " using 1:2 with " +
                        (p.style == "points" ? "points pt 7" : "linespoints lw 2 pt 7") +
                        " title " +
                        gnuplot_string(sc >= 0 ? series_name + " = " + series[k] : p.yaxis.text);
            }
            for (const auto& l : labels) {
                if (!numeric_x || !plain_number(l.y)) continue;
                g += "set label " + gnuplot_string(l.text) + " at " + scaled(l.x, xdiv) + "," +
                     scaled(l.y, ydiv) + " point pt 6 ps 2.5 lc rgb 'red' offset 1,1\n";
            }
            if (!numeric_x) {
                g += "set xtics (";
                for (size_t i = 0; i < xs.size(); ++i)
                    g += (i ? ", " : "") + gnuplot_string(xtext(xs[i])) + " " + std::to_string(i);
                g += ") rotate by -30\n";
            }
        }
        out.plot(p.name + ".gp", g + plot + "\n");
    }
}

} // namespace fusesim
