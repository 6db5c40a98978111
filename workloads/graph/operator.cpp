#include "workloads/graph/operator.hpp"

#include <algorithm>

namespace fusesim {

const char* to_string(TensorRole role) {
    switch (role) {
    case TensorRole::Input:
        return "input";
    case TensorRole::Weight:
        return "weight";
    case TensorRole::Activation:
        return "activation";
    case TensorRole::State:
        return "state";
    }
    return "?";
}

int64_t Tensor::elements() const {
    int64_t n = 1;
    for (int64_t s : shape) n *= s;
    return n;
}

int64_t Box::volume() const {
    int64_t v = 1;
    for (size_t i = 0; i < lo.size(); ++i) v *= std::max<int64_t>(0, hi[i] - lo[i]);
    return v;
}

bool Box::overlaps(const Box& other) const {
    for (size_t i = 0; i < lo.size(); ++i)
        if (hi[i] <= other.lo[i] || other.hi[i] <= lo[i]) return false;
    return true;
}

int Operator::dim_index(const std::string& dim_name) const {
    for (size_t i = 0; i < dims.size(); ++i)
        if (dims[i].name == dim_name) return static_cast<int>(i);
    return -1;
}

int64_t Operator::ops() const {
    if (kind == OpKind::View) return 0;
    int64_t n = 1;
    for (const auto& d : dims) n *= d.size;
    return n;
}

Box Operator::full_box() const {
    Box b;
    for (const auto& d : dims) {
        b.lo.push_back(0);
        b.hi.push_back(d.size);
    }
    return b;
}

std::vector<int> Operator::reduction_dims() const {
    std::vector<bool> used(dims.size(), false);
    for (const auto& axis : output.axes)
        for (const auto& t : axis.terms) used[t.dim] = true;
    std::vector<int> out;
    for (size_t i = 0; i < dims.size(); ++i)
        if (!used[i]) out.push_back(static_cast<int>(i));
    return out;
}

Box operand_slice(const Operator& op, const Operand& operand, const Tensor& tensor,
                  const Box& loop_box) {
    (void)op;
    Box slice;
    for (size_t a = 0; a < operand.axes.size(); ++a) {
        const AxisIndex& ax = operand.axes[a];
        if (ax.whole) {
            slice.lo.push_back(0);
            slice.hi.push_back(tensor.shape[a]);
            continue;
        }
        int64_t lo = ax.offset, hi = ax.offset; // inclusive max in `hi` while summing
        for (const auto& t : ax.terms) {
            const int64_t first = loop_box.lo[t.dim], last = loop_box.hi[t.dim] - 1;
            if (t.coef >= 0) {
                lo += t.coef * first;
                hi += t.coef * last;
            } else {
                lo += t.coef * last;
                hi += t.coef * first;
            }
        }
        slice.lo.push_back(std::clamp<int64_t>(lo, 0, tensor.shape[a]));
        slice.hi.push_back(std::clamp<int64_t>(hi + 1, 0, tensor.shape[a]));
    }
    return slice;
}

} // namespace fusesim
