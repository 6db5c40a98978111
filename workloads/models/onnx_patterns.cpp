// Patterns: LayerNormalization, RMSNorm (SimplifiedLayerNormalization, or written out as
// Pow → ReduceMean → Add eps → Sqrt → Reciprocal/Div → Mul → Mul gain), SiLU (x · Sigmoid(x))
// and the selective scan (the custom op fusesim.SelectiveScan): each maps onto the operators the
// built-in models use (workloads/models/layer_parts.cpp, mamba1.cpp).
#include "workloads/models/onnx_importer.hpp"

namespace fusesim::onnx_import {

namespace {

std::vector<bool> real_axes(const Value& x) {
    std::vector<bool> real(x.rank());
    for (size_t i = 0; i < x.rank(); ++i) real[i] = x.axes[i] >= 0 || x.shape[i] > 1;
    return real;
}

std::vector<std::string> proposed_names(const Importer& im, const Value& x) {
    std::vector<std::string> names(x.rank());
    for (size_t i = 0; i < x.rank(); ++i) names[i] = im.name_of(x, i);
    return names;
}

// The norm over the last axis of x, named after node `last`, written to ONNX tensor `out`: the
// statistic per row (sq, rsqrt; for a LayerNorm also mean, center), then a scale per element.
void emit_norm(Importer& im, const OnnxNode& last, const Value& x, const Value* gain,
               const Value* bias, const std::string& out, bool layer_norm) {
    const size_t r = x.rank();
    if (r < 1) im.fail(last, "normalizes a scalar");
    const int64_t M = x.shape[r - 1];
    for (const Value* v : {gain, bias})
        if (v && (v->rank() != 1 || v->shape[0] != M))
            im.fail(last, "the scale and bias must have shape [" + std::to_string(M) + "]");
    const std::string name = im.op_name(last), p = sanitize(name);
    Taken taken;
    const std::vector<std::string> loops =
        im.out_dims(last, out, proposed_names(im, x), x.shape, taken);
    const std::vector<int> order = layout_like(x, r, real_axes(x));
    std::vector<int> kept_order;
    for (int a : order)
        if (a != static_cast<int>(r - 1)) kept_order.push_back(a);
    const std::vector<std::string> kept_loops(loops.begin(), loops.end() - 1);
    const std::vector<int64_t> kept_shape(x.shape.begin(), x.shape.end() - 1);
    const std::string xr = im.ref(x, loops);
    auto stat = [&](const std::string& suffix) {
        return im.define("\n" + p + suffix, im.tensor_name(p + suffix), kept_loops, kept_shape,
                         kept_order);
    };
    const std::string ss = stat("_ss");
    im.add(last, name + "_sq", ss + " += " + xr + " * " + xr, "norm");
    const std::string rs = stat("_rs");
    im.add(last, name + "_rsqrt", rs + " = sqrt(" + ss + ")", "norm");
    std::string scaled = xr;
    if (layer_norm) {
        const std::string mu = stat("_mu");
        im.add(last, name + "_mean", mu + " += " + xr, "norm");
        scaled = im.define("\n" + p + "_xc", im.tensor_name(p + "_xc"), loops, x.shape, order);
        im.add(last, name + "_center", scaled + " = " + xr + " - " + mu, "norm");
    }
    const std::string y = im.define(bias ? "\n" + out : out, im.tensor_name(bias ? p + "_y" : out),
                                    loops, x.shape, order);
    im.add(last, name + "_scale",
           y + " = " + scaled + " * " + rs + (gain ? " * " + im.ref(*gain, {loops[r - 1]}) : ""),
           "norm");
    if (bias) {
        const std::string z = im.define(out, im.tensor_name(out), loops, x.shape, order);
        im.add(last, name + "_bias", z + " = " + y + " + " + im.ref(*bias, {loops[r - 1]}),
               "elementwise");
    }
}

// The other input of binary node `c` when one of its inputs is `t`; "" otherwise.
std::string other_input(const Importer& im, int c, const std::string& t) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(c)];
    if (n.inputs.size() != 2) return "";
    if (n.inputs[0] == t) return n.inputs[1];
    if (n.inputs[1] == t) return n.inputs[0];
    return "";
}

// Pow(x, 2) or Mul(x, x) at `index` starting the written-out RMSNorm; false if it does not.
bool rms_pattern(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    const bool square = (n.op_type == "Pow" && im.is_scalar(n, 1, 2)) ||
                        (n.op_type == "Mul" && n.inputs.size() == 2 && n.inputs[0] == n.inputs[1]);
    if (!n.domain.empty() || !square) return false;
    const std::string& x_name = n.inputs[0];
    std::vector<int> nodes;
    auto next = [&](const std::string& t, const char* op) {
        const int c = im.sole_consumer(t);
        if (!im.is_op(c, op)) return -1;
        nodes.push_back(c);
        return c;
    };
    auto out_of = [&](int c) { return im.g.nodes[static_cast<size_t>(c)].outputs.at(0); };
    const int mean = next(n.outputs.at(0), "ReduceMean");
    if (mean < 0) return false;
    const OnnxNode& m = im.g.nodes[static_cast<size_t>(mean)];
    std::vector<int64_t> axes;
    const Value& x = im.in(n, 0);
    if (x.rank() == 0) return false;
    const int64_t r = static_cast<int64_t>(x.rank());
    if (!im.ints_of(m, 1, "axes", axes) || axes.size() != 1 ||
        (axes[0] != -1 && axes[0] != r - 1) || m.int_attr("keepdims", 1) == 0)
        return false;
    std::string t = out_of(mean);
    if (const int add = im.sole_consumer(t); im.is_op(add, "Add")) {
        // The epsilon: a constant of one element.
        auto eps = im.g.initializers.find(other_input(im, add, t));
        if (eps == im.g.initializers.end() || eps->second.values.size() != 1) return false;
        nodes.push_back(add);
        t = out_of(add);
    }
    const int sqrt = next(t, "Sqrt");
    if (sqrt < 0) return false;
    t = out_of(sqrt);
    int scaled = -1;
    if (const int c = im.sole_consumer(t);
        im.is_op(c, "Div") && im.g.nodes[static_cast<size_t>(c)].inputs[0] == x_name) {
        nodes.push_back(scaled = c);
    } else {
        const int inv =
            im.is_op(c, "Reciprocal") ? next(t, "Reciprocal")
            : im.is_op(c, "Div") && im.is_scalar(im.g.nodes[static_cast<size_t>(c)], 0, 1)
                ? next(t, "Div")
                : -1;
        if (inv < 0) return false;
        scaled = next(out_of(inv), "Mul");
        if (scaled < 0 || other_input(im, scaled, out_of(inv)) != x_name) return false;
    }
    int last = scaled;
    const Value* gain = nullptr;
    if (const int c = im.sole_consumer(out_of(scaled)); im.is_op(c, "Mul")) {
        const std::string g = other_input(im, c, out_of(scaled));
        auto init = im.g.initializers.find(g);
        if (init != im.g.initializers.end() && init->second.dims.size() == 1 &&
            init->second.dims[0] == x.shape.back()) {
            nodes.push_back(last = c);
            const OnnxNode& mul = im.g.nodes[static_cast<size_t>(c)];
            gain = &im.in(mul, g == mul.inputs[0] ? 0 : 1);
        }
    }
    const OnnxNode& end = im.g.nodes[static_cast<size_t>(last)];
    emit_norm(im, end, x, gain, nullptr, end.outputs.at(0), false);
    for (int c : nodes) im.mark_done(c);
    return true;
}

} // namespace

bool norm(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    const bool ln = n.domain.empty() && n.op_type == "LayerNormalization";
    const bool rms = (n.domain.empty() || n.domain == "com.microsoft") &&
                     n.op_type == "SimplifiedLayerNormalization";
    if (!ln && !rms) return rms_pattern(im, index);
    const Value& x = im.in(n, 0);
    if (im.axis(n, n.int_attr("axis", -1), x.rank()) != static_cast<int>(x.rank()) - 1)
        im.fail(n, "only a normalization over the last axis is supported");
    for (size_t k = 1; k < n.outputs.size(); ++k)
        if (!n.outputs[k].empty() && im.sole_consumer(n.outputs[k]) != -1)
            im.fail(n, "its mean and inverse deviation outputs are not supported");
    emit_norm(im, n, x, &im.in(n, 1), im.opt_in(n, 2), n.outputs.at(0), ln);
    return true;
}

bool silu(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (!n.domain.empty() || n.op_type != "Sigmoid") return false;
    const int c = im.sole_consumer(n.outputs.at(0));
    if (!im.is_op(c, "Mul") || other_input(im, c, n.outputs[0]) != n.inputs.at(0)) return false;
    const OnnxNode& mul = im.g.nodes[static_cast<size_t>(c)];
    const Value& x = im.in(n, 0);
    Taken taken;
    const std::vector<std::string> loops =
        im.out_dims(mul, mul.outputs.at(0), proposed_names(im, x), x.shape, taken);
    const std::string y = im.define(mul.outputs[0], im.tensor_name(mul.outputs[0]), loops, x.shape,
                                    layout_like(x, x.rank(), real_axes(x)));
    im.add(mul, im.op_name(mul), y + " = silu(" + im.ref(x, loops) + ")", "elementwise");
    im.mark_done(c);
    return true;
}

bool selective_scan(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (n.domain != "fusesim") return false;
    if (n.op_type != "SelectiveScan") im.fail(n, "the domain fusesim has one op, SelectiveScan");
    const Value &u = im.in(n, 0), &delta = im.in(n, 1), &A = im.in(n, 2), &B = im.in(n, 3),
                &C = im.in(n, 4);
    if (u.rank() != 3 || delta.shape != u.shape || A.rank() != 2 || A.shape[0] != u.shape[2] ||
        B.rank() != 3 || C.shape != B.shape || B.shape[0] != u.shape[0] ||
        B.shape[1] != u.shape[1] || B.shape[2] != A.shape[1] || n.outputs.size() != 1)
        im.fail(n, "expects u, delta [B, L, D], A [D, N], B, C [B, L, N] and one output y "
                   "[B, L, D]");
    const std::string& out = n.outputs[0];
    Taken taken;
    const std::vector<std::string> loops =
        im.out_dims(n, out, proposed_names(im, u), u.shape, taken);
    const std::string &b = loops[0], &l = loops[1], &d = loops[2];
    const std::string s =
        im.dim(im.name_of(B, 2).empty() ? "n" : im.name_of(B, 2), B.shape[2], taken);
    auto t4 = [&](const std::string& t, const std::string& token) {
        return t + "[" + b + "," + token + "," + d + "," + s + "]";
    };
    const std::string dAp = im.tensor_name("dAp"), dA = im.tensor_name("dA"),
                      dB = im.tensor_name("dB"), dBx = im.tensor_name("dBx"),
                      hd = im.tensor_name("hd"), h = im.tensor_name("h");
    const std::string del = im.ref(delta, {b, l, d});
    im.add(n, "mul_delta_A", t4(dAp, l) + " = " + del + " * " + im.ref(A, {d, s}), "state_update");
    im.add(n, "exp", t4(dA, l) + " = exp(" + t4(dAp, l) + ")", "elementwise");
    im.add(n, "mul_delta_B", t4(dB, l) + " = " + del + " * " + im.ref(B, {b, l, s}),
           "state_update");
    im.add(n, "mul_dBx", t4(dBx, l) + " = " + t4(dB, l) + " * " + im.ref(u, {b, l, d}),
           "state_update");
    im.b.declare(h, TensorRole::State);
    im.add(n, "ssm_decay", t4(hd, l) + " = " + t4(dA, l) + " * " + t4(h, l + "-1"), "state_update");
    im.b.carried(l, 1);
    if (n.int_attr("in_place", 1) != 0) im.b.in_place();
    im.add(n, "ssm_add", t4(h, l) + " = " + t4(hd, l) + " + " + t4(dBx, l), "state_update");
    Operator& add = im.w.ops.back();
    add.sequential_dim = add.dim_index(l);
    const std::vector<int> order = {0, 1, 2};
    const std::string y = im.define(out, im.tensor_name(out), loops, u.shape, order);
    Operator& ssm_out =
        im.add(n, "ssm_out", y + " += " + t4(h, l) + " * " + im.ref(C, {b, l, s}), "state_update");
    ssm_out.sequential_dim = ssm_out.dim_index(l);
    return true;
}

} // namespace fusesim::onnx_import
