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

namespace {

BankGeometry geometry(const CoreSpec& c) {
    return {c.sram_banks, c.sram_bank_width, c.sram_ports};
}

StridedAccess contiguous(int64_t bytes) {
    return {0, bytes, bytes, bytes > 0 ? 1 : 0};
}

StridedAccess access_of(const TilePlan& plan, const InputRef& ref) {
    if (ref.geometry == 0 || ref.geometry >= plan.geometries.size()) return contiguous(ref.bytes);
    const SliceGeometry& g = plan.geometries[ref.geometry];
    return {static_cast<uint64_t>(g.offset), g.run, g.stride, (ref.bytes + g.run - 1) / g.run};
}

uint64_t array_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      const Tile& t) {
    return tile_cycles(hw.core, hw.cpo[static_cast<int>(w.ops[t.op].kind)], plan.tile_extents(w, t),
                       plan.spatial[t.op]);
}

TileCost with_banks(uint64_t compute, const BankTime& b) {
    TileCost c;
    c.compute = compute;
    c.cycles = std::max(compute, b.cycles);
    c.sram_stall = c.cycles - compute;
    c.conflict_stall = c.sram_stall - (b.conflict_free > compute ? b.conflict_free - compute : 0);
    return c;
}

// Without the bank model, a finite SRAM port bounds the tile: every operand byte crosses it
// once, the banks serving in parallel (`sram_bandwidth` is per bank).
uint64_t bandwidth_bound(const HardwareSpec& hw, const TilePlan& plan, const Tile& t,
                         uint64_t cycles) {
    if (hw.core.sram_bytes_per_cycle <= 0) return cycles;
    int64_t bytes = plan.chunks[t.out_chunk].bytes;
    for (uint32_t r = t.in_begin; r < t.in_end; ++r) bytes += plan.inputs[r].bytes;
    const double bw = hw.core.sram_bytes_per_cycle * static_cast<double>(hw.core.sram_banks);
    return std::max(cycles, transfer_cycles(bytes, bw));
}

} // namespace

BankTime tile_bank_time(const HardwareSpec& hw, const TilePlan& plan, const Tile& t,
                        std::vector<int64_t>& scratch) {
    const BankGeometry g = geometry(hw.core);
    scratch.assign(static_cast<size_t>(g.banks), 0);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r)
        add_bank_accesses(g, access_of(plan, plan.inputs[r]), scratch);
    add_bank_accesses(g, contiguous(plan.chunks[t.out_chunk].bytes), scratch);
    return bank_time(g, scratch);
}

size_t TileCoster::KeyHash::operator()(const std::vector<int64_t>& k) const {
    uint64_t h = 1469598103934665603ull; // FNV-1a over the words
    for (int64_t v : k) h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull;
    return static_cast<size_t>(h);
}

TileCost TileCoster::operator()(const Tile& t) {
    const uint64_t compute = array_cycles(w_, hw_, plan_, t);
    if (hw_.core.sram_bank_width <= 0) {
        TileCost c;
        c.compute = compute;
        c.cycles = bandwidth_bound(hw_, plan_, t, compute);
        return c;
    }
    key_.clear();
    key_.push_back(plan_.chunks[t.out_chunk].bytes);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
        key_.push_back(plan_.inputs[r].bytes);
        key_.push_back(plan_.inputs[r].geometry);
    }
    auto it = cache_.find(key_);
    if (it == cache_.end() && cache_.size() >= kMaxCached) cache_.clear(); // bounded memory
    if (it == cache_.end())
        it = cache_.emplace(key_, tile_bank_time(hw_, plan_, t, scratch_)).first;
    return with_banks(compute, it->second);
}

uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t) {
    const uint64_t compute = array_cycles(w, hw, plan, t);
    if (hw.core.sram_bank_width <= 0) return bandwidth_bound(hw, plan, t, compute);
    std::vector<int64_t> scratch;
    return with_banks(compute, tile_bank_time(hw, plan, t, scratch)).cycles;
}

} // namespace fusesim
