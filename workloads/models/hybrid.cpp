#include "workloads/models/hybrid.hpp"
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/registry.hpp"

#include <stdexcept>

namespace fusesim {

const char* to_string(LayerKind kind) {
    switch (kind) {
    case LayerKind::Mamba:
        return "mamba";
    case LayerKind::Mamba2:
        return "mamba2";
    case LayerKind::Attention:
        break;
    }
    return "attention";
}

std::vector<LayerKind> hybrid_sequence(const HybridParams& p) {
    std::vector<LayerKind> seq;
    if (p.pattern.empty()) return seq;
    for (int64_t i = 0; i < p.layers; ++i)
        seq.push_back(p.pattern[static_cast<size_t>(i) % p.pattern.size()]);
    return seq;
}

std::pair<int64_t, int64_t> hybrid_counts(const HybridParams& p) {
    std::pair<int64_t, int64_t> c{0, 0};
    for (LayerKind k : hybrid_sequence(p)) ++(k == LayerKind::Attention ? c.second : c.first);
    return c;
}

std::string hybrid_prefix(size_t index) {
    return "l" + std::to_string(index) + "_";
}

int append_layer(Workload& w, const Workload& part, const std::string& prefix, int chained_input) {
    std::vector<int> map(part.tensors.size(), -1);
    for (size_t t = 0; t < part.tensors.size(); ++t) {
        if (static_cast<int>(t) == part.layer_input && chained_input >= 0) {
            map[t] = chained_input;
            continue;
        }
        Tensor copy = part.tensors[t];
        copy.name = prefix + copy.name;
        map[t] = static_cast<int>(w.tensors.size());
        w.tensors.push_back(std::move(copy));
    }
    for (const Operator& op : part.ops) {
        Operator copy = op;
        copy.name = prefix + op.name;
        copy.output.tensor = map[op.output.tensor];
        for (Operand& in : copy.inputs) in.tensor = map[in.tensor];
        w.ops.push_back(std::move(copy));
    }
    return map[part.layer_output];
}

Workload hybrid_layer_view(const Workload& w, const std::string& prefix, const std::string& model) {
    Workload v;
    v.name = w.name;
    v.model = model;
    v.stage = w.stage;
    v.batch = w.batch;
    v.seq_len = w.seq_len;
    v.layers = w.layers;
    v.precision = w.precision;
    v.tensors = w.tensors;
    for (const Operator& op : w.ops)
        if (op.name.compare(0, prefix.size(), prefix) == 0) {
            v.ops.push_back(op);
            v.ops.back().name = op.name.substr(prefix.size());
        }
    return v;
}

Workload build_hybrid(const HybridParams& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision) {
    if (p.pattern.empty()) throw std::invalid_argument("a hybrid model needs a layer pattern");
    const int64_t periods = p.layers / static_cast<int64_t>(p.pattern.size());
    Workload w = model_parts::start("hybrid", stage, batch, seq_len, precision, periods);
    // Each kind's layer is built once; every layer of that kind is a renamed copy of it.
    Workload parts[3];
    int chained = -1, first_input = -1;
    for (size_t i = 0; i < p.pattern.size(); ++i) {
        const LayerKind kind = p.pattern[i];
        Workload& part = parts[static_cast<int>(kind)];
        if (part.ops.empty()) {
            if (kind == LayerKind::Mamba)
                part = build_mamba1(p.mamba, stage, batch, seq_len, precision);
            else if (kind == LayerKind::Mamba2)
                part = build_mamba2(p.mamba2, stage, batch, seq_len, precision);
            else
                part = build_opt(p.attention, stage, batch, seq_len, precision);
        }
        const size_t before = w.tensors.size();
        chained = append_layer(w, part, hybrid_prefix(i), chained);
        if (i == 0) first_input = static_cast<int>(before) + part.layer_input;
    }
    w.finalize();
    w.layer_input = first_input;
    w.layer_output = chained;
    return w;
}

namespace {

using T = ParamType;
constexpr double kMaxDim = model_parts::kMaxDim;

// The keys of `model: hybrid`, in the order the reference lists them.
using model_parts::d_model;
constexpr Param pattern =
    other("pattern", "list of `mamba` \\| `mamba2` \\| `attention`", nullptr,
          "one period of the layer sequence, repeated to `layers` (a whole number of periods): "
          "`mamba` a Mamba-1 block, `mamba2` a Mamba-2 block, `attention` a transformer layer "
          "(attention + FFN)");
constexpr Param d_state =
    required("d_state", T::Integer, 1, kMaxDim, "Mamba state size N (both kinds)");
constexpr Param expand =
    optional("expand", T::Integer, 1, 64, "2", 2, "Mamba inner width ÷ `d_model`");
constexpr Param d_inner =
    optional("d_inner", T::Integer, 1, kMaxDim, "`expand` × `d_model`", 0, "Mamba inner width D");
constexpr Param d_conv =
    optional("d_conv", T::Integer, 1, 1024, "4", 4, "width of the Mamba causal convolution");
constexpr Param dt_rank =
    optional("dt_rank", T::Integer, 1, kMaxDim, "ceil(`d_model` / 16)", 0, "rank R of Δ");
constexpr Param ssd_head_dim = optional("ssd_head_dim", T::Integer, 1, kMaxDim, "64", 64,
                                        "Mamba-2 head width P (must divide D)");
constexpr Param n_groups = optional("n_groups", T::Integer, 1, kMaxDim, "1", 1,
                                    "Mamba-2 groups G sharing B and C (must divide D ÷ P)");
constexpr Param chunk_size =
    optional("chunk_size", T::Integer, 1, kMaxDim, "256", 256, "Mamba-2 SSD chunk length Q");
constexpr Param heads = required("heads", T::Integer, 1, kMaxDim, "attention heads");
constexpr Param head_dim = optional("head_dim", T::Integer, 1, kMaxDim, "`d_model` ÷ `heads`", 0,
                                    "`heads` × `head_dim` must equal `d_model`");
constexpr Param ffn =
    optional("ffn", T::Integer, 1, kMaxDim, "4 × `d_model`", 0, "FFN width of attention layers");

LayerBuilder read_hybrid(ModelKeys& keys, int64_t layers) {
    HybridParams p;
    p.layers = layers;
    const int64_t m = keys.integer(d_model);
    const std::vector<std::string> kinds = keys.items(pattern);
    if (kinds.empty()) keys.fail(pattern, "the pattern is empty: list at least one layer kind");
    for (size_t i = 0; i < kinds.size(); ++i) {
        if (kinds[i] == "mamba")
            p.pattern.push_back(LayerKind::Mamba);
        else if (kinds[i] == "mamba2")
            p.pattern.push_back(LayerKind::Mamba2);
        else if (kinds[i] == "attention")
            p.pattern.push_back(LayerKind::Attention);
        else
            keys.fail_item(pattern, i,
                           "unknown layer kind '" + kinds[i] +
                               "' (expected mamba, mamba2 or attention)");
    }
    if (layers % static_cast<int64_t>(p.pattern.size()) != 0)
        keys.fail(pattern, "layers (" + std::to_string(layers) +
                               ") must be a whole number of periods of the pattern (" +
                               std::to_string(p.pattern.size()) + " layers)");
    p.mamba.d_model = m;
    p.mamba.d_state = keys.integer(d_state);
    const int64_t x = keys.integer_or_default(expand);
    p.mamba.d_inner = keys.opt_integer(d_inner).value_or(x * m);
    p.mamba.d_conv = keys.integer_or_default(d_conv);
    p.mamba.dt_rank = keys.opt_integer(dt_rank).value_or((m + 15) / 16);
    p.mamba2.d_model = m;
    p.mamba2.d_state = p.mamba.d_state;
    p.mamba2.d_inner = p.mamba.d_inner;
    p.mamba2.d_conv = p.mamba.d_conv;
    p.mamba2.head_dim = keys.integer_or_default(ssd_head_dim);
    p.mamba2.n_groups = keys.integer_or_default(n_groups);
    p.mamba2.chunk_size = keys.integer_or_default(chunk_size);
    bool ssd = false;
    for (LayerKind k : p.pattern) ssd = ssd || k == LayerKind::Mamba2;
    if (ssd && p.mamba2.d_inner % p.mamba2.head_dim != 0)
        keys.fail(ssd_head_dim, "ssd_head_dim (" + std::to_string(p.mamba2.head_dim) +
                                    ") must divide d_inner (" + std::to_string(p.mamba2.d_inner) +
                                    ")");
    if (ssd && p.mamba2.heads() % p.mamba2.n_groups != 0)
        keys.fail(n_groups, "n_groups (" + std::to_string(p.mamba2.n_groups) +
                                ") must divide the Mamba-2 heads (" +
                                std::to_string(p.mamba2.heads()) + " = d_inner ÷ ssd_head_dim)");
    p.attention.d_model = m;
    p.attention.heads = keys.integer(heads);
    p.attention.head_dim = keys.opt_integer(head_dim).value_or(m / p.attention.heads);
    if (p.attention.heads * p.attention.head_dim != m)
        keys.fail(heads, "heads × head_dim (" + std::to_string(p.attention.heads) + " × " +
                             std::to_string(p.attention.head_dim) + ") must equal d_model (" +
                             std::to_string(m) + ")");
    p.attention.ffn = keys.opt_integer(ffn).value_or(4 * m);
    return [p](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
        return build_hybrid(p, stage, batch, seq_len, precision);
    };
}

} // namespace

ModelDef hybrid_model() {
    return {"hybrid",
            {&d_model, &pattern, &d_state, &expand, &d_inner, &d_conv, &dt_rank, &ssd_head_dim,
             &n_groups, &chunk_size, &heads, &head_dim, &ffn},
            read_hybrid};
}

} // namespace fusesim
