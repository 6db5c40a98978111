#include "workloads/models/mamba2.hpp"
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/registry.hpp"

#include <algorithm>
#include <utility>

namespace fusesim {

using model_parts::add_norm;
using model_parts::num;
using model_parts::start;

int64_t ssd_chunk(const Mamba2Params& p, int64_t seq_len) {
    return std::min(p.chunk_size, seq_len);
}

int64_t ssd_chunks(const Mamba2Params& p, int64_t seq_len) {
    const int64_t q = ssd_chunk(p, seq_len);
    return (seq_len + q - 1) / q;
}

namespace {

// The SSD of a prefill, chunk by chunk (Dao & Gu 2024, Listing 1, with X = x·Δ and A·Δ): token
// l = c·Q + q of chunk c; heads h = g·HG + j (HG heads per group share B and C).
void add_ssd_chunked(WorkloadBuilder& b, Workload& w, int64_t L, int64_t Q, int64_t C) {
    const std::string tq = "c*" + num(Q) + "+q", ts = "c*" + num(Q) + "+s";
    const std::string last = num(Q - 1);
    // The last chunk reads zeros past the sequence's end (Δ = 0 there: no decay, no input).
    const Padding pad = C * Q > L ? Padding::Zero : Padding::None;
    b.add("ssd_dA", "dA[b,c,q,g,j] = delta[b," + tq + ",g,j] * A[g,j]", "ssd_chunk").padding = pad;
    b.add("ssd_xdt", "xdt[b,c,q,g,j,p] = x[b," + tq + ",g,j,p] * delta[b," + tq + ",g,j]",
          "ssd_chunk")
        .padding = pad;
    // Prefix sum of A·Δ along the chunk: one add per element; it reads the chunk's whole row.
    b.add("ssd_cumsum", "Acum[b,c,q,g,j] = dA[b,c,:,g,j]", "ssd_chunk", "add");
    // Diagonal blocks: L = exp(segsum) (zero above the diagonal), (C·Bᵀ ∘ L)·X.
    b.add("ssd_segsum", "seg[b,c,g,j,q,s] = Acum[b,c,q,g,j] - Acum[b,c,s,g,j]", "ssd_chunk");
    b.add("ssd_decay", "Lm[b,c,g,j,q,s] = exp(seg[b,c,g,j,q,s])", "ssd_chunk");
    b.add("ssd_cb", "CB[b,c,g,q,s] += Cm[b," + tq + ",g,n] * Bm[b," + ts + ",g,n]", "ssd_chunk")
        .padding = pad;
    b.add("ssd_mask", "Mm[b,c,g,j,q,s] = CB[b,c,g,q,s] * Lm[b,c,g,j,q,s]", "ssd_chunk");
    b.add("ssd_diag", "yd[b,c,q,g,j,p] += Mm[b,c,g,j,q,s] * xdt[b,c,s,g,j,p]", "ssd_chunk");
    // Chunk states: Bᵀ·X weighted by the decay to the chunk's end.
    b.add("ssd_state_diff", "sdf[b,c,q,g,j] = Acum[b,c," + last + ",g,j] - Acum[b,c,q,g,j]",
          "ssd_state");
    b.add("ssd_state_exp", "sde[b,c,q,g,j] = exp(sdf[b,c,q,g,j])", "ssd_state");
    b.add("ssd_state_x", "xw[b,c,q,g,j,p] = xdt[b,c,q,g,j,p] * sde[b,c,q,g,j]", "ssd_state");
    b.add("ssd_state", "st[b,c,g,j,p,n] += xw[b,c,q,g,j,p] * Bm[b," + tq + ",g,n]", "ssd_state")
        .padding = pad;
    // State passing, a recurrence over chunks: S[c] = exp(ΣA·Δ of chunk c) · S[c-1] + st[c].
    b.add("ssd_chunk_exp", "cd[b,c,g,j] = exp(Acum[b,c," + last + ",g,j])", "ssd_state");
    b.declare("S", TensorRole::State);
    b.add("ssd_pass_decay", "sd[b,c,g,j,p,n] = cd[b,c,g,j] * S[b,c-1,g,j,p,n]", "ssd_state");
    b.carried("c", 1);
    b.in_place(); // sd is consumed at once by the add, as Mamba-1's hd
    b.add("ssd_pass_add", "S[b,c,g,j,p,n] = sd[b,c,g,j,p,n] + st[b,c,g,j,p,n]", "ssd_state");
    w.ops[w.op_index("ssd_pass_add")].sequential_dim =
        w.ops[w.op_index("ssd_pass_add")].dim_index("c");
    // Off-diagonal blocks: the state entering chunk c (zero for the first), decayed to token q.
    b.add("ssd_off", "yo[b,c,q,g,j,p] += Cm[b," + tq + ",g,n] * S[b,c-1,g,j,p,n]", "ssd_state")
        .padding = Padding::Zero;
    b.add("ssd_off_exp", "ea[b,c,q,g,j] = exp(Acum[b,c,q,g,j])", "ssd_state");
    b.add("ssd_off_scale", "yoff[b,c,q,g,j,p] = yo[b,c,q,g,j,p] * ea[b,c,q,g,j]", "ssd_state");
    b.add("ssd_sum", "yc[b,c,q,g,j,p] = yd[b,c,q,g,j,p] + yoff[b,c,q,g,j,p]", "ssd_state");
    b.add("merge_chunks", "y[b," + tq + ",g,j,p] = yc[b,c,q,g,j,p]", "view").view_of = "reshape";
}

// The recurrent form for one token: h = exp(A·Δ) · h + (x·Δ) ⊗ B, y = h·C.
void add_ssd_recurrent(WorkloadBuilder& b) {
    b.add("ssd_dA", "dA[b,l,g,j] = delta[b,l,g,j] * A[g,j]", "state_update");
    b.add("ssd_exp", "dAe[b,l,g,j] = exp(dA[b,l,g,j])", "elementwise");
    b.add("ssd_xdt", "xdt[b,l,g,j,p] = x[b,l,g,j,p] * delta[b,l,g,j]", "state_update");
    b.add("ssd_dBx", "dBx[b,l,g,j,p,n] = xdt[b,l,g,j,p] * Bm[b,l,g,n]", "state_update");
    b.declare("h_prev", TensorRole::State);
    b.add("ssd_decay", "hd[b,l,g,j,p,n] = dAe[b,l,g,j] * h_prev[b,l,g,j,p,n]", "state_update");
    b.in_place();
    b.add("ssd_add", "h[b,l,g,j,p,n] = hd[b,l,g,j,p,n] + dBx[b,l,g,j,p,n]", "state_update");
    b.add("ssd_out", "y[b,l,g,j,p] += h[b,l,g,j,p,n] * Cm[b,l,g,n]", "state_update");
}

} // namespace

Workload build_mamba2(const Mamba2Params& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision) {
    const bool decode = stage == Stage::Decode;
    const int64_t L = decode ? 1 : seq_len;
    Workload w = start("mamba2", stage, batch, seq_len, precision, p.layers);
    WorkloadBuilder b(w);
    const int64_t D = p.d_inner, N = p.d_state, P = p.head_dim, G = p.n_groups, K = p.d_conv;
    const int64_t H = p.heads(), HG = H / G, DG = D / G;
    const int64_t F = D + 2 * G * N; // conv channels: x, B, C
    b.dim("b", batch);
    b.dim("l", L);
    b.dim("m", p.d_model);
    b.dim("e", 2 * D + 2 * G * N + H); // in_proj: z, x, B, C, dt
    b.dim("f", F);
    b.dim("k", K);
    b.dim("g", G);
    b.dim("j", HG);
    b.dim("p", P);
    b.dim("n", N);
    b.dim("i", DG);
    b.dim("d", D);
    for (const char* t : {"w_in", "w_conv", "b_conv", "b_dt", "A", "Dskip", "gnorm_g", "w_out"})
        b.declare(t, TensorRole::Weight);
    b.declare("u", TensorRole::Input);

    add_norm(b, "norm", "u", "un", false);
    b.add("in_proj", "zxbcdt[b,l,e] += un[b,l,m] * w_in[m,e]", "projection");
    b.add("split_z", "z[b,l,g,i] = zxbcdt[b,l,g*" + num(DG) + "+i]", "view").view_of = "split";
    b.add("split_xBC", "xBC[b,l,f] = zxbcdt[b,l,f+" + num(D) + "]", "view").view_of = "split";
    b.add("split_dt",
          "dt[b,l,g,j] = zxbcdt[b,l,g*" + num(HG) + "+j+" + num(2 * D + 2 * G * N) + "]", "view")
        .view_of = "split";
    if (decode) {
        b.dim("t", K - 1);
        b.declare("conv_state", TensorRole::State);
        b.add("cat_state", "xwin[b,t,f] = conv_state[b,t,f]", "view").view_of = "concat";
        b.add("cat_new", "xwin[b,l+" + num(K - 1) + ",f] = xBC[b,l,f]", "view").view_of = "concat";
        b.add("conv", "xc[b,l,f] += xwin[b,l+k,f] * w_conv[f,k]", "conv");
        b.add("conv_state_out", "conv_state_new[b,t,f] = xwin[b,t+1,f]", "elementwise", "copy");
    } else {
        b.add("conv", "xc[b,l,f] += xBC[b,l+k-" + num(K - 1) + ",f] * w_conv[f,k]", "conv")
            .padding = Padding::Zero;
    }
    b.add("conv_bias", "xcb[b,l,f] = xc[b,l,f] + b_conv[f]", "elementwise");
    b.add("conv_silu", "xs[b,l,f] = silu(xcb[b,l,f])", "elementwise");
    b.add("split_x", "x[b,l,g,j,p] = xs[b,l,g*" + num(HG * P) + "+j*" + num(P) + "+p]", "view")
        .view_of = "split";
    b.add("split_B", "Bm[b,l,g,n] = xs[b,l,g*" + num(N) + "+n+" + num(D) + "]", "view").view_of =
        "split";
    b.add("split_C", "Cm[b,l,g,n] = xs[b,l,g*" + num(N) + "+n+" + num(D + G * N) + "]", "view")
        .view_of = "split";
    b.add("dt_bias", "dtb[b,l,g,j] = dt[b,l,g,j] + b_dt[g,j]", "elementwise");
    b.add("softplus", "delta[b,l,g,j] = softplus(dtb[b,l,g,j])", "elementwise");
    if (decode) {
        add_ssd_recurrent(b);
    } else {
        const int64_t Q = ssd_chunk(p, L), C = ssd_chunks(p, L);
        b.dim("c", C);
        b.dim("q", Q);
        b.dim("s", Q);
        add_ssd_chunked(b, w, L, Q, C);
    }
    // D skip (a scalar per head), then the gated RMSNorm over each group: norm(y ⊙ SiLU(z)).
    b.add("skip_mul", "yD[b,l,g,j,p] = x[b,l,g,j,p] * Dskip[g,j]", "elementwise");
    b.add("skip_add", "ys[b,l,g,j,p] = y[b,l,g,j,p] + yD[b,l,g,j,p]", "elementwise");
    b.add("merge_heads", "yr[b,l,g,j*" + num(P) + "+p] = ys[b,l,g,j,p]", "view").view_of =
        "reshape";
    b.add("gate_silu", "zs[b,l,g,i] = silu(z[b,l,g,i])", "elementwise");
    b.add("gate_mul", "yg[b,l,g,i] = yr[b,l,g,i] * zs[b,l,g,i]", "elementwise");
    b.add("gnorm_sq", "gss[b,l,g] += yg[b,l,g,i] * yg[b,l,g,i]", "norm");
    b.add("gnorm_rsqrt", "grs[b,l,g] = sqrt(gss[b,l,g])", "norm");
    b.add("gnorm_scale", "yn[b,l,g,i] = yg[b,l,g,i] * grs[b,l,g] * gnorm_g[g,i]", "norm");
    b.add("merge_groups", "yf[b,l,g*" + num(DG) + "+i] = yn[b,l,g,i]", "view").view_of = "reshape";
    b.add("out_proj", "o[b,l,m] += yf[b,l,d] * w_out[d,m]", "projection");
    b.add("residual", "out[b,l,m] = o[b,l,m] + u[b,l,m]", "elementwise");
    Workload out = model_parts::finish(std::move(w), "u", "out");
    if (decode) model_parts::mark_state_out(out, {"h", "conv_state_new"});
    return out;
}

namespace {

using T = ParamType;
constexpr double kMaxDim = model_parts::kMaxDim;

// The keys of `model: mamba2`, in the order the reference lists them (defaults: the published
// Mamba-2 models, Dao & Gu 2024).
using model_parts::d_model;
constexpr Param d_state = optional("d_state", T::Integer, 1, kMaxDim, "128", 128, "state size N");
using model_parts::d_inner;
using model_parts::expand;
constexpr Param head_dim = optional("head_dim", T::Integer, 1, kMaxDim, "64", 64,
                                    "head width P; heads H = D ÷ P (P must divide D)");
constexpr Param n_groups =
    optional("n_groups", T::Integer, 1, kMaxDim, "1", 1,
             "groups G of heads sharing B and C (and one gated-norm group each); G must divide H");
constexpr Param d_conv = optional("d_conv", T::Integer, 1, 1024, "4", 4,
                                  "width of the causal convolution over x, B and C");
constexpr Param chunk_size =
    optional("chunk_size", T::Integer, 1, kMaxDim, "256", 256,
             "SSD chunk length Q (prefill); min(Q, L) when the sequence is shorter, the last "
             "chunk zero-padded when Q does not divide L");

LayerBuilder read_mamba2(ModelKeys& keys, int64_t layers) {
    Mamba2Params p;
    p.layers = layers;
    p.d_model = keys.integer(d_model);
    p.d_state = keys.integer_or_default(d_state);
    const int64_t x = keys.integer_or_default(expand);
    p.d_inner = keys.opt_integer(d_inner).value_or(x * p.d_model);
    p.head_dim = keys.integer_or_default(head_dim);
    if (p.d_inner % p.head_dim != 0)
        keys.fail(head_dim, "head_dim (" + num(p.head_dim) + ") must divide d_inner (" +
                                num(p.d_inner) + ")");
    p.n_groups = keys.integer_or_default(n_groups);
    if (p.heads() % p.n_groups != 0)
        keys.fail(n_groups, "n_groups (" + num(p.n_groups) + ") must divide the heads (" +
                                num(p.heads()) + " = d_inner ÷ head_dim)");
    p.d_conv = keys.integer_or_default(d_conv);
    p.chunk_size = keys.integer_or_default(chunk_size);
    return [p](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
        return build_mamba2(p, stage, batch, seq_len, precision);
    };
}

} // namespace

ModelDef mamba2_model() {
    return {"mamba2",
            {&d_model, &d_state, &expand, &d_inner, &head_dim, &n_groups, &d_conv, &chunk_size},
            read_mamba2};
}

} // namespace fusesim
