// Views: Transpose, Squeeze, Unsqueeze and Identity change only how later ops index a tensor (no
// operator); Reshape, Split, Slice and Concat are view operators (no compute, exact dependencies).
#include "workloads/models/onnx_importer.hpp"

#include <algorithm>
#include <limits>

namespace fusesim::onnx_import {

namespace {

std::vector<int> onnx_order(size_t rank) {
    std::vector<int> order(rank);
    for (size_t j = 0; j < rank; ++j) order[j] = static_cast<int>(j);
    return order;
}

// "h*16+e": the flat index of several axes.
std::string flat(const std::vector<std::string>& names, const std::vector<int64_t>& sizes) {
    std::string s;
    int64_t coef = 1;
    for (size_t k = names.size(); k-- > 0;) {
        const std::string term = coef == 1 ? names[k] : names[k] + "*" + std::to_string(coef);
        s = s.empty() ? term : term + "+" + s;
        coef *= sizes[k];
    }
    return s;
}

bool alias_view(Importer& im, const OnnxNode& n) {
    const std::string& op = n.op_type;
    if (op != "Transpose" && op != "Squeeze" && op != "Unsqueeze" && op != "Identity") return false;
    const Value& x = im.in(n, 0);
    Value v = x;
    const size_t r = x.rank();
    if (op == "Transpose") {
        std::vector<int64_t> perm;
        if (const OnnxAttr* a = n.attr("perm")) perm = a->ints;
        if (perm.empty())
            for (size_t i = r; i-- > 0;) perm.push_back(static_cast<int64_t>(i));
        if (perm.size() != r) im.fail(n, "perm must list every axis once");
        std::vector<bool> seen(r, false);
        for (size_t j = 0; j < r; ++j) {
            const int p = im.axis(n, perm[j], r);
            if (seen[static_cast<size_t>(p)]) im.fail(n, "perm must list every axis once");
            seen[static_cast<size_t>(p)] = true;
            v.axes[j] = x.axes[static_cast<size_t>(p)];
            v.shape[j] = x.shape[static_cast<size_t>(p)];
        }
    } else if (op == "Squeeze") {
        std::vector<int64_t> axes;
        std::vector<bool> drop(r, false);
        if (im.ints_of(n, 1, "axes", axes))
            for (int64_t a : axes) drop[static_cast<size_t>(im.axis(n, a, r))] = true;
        else
            for (size_t i = 0; i < r; ++i) drop[i] = x.shape[i] == 1;
        v.axes.clear();
        v.shape.clear();
        for (size_t i = 0; i < r; ++i) {
            if (!drop[i]) {
                v.axes.push_back(x.axes[i]);
                v.shape.push_back(x.shape[i]);
            } else if (x.shape[i] != 1) {
                im.fail(n, "squeezes axis " + std::to_string(i) + " of size " +
                               std::to_string(x.shape[i]));
            } else if (x.axes[i] >= 0) {
                v.zero_axes.push_back(x.axes[i]);
            }
        }
    } else if (op == "Unsqueeze") {
        std::vector<int64_t> axes;
        if (!im.ints_of(n, 1, "axes", axes)) im.fail(n, "needs its axes");
        const size_t out_rank = r + axes.size();
        std::vector<bool> add(out_rank, false);
        for (int64_t a : axes) add[static_cast<size_t>(im.axis(n, a, out_rank))] = true;
        v.axes.clear();
        v.shape.clear();
        for (size_t j = 0, i = 0; j < out_rank; ++j) {
            v.axes.push_back(add[j] ? -1 : x.axes[i]);
            v.shape.push_back(add[j] ? 1 : x.shape[i]);
            if (!add[j]) ++i;
        }
    }
    im.alias(n.outputs.at(0), v);
    return true;
}

bool reshape(Importer& im, const OnnxNode& n) {
    const Value& x = im.in(n, 0);
    std::vector<int64_t> target;
    if (!im.ints_of(n, 1, nullptr, target)) im.fail(n, "needs a constant shape (input 1)");
    // Element counts in double first: a file's shape must not overflow the arithmetic.
    double count = 1, known_count = 1;
    for (int64_t s : x.shape) count *= static_cast<double>(s);
    if (count > 1e17) im.fail(n, "reshapes more than 1e17 elements");
    int64_t total = 1, known = 1;
    for (int64_t s : x.shape) total *= s;
    int infer = -1;
    for (size_t j = 0; j < target.size(); ++j) {
        if (target[j] == 0 && n.int_attr("allowzero", 0) == 0) {
            if (j >= x.rank()) im.fail(n, "copies (0) an axis the input does not have");
            target[j] = x.shape[j];
        }
        if (target[j] == -1) {
            if (infer >= 0) im.fail(n, "infers (-1) more than one axis");
            infer = static_cast<int>(j);
        } else if (target[j] < 1 || target[j] > kMaxOnnxDim) {
            im.fail(n, "gives a size below 1 or above 2^32");
        } else {
            known_count *= static_cast<double>(target[j]);
            if (known_count > 1e17) im.fail(n, "the shape holds more than 1e17 elements");
            known *= target[j];
        }
    }
    if (infer >= 0) target[static_cast<size_t>(infer)] = known > 0 ? total / known : 0;
    int64_t out_total = 1;
    for (int64_t s : target) out_total *= s;
    if (out_total != total) im.fail(n, "the shape holds another number of elements");
    const std::string& out = n.outputs.at(0);
    if (x.weight) { // a weight is only bytes in DRAM: another shape of them
        const std::string t = im.tensor_name(out);
        im.b.declare(t, TensorRole::Weight, target);
        im.define(out, t, std::vector<std::string>(target.size()), target,
                  onnx_order(target.size()));
        Value v = im.value_of(out);
        v.weight = true;
        im.alias(out, v);
        return true;
    }
    // Groups of input and output axes with equal products: one-to-one, split or merge.
    struct Group {
        size_t i0, i1, j0, j1;
    };
    std::vector<Group> groups;
    const size_t r = x.rank(), m = target.size();
    size_t i = 0, j = 0;
    while (i < r && j < m) {
        Group gr{i, i + 1, j, j + 1};
        int64_t pi = x.shape[i], pj = target[j];
        while (pi != pj) {
            if (pi < pj && gr.i1 < r)
                pi *= x.shape[gr.i1++];
            else if (pj < pi && gr.j1 < m)
                pj *= target[gr.j1++];
            else
                im.fail(n, "the axes do not group into merges and splits");
        }
        if (gr.i1 - gr.i0 > 1 && gr.j1 - gr.j0 > 1)
            im.fail(n, "both merges and splits the same axes (write two Reshapes)");
        groups.push_back(gr);
        i = gr.i1;
        j = gr.j1;
    }
    for (; i < r; ++i)
        if (x.shape[i] != 1) im.fail(n, "the axes do not group into merges and splits");
    for (size_t k = j; k < m; ++k)
        if (target[k] != 1) im.fail(n, "the axes do not group into merges and splits");
    std::vector<std::string> proposed(m);
    std::vector<bool> real(m, true);
    for (const Group& gr : groups)
        if (gr.i1 - gr.i0 == 1 && gr.j1 - gr.j0 == 1) {
            proposed[gr.j0] = im.name_of(x, gr.i0);
            real[gr.j0] = x.axes[gr.i0] >= 0 || target[gr.j0] > 1;
        }
    for (size_t k = j; k < m; ++k) real[k] = false;
    Taken taken;
    const std::vector<std::string> loops = im.out_dims(n, out, proposed, target, taken);
    std::vector<std::string> in_idx(r, "0"), out_idx = loops;
    for (const Group& gr : groups) {
        if (gr.j1 - gr.j0 > 1) { // split (or one-to-one)
            in_idx[gr.i0] = flat({loops.begin() + static_cast<long>(gr.j0),
                                  loops.begin() + static_cast<long>(gr.j1)},
                                 {target.begin() + static_cast<long>(gr.j0),
                                  target.begin() + static_cast<long>(gr.j1)});
        } else if (gr.i1 - gr.i0 > 1) { // merge: the loops are the input's axes
            std::vector<std::string> names;
            for (size_t a = gr.i0; a < gr.i1; ++a) {
                names.push_back(im.dim(im.name_of(x, a), x.shape[a], taken));
                in_idx[a] = names.back();
            }
            out_idx[gr.j0] = flat(names, {x.shape.begin() + static_cast<long>(gr.i0),
                                          x.shape.begin() + static_cast<long>(gr.i1)});
        } else {
            in_idx[gr.i0] = loops[gr.j0];
        }
    }
    // Stored in ONNX order, or in the order of the Transpose that alone reads it (heads).
    std::vector<int64_t> perm(m);
    for (size_t k = 0; k < m; ++k) perm[k] = static_cast<int64_t>(k);
    if (const int c = im.sole_consumer(out); im.is_op(c, "Transpose"))
        if (const OnnxAttr* p = im.g.nodes[static_cast<size_t>(c)].attr("perm");
            p && p->ints.size() == m)
            perm = p->ints;
    std::vector<int> order;
    for (int64_t k : perm)
        if (k >= 0 && k < static_cast<int64_t>(m) && real[static_cast<size_t>(k)])
            order.push_back(static_cast<int>(k));
    if (order.size() != static_cast<size_t>(std::count(real.begin(), real.end(), true)))
        im.fail(n, "its Transpose does not list every axis once");
    const std::string t = im.tensor_name(out);
    im.define(out, t, loops, target, order);
    Value v = im.value_of(out);
    im.add(n, im.op_name(n), im.ref(v, out_idx) + " = " + im.ref(x, in_idx), "view").view_of =
        "reshape";
    return true;
}

// One view operator writing `out` from `x` shifted by `offset` along `axis` (split, slice).
void part(Importer& im, const OnnxNode& n, const Value& x, const std::string& out, size_t axis,
          int64_t offset, int64_t size, const std::string& name, const char* what) {
    std::vector<int64_t> shape = x.shape;
    shape[axis] = size;
    std::vector<std::string> proposed(x.rank());
    std::vector<bool> real(x.rank());
    for (size_t i = 0; i < x.rank(); ++i) {
        proposed[i] = i == axis && size != x.shape[i] ? "" : im.name_of(x, i);
        real[i] = x.axes[i] >= 0 || shape[i] > 1;
    }
    Taken taken;
    const std::vector<std::string> loops = im.out_dims(n, out, proposed, shape, taken);
    std::vector<std::string> idx = loops;
    idx[axis] = plus(loops[axis], offset);
    const std::string y =
        im.define(out, im.tensor_name(out), loops, shape, layout_like(x, x.rank(), real));
    im.add(n, name, y + " = " + im.ref(x, idx), "view").view_of = what;
}

bool split(Importer& im, const OnnxNode& n) {
    const Value& x = im.in(n, 0);
    const size_t axis = static_cast<size_t>(im.axis(n, n.int_attr("axis", 0), x.rank()));
    std::vector<int64_t> sizes;
    if (!im.ints_of(n, 1, "split", sizes)) {
        const int64_t parts = static_cast<int64_t>(n.outputs.size());
        if (x.shape[axis] % parts != 0)
            im.fail(n, "cannot split " + std::to_string(x.shape[axis]) + " into " +
                           std::to_string(parts) + " equal parts");
        sizes.assign(n.outputs.size(), x.shape[axis] / parts);
    }
    int64_t sum = 0;
    bool positive = true;
    for (int64_t s : sizes) {
        positive = positive && s >= 1;
        sum += s;
    }
    if (!positive || sizes.size() != n.outputs.size() || sum != x.shape[axis])
        im.fail(n, "the split sizes must be positive, one per output, summing to " +
                       std::to_string(x.shape[axis]));
    int64_t offset = 0;
    for (size_t k = 0; k < sizes.size(); ++k) {
        part(im, n, x, n.outputs[k], axis, offset, sizes[k],
             im.op_name(n) + "_" + std::to_string(k), "split");
        offset += sizes[k];
    }
    return true;
}

bool slice(Importer& im, const OnnxNode& n) {
    const Value& x = im.in(n, 0);
    std::vector<int64_t> starts, ends, axes, steps;
    if (!im.ints_of(n, 1, "starts", starts) || !im.ints_of(n, 2, "ends", ends))
        im.fail(n, "needs constant starts and ends");
    if (!im.ints_of(n, 3, "axes", axes))
        for (size_t a = 0; a < starts.size(); ++a) axes.push_back(static_cast<int64_t>(a));
    if (im.ints_of(n, 4, nullptr, steps))
        for (int64_t s : steps)
            if (s != 1) im.fail(n, "steps other than 1 are not supported");
    if (axes.size() != 1 || starts.size() != 1 || ends.size() != 1)
        im.fail(n, "only slices of one axis are supported");
    const size_t a = static_cast<size_t>(im.axis(n, axes[0], x.rank()));
    const int64_t d = x.shape[a];
    auto clamp = [&](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + d : v, 0, d); };
    const int64_t lo = clamp(starts[0]), hi = clamp(ends[0]);
    if (hi <= lo) im.fail(n, "the slice is empty");
    part(im, n, x, n.outputs.at(0), a, lo, hi - lo, im.op_name(n), "slice");
    return true;
}

bool concat(Importer& im, const OnnxNode& n) {
    const Value& first = im.in(n, 0);
    const size_t axis = static_cast<size_t>(im.axis(n, n.int_attr("axis", 0), first.rank()));
    std::vector<int64_t> shape = first.shape;
    shape[axis] = 0;
    std::vector<const Value*> parts;
    for (size_t k = 0; k < n.inputs.size(); ++k) {
        parts.push_back(&im.in(n, k));
        const Value& p = *parts.back();
        for (size_t i = 0; i < shape.size(); ++i)
            if (p.rank() != shape.size() || (i != axis && p.shape[i] != shape[i]))
                im.fail(n, "input " + std::to_string(k) + " has another shape");
        shape[axis] += p.shape[axis];
    }
    std::vector<std::string> proposed(shape.size());
    for (size_t i = 0; i < shape.size(); ++i)
        if (i != axis) proposed[i] = im.name_of(first, i);
    const std::string& out = n.outputs.at(0);
    Taken taken;
    const std::vector<std::string> loops = im.out_dims(n, out, proposed, shape, taken);
    im.define(out, im.tensor_name(out), loops, shape, onnx_order(shape.size()));
    const Value y = im.value_of(out);
    int64_t offset = 0;
    for (size_t k = 0; k < parts.size(); ++k) {
        Taken mine(taken.begin(), taken.end());
        mine.erase(loops[axis]);
        std::vector<std::string> idx = loops;
        idx[axis] = im.dim(im.name_of(*parts[k], axis), parts[k]->shape[axis], mine);
        std::vector<std::string> out_idx = idx;
        out_idx[axis] = plus(idx[axis], offset);
        im.add(n, im.op_name(n) + "_" + std::to_string(k),
               im.ref(y, out_idx) + " = " + im.ref(*parts[k], idx), "view")
            .view_of = "concat";
        offset += parts[k]->shape[axis];
    }
    return true;
}

} // namespace

bool view(Importer& im, int index) {
    const OnnxNode& n = im.g.nodes[static_cast<size_t>(index)];
    if (!n.domain.empty()) return false;
    if (alias_view(im, n)) return true;
    if (n.op_type == "Reshape") return reshape(im, n);
    if (n.op_type == "Split") return split(im, n);
    if (n.op_type == "Slice") return slice(im, n);
    if (n.op_type == "Concat") return concat(im, n);
    return false;
}

} // namespace fusesim::onnx_import
