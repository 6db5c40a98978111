// The parameters of an experiment file and of its mapping, simulation and analysis sections.
#pragma once

#include "sim/config/params.hpp"

namespace fusesim::run_param {

using T = ParamType;

// The experiment file.
inline constexpr Param name = text("name", "the file's name without extension",
                                   "becomes a folder name (see \"How output files are written\")");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param hardware =
    other("hardware", "path or map", nullptr,
          "a hardware file (relative to the experiment file) or the keys inline; `--hardware "
          "FILE` takes its place (it may then be left out)");
inline constexpr Param workload =
    other("workload", "path or map, or a list of them", nullptr,
          "a list compares models (`graph`, `analyze`); "
          "`--workload FILE` takes its place (it may then be left out)");
inline constexpr Param mapping =
    other("mapping", "path or map", "",
          "see \"Mapping\" under \"Timing simulation\"; `--mapping FILE` takes its place");
inline constexpr Param simulation =
    other("simulation", "map", "", "see \"Simulation\" under \"Timing simulation\"");
inline constexpr Param set =
    other("set", "map of dotted key → value", "", "overrides applied after loading the files");
inline constexpr Param output = other("output", "path", "`traces/<name>`",
                                      "default output folder (relative to the working directory)");
inline constexpr Param roofline_seq_len =
    optional("analysis.roofline_seq_len", T::Integer, 1, 1 << 24, "the last `seq_len`", 0,
             "the L of the roofline plot; must be one of the `seq_len` values");
inline constexpr Param execution =
    choice("analysis.execution", "layer-by-layer|dataflow", "`layer-by-layer`",
           "how `analyze` runs a layer: `layer-by-layer`, every operator through DRAM; `dataflow`, "
           "the whole layer as one spatial pipeline, intermediates on chip (README \"Analytical "
           "model\"); not on a GPU");
inline constexpr const Param* experiment[] = {
    &name,       &description, &hardware, &workload,         &mapping,
    &simulation, &set,         &output,   &roofline_seq_len, &execution};

// The simulation section.
inline constexpr Param layers =
    choice("layers", "all|one", "`all`",
           "`one`: simulate one layer and scale its figures by `workload.layers` (see above)");
inline constexpr Param prefetch =
    optional("prefetch", T::Integer, 0, 64, "1", 1,
             "fetches (that move data) issued ahead of the computing tile; 0: fetch and compute "
             "never overlap");
inline constexpr Param cache_weights =
    optional("cache_weights", T::Boolean, 0, 0, "`true`", 1,
             "`false`: every tile reads its weights from DRAM again");
inline constexpr Param stream_operands =
    optional("stream_operands", T::Boolean, 0, 0, "`true`", 1,
             "a tile whose operands exceed SRAM streams them through the DRAM port (see "
             "\"Operand streaming\"); `false`: such a tile is an error naming it");
inline constexpr Param vcd = optional("vcd", T::Boolean, 0, 0, "`true`", 1, "write `trace.vcd`");
inline constexpr Param timeline =
    optional("timeline", T::Boolean, 0, 0, "`true`", 1, "write `timeline.json`");
inline constexpr Param vcd_limit =
    optional("vcd_limit", T::Size, 1 << 20, 1099511627776.0, "`256MiB`", 268435456.0,
             "size at which `trace.vcd` is cut (see \"Bounded outputs\")");
inline constexpr Param trace_budget = optional(
    "trace_budget", T::Size, 65536, 1099511627776.0, "`4MiB`", 4194304.0,
    "planned size of `trace.vcd` and of `timeline.json` each: over it they are written coarser, "
    "never cut (see \"Traces sized for the run\")");
inline constexpr Param fst =
    optional("fst", T::Boolean, 0, 0, "`false`", 0,
             "convert `trace.vcd` to `trace.fst` with `vcd2fst` (GTKWave) if it is on PATH");
inline constexpr Param lifetime_group =
    text("lifetimes.group", nullptr,
         "optional section `lifetimes`: record SRAM lifetimes (Fig. 10) of the group whose "
         "name contains this");
inline constexpr Param lifetime_step =
    optional("lifetimes.step", T::Integer, 0, 1099511627776.0, "0", 0,
             "... around this step of that group (tile index in the operator)");
inline constexpr const Param* simulation_keys[] = {
    &layers,       &prefetch, &cache_weights, &stream_operands, &vcd,          &timeline,
    &trace_budget, &fst,      &vcd_limit,     &lifetime_group,  &lifetime_step};

// The mapping section.
inline constexpr Param map_name = text("name", "`default`", "shown in reports");
inline constexpr Param map_description = text("description", "", "free text");
inline constexpr Param tiling_default = other(
    "tiling.default", "map dimension → extent", "",
    "tile extents by dimension name for every operator: `{l: 256}`; `{d: {split: 8}}` gives a "
    "number of tiles instead");
inline constexpr Param tiling_ops =
    other("tiling.ops.<operator>", "map dimension → extent", "",
          "the same for one operator (replaces the default for the dims it names); `order: [d]` "
          "puts those dims outermost in its tile loop");
inline constexpr Param tiling_auto =
    optional("tiling.auto", T::Boolean, 0, 0, "`true`", 1,
             "an operator without a rule of its own is split further, one halving at a time (the "
             "one adding the least DRAM traffic per byte saved), until a tile takes at most 40 % "
             "of one core's SRAM; a reduction dim halved too far then grows back while the tile "
             "stays within 4/5 of that");
inline constexpr Param fusion =
    other("fusion", "preset name, `auto` or a list of groups", "`unfused`",
          "`unfused`, a preset ({fusion_presets}), `auto`, or a list of groups: `[[mul_delta_A, "
          "exp], {ops: [...], on_chip: true}]`");
inline constexpr Param sequence_tile =
    optional("sequence_tile", T::Integer, 1, 1 << 24, "`128`", 128,
             "tokens per sequence tile of the `cascade` preset (the whole layer in one group): "
             "weights that do not stay on chip are read again for every sequence tile");
inline constexpr Param on_chip =
    optional("fusion[i].on_chip", T::Boolean, 0, 0, "`true`", 1,
             "in a group written as `{ops: [...]}`: its intermediate tensors stay on chip");
inline constexpr Param spatial = other("spatial.<operator>", "`{rows: dim, cols: dim}`", "",
                                       "fixes the array mapping (`none` for an unused side)");
inline constexpr Param allocation =
    other("allocation", "`round-robin`, `pipeline`, `auto` or `{split: dim}`", "`round-robin`",
          "how tiles go to cores (see \"Allocation of work to cores\"): round-robin over output "
          "coordinates; `{split: d}` core k gets block k of every operator's tiles along d; "
          "`pipeline` each operator on its own cores, as many as its compute cycles ask; `auto` "
          "the fastest of the three over one simulated layer");
inline constexpr Param step_tokens = optional(
    "step_tokens", T::Integer, 1, 1 << 24, "1", 1,
    "tokens per tile of a fused on-chip group that holds the token recurrence (a token block: "
    "its operators over that many tokens back to back on one core, intermediates one step in "
    "size; see \"Token blocks\"); 1: one token per tile");
inline constexpr const Param* mapping_keys[] = {
    &map_name,      &map_description, &tiling_default, &tiling_ops, &tiling_auto, &fusion,
    &sequence_tile, &on_chip,         &spatial,        &allocation, &step_tokens};

} // namespace fusesim::run_param
