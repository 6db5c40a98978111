#include "workloads/models/opt.hpp"
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/registry.hpp"

#include <utility>

#include <string>

namespace fusesim {

using model_parts::add_norm;
using model_parts::num;
using model_parts::start;

Workload build_opt(const OptParams& p, Stage stage, int64_t batch, int64_t seq_len,
                   const Precision& precision) {
    const bool decode = stage == Stage::Decode;
    const int64_t L = decode ? 1 : seq_len;
    const int64_t E = p.head_dim;
    Workload w = start("opt", stage, batch, seq_len, precision, p.layers);
    WorkloadBuilder b(w);
    b.dim("b", batch);
    b.dim("l", L);
    b.dim("m", p.d_model);
    b.dim("o", p.heads * E);
    b.dim("h", p.heads);
    b.dim("e", E);
    b.dim("t", seq_len); // keys: the whole context
    b.dim("f", p.ffn);
    for (const char* t : {"wq", "wk", "wv", "wo", "w1", "w2"}) b.declare(t, TensorRole::Weight);
    b.declare("x", TensorRole::Input); // the layer input

    add_norm(b, "ln1", "x", "xn", true);
    b.add("q_proj", "q[b,l,o] += xn[b,l,m] * wq[m,o]", "projection");
    b.add("k_proj", "k[b,l,o] += xn[b,l,m] * wk[m,o]", "projection");
    b.add("v_proj", "v[b,l,o] += xn[b,l,m] * wv[m,o]", "projection");
    const std::string heads = "h*" + num(E) + "+e";
    b.add("q_heads", "qh[b,h,l,e] = q[b,l," + heads + "]", "view").view_of = "reshape";
    if (decode) {
        // The new token's key and value join the cache of the L-1 earlier tokens.
        b.add("k_heads", "kn[b,h,l,e] = k[b,l," + heads + "]", "view").view_of = "reshape";
        b.add("v_heads", "vn[b,h,l,e] = v[b,l," + heads + "]", "view").view_of = "reshape";
        if (seq_len > 1) {
            b.dim("c", seq_len - 1);
            b.declare("k_cache", TensorRole::State);
            b.declare("v_cache", TensorRole::State);
            b.add("k_cat_cache", "kh[b,h,c,e] = k_cache[b,h,c,e]", "view").view_of = "concat";
            b.add("v_cat_cache", "vh[b,h,c,e] = v_cache[b,h,c,e]", "view").view_of = "concat";
        }
        const std::string last = "l+" + num(seq_len - 1);
        b.add("k_cat_new", "kh[b,h," + last + ",e] = kn[b,h,l,e]", "view").view_of = "concat";
        b.add("v_cat_new", "vh[b,h," + last + ",e] = vn[b,h,l,e]", "view").view_of = "concat";
    } else {
        b.add("k_heads", "kh[b,h,t,e] = k[b,t," + heads + "]", "view").view_of = "reshape";
        b.add("v_heads", "vh[b,h,t,e] = v[b,t," + heads + "]", "view").view_of = "reshape";
    }
    b.add("scores", "s[b,h,l,t] += qh[b,h,l,e] * kh[b,h,t,e]", "attention");
    b.add("softmax", "pr[b,h,l,t] = softmax(s[b,h,l,:])", "attention");
    b.add("context", "c[b,h,l,e] += pr[b,h,l,t] * vh[b,h,t,e]", "attention");
    b.add("merge_heads", "cm[b,l," + heads + "] = c[b,h,l,e]", "view").view_of = "reshape";
    b.add("o_proj", "ao[b,l,m] += cm[b,l,o] * wo[o,m]", "projection");
    b.add("residual1", "x2[b,l,m] = ao[b,l,m] + x[b,l,m]", "elementwise");
    add_norm(b, "ln2", "x2", "x2n", true);
    b.add("fc1", "f1[b,l,f] += x2n[b,l,m] * w1[m,f]", "projection");
    b.add("relu", "f1r[b,l,f] = max(f1[b,l,f])", "elementwise");
    b.add("fc2", "f2[b,l,m] += f1r[b,l,f] * w2[f,m]", "projection");
    b.add("residual2", "out[b,l,m] = f2[b,l,m] + x2[b,l,m]", "elementwise");
    return model_parts::finish(std::move(w), "x", "out");
}

namespace {

using T = ParamType;
constexpr double kMaxDim = model_parts::kMaxDim;

// The keys of `model: opt`, in the order the reference lists them.
using model_parts::d_model;
constexpr Param heads = required("heads", T::Integer, 1, kMaxDim, "attention heads");
constexpr Param head_dim = optional("head_dim", T::Integer, 1, kMaxDim, "`d_model` ÷ `heads`", 0,
                                    "`heads` × `head_dim` must equal `d_model`");
constexpr Param ffn = optional("ffn", T::Integer, 1, kMaxDim, "4 × `d_model`", 0, "FFN width");

LayerBuilder read_opt(ModelKeys& keys, int64_t layers) {
    OptParams p;
    p.layers = layers;
    p.d_model = keys.integer(d_model);
    p.heads = keys.integer(heads);
    p.head_dim = keys.opt_integer(head_dim).value_or(p.d_model / p.heads);
    if (p.heads * p.head_dim != p.d_model)
        keys.fail(heads, "heads × head_dim (" + std::to_string(p.heads) + " × " +
                             std::to_string(p.head_dim) + ") must equal d_model (" +
                             std::to_string(p.d_model) + ")");
    p.ffn = keys.opt_integer(ffn).value_or(4 * p.d_model);
    return [p](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
        return build_opt(p, stage, batch, seq_len, precision);
    };
}

} // namespace

ModelDef opt_model() {
    return {"opt", {&d_model, &heads, &head_dim, &ffn}, read_opt};
}

} // namespace fusesim
