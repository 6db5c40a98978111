// The keys of a sweep spec (README "Sweeps").
#pragma once

#include "sim/config/params.hpp"

namespace fusesim::sweep_param {

using T = ParamType;

inline constexpr Param name = text("name", "the file's name without extension",
                                   "becomes a folder name, like an experiment's");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param experiment =
    text("experiment", nullptr, "the base experiment file, relative to the spec");
inline constexpr Param set = other("set", "map of dotted key → value", "",
                                   "overrides applied to every point, before the axes");
inline constexpr Param axes =
    other("axes", "map of dotted key → list, value or range", nullptr,
          "the values of each key; a range `{from, to, step}` is inclusive (at most 100,000 "
          "values)");
inline constexpr Param combine =
    choice("combine", "product|zip", "`product`",
           "`product`: every combination (at most 1,000,000 points); `zip`: the i-th value of "
           "every axis (axes of equal length)");
inline constexpr Param plot_name = text("plots[i].name", nullptr, "the plot's file names");
inline constexpr Param plot_x = text("plots[i].x", nullptr, "column of the x axis");
inline constexpr Param plot_y = text("plots[i].y", nullptr, "column of the y axis");
inline constexpr Param plot_series =
    text("plots[i].series", "", "column whose values make one line or bar set each");
inline constexpr Param plot_style =
    choice("plots[i].style", "lines|bars|points", "`lines`", "how the series are drawn");
inline constexpr Param plot_title =
    text("plots[i].title", "the plot's name", "shown above the plot");
inline constexpr Param plot_logx =
    optional("plots[i].logx", T::Boolean, 0, 0, "`false`", 0, "logarithmic x axis");
inline constexpr Param plot_logy =
    optional("plots[i].logy", T::Boolean, 0, 0, "`false`", 0, "logarithmic y axis");
inline constexpr Param plot_where =
    other("plots[i].where", "map of column → value", "", "only the rows with these values");
inline constexpr Param plot_marks =
    other("plots[i].marks", "list of `{match: {column: value}, label: text}`", "",
          "labels the point of each series that matches");
inline constexpr Param plot_xlabel =
    text("plots[i].xlabel", "from the column (see \"Plot labels\")", "the x axis' label");
inline constexpr Param plot_ylabel =
    text("plots[i].ylabel", "from the column", "the y axis' label (and the series' name)");
inline constexpr Param plot_xunit =
    text("plots[i].xunit", "from the column",
         "unit the x values are shown in: B, KiB, MiB, GiB (for `*_bytes`), s, ms, us, ns "
         "(`*_seconds`), cycles, kcycles, Mcycles, Gcycles (`*_cycles`), % (`utilization`); "
         "`none`: as written");
inline constexpr Param plot_yunit = text("plots[i].yunit", "from the column", "the same for y");
inline constexpr Param best_group_by =
    other("best[i].group_by", "list of columns", nullptr, "one best point per group of rows");
inline constexpr Param best_minimize =
    text("best[i].minimize", "`latency_seconds`", "the result column to minimize");
inline constexpr Param best_baseline = other("best[i].baseline", "map of column → value", "",
                                             "the values that make the baseline point");
inline constexpr Param output = other("output", "path", "`traces/<name>`", "default output folder");
inline constexpr const Param* all[] = {
    &name,       &description, &experiment,    &set,           &axes,          &combine,
    &plot_name,  &plot_x,      &plot_y,        &plot_series,   &plot_style,    &plot_title,
    &plot_logx,  &plot_logy,   &plot_where,    &plot_marks,    &plot_xlabel,   &plot_ylabel,
    &plot_xunit, &plot_yunit,  &best_group_by, &best_minimize, &best_baseline, &output};

} // namespace fusesim::sweep_param
