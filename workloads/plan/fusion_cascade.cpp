// The whole-cascade preset (`cascade`): every operator of a Mamba-1 or Mamba-2 layer in one
// fusion group, tiled along the sequence into tiles of `mapping.sequence_tile` tokens, with the
// state update (Mamba-2: the SSD) stepped as under fuse-all. Only the layer input, its output and
// the weights cross the chip boundary; the weights are read again for every sequence tile that
// needs them when they do not stay on chip (README "Operator fusion").
#include "workloads/plan/fusion.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

namespace {

// A projection's weight slice takes at most this share of one core's SRAM: it streams in while
// the group's intermediates of a sequence tile (the slice's input among them, shared by the
// channel tiles), the conv's halo and the state stay.
constexpr int64_t kTileShare = 8;

// Bytes of the weight slices a tile of these extents reads.
int64_t weight_bytes(const Workload& w, const Operator& op, const Coords& extent) {
    Box box;
    for (int64_t e : extent) {
        box.lo.push_back(0);
        box.hi.push_back(e);
    }
    int64_t bytes = 0;
    for (const auto& in : op.inputs)
        if (w.tensors[in.tensor].role == TensorRole::Weight)
            bytes += operand_slice(op, in, w.tensors[in.tensor], box).volume() *
                     w.tensors[in.tensor].bytes_per_element;
    return bytes;
}

bool reads_weight(const Workload& w, const Operator& op) {
    return std::any_of(op.inputs.begin(), op.inputs.end(), [&](const Operand& in) {
        return w.tensors[in.tensor].role == TensorRole::Weight;
    });
}

// The tiling of a non-state-update operator of the cascade: `lt` tokens, and (for an operator
// reading weights) its widest output dimension other than the batch and the sequence halved
// until the tile's weight slices fit their share of SRAM. The sequence is the outermost tile loop,
// so a sequence tile finishes all its channel tiles before the next one starts.
TilingRule cascade_rule(const Workload& w, const Operator& op, int64_t lt, int64_t budget) {
    TilingRule r;
    const int l = op.dim_index("l");
    if (l < 0) return r;
    r.tile["l"] = lt;
    r.order = {"l"};
    if (!reads_weight(w, op)) return r;
    Coords extent;
    for (const auto& d : op.dims) extent.push_back(d.size);
    extent[l] = std::min(lt, op.dims[l].size);
    std::vector<int> out_dims; // output dims a weight slice follows
    for (const auto& ax : op.output.axes)
        for (const auto& t : ax.terms)
            if (t.dim != l && op.dims[t.dim].name != "b") out_dims.push_back(t.dim);
    while (weight_bytes(w, op, extent) > budget) {
        int widest = -1;
        for (int d : out_dims)
            if (extent[d] > 1 && (widest < 0 || extent[d] > extent[widest])) widest = d;
        if (widest < 0) break;
        extent[widest] = (extent[widest] + 1) / 2;
    }
    for (int d : out_dims)
        if (extent[d] < op.dims[d].size) r.tile[op.dims[d].name] = extent[d];
    return r;
}

} // namespace

FusionChoice apply_cascade_preset(const Workload& w, MappingSpec& m, int64_t sram_bytes) {
    const int64_t lt = m.sequence_tile;
    if (lt < 1) throw std::invalid_argument("mapping.sequence_tile must be at least 1");
    // The state update as under fuse-all (Mamba-1: one step over all of D while Eq. 2 for the
    // batch fits half the SRAM, else D in S_D parts, each token stepping through them in turn).
    MappingSpec base;
    FusionChoice c;
    if (w.model == "mamba2") {
        // The SSD in one-chunk steps, the heads of a group in the fewest equal parts whose step
        // fits half the SRAM, the parts of a chunk run one after another (the chunk stays the
        // outer loop, so the sequence tiles keep their order).
        c = apply_ssd_preset("fuse-all", w, base, sram_bytes);
        const Operator& xdt = w.ops[w.op_index("ssd_xdt")];
        const int64_t HG = xdt.dims[xdt.dim_index("j")].size;
        c.split_d = HG;
        for (int64_t s = 1; s <= HG; ++s)
            if (HG % s == 0 && ssd_step_bytes(w, HG / s) <= sram_bytes / 2) {
                c.split_d = s;
                break;
            }
        if (c.split_d > 1)
            for (auto& [op, rule] : base.per_op)
                if (w.ops[w.op_index(op)].dim_index("j") >= 0) rule.split["j"] = c.split_d;
    } else {
        c = apply_fusion_preset("fuse-all", w, base, sram_bytes);
        const Operator& out = w.ops[w.op_index("ssm_out")];
        const int64_t D = out.dims[out.dim_index("d")].size, N = out.dims[out.dim_index("n")].size;
        // Eq. 2 per sequence of the batch: a step holds the state update of every sequence.
        c.split_d = D;
        for (int64_t s = 1; s <= D; ++s)
            if (D % s == 0 &&
                fuse_all_bytes(D / s, N, w.precision.bytes) * w.batch <= sram_bytes / 2) {
                c.split_d = s;
                break;
            }
        if (c.split_d > 1)
            for (auto& [op, rule] : base.per_op) rule.split["d"] = c.split_d; // l stays outer
    }
    c.preset = "cascade";
    FusionGroupSpec group;
    group.on_chip = true;
    const std::vector<std::string>& inner = base.groups.front().ops;
    const int64_t budget = sram_bytes / kTileShare;
    for (const Operator& op : w.ops) {
        if (op.kind == OpKind::View) continue;
        group.ops.push_back(op.name);
        if (std::find(inner.begin(), inner.end(), op.name) != inner.end())
            m.per_op[op.name] = base.per_op.at(op.name);
        else
            m.per_op[op.name] = cascade_rule(w, op, lt, budget);
    }
    m.groups.push_back(group);
    const int l = w.ops.front().dim_index("l");
    const int64_t L = l >= 0 ? w.ops.front().dims[l].size : 1;
    const int64_t tiles = (L + lt - 1) / lt;
    std::string steps = w.model == "mamba2" ? ", the SSD in one-chunk steps"
                                            : ", the state update in 1-token steps";
    if (c.split_d > 1)
        steps += (w.model == "mamba2" ? " over the heads in S_H = " : " over D in S_D = ") +
                 std::to_string(c.split_d) + " parts";
    c.note = "cascade: the whole layer (" + std::to_string(group.ops.size()) +
             " operators) in one group, " + std::to_string(tiles) + " sequence tile" +
             (tiles == 1 ? "" : "s") + " of " + std::to_string(std::min(lt, L)) + " tokens" + steps;
    return c;
}

} // namespace fusesim
