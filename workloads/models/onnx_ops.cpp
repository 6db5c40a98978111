// Compute ops: elementwise (broadcasting), MatMul and Gemm, depthwise Conv, Softmax, reductions.
#include "workloads/models/onnx_importer.hpp"

#include <algorithm>

namespace fusesim::onnx_import {

std::vector<int> layout_like(const Value& ref, size_t rank, const std::vector<bool>& real) {
    // Axes the reference does not have come first, in ONNX order; then the reference's axes in
    // the order its layer tensor stores them: an op keeps the layout of what it reads.
    std::vector<int> first, by_ref;
    const size_t shift = rank - ref.rank();
    for (size_t j = 0; j < rank; ++j) {
        if (!real[j]) continue;
        if (j >= shift && ref.axes[j - shift] >= 0)
            by_ref.push_back(static_cast<int>(j));
        else
            first.push_back(static_cast<int>(j));
    }
    std::stable_sort(by_ref.begin(), by_ref.end(), [&](int a, int b) {
        return ref.axes[static_cast<size_t>(a) - shift] < ref.axes[static_cast<size_t>(b) - shift];
    });
    first.insert(first.end(), by_ref.begin(), by_ref.end());
    return first;
}

namespace {

// The broadcast shape of the inputs, the input whose layout the output keeps (the activation
// of the highest rank), and which output axes are real (not a unit axis of every activation).
struct Broadcast {
    std::vector<int64_t> shape;
    std::vector<bool> real;
    const Value* ref = nullptr;
    std::vector<std::string> proposed;
};

Broadcast broadcast(Importer& im, const OnnxNode& n, const std::vector<const Value*>& ins) {
    Broadcast bc;
    size_t R = 0;
    for (const Value* v : ins) R = std::max(R, v->rank());
    bc.shape.assign(R, 1);
    bc.real.assign(R, false);
    bc.proposed.assign(R, "");
    for (const Value* v : ins)
        if (!v->weight && (!bc.ref || v->rank() > bc.ref->rank())) bc.ref = v;
    if (!bc.ref) im.fail(n, "computes on constants only (fold them into an initializer)");
    for (const Value* v : ins) {
        const size_t shift = R - v->rank();
        for (size_t i = 0; i < v->rank(); ++i) {
            const int64_t s = v->shape[i];
            int64_t& o = bc.shape[shift + i];
            if (s != 1 && o != 1 && s != o)
                im.fail(n, "input shapes do not broadcast (size " + std::to_string(s) +
                               " against " + std::to_string(o) + ")");
            if (s != 1) o = s;
            if (!v->weight && v->axes[i] >= 0) bc.real[shift + i] = true;
            if (bc.proposed[shift + i].empty()) bc.proposed[shift + i] = im.name_of(*v, i);
        }
    }
    for (size_t j = 0; j < R; ++j)
        if (bc.shape[j] > 1) bc.real[j] = true;
    const size_t shift = R - bc.ref->rank();
    for (size_t i = 0; i < bc.ref->rank(); ++i)
        if (!im.name_of(*bc.ref, i).empty()) bc.proposed[shift + i] = im.name_of(*bc.ref, i);
    return bc;
}

// The output of an elementwise op over `ins`: its ref text and the loop names (unit axes "").
std::string elementwise_out(Importer& im, const OnnxNode& n, const std::string& out,
                            const Broadcast& bc, std::vector<std::string>& loops) {
    Taken taken;
    loops = im.out_dims(n, out, bc.proposed, bc.shape, taken);
    for (size_t j = 0; j < loops.size(); ++j)
        if (!bc.real[j]) loops[j].clear();
    return im.define(out, im.tensor_name(out), loops, bc.shape,
                     layout_like(*bc.ref, bc.shape.size(), bc.real));
}

const char* unary_function(const std::string& op) {
    if (op == "Exp") return "exp";
    if (op == "Sigmoid") return "sigmoid";
    if (op == "Softplus") return "softplus";
    if (op == "Relu") return "max";
    if (op == "Sqrt") return "sqrt";
    return nullptr;
}

char binary_operator(const std::string& op) {
    if (op == "Add") return '+';
    if (op == "Sub") return '-';
    if (op == "Mul") return '*';
    if (op == "Div") return '/';
    return 0;
}

} // namespace

bool elementwise(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (!n.domain.empty() || n.outputs.size() != 1) return false;
    const std::string& op = n.op_type;
    const char* fn = unary_function(op);
    const char combine = binary_operator(op);
    if (!fn && !combine && op != "Reciprocal" && op != "Pow") return false;
    if (op == "Pow" && !im.is_scalar(n, 1, 2))
        im.fail(n, "only the exponent 2 (a constant) is supported");
    std::vector<const Value*> ins = {&im.in(n, 0)};
    if (combine) ins.push_back(&im.in(n, 1));
    const Broadcast bc = broadcast(im, n, ins);
    std::vector<std::string> loops;
    const std::string out = elementwise_out(im, n, n.outputs[0], bc, loops);
    const std::string x = im.bref(*ins[0], loops, bc.shape);
    if (fn)
        im.add(n, im.op_name(n), out + " = " + fn + "(" + x + ")", "elementwise");
    else if (op == "Reciprocal")
        im.add(n, im.op_name(n), out + " = " + x, "elementwise", "div");
    else if (op == "Pow")
        im.add(n, im.op_name(n), out + " = " + x + " * " + x, "elementwise");
    else
        im.add(n, im.op_name(n),
               out + " = " + x + " " + combine + " " + im.bref(*ins[1], loops, bc.shape),
               "elementwise");
    return true;
}

namespace {

// y = a × b (+ bias): the product of the last two axes, batch axes broadcast.
void product(Importer& im, const OnnxNode& n, const Value& a, const Value& b, bool trans_a,
             bool trans_b, const Value* bias) {
    const size_t ra = a.rank(), rb = b.rank();
    if (ra < 2 || rb < 2) im.fail(n, "operands of rank 1 are not supported");
    const size_t a_row = trans_a ? ra - 1 : ra - 2, a_k = trans_a ? ra - 2 : ra - 1;
    const size_t b_k = trans_b ? rb - 1 : rb - 2, b_col = trans_b ? rb - 2 : rb - 1;
    const int64_t K = a.shape[a_k];
    if (b.shape[b_k] != K)
        im.fail(n, "inner sizes differ (" + std::to_string(K) + " and " +
                       std::to_string(b.shape[b_k]) + ")");
    const size_t R = std::max(ra, rb);
    std::vector<int64_t> shape(R, 1);
    std::vector<std::string> proposed(R);
    for (size_t j = 0; j + 2 < R; ++j) {
        for (const Value* v : {&b, &a}) {
            if (j + v->rank() < R) continue;
            const size_t i = j + v->rank() - R;
            if (v->shape[i] != 1 && shape[j] != 1 && v->shape[i] != shape[j])
                im.fail(n, "batch axes do not broadcast");
            shape[j] = std::max(shape[j], v->shape[i]);
            if (!im.name_of(*v, i).empty()) proposed[j] = im.name_of(*v, i);
        }
    }
    shape[R - 2] = a.shape[a_row];
    shape[R - 1] = b.shape[b_col];
    proposed[R - 2] = im.name_of(a, a_row);
    proposed[R - 1] = im.name_of(b, b_col);
    const std::string& out = n.outputs.at(0);
    const std::string product_out = bias ? "\n" + out : out; // an intermediate before the bias
    Taken taken;
    const std::vector<std::string> loops = im.out_dims(n, out, proposed, shape, taken);
    const std::string k = im.dim(im.name_of(a, a_k), K, taken);
    auto operand = [&](const Value& v, size_t row, size_t col, const std::string& row_i,
                       const std::string& col_i) {
        std::vector<std::string> idx(v.rank());
        for (size_t i = 0; i < v.rank(); ++i) {
            if (i == row || i == col) continue;
            const size_t j = i + R - v.rank();
            idx[i] = v.shape[i] == 1 && shape[j] != 1 ? "0" : loops[j];
        }
        idx[row] = row_i;
        idx[col] = col_i;
        return im.ref(v, idx);
    };
    std::vector<int> order(R);
    for (size_t j = 0; j < R; ++j) order[j] = static_cast<int>(j);
    const std::string name = im.op_name(n);
    const std::string y =
        im.define(product_out, im.tensor_name(out + (bias ? "_mm" : "")), loops, shape, order);
    im.add(n, name,
           y + " += " + operand(a, a_row, a_k, loops[R - 2], k) + " * " +
               operand(b, b_k, b_col, k, loops[R - 1]),
           b.weight ? "projection" : "attention");
    if (bias) {
        const std::string z = im.define(out, im.tensor_name(out), loops, shape, order);
        im.add(n, name + "_bias", z + " = " + y + " + " + im.bref(*bias, loops, shape),
               "elementwise");
    }
}

} // namespace

bool matmul(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (!n.domain.empty()) return false;
    if (n.op_type == "MatMul") {
        product(im, n, im.in(n, 0), im.in(n, 1), false, false, nullptr);
        return true;
    }
    if (n.op_type != "Gemm") return false;
    const Value &a = im.in(n, 0), &b = im.in(n, 1);
    if (a.rank() != 2 || b.rank() != 2) im.fail(n, "Gemm operands must have rank 2");
    product(im, n, a, b, n.int_attr("transA", 0) != 0, n.int_attr("transB", 0) != 0,
            im.opt_in(n, 2));
    return true;
}

bool conv(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (!n.domain.empty() || n.op_type != "Conv") return false;
    const Value &x = im.in(n, 0), &wt = im.in(n, 1);
    if (x.rank() != 3 || wt.rank() != 3 || !wt.weight)
        im.fail(n, "only a 1-D convolution of input [N, C, L] by an initializer [C, 1, K]");
    const int64_t C = x.shape[1], L = x.shape[2], K = wt.shape[2];
    if (n.int_attr("group", 1) != C || wt.shape[0] != C || wt.shape[1] != 1)
        im.fail(n, "only depthwise convolutions (group = channels, weight [C, 1, K])");
    for (const char* a : {"strides", "dilations"})
        if (const OnnxAttr* v = n.attr(a))
            for (int64_t s : v->ints)
                if (s != 1) im.fail(n, std::string(a) + " other than 1 are not supported");
    if (const OnnxAttr* a = n.attr("auto_pad"); a && a->s != "NOTSET" && !a->s.empty())
        im.fail(n, "auto_pad is not supported: give pads");
    std::vector<int64_t> pads = {0, 0};
    if (const OnnxAttr* a = n.attr("pads")) pads = a->ints;
    if (pads.size() != 2 || pads[0] < 0 || pads[1] < 0)
        im.fail(n, "pads must be [begin, end], not negative");
    const int64_t Lout = L + pads[0] + pads[1] - K + 1;
    if (Lout < 1) im.fail(n, "the kernel is longer than the padded input");
    const std::vector<int64_t> shape = {x.shape[0], C, Lout};
    const std::string& out = n.outputs.at(0);
    const Value* bias = im.opt_in(n, 2);
    Taken taken;
    const std::vector<std::string> loops =
        im.out_dims(n, out, {im.name_of(x, 0), im.name_of(x, 1), Lout == L ? im.name_of(x, 2) : ""},
                    shape, taken);
    const std::string k = im.dim(im.name_of(wt, 2).empty() ? "k" : im.name_of(wt, 2), K, taken);
    const std::vector<int> order = layout_like(x, 3, {true, true, true});
    const std::string name = im.op_name(n);
    const std::string y = im.define(
        bias ? "\n" + out : out, im.tensor_name(out + (bias ? "_conv" : "")), loops, shape, order);
    Operator& op =
        im.add(n, name,
               y + " += " + im.ref(x, {loops[0], loops[1], plus(loops[2] + "+" + k, -pads[0])}) +
                   " * " + im.ref(wt, {loops[1], "0", k}),
               "conv");
    if (pads[0] > 0 || pads[1] > 0) op.padding = Padding::Zero;
    if (bias) {
        if (bias->rank() != 1 || bias->shape[0] != C) im.fail(n, "the bias must have shape [C]");
        const std::string z = im.define(out, im.tensor_name(out), loops, shape, order);
        im.add(n, name + "_bias", z + " = " + y + " + " + im.ref(*bias, {loops[1]}), "elementwise");
    }
    return true;
}

bool softmax_or_reduce(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    const bool soft = n.op_type == "Softmax";
    if (!n.domain.empty() || (!soft && n.op_type != "ReduceMean" && n.op_type != "ReduceSum"))
        return false;
    const Value& x = im.in(n, 0);
    const size_t r = x.rank();
    std::vector<bool> reduced(r, false);
    if (soft) {
        reduced[static_cast<size_t>(im.axis(n, n.int_attr("axis", -1), r))] = true;
    } else {
        std::vector<int64_t> axes;
        if (!im.ints_of(n, 1, "axes", axes) || axes.empty()) axes.clear();
        for (int64_t a : axes) reduced[static_cast<size_t>(im.axis(n, a, r))] = true;
        if (axes.empty()) reduced.assign(r, true);
    }
    std::vector<int64_t> shape;
    std::vector<std::string> proposed;
    std::vector<bool> real;
    const bool keep = soft || n.int_attr("keepdims", 1) != 0;
    for (size_t i = 0; i < r; ++i) {
        if (reduced[i] && !soft && !keep) continue;
        shape.push_back(reduced[i] && !soft ? 1 : x.shape[i]);
        proposed.push_back(reduced[i] && !soft ? "" : im.name_of(x, i));
        real.push_back(!(reduced[i] && !soft) && x.axes[i] >= 0);
    }
    const std::string& out = n.outputs.at(0);
    Taken taken;
    std::vector<std::string> loops = im.out_dims(n, out, proposed, shape, taken);
    std::vector<std::string> idx(r);
    std::vector<int> order;
    for (size_t i = 0, j = 0; i < r; ++i) {
        if (soft) {
            idx[i] = reduced[i] ? ":" : loops[i];
            continue;
        }
        idx[i] = reduced[i] ? im.dim(im.name_of(x, i), x.shape[i], taken) : loops[j];
        if (!reduced[i] || keep) ++j;
    }
    // The output keeps the input's layout over the axes it keeps.
    std::vector<int> by_input;
    for (size_t j = 0; j < shape.size(); ++j)
        if (real[j]) by_input.push_back(static_cast<int>(j));
    std::vector<int> in_axis(shape.size());
    for (size_t i = 0, j = 0; i < r; ++i)
        if (!reduced[i] || soft || keep) in_axis[j++] = x.axes[i];
    std::stable_sort(by_input.begin(), by_input.end(),
                     [&](int a, int b) { return in_axis[a] < in_axis[b]; });
    const std::string y = im.define(out, im.tensor_name(out), loops, shape, by_input);
    if (soft)
        im.add(n, im.op_name(n), y + " = softmax(" + im.ref(x, idx) + ")", "attention");
    else
        im.add(n, im.op_name(n), y + " += " + im.ref(x, idx), "norm");
    return true;
}

} // namespace fusesim::onnx_import
