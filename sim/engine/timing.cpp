#include "sim/engine/timing.hpp"

#include "hw/modules/vcd_writer.hpp"
#include "sim/engine/scheduler.hpp"

#include <systemc>

#include <memory>
#include <stdexcept>

namespace fusesim {

std::vector<SpatialMapping> choose_spatial(const Workload& w, const HardwareSpec& hw,
                                           const TilePlan& plan, const MappingSpec& mapping) {
    std::vector<SpatialMapping> out(w.ops.size());
    for (size_t o = 0; o < w.ops.size(); ++o) {
        auto it = mapping.spatial.find(w.ops[o].name);
        if (it != mapping.spatial.end()) {
            out[o].row_dim = w.ops[o].dim_index(it->second.first);
            out[o].col_dim = w.ops[o].dim_index(it->second.second);
        } else {
            out[o] = best_mapping(hw.core, plan.op_tiling[o].extent);
        }
    }
    return out;
}

uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t, const SpatialMapping& m) {
    const Operator& op = w.ops[t.op];
    uint64_t cycles =
        tile_cycles(hw.core, hw.cpo[static_cast<int>(op.kind)], plan.tile_extents(w, t), m);
    if (hw.core.sram_bytes_per_cycle > 0) {
        // A finite SRAM port bounds the tile: every operand byte crosses it once.
        int64_t bytes = plan.chunks[t.out_chunk].bytes;
        for (uint32_t r = t.in_begin; r < t.in_end; ++r) bytes += plan.inputs[r].bytes;
        // The banks serve in parallel: `sram_bandwidth` is per bank.
        const double bw = hw.core.sram_bytes_per_cycle * static_cast<double>(hw.core.sram_banks);
        cycles = std::max(cycles, transfer_cycles(bytes, bw));
    }
    return cycles;
}

TimingResult simulate(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      const MappingSpec& mapping, const SimOptions& options) {
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    Accelerator accelerator("accelerator", hw);
    Scheduler scheduler("scheduler", accelerator, w, hw, plan, mapping, options);
    // Our own writer, not sc_create_vcd_trace_file: see hw/vcd_writer.hpp. Removed again if the
    // simulation throws.
    std::unique_ptr<VcdWriter> vcd;
    if (!options.vcd_path.empty()) {
        vcd = std::make_unique<VcdWriter>(options.vcd_path, options.vcd_limit);
        accelerator.trace(*vcd);
    }
    sc_core::sc_start();
    if (!scheduler.finished())
        throw ScheduleError("the schedule cannot progress; stuck tiles:" +
                            scheduler.stuck_report());
    TimingResult r = scheduler.result();
    if (vcd) {
        vcd->finish(r.cycles);
        r.vcd_truncated = vcd->truncated();
        r.vcd_cut_cycle = vcd->cut_cycle();
        r.vcd_bytes = vcd->bytes();
    }
    return r;
}

} // namespace fusesim
