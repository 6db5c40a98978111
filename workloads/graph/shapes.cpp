#include "workloads/graph/shapes.hpp"

#include <algorithm>

namespace fusesim {

namespace {

// The indices an axis index takes over the whole loop nest, both ends included.
struct Span {
    int64_t lo, hi;
};

Span span(const Operator& op, const AxisIndex& ax) {
    Span s{ax.offset, ax.offset};
    for (const auto& t : ax.terms) {
        const int64_t last = op.dims[t.dim].size - 1;
        (t.coef >= 0 ? s.hi : s.lo) += t.coef * last;
    }
    return s;
}

// The reference as an Einsum writes it, for messages: y[l,d*2+6000].
std::string text(const Workload& w, const Operator& op, const Operand& o) {
    std::string s = w.tensors[o.tensor].name + "[";
    for (size_t a = 0; a < o.axes.size(); ++a) {
        const AxisIndex& ax = o.axes[a];
        if (a) s += ",";
        if (ax.whole) {
            s += ":";
            continue;
        }
        std::string e;
        for (const auto& t : ax.terms) {
            e += t.coef < 0 ? "-" : (e.empty() ? "" : "+");
            e += op.dims[t.dim].name;
            if (t.coef != 1 && t.coef != -1)
                e += "*" + std::to_string(t.coef < 0 ? -t.coef : t.coef);
        }
        if (ax.offset != 0 || e.empty())
            e += (ax.offset >= 0 && !e.empty() ? "+" : "") + std::to_string(ax.offset);
        s += e;
    }
    return s + "]";
}

const char* kPadding = "; declare zero padding (padding: zero) to read zeros outside the tensor";

[[noreturn]] void fail(const Workload& w, int o, const std::string& verb, const Operand& ref,
                       const std::string& what) {
    const Operator& op = w.ops[o];
    throw OperatorError(o, "operator '" + op.name + "' " + verb + " " + text(w, op, ref) + ": " +
                               what);
}

// Outputs define the shape of what operators produce: the union of the parts written.
void grow_by_write(Workload& w, int o) {
    const Operator& op = w.ops[o];
    Tensor& t = w.tensors[op.output.tensor];
    for (size_t a = 0; a < op.output.axes.size(); ++a) {
        const AxisIndex& ax = op.output.axes[a];
        // A whole output axis (an FFT writes every frequency of its channels) needs its size.
        if (ax.whole && t.declared_shape.size() == t.shape.size()) {
            t.shape[a] = t.declared_shape[a];
            continue;
        }
        if (ax.whole)
            fail(w, o, "writes", op.output,
                 "an output axis cannot be taken whole (':'); index it by loop dimensions");
        const Span s = span(op, ax);
        if (s.lo < 0)
            fail(w, o, "writes", op.output,
                 "axis " + std::to_string(a) + " starts at index " + std::to_string(s.lo) +
                     ", before the start of '" + t.name + "' (outputs are written from index 0)");
        t.shape[a] = std::max(t.shape[a], s.hi + 1);
    }
}

void check_read(const Workload& w, int o, const Operand& in, const std::string& origin) {
    const Operator& op = w.ops[o];
    const Tensor& t = w.tensors[in.tensor];
    const bool padded = op.padding == Padding::Zero;
    for (size_t a = 0; a < in.axes.size(); ++a) {
        if (in.axes[a].whole) continue;
        const Span s = span(op, in.axes[a]);
        const std::string axis = "axis " + std::to_string(a) + " ";
        // A carried read before the first token is the initial state.
        if (s.lo < 0 && !padded && !in.carried)
            fail(w, o, "reads", in,
                 axis + "starts at index " + std::to_string(s.lo) + ", before the start of '" +
                     t.name + "'" + kPadding);
        if (s.hi >= t.shape[a] && !padded)
            fail(w, o, "reads", in,
                 axis + "runs to index " + std::to_string(s.hi) + ", past the end of '" + t.name +
                     "' (size " + std::to_string(t.shape[a]) + ", " + origin + ")" + kPadding);
    }
}

// An input, weight or state no operator writes: its first reference fixes its shape.
void define_by_read(Workload& w, int o, const Operand& in) {
    const Operator& op = w.ops[o];
    Tensor& t = w.tensors[in.tensor];
    for (size_t a = 0; a < in.axes.size(); ++a) {
        if (in.axes[a].whole)
            fail(w, o, "reads", in,
                 "axis " + std::to_string(a) + " of '" + t.name +
                     "' is taken whole (':') before its size is known");
        const Span s = span(op, in.axes[a]);
        if (s.hi < 0)
            fail(w, o, "reads", in,
                 "axis " + std::to_string(a) + " lies wholly before the start of '" + t.name + "'");
        t.shape[a] = s.hi + 1;
    }
}

} // namespace

void infer_shapes(Workload& w) {
    for (Tensor& t : w.tensors) std::fill(t.shape.begin(), t.shape.end(), 0);
    const int n = static_cast<int>(w.ops.size());
    for (int o = 0; o < n; ++o) grow_by_write(w, o);
    // Where each unwritten tensor's shape came from: the operator of its first reference.
    std::vector<int> defined_by(w.tensors.size(), -1);
    for (int o = 0; o < n; ++o)
        for (const Operand& in : w.ops[o].inputs) {
            std::string origin = "set by the operators writing it";
            if (w.producers[in.tensor].empty()) {
                Tensor& t = w.tensors[in.tensor];
                const bool declared =
                    t.declared_shape.size() == t.shape.size() && !t.declared_shape.empty();
                if (defined_by[in.tensor] < 0) {
                    if (declared)
                        t.shape = t.declared_shape;
                    else
                        define_by_read(w, o, in);
                    defined_by[in.tensor] = o;
                }
                origin = declared ? std::string("as declared")
                                  : "set by its first reference, in operator '" +
                                        w.ops[defined_by[in.tensor]].name + "'";
            }
            check_read(w, o, in, origin);
        }
}

void check_output_indexes_loops(const Workload& w, const Operator& op) {
    std::vector<bool> in_output(op.dims.size(), false);
    for (const auto& ax : op.output.axes)
        for (const auto& t : ax.terms) in_output[t.dim] = true;
    for (size_t d = 0; d < op.dims.size(); ++d) {
        if (in_output[d]) continue;
        std::string where;
        for (const Operand& in : op.inputs)
            for (const auto& ax : in.axes)
                for (const auto& t : ax.terms)
                    if (t.dim == static_cast<int>(d) && where.empty()) where = text(w, op, in);
        const std::string& dim = op.dims[d].name;
        throw std::invalid_argument(
            "operator '" + op.name + "' loops over '" + dim + "', which indexes its input " +
            where + " but not its output " + text(w, op, op.output) +
            ": without '+=' each output element is written once; write '+=' to reduce over '" +
            dim + "', or index the output by it");
    }
}

} // namespace fusesim
