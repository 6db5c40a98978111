// Fusion presets of a Mamba-2 block: Fuse-All and Mem-Aware act on its SSD (README "Mamba-2").
#include "workloads/plan/fusion.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace fusesim {

namespace {

// The chunked SSD of a prefill and the recurrent form of a decode (workloads/models/mamba2.cpp).
const std::vector<std::string> kChunked = {
    "ssd_dA",      "ssd_xdt",     "ssd_cumsum",    "ssd_segsum",     "ssd_decay",
    "ssd_cb",      "ssd_mask",    "ssd_diag",      "ssd_state_diff", "ssd_state_exp",
    "ssd_state_x", "ssd_state",   "ssd_chunk_exp", "ssd_pass_decay", "ssd_pass_add",
    "ssd_off",     "ssd_off_exp", "ssd_off_scale", "ssd_sum"};
const std::vector<std::string> kRecurrent = {"ssd_dA",    "ssd_exp", "ssd_xdt", "ssd_dBx",
                                             "ssd_decay", "ssd_add", "ssd_out"};

// Tokens per tile of the fused group's last operator (ssd_sum).
constexpr int64_t kOutTokens = 16;

// The loop dimension a fused step advances by one: a chunk, or (decode) the token.
std::string step_dim(const Workload& w) {
    return w.stage == Stage::Decode ? "l" : "c";
}

int64_t heads_per_group(const Workload& w) {
    const Operator& op = w.ops[w.op_index("ssd_xdt")];
    return op.dims[op.dim_index("j")].size;
}

} // namespace

std::vector<std::string> ssd_operators(const Workload& w) {
    const auto& names = w.stage == Stage::Decode ? kRecurrent : kChunked;
    for (const auto& n : names)
        if (w.op_index(n) < 0)
            throw std::invalid_argument("the Mamba-2 presets need the SSD operator '" + n +
                                        "', which this workload lacks");
    return names;
}

int64_t ssd_step_bytes(const Workload& w, int64_t heads) {
    const std::string step = step_dim(w);
    std::map<int, Box> touched; // per tensor: the bounding box of its slices in the step
    for (const auto& name : ssd_operators(w)) {
        const Operator& op = w.ops[w.op_index(name)];
        Box box = op.full_box();
        // The second chunk when there is one, so that the state entering it (S[c-1]) counts.
        const int s = op.dim_index(step);
        if (s >= 0) {
            box.lo[s] = std::min<int64_t>(1, op.dims[s].size - 1);
            box.hi[s] = box.lo[s] + 1;
        }
        if (const int j = op.dim_index("j"); j >= 0) box.hi[j] = std::min(heads, op.dims[j].size);
        auto add = [&](const Operand& o) {
            const Box b = operand_slice(op, o, w.tensors[o.tensor], box);
            if (b.volume() == 0) return;
            auto it = touched.find(o.tensor);
            if (it == touched.end()) {
                touched.emplace(o.tensor, b);
                return;
            }
            for (size_t a = 0; a < b.lo.size(); ++a) {
                it->second.lo[a] = std::min(it->second.lo[a], b.lo[a]);
                it->second.hi[a] = std::max(it->second.hi[a], b.hi[a]);
            }
        };
        for (const auto& in : op.inputs) add(in);
        add(op.output);
    }
    int64_t bytes = 0;
    for (const auto& [t, b] : touched) bytes += b.volume() * w.tensors[t].bytes_per_element;
    return bytes;
}

FusionChoice apply_ssd_preset(const std::string& name, const Workload& w, MappingSpec& m,
                              int64_t sram_bytes) {
    FusionChoice c;
    c.preset = name;
    if (name != "fuse-all" && name != "mem-aware")
        throw std::invalid_argument("fusion preset '" + name +
                                    "' acts on the Mamba-1 state update (mul_delta_A, "
                                    "mul_delta_B, ssm_*); a Mamba-2 block takes unfused, "
                                    "fuse-all, mem-aware, cascade, auto or a list of groups");
    const std::vector<std::string> ops = ssd_operators(w);
    const int64_t HG = heads_per_group(w);
    c.fuse_all_bytes = ssd_step_bytes(w, HG);
    if (name == "mem-aware") {
        // The smallest divisor S_H of the heads per group whose step fits one core's SRAM.
        c.split_d = HG;
        for (int64_t s = 1; s <= HG; ++s)
            if (HG % s == 0 && ssd_step_bytes(w, HG / s) <= sram_bytes) {
                c.split_d = s;
                break;
            }
        c.note = "S_H = " + std::to_string(c.split_d) + " (" + std::to_string(HG) +
                 " heads per group in parts of " + std::to_string(HG / c.split_d) +
                 "): one step needs " + std::to_string(ssd_step_bytes(w, HG / c.split_d)) + " of " +
                 std::to_string(sram_bytes) + " bytes of SRAM";
    }
    FusionGroupSpec spec;
    spec.ops = ops;
    spec.on_chip = true;
    m.groups.push_back(spec);
    for (const auto& op : ops) {
        TilingRule& r = m.per_op[op];
        r = {};
        r.tile[step_dim(w)] = 1;
        // The group's output leaves in pieces of kOutTokens tokens of a part: the operator after
        // it reads every head of a few tokens, so that it never needs whole chunks of all parts.
        if (op == "ssd_sum" && step_dim(w) == "c") r.tile["q"] = kOutTokens;
        if (c.split_d > 1 && w.ops[w.op_index(op)].dim_index("j") >= 0) {
            // Each part of the heads runs all its chunks before the next: one part's state is
            // live at a time (C·Bᵀ, per group, serves every part).
            r.split["j"] = c.split_d;
            r.order = {"j"};
        }
    }
    return c;
}

} // namespace fusesim
