#include "workloads/models/hyena.hpp"
#include "workloads/graph/staged.hpp"
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/long_conv.hpp"
#include "workloads/models/registry.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace fusesim {

using model_parts::add_norm;
using model_parts::num;
using model_parts::start;

Workload build_hyena(const HyenaParams& p, Stage stage, int64_t batch, int64_t seq_len,
                     const Precision& precision) {
    if (stage == Stage::Decode)
        throw ModelError("stage", "model hyena is built for prefill only: decoding a long "
                                  "convolution (over the whole cache, or a recurrence distilled "
                                  "from its filters) is not modeled");
    if (!is_power_of_two(2 * seq_len))
        throw ModelError("seq_len", "model hyena: the FFT length 2 × seq_len must be a power of 2 "
                                    "(seq_len " +
                                        num(seq_len) + " gives " + num(2 * seq_len) + ")");
    if (p.fft_max_points > 0 && 2 * seq_len > p.fft_max_points) {
        try {
            four_step_split(2 * seq_len, p.fft_max_points, p.fft_radix);
        } catch (const std::invalid_argument& e) {
            throw ModelError("fft_max_points",
                             std::string("model hyena, seq_len ") + num(seq_len) + ": " + e.what());
        }
    }
    const int64_t L = seq_len, M = p.d_model, K = p.short_conv, O = p.order;
    Workload w = start("hyena", stage, batch, seq_len, precision, p.layers);
    WorkloadBuilder b(w);
    b.dim("b", batch);
    b.dim("l", L);
    b.dim("m", M);
    b.dim("e", (O + 1) * M);
    b.dim("d", M);
    b.dim("k", K);
    b.dim("f", 2 * L);
    for (const char* t : {"w_in", "w_short", "b_short", "w_out"}) b.declare(t, TensorRole::Weight);
    b.declare("u", TensorRole::Input);

    add_norm(b, "norm", "u", "un", true);
    b.add("in_proj", "zp[b,l,e] += un[b,l,m] * w_in[m,e]", "projection");
    b.add("short_conv", "zc[b,l,e] += zp[b,l+k-" + num(K - 1) + ",e] * w_short[e,k]", "conv")
        .padding = Padding::Zero;
    b.add("short_bias", "zb[b,l,e] = zc[b,l,e] + b_short[e]", "elementwise");
    // Branch 0 is the value v; branches 1..order gate the convolutions' outputs in turn.
    b.add("split_v", "v[b,l,d] = zb[b,l,d]", "view").view_of = "split";
    for (int64_t i = 1; i <= O; ++i)
        b.add("split_x" + num(i), "x" + num(i) + "[b,l,d] = zb[b,l,d+" + num(i * M) + "]", "view")
            .view_of = "split";
    // The paper's form: z_i = x_i ⊙ conv_i(z_{i−1}), z_0 = v, for i = 1..order. The released
    // code's: v ⊙ x_1 first, then order − 1 convolutions each followed by its gate.
    std::string z = "v";
    int64_t first = 1;
    if (p.released_form) {
        b.add("gate0", "g0[b,l,d] = v[b,l,d] * x1[b,l,d]", "elementwise");
        z = "g0";
        first = 2;
    }
    for (int64_t i = first; i <= O; ++i) {
        const std::string c = "conv" + num(i - first + 1), s = num(i - first + 1);
        model_parts::LongConv lc;
        lc.prefix = c;
        lc.input = z;
        lc.filter = "H" + s;
        lc.output = c + "_y";
        lc.batch = batch;
        lc.seq_len = L;
        lc.channels = M;
        lc.radix = p.fft_radix;
        lc.max_points = p.fft_max_points;
        model_parts::add_long_conv(b, w, lc);
        // The filter's skip term (Hyena's bias D): y += z ⊙ D per channel.
        b.declare("Dskip" + s, TensorRole::Weight);
        b.add(c + "_skip_mul", c + "_zd[b,l,d] = " + z + "[b,l,d] * Dskip" + s + "[d]",
              "elementwise");
        b.add(c + "_skip_add", c + "_ys[b,l,d] = " + c + "_y[b,l,d] + " + c + "_zd[b,l,d]",
              "elementwise");
        b.add("gate" + s, "g" + s + "[b,l,d] = " + c + "_ys[b,l,d] * x" + num(i) + "[b,l,d]",
              "elementwise");
        z = "g" + s;
    }
    b.add("out_proj", "o[b,l,m] += " + z + "[b,l,d] * w_out[d,m]", "projection");
    b.add("residual", "r[b,l,m] = o[b,l,m] + u[b,l,m]", "elementwise");
    std::string out = "r";
    if (p.mlp_width > 0) {
        // GELU costed as its sigmoid form x·σ(1.702·x): a SiLU.
        b.dim("h", p.mlp_width);
        for (const char* t : {"w_fc1", "w_fc2"}) b.declare(t, TensorRole::Weight);
        add_norm(b, "norm2", "r", "rn", true);
        b.add("fc1", "f1[b,l,h] += rn[b,l,m] * w_fc1[m,h]", "projection");
        b.add("gelu", "f1g[b,l,h] = silu(f1[b,l,h])", "elementwise");
        b.add("fc2", "f2[b,l,m] += f1g[b,l,h] * w_fc2[h,m]", "projection");
        b.add("residual2", "out[b,l,m] = f2[b,l,m] + r[b,l,m]", "elementwise");
        out = "out";
    }
    return model_parts::finish(std::move(w), "u", out);
}

namespace {

using T = ParamType;
constexpr double kMaxDim = model_parts::kMaxDim;

// The keys of `model: hyena`, in the order the reference lists them.
using model_parts::d_model;
constexpr Param order = optional("order", T::Integer, 1, 16, "2", 2,
                                 "long convolutions, each gated by the next of the `order` + 1 "
                                 "projection branches");
constexpr Param form =
    choice("form", "paper|released", "`paper`",
           "`paper`: `order` long convolutions, each followed by its gate (Poli et al. 2023, "
           "Def. 3.1); `released`: as the released code (safari, HyenaDNA), a gate first, then "
           "`order` − 1 convolutions each followed by its gate (`order` at least 2)");
constexpr Param short_conv = optional("short_conv", T::Integer, 1, 1024, "3", 3,
                                      "width of the short depthwise causal convolution");
constexpr Param mlp_width =
    optional("mlp_width", T::Integer, 0, kMaxDim, "0", 0,
             "hidden width of the MLP sub-block after the Hyena operator; 0: none");
constexpr Param fft_radix =
    choice("fft_radix", "2|4", "`2`",
           "radix of the FFTs: 2 (5·n·log2 n real ops) or 4 (8.5·n·log4 n, a radix-2 stage "
           "when log2 n is odd)");

constexpr Param fft_max_points =
    optional("fft_max_points", T::Integer, 0, 1 << 30, "0", 0,
             "longest FFT as one operator, a power of 2 (at least 2, at radix 4 at least 4); "
             "a longer one (n ≤ `fft_max_points`²) is split four-step into sub-FFTs of "
             "`fft_max_points` and n ÷ `fft_max_points` points (README \"Hyena and parallel "
             "scans\"); 0: never split");

LayerBuilder read_hyena(ModelKeys& keys, int64_t layers) {
    HyenaParams p;
    p.layers = layers;
    p.d_model = keys.integer(d_model);
    p.order = keys.integer_or_default(order);
    p.released_form = keys.choice(form) == "released";
    if (p.released_form && p.order < 2)
        keys.fail(order, "the released form needs order 2 or more (order − 1 long convolutions), "
                         "got " +
                             num(p.order));
    p.short_conv = keys.integer_or_default(short_conv);
    p.mlp_width = keys.integer_or_default(mlp_width);
    p.fft_radix = keys.choice(fft_radix) == "4" ? 4 : 2;
    p.fft_max_points = keys.integer_or_default(fft_max_points);
    if (p.fft_max_points != 0 &&
        (!is_power_of_two(p.fft_max_points) || p.fft_max_points < p.fft_radix))
        keys.fail(fft_max_points, "fft_max_points must be 0 or a power of 2 of at least " +
                                      num(p.fft_radix) + " (the FFT radix), got " +
                                      num(p.fft_max_points));
    return [p](Stage stage, int64_t batch, int64_t seq_len, const Precision& precision) {
        return build_hyena(p, stage, batch, seq_len, precision);
    };
}

} // namespace

ModelDef hyena_model() {
    return {"hyena",
            {&d_model, &order, &form, &short_conv, &mlp_width, &fft_radix, &fft_max_points},
            read_hyena};
}

} // namespace fusesim
