#include "workloads/models/models.hpp"

#include <string>

namespace fusesim {

namespace {

std::string num(int64_t v) {
    return std::to_string(v);
}

Workload start(const std::string& model, Stage stage, int64_t batch, int64_t seq_len,
               const Precision& precision, int64_t layers) {
    Workload w;
    w.model = model;
    w.stage = stage;
    w.batch = batch;
    w.seq_len = seq_len;
    w.layers = layers;
    w.precision = precision;
    return w;
}

// RMSNorm (Mamba) or LayerNorm (OPT) over m: statistics per token, then a scale per element.
void add_norm(WorkloadBuilder& b, const std::string& prefix, const std::string& in,
              const std::string& out, bool layer_norm) {
    const std::string p = prefix + "_";
    b.declare(p + "g", TensorRole::Weight);
    b.add(p + "sq", p + "ss[b,l] += " + in + "[b,l,m] * " + in + "[b,l,m]", "norm");
    b.add(p + "rsqrt", p + "rs[b,l] = sqrt(" + p + "ss[b,l])", "norm");
    std::string scaled = in;
    if (layer_norm) {
        b.add(p + "mean", p + "mu[b,l] += " + in + "[b,l,m]", "norm");
        b.add(p + "center", p + "xc[b,l,m] = " + in + "[b,l,m] - " + p + "mu[b,l]", "norm");
        scaled = p + "xc";
    }
    b.add(p + "scale", out + "[b,l,m] = " + scaled + "[b,l,m] * " + p + "rs[b,l] * " + p + "g[m]",
          "norm");
}

} // namespace

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
        b.add("conv", "xc[b,l,d] += xi[b,l+k-" + num(K - 1) + ",d] * w_conv[d,k]", "conv");
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
    if (decode) {
        b.declare("h_prev", TensorRole::State);
        b.add("ssm_decay", "hd[b,l,d,n] = dA[b,l,d,n] * h_prev[b,l,d,n]", "state_update");
    } else {
        b.add("ssm_decay", "hd[b,l,d,n] = dA[b,l,d,n] * h[b,l-1,d,n]", "state_update");
        b.carried("l", 1);
    }
    b.add("ssm_add", "h[b,l,d,n] = hd[b,l,d,n] + dBx[b,l,d,n]", "state_update");
    b.add("ssm_out", "y[b,l,d] += h[b,l,d,n] * Cm[b,l,n]", "state_update");
    if (!decode) {
        for (const char* op : {"ssm_add", "ssm_out"})
            w.ops[w.op_index(op)].sequential_dim = w.ops[w.op_index(op)].dim_index("l");
    }
    b.add("skip_mul", "yD[b,l,d] = xs[b,l,d] * Dskip[d]", "elementwise");
    b.add("skip_add", "ys[b,l,d] = y[b,l,d] + yD[b,l,d]", "elementwise");
    b.add("gate_silu", "zs[b,l,d] = silu(z[b,l,d])", "elementwise");
    b.add("gate_mul", "yg[b,l,d] = ys[b,l,d] * zs[b,l,d]", "elementwise");
    b.add("out_proj", "o[b,l,m] += yg[b,l,d] * w_out[d,m]", "projection");
    b.add("residual", "out[b,l,m] = o[b,l,m] + u[b,l,m]", "elementwise");
    w.finalize();
    w.layer_input = w.tensor_index("u");
    w.layer_output = w.tensor_index("out");
    return w;
}

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
    w.finalize();
    w.layer_input = w.tensor_index("x");
    w.layer_output = w.tensor_index("out");
    return w;
}

} // namespace fusesim
