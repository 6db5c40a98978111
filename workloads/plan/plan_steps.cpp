// Token blocks (mapping.step_tokens): a fused on-chip group that holds a token recurrence runs
// its operators over l consecutive tokens per tile instead of one. The tiles of one block (the
// group's operators at the same tokens and channels) are consecutive in issue order on one core,
// so they run back to back as one unit whose compute is the sum of their cycles. Inside the unit
// the operators advance token by token, so an intermediate passed between them is alive one
// token step at a time: its chunk holds one step (TilePlan::stepped), while the tiles read and
// write every step of it through the SRAM.
#include "workloads/plan/plan_builder.hpp"
#include "workloads/plan/tiling.hpp"

#include <algorithm>

namespace fusesim {

void PlanBuilder::apply_step_tokens() {
    block_dim.assign(w.ops.size(), -1);
    if (m.step_tokens <= 1) return;
    for (size_t g = 0; g < plan.groups.size(); ++g) {
        const std::string& seq = sequential_name[g];
        if (seq.empty() || !plan.groups[g].on_chip) continue;
        for (int o : plan.groups[g].ops) {
            const Operator& op = w.ops[o];
            const int d = op.dim_index(seq);
            OpTiling& t = plan.op_tiling[o];
            if (d < 0 || op.kind == OpKind::View || t.reduction[d]) continue;
            block_dim[o] = d;
            t.tiles /= t.count[d];
            t.extent[d] = std::min(m.step_tokens, op.dims[d].size);
            t.count[d] = ceil_div(op.dims[d].size, t.extent[d]);
            t.tiles *= t.count[d];
        }
    }
}

namespace {

// Whether the operator's output is indexed by loop dim `d` alone on one axis (coefficient 1, no
// offset): then a chunk of its output spans exactly the tile's tokens along that axis.
bool output_by_dim(const Operator& op, int d) {
    for (const auto& ax : op.output.axes)
        if (ax.terms.size() == 1 && ax.terms[0].dim == d && ax.terms[0].coef == 1 && ax.offset == 0)
            return true;
    return false;
}

// Whether `op` reads tensor `t` one token at a time along its loop dim `d`: every plain read of
// it has one axis indexed by `d` alone (coefficient 1, no offset) and no other axis using `d`.
// (A read of other tokens, through a view or a window, needs more than one step alive.)
bool reads_per_step(const Operator& op, int t, int d) {
    bool any = false;
    for (const auto& in : op.inputs) {
        if (in.tensor != t || in.carried) continue;
        int by_d = 0;
        for (const auto& ax : in.axes) {
            bool uses = false;
            for (const auto& term : ax.terms) uses = uses || term.dim == d;
            if (!uses) continue;
            if (ax.terms.size() != 1 || ax.terms[0].coef != 1 || ax.offset != 0) return false;
            ++by_d;
        }
        if (by_d != 1) return false;
        any = true;
    }
    return any;
}

bool reads_carried(const Operator& op, int t) {
    for (const auto& in : op.inputs)
        if (in.tensor == t && in.carried) return true;
    return false;
}

// First token of a block tile along its block dim.
int64_t first_token(const TilePlan& plan, const Tile& t, int d) {
    const OpTiling& tl = plan.op_tiling[t.op];
    return tl.decode(t.grid_index)[d] * tl.extent[d];
}

} // namespace

void mark_stepped(const Workload& w, TilePlan& plan, const std::vector<int>& block_dim) {
    if (std::none_of(block_dim.begin(), block_dim.end(), [](int d) { return d >= 0; })) return;
    plan.stepped.assign(plan.chunks.size(), 0);
    for (Tile& t : plan.tiles) {
        const int d = block_dim[t.op];
        if (d < 0) continue;
        const int64_t lo = first_token(plan, t, d);
        t.steps = static_cast<int>(
            std::min(w.ops[t.op].dims[d].size, lo + plan.op_tiling[t.op].extent[d]) - lo);
        Chunk& ch = plan.chunks[t.out_chunk];
        // Stepped: read only by tiles of its own group on its own core, on chip, token by token
        // in the same block or as the carried state by the next, and not needed in DRAM; the
        // first of a reduction's tiles decides for the chunk.
        if (plan.stepped[t.out_chunk] || ch.writeback || ch.consumers == 0 || t.steps <= 1 ||
            !output_by_dim(w.ops[t.op], d) || ch.bytes % t.steps != 0)
            continue;
        bool local = true;
        for (const int* r = plan.readers.begin(t.out_chunk); r != plan.readers.end(t.out_chunk);
             ++r) {
            const Tile& reader = plan.tiles[*r];
            const int rd = block_dim[reader.op];
            if (!local || rd < 0 || reader.core != ch.core ||
                !plan.read_on_chip(t.out_chunk, reader)) {
                local = false;
                break;
            }
            const int64_t rlo = first_token(plan, reader, rd);
            const Operator& rop = w.ops[reader.op];
            local = (rlo == lo && reads_per_step(rop, ch.tensor, rd)) ||
                    (rlo == lo + t.steps && reads_carried(rop, ch.tensor));
        }
        if (!local) continue;
        plan.stepped[t.out_chunk] = 1;
        ch.bytes /= t.steps;
    }
}

} // namespace fusesim
