// Operator kinds: the compute kind selects the cycles per op (CPO) from the hardware; view kinds
// cost nothing. Shared vocabulary of the graph, the cost math and the reports.
#pragma once

#include <string>
#include <vector>

namespace fusesim {

enum class OpKind {
    Mac,
    Add,
    Mul,
    Div,
    Max,
    Exp,
    Silu,
    Sigmoid,
    Softplus,
    Softmax,
    Reduce,
    Sqrt,
    Fft,  // one real op of a radix-2/4 FFT butterfly (its multiplies and adds: graph/staged.hpp)
    Scan, // one real op of a parallel scan's combine (a2·a1, a2·b1 + b2)
    Copy, // compute
    View  // split, slice, concat, transpose, reshape: no compute, dependencies pass through
};
constexpr int kOpKindCount = static_cast<int>(OpKind::View) + 1;

const char* to_string(OpKind kind);
bool parse_op_kind(const std::string& text, OpKind& out);
std::vector<std::string> op_kind_names();

} // namespace fusesim
