#include "workloads/vocab/op_kind.hpp"

namespace fusesim {

namespace {
struct KindName {
    OpKind kind;
    const char* name;
};
constexpr KindName kKindNames[] = {
    {OpKind::Mac, "mac"},         {OpKind::Add, "add"},         {OpKind::Mul, "mul"},
    {OpKind::Div, "div"},         {OpKind::Max, "max"},         {OpKind::Exp, "exp"},
    {OpKind::Silu, "silu"},       {OpKind::Sigmoid, "sigmoid"}, {OpKind::Softplus, "softplus"},
    {OpKind::Softmax, "softmax"}, {OpKind::Reduce, "reduce"},   {OpKind::Sqrt, "sqrt"},
    {OpKind::Fft, "fft"},         {OpKind::Scan, "scan"},       {OpKind::Copy, "copy"},
    {OpKind::View, "view"},
};
} // namespace

const char* to_string(OpKind kind) {
    for (const auto& k : kKindNames)
        if (k.kind == kind) return k.name;
    return "?";
}

bool parse_op_kind(const std::string& text, OpKind& out) {
    for (const auto& k : kKindNames)
        if (text == k.name) {
            out = k.kind;
            return true;
        }
    return false;
}

std::vector<std::string> op_kind_names() {
    std::vector<std::string> names;
    for (const auto& k : kKindNames) names.emplace_back(k.name);
    return names;
}

} // namespace fusesim
