#include "sim/engine/tile_cost.hpp"

#include <algorithm>

namespace fusesim {

TilePlan build_plan_for(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                        int layers) {
    const CoreSpec core = hw.core;
    // The pipeline allocation's stage weights: a tile's array cycles under the mapping the plan
    // will give it (fixed by the mapping, else the best).
    const OpWork work = [&](int o, const Coords& extents) {
        const Operator& op = w.ops[o];
        SpatialMapping sp = best_mapping(core, extents);
        if (auto it = m.spatial.find(op.name); it != m.spatial.end())
            sp = {op.dim_index(it->second.first), op.dim_index(it->second.second)};
        return static_cast<double>(
            tile_cycles(core, hw.cpo[static_cast<int>(op.kind)], extents, sp));
    };
    return build_tile_plan(
        w, m, hw.cores, layers,
        [core](const Coords& extents) { return best_mapping(core, extents); }, work);
}

uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t) {
    const Operator& op = w.ops[t.op];
    uint64_t cycles = tile_cycles(hw.core, hw.cpo[static_cast<int>(op.kind)],
                                  plan.tile_extents(w, t), plan.spatial[t.op]);
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

} // namespace fusesim
