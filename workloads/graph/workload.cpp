#include "workloads/graph/workload.hpp"
#include "workloads/graph/shapes.hpp"

#include <boost/graph/topological_sort.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace fusesim {

const char* to_string(Stage stage) {
    return stage == Stage::Prefill ? "prefill" : "decode";
}

bool parse_precision(const std::string& text, Precision& out) {
    static const std::pair<const char*, int> kTable[] = {
        {"fp32", 4}, {"fp16", 2}, {"bf16", 2}, {"int8", 1}, {"fp8", 1}};
    for (const auto& [name, bytes] : kTable)
        if (text == name) {
            out = {name, bytes};
            return true;
        }
    return false;
}

int Workload::tensor_index(const std::string& tensor_name) const {
    for (size_t i = 0; i < tensors.size(); ++i)
        if (tensors[i].name == tensor_name) return static_cast<int>(i);
    return -1;
}

void Workload::producers_through_views(int t, std::vector<int>& out) const {
    for (int p : producers[t]) {
        if (ops[p].kind == OpKind::View)
            for (const auto& in : ops[p].inputs) producers_through_views(in.tensor, out);
        else
            out.push_back(p);
    }
}

int Workload::op_index(const std::string& op_name) const {
    for (size_t i = 0; i < ops.size(); ++i)
        if (ops[i].name == op_name) return static_cast<int>(i);
    return -1;
}

void Workload::finalize() {
    producers.assign(tensors.size(), {});
    consumers.assign(tensors.size(), {});
    graph = OpGraph(ops.size());
    for (size_t o = 0; o < ops.size(); ++o) {
        producers[ops[o].output.tensor].push_back(static_cast<int>(o));
        for (const auto& in : ops[o].inputs) {
            auto& c = consumers[in.tensor];
            if (c.empty() || c.back() != static_cast<int>(o)) c.push_back(static_cast<int>(o));
        }
    }
    for (size_t t = 0; t < tensors.size(); ++t) {
        const bool produced = !producers[t].empty();
        const TensorRole role = tensors[t].role;
        if (!produced && role == TensorRole::Activation)
            throw OperatorError(consumers[t].front(),
                                "operator '" + ops[consumers[t].front()].name + "' reads '" +
                                    tensors[t].name +
                                    "', which no operator writes and which is not declared as "
                                    "an input, weight or state");
        if (produced && (role == TensorRole::Input || role == TensorRole::Weight))
            throw OperatorError(producers[t].front(),
                                "operator '" + ops[producers[t].front()].name + "' writes '" +
                                    tensors[t].name + "', which is declared as " +
                                    (role == TensorRole::Input ? "an input" : "a weight") +
                                    " (only operators' outputs and states are written)");
    }
    infer_shapes(*this);
    for (size_t t = 0; t < tensors.size(); ++t) {
        // Byte counts are 64-bit: a tensor must stay countable, as a loop nest must.
        double elements = 1;
        for (int64_t s : tensors[t].shape) elements *= static_cast<double>(s);
        if (elements > 1e17) {
            char text[32];
            std::snprintf(text, sizeof text, "%.3g", elements);
            throw std::invalid_argument("tensor '" + tensors[t].name + "' has " + text +
                                        " elements (at most 1e17)");
        }
    }
    for (size_t o = 0; o < ops.size(); ++o)
        for (const auto& in : ops[o].inputs) {
            if (in.carried) continue;
            for (int p : producers[in.tensor])
                boost::add_edge(p, static_cast<int>(o), in.tensor, graph);
        }
    std::vector<OpGraph::vertex_descriptor> reversed;
    try {
        boost::topological_sort(graph, std::back_inserter(reversed));
    } catch (const boost::not_a_dag&) {
        throw std::invalid_argument("the operator graph has a cycle (a state read must be marked "
                                    "as carried from the previous token)");
    }
    // Boost's order depends only on vertex numbering: deterministic. Prefer the order in which
    // operators were written where the graph allows it: a stable sort by longest path depth.
    std::vector<int> depth(ops.size(), 0);
    for (auto it = reversed.rbegin(); it != reversed.rend(); ++it)
        for (auto [e, end] = boost::out_edges(*it, graph); e != end; ++e) {
            auto v = boost::target(*e, graph);
            depth[v] = std::max(depth[v], depth[*it] + 1);
        }
    topo_order.resize(ops.size());
    for (size_t i = 0; i < ops.size(); ++i) topo_order[i] = static_cast<int>(i);
    std::stable_sort(topo_order.begin(), topo_order.end(),
                     [&](int a, int b) { return depth[a] < depth[b]; });
    // Depth order is topological; writing order inside one depth keeps reports readable.
}

void WorkloadBuilder::dim(const std::string& name, int64_t size) {
    if (size < 1) throw std::invalid_argument("dimension '" + name + "' must be at least 1");
    dims_[name] = size;
}

int64_t WorkloadBuilder::dim_size(const std::string& name) const {
    auto it = dims_.find(name);
    if (it == dims_.end()) throw std::invalid_argument("unknown dimension '" + name + "'");
    return it->second;
}

void WorkloadBuilder::declare(const std::string& tensor, TensorRole role) {
    declared_[tensor] = role;
    int t = w_.tensor_index(tensor);
    if (t >= 0) w_.tensors[t].role = role;
}

void WorkloadBuilder::declare(const std::string& tensor, TensorRole role,
                              std::vector<int64_t> shape) {
    declare(tensor, role);
    int t = w_.tensor_index(tensor);
    if (t >= 0) w_.tensors[t].declared_shape = shape;
    declared_shapes_[tensor] = std::move(shape);
}

int WorkloadBuilder::tensor_for(const std::string& name, size_t rank) {
    int t = w_.tensor_index(name);
    if (t < 0) {
        Tensor tensor;
        tensor.name = name;
        tensor.shape.assign(rank, 0); // set by finalize()
        tensor.bytes_per_element = w_.precision.bytes;
        auto d = declared_.find(name);
        tensor.role = d != declared_.end() ? d->second : TensorRole::Activation;
        if (auto s = declared_shapes_.find(name); s != declared_shapes_.end())
            tensor.declared_shape = s->second;
        w_.tensors.push_back(tensor);
        return static_cast<int>(w_.tensors.size() - 1);
    }
    const Tensor& tensor = w_.tensors[t];
    if (tensor.shape.size() != rank)
        throw std::invalid_argument("tensor '" + name + "' is used with " + std::to_string(rank) +
                                    " axes here but " + std::to_string(tensor.shape.size()) +
                                    " elsewhere");
    return t;
}

Operand WorkloadBuilder::operand(const Operator& op, const EinsumRef& ref) {
    Operand o;
    o.tensor = tensor_for(ref.tensor, ref.axes.size());
    for (const EinsumAxis& ax : ref.axes) {
        AxisIndex index;
        index.offset = ax.offset;
        index.whole = ax.whole;
        for (const auto& term : ax.terms)
            index.terms.push_back({op.dim_index(term.dim), term.coef});
        o.axes.push_back(index);
    }
    return o;
}

Operator& WorkloadBuilder::add(const std::string& name, const std::string& einsum,
                               const std::string& type, const std::string& kind) {
    if (w_.op_index(name) >= 0)
        throw std::invalid_argument("operator '" + name + "' is defined twice");
    ParsedEinsum e = parse_einsum(einsum);
    Operator op;
    op.name = name;
    op.type = type;
    for (const auto& d : e.dims_in_order()) {
        auto it = dims_.find(d);
        if (it == dims_.end())
            throw std::invalid_argument("operator '" + name + "' uses dimension '" + d +
                                        "' which has no size");
        op.dims.push_back({d, it->second});
    }
    if (!kind.empty()) {
        if (!parse_op_kind(kind, op.kind))
            throw std::invalid_argument("operator '" + name + "': unknown kind '" + kind + "'");
    } else if (!e.function.empty()) {
        if (!parse_op_kind(e.function, op.kind))
            throw std::invalid_argument("operator '" + name + "': unknown function '" + e.function +
                                        "'");
    } else if (e.accumulate) {
        op.kind = e.inputs.size() > 1 ? OpKind::Mac : OpKind::Reduce;
    } else if (e.combine == '*') {
        op.kind = OpKind::Mul;
    } else if (e.combine == '+' || e.combine == '-') {
        op.kind = OpKind::Add;
    } else if (e.combine == '/') {
        op.kind = OpKind::Div;
    } else {
        op.kind = OpKind::View;
    }
    // The loop nest's size must stay countable (ops and bytes are 64-bit).
    double volume = 1;
    for (const auto& d : op.dims) volume *= static_cast<double>(d.size);
    if (volume > 1e17) {
        char text[32];
        std::snprintf(text, sizeof text, "%.3g", volume);
        std::string loops;
        for (const auto& d : op.dims)
            loops += (loops.empty() ? "" : " × ") + d.name + " " + std::to_string(d.size);
        throw std::invalid_argument("operator '" + name + "' has " + text + " loop iterations (" +
                                    loops + "; at most 1e17)");
    }
    // A rejected operator leaves no tensors behind: the builder stays usable after an error.
    const size_t tensors_before = w_.tensors.size();
    try {
        for (const auto& in : e.inputs) op.inputs.push_back(operand(op, in));
        op.output = operand(op, e.output);
        if (!e.accumulate) check_output_indexes_loops(w_, op);
    } catch (...) {
        w_.tensors.resize(tensors_before);
        throw;
    }
    w_.ops.push_back(std::move(op));
    return w_.ops.back();
}

void WorkloadBuilder::carried(const std::string& dim, int input_index) {
    Operator& op = w_.ops.back();
    op.sequential_dim = op.dim_index(dim);
    if (op.sequential_dim < 0)
        throw std::invalid_argument("operator '" + op.name + "' has no dimension '" + dim + "'");
    op.inputs.at(input_index).carried = true;
}

void WorkloadBuilder::repeat(const std::string& dim, int64_t size) {
    Operator& op = w_.ops.back();
    if (size < 1) throw std::invalid_argument("dimension '" + dim + "' must be at least 1");
    if (op.dim_index(dim) >= 0)
        throw std::invalid_argument("operator '" + op.name + "' already has dimension '" + dim +
                                    "'");
    op.dims.push_back({dim, size});
    double volume = 1;
    for (const auto& d : op.dims) volume *= static_cast<double>(d.size);
    if (volume > 1e17)
        throw std::invalid_argument("operator '" + op.name +
                                    "' has more than 1e17 loop iterations");
}

void WorkloadBuilder::pair_output() {
    w_.tensors.at(static_cast<size_t>(w_.ops.back().output.tensor)).bytes_per_element =
        2 * w_.precision.bytes;
}

void WorkloadBuilder::in_place() {
    w_.tensors.at(static_cast<size_t>(w_.ops.back().output.tensor)).in_place = true;
}

} // namespace fusesim
