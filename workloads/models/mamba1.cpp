#include "workloads/models/mamba1.hpp"
#include "workloads/graph/staged.hpp"
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/mamba1_scan.hpp"
#include "workloads/models/registry.hpp"

#include <utility>

namespace fusesim {

using model_parts::add_norm;
using model_parts::num;
using model_parts::start;

Workload build_mamba1(const MambaParams& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision) {
    const bool decode = stage == Stage::Decode;
    const int64_t L = decode ? 1 : seq_len;
    Workload w = start("mamba1", stage, batch, seq_len, precision, p.layers);
    WorkloadBuilder b(w);
    const int64_t D = p.d_inner, N = p.d_state, R = p.dt_rank, K = p.d_conv;
    b.dim("b", batch);
    b.dim("l", L);
    b.dim("m", p.d_model);
    b.dim("e", 2 * D);
    b.dim("d", D);
    b.dim("n", N);
    b.dim("r", R);
    b.dim("k", K);
    b.dim("j", R + 2 * N);
    for (const char* t : {"w_in", "w_conv", "b_conv", "w_x", "w_dt", "b_dt", "A", "Dskip", "w_out"})
        b.declare(t, TensorRole::Weight);
    b.declare("u", TensorRole::Input); // the layer input

    add_norm(b, "norm", "u", "un", false);
    b.add("in_proj", "xz[b,l,e] += un[b,l,m] * w_in[m,e]", "projection");
    b.add("split_x", "xi[b,l,d] = xz[b,l,d]", "view").view_of = "split";
    b.add("split_z", "z[b,l,d] = xz[b,l,d+" + num(D) + "]", "view").view_of = "split";
    if (decode) {
        // The conv window: the K-1 previous inputs (the conv state) and this token.
        b.dim("t", K - 1);
        b.declare("conv_state", TensorRole::State);
        b.add("cat_state", "xw[b,t,d] = conv_state[b,t,d]", "view").view_of = "concat";
        b.add("cat_new", "xw[b,l+" + num(K - 1) + ",d] = xi[b,l,d]", "view").view_of = "concat";
        b.add("conv", "xc[b,l,d] += xw[b,l+k,d] * w_conv[d,k]", "conv");
        b.add("conv_state_out", "conv_state_new[b,t,d] = xw[b,t+1,d]", "elementwise", "copy");
    } else {
        // Causal: the window of the first K-1 tokens reaches before the sequence, into zeros.
        b.add("conv", "xc[b,l,d] += xi[b,l+k-" + num(K - 1) + ",d] * w_conv[d,k]", "conv").padding =
            Padding::Zero;
    }
    b.add("conv_bias", "xcb[b,l,d] = xc[b,l,d] + b_conv[d]", "elementwise");
    b.add("conv_silu", "xs[b,l,d] = silu(xcb[b,l,d])", "elementwise");
    b.add("x_proj", "dbc[b,l,j] += xs[b,l,d] * w_x[d,j]", "projection");
    b.add("split_dt", "dt[b,l,r] = dbc[b,l,r]", "view").view_of = "split";
    b.add("split_B", "Bm[b,l,n] = dbc[b,l,n+" + num(R) + "]", "view").view_of = "split";
    b.add("split_C", "Cm[b,l,n] = dbc[b,l,n+" + num(R + N) + "]", "view").view_of = "split";
    b.add("dt_proj", "dtp[b,l,d] += dt[b,l,r] * w_dt[r,d]", "projection");
    b.add("dt_bias", "dtb[b,l,d] = dtp[b,l,d] + b_dt[d]", "elementwise");
    b.add("softplus", "delta[b,l,d] = softplus(dtb[b,l,d])", "elementwise");
    // The state-update block (REFERENCE.md §1 steps 6-9). Exp is a non-linear elementwise
    // operator; the paper's state-update intensity (0.17 ops/byte) counts the others.
    b.add("mul_delta_A", "dAp[b,l,d,n] = delta[b,l,d] * A[d,n]", "state_update");
    b.add("exp", "dA[b,l,d,n] = exp(dAp[b,l,d,n])", "elementwise");
    b.add("mul_delta_B", "dB[b,l,d,n] = delta[b,l,d] * Bm[b,l,n]", "state_update");
    b.add("mul_dBx", "dBx[b,l,d,n] = dB[b,l,d,n] * xs[b,l,d]", "state_update");
    // h is versioned by token: h[l] is the state after token l. Only the versions a later tile
    // still needs are live, so memory holds one or two D×N states, never L of them.
    b.declare("h", TensorRole::State);
    const int64_t Q = scan_chunk_for(p.scan_chunk, L);
    const bool parallel = !decode && p.scan != "sequential" && Q >= 2;
    if (parallel) {
        add_parallel_scan(b, w, p.scan, L, Q);
    } else if (decode) {
        b.declare("h_prev", TensorRole::State);
        b.add("ssm_decay", "hd[b,l,d,n] = dA[b,l,d,n] * h_prev[b,l,d,n]", "state_update");
    } else {
        b.add("ssm_decay", "hd[b,l,d,n] = dA[b,l,d,n] * h[b,l-1,d,n]", "state_update");
        b.carried("l", 1);
    }
    if (!parallel) {
        // In place, ssm_add consumes hd on chip in every fusion scheme (Tensor::in_place).
        if (!p.split_state_update) b.in_place();
        b.add("ssm_add", "h[b,l,d,n] = hd[b,l,d,n] + dBx[b,l,d,n]", "state_update");
        b.add("ssm_out", "y[b,l,d] += h[b,l,d,n] * Cm[b,l,n]", "state_update");
    }
    if (!decode && !parallel) {
        for (const char* op : {"ssm_add", "ssm_out"})
            w.ops[w.op_index(op)].sequential_dim = w.ops[w.op_index(op)].dim_index("l");
    }
    b.add("skip_mul", "yD[b,l,d] = xs[b,l,d] * Dskip[d]", "elementwise");
    b.add("skip_add", "ys[b,l,d] = y[b,l,d] + yD[b,l,d]", "elementwise");
    b.add("gate_silu", "zs[b,l,d] = silu(z[b,l,d])", "elementwise");
    b.add("gate_mul", "yg[b,l,d] = ys[b,l,d] * zs[b,l,d]", "elementwise");
    b.add("out_proj", "o[b,l,m] += yg[b,l,d] * w_out[d,m]", "projection");
    b.add("residual", "out[b,l,m] = o[b,l,m] + u[b,l,m]", "elementwise");
    Workload out = model_parts::finish(std::move(w), "u", "out");
    if (decode) model_parts::mark_state_out(out, {"h", "conv_state_new"});
    return out;
}

namespace {

using T = ParamType;
constexpr double kMaxDim = model_parts::kMaxDim;

// The keys of `model: mamba1`, in the order the reference lists them.
using model_parts::d_model;
constexpr Param d_state = required("d_state", T::Integer, 1, kMaxDim, "state size N");
using model_parts::d_inner;
using model_parts::expand;
constexpr Param d_conv =
    optional("d_conv", T::Integer, 1, 1024, "4", 4, "width of the causal convolution");
constexpr Param dt_rank =
    optional("dt_rank", T::Integer, 1, kMaxDim, "ceil(`d_model` / 16)", 0, "rank R of Δ");
constexpr Param state_update =
    choice("state_update", "in_place|split", "`in_place`",
           "h = exp(ΔA) ⊙ h + ΔB·x: `in_place` keeps hd = dA ⊙ h on chip in every fusion scheme "
           "(ssm_decay and ssm_add always share a group); `split` lets an unfused scheme write hd "
           "to DRAM and read it back (2·D·N elements more per token)");

constexpr Param scan =
    choice("scan", "sequential|hillis-steele|blelloch", "`sequential`",
           "prefill state update: `sequential` the token recurrence; `hillis-steele` or "
           "`blelloch` a parallel scan within chunks of `scan_chunk` tokens, chained by a "
           "recurrence over the chunks (README \"Hyena and parallel scans\")");
constexpr Param scan_chunk =
    optional("scan_chunk", T::Integer, 2, kMaxDim, "256", 256,
             "tokens per chunk of a parallel `scan`, a power of 2; min(it, L rounded up to a "
             "power of 2), the last chunk zero-padded");

LayerBuilder read_mamba1(ModelKeys& keys, int64_t layers) {
    MambaParams p;
    p.layers = layers;
    p.d_model = keys.integer(d_model);
    const int64_t x = keys.integer_or_default(expand);
    p.d_inner = keys.opt_integer(d_inner).value_or(x * p.d_model);
    p.d_state = keys.integer(d_state);
    p.d_conv = keys.integer_or_default(d_conv);
    p.dt_rank = keys.opt_integer(dt_rank).value_or((p.d_model + 15) / 16);
    p.split_state_update = keys.choice(state_update) == "split";
    p.scan = keys.choice(scan);
    p.scan_chunk = keys.integer_or_default(scan_chunk);
    if (!is_power_of_two(p.scan_chunk))
        keys.fail(scan_chunk,
                  "scan_chunk must be a power of 2, got " + std::to_string(p.scan_chunk));
    return [p](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
        return build_mamba1(p, stage, batch, seq_len, precision);
    };
}

} // namespace

ModelDef mamba1_model() {
    return {"mamba1",
            {&d_model, &d_state, &expand, &d_inner, &d_conv, &dt_rank, &state_update, &scan,
             &scan_chunk},
            read_mamba1};
}

} // namespace fusesim
