#include "sim/engine/tile_cost.hpp"

#include "hw/cost/rdu_op.hpp"

#include <algorithm>
#include <cmath>
#include <optional>

namespace fusesim {

TilePlan build_plan_for(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                        int layers) {
    const CoreSpec core = hw.core;
    // The pipeline allocation's stage weights: a tile's array cycles under the mapping the plan
    // will give it (fixed by the mapping, else the best).
    const OpWork work = [&](int o, const Coords& extents) {
        const Operator& op = w.ops[o];
        if (rdu_costs(hw, op)) {
            int64_t ops = 1;
            for (int64_t e : extents) ops *= e;
            return static_cast<double>(rdu_op_cost(w, hw, op, rdu_transforms(op, ops)).cycles);
        }
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

// An FFT or scan tile on an RDU: its transforms by the unit's mapping (rdu_op.hpp), the
// baseline's PMU round trips apart; the bank model does not apply (the mapping streams the PMU).
std::optional<TileCost> rdu_tile(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                                 const Tile& t) {
    const Operator& op = w.ops[t.op];
    if (!rdu_costs(hw, op)) return std::nullopt;
    int64_t ops = 1;
    for (int64_t e : plan.tile_extents(w, t)) ops *= e;
    const RduTileCost r = rdu_op_cost(w, hw, op, rdu_transforms(op, ops));
    TileCost c;
    c.compute = r.pass_cycles;
    c.pmu_round_trip = r.round_trip_cycles;
    c.cycles = r.cycles;
    return c;
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

// A token block's operators run token by token, each step reading its operands from SRAM again
// (a weight slice and the carried state every token): its SRAM traffic is its steps times one
// step's operand slices and output, against the slices the plan lists once per block. The ratio
// of the two scales the block's bank or port time (1 for any other tile).
double step_traffic_ratio(const Workload& w, const TilePlan& plan, const Tile& t) {
    const int d = plan.block_dim.empty() ? -1 : plan.block_dim[t.op];
    if (d < 0 || t.steps <= 1) return 1.0;
    const Operator& op = w.ops[t.op];
    Box one = plan.tile_box(w, t);
    one.hi[d] = one.lo[d] + 1;
    int64_t step = operand_slice(op, op.output, w.tensors[op.output.tensor], one).volume() *
                   w.tensors[op.output.tensor].bytes_per_element;
    for (const auto& in : op.inputs)
        step += operand_slice(op, in, w.tensors[in.tensor], one).volume() *
                w.tensors[in.tensor].bytes_per_element;
    int64_t listed = plan.written_bytes(t);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r) listed += plan.inputs[r].bytes;
    return listed > 0 ? static_cast<double>(step * t.steps) / static_cast<double>(listed) : 1.0;
}

uint64_t scaled(uint64_t cycles, double ratio) {
    return ratio == 1.0 ? cycles
                        : static_cast<uint64_t>(std::ceil(static_cast<double>(cycles) * ratio));
}

BankTime scaled(BankTime b, double ratio) {
    b.cycles = scaled(b.cycles, ratio);
    b.conflict_free = scaled(b.conflict_free, ratio);
    return b;
}

// Without the bank model, a finite SRAM port bounds the tile: every operand byte crosses it
// once, the banks serving in parallel (`sram_bandwidth` is per bank).
uint64_t bandwidth_bound(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                         const Tile& t, uint64_t cycles) {
    if (hw.core.sram_bytes_per_cycle <= 0) return cycles;
    int64_t bytes = plan.written_bytes(t);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r) bytes += plan.inputs[r].bytes;
    const double bw = hw.core.sram_bytes_per_cycle * static_cast<double>(hw.core.sram_banks);
    return std::max(cycles, scaled(transfer_cycles(bytes, bw), step_traffic_ratio(w, plan, t)));
}

} // namespace

BankTime tile_bank_time(const HardwareSpec& hw, const TilePlan& plan, const Tile& t,
                        std::vector<int64_t>& scratch) {
    const BankGeometry g = geometry(hw.core);
    scratch.assign(static_cast<size_t>(g.banks), 0);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r)
        add_bank_accesses(g, access_of(plan, plan.inputs[r]), scratch);
    add_bank_accesses(g, contiguous(plan.written_bytes(t)), scratch);
    return bank_time(g, scratch);
}

size_t TileCoster::KeyHash::operator()(const std::vector<int64_t>& k) const {
    uint64_t h = 1469598103934665603ull; // FNV-1a over the words
    for (int64_t v : k) h = (h ^ static_cast<uint64_t>(v)) * 1099511628211ull;
    return static_cast<size_t>(h);
}

TileCost TileCoster::operator()(const Tile& t) {
    if (auto r = rdu_tile(w_, hw_, plan_, t)) return *r;
    const uint64_t compute = array_cycles(w_, hw_, plan_, t);
    if (hw_.core.sram_bank_width <= 0) {
        TileCost c;
        c.compute = compute;
        c.cycles = bandwidth_bound(w_, hw_, plan_, t, compute);
        return c;
    }
    key_.clear();
    key_.push_back(plan_.written_bytes(t));
    key_.push_back(t.steps > 1 ? t.op : -1); // a block's scale depends on its operator
    key_.push_back(t.steps);
    for (uint32_t r = t.in_begin; r < t.in_end; ++r) {
        key_.push_back(plan_.inputs[r].bytes);
        key_.push_back(plan_.inputs[r].geometry);
    }
    auto it = cache_.find(key_);
    if (it == cache_.end() && cache_.size() >= kMaxCached) cache_.clear(); // bounded memory
    if (it == cache_.end())
        it = cache_
                 .emplace(key_, scaled(tile_bank_time(hw_, plan_, t, scratch_),
                                       step_traffic_ratio(w_, plan_, t)))
                 .first;
    return with_banks(compute, it->second);
}

uint64_t tile_compute_cycles(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                             const Tile& t) {
    if (auto r = rdu_tile(w, hw, plan, t)) return r->cycles;
    const uint64_t compute = array_cycles(w, hw, plan, t);
    if (hw.core.sram_bank_width <= 0) return bandwidth_bound(w, hw, plan, t, compute);
    std::vector<int64_t> scratch;
    return with_banks(compute,
                      scaled(tile_bank_time(hw, plan, t, scratch), step_traffic_ratio(w, plan, t)))
        .cycles;
}

} // namespace fusesim
