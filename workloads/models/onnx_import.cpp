#include "workloads/models/onnx_importer.hpp"

#include <algorithm>
#include <cctype>

namespace fusesim {

namespace onnx_import {

std::string plus(const std::string& base, int64_t offset) {
    if (offset == 0) return base;
    return base + (offset > 0 ? "+" : "-") + std::to_string(offset > 0 ? offset : -offset);
}

std::string sanitize(const std::string& name) {
    std::string s;
    for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) || c == '_' ? c : '_';
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) s = "x" + s;
    return s.size() > 200 ? s.substr(0, 200) : s;
}

Importer::Importer(const OnnxGraph& graph, const OnnxBindings& dims, int64_t batch, int64_t seq_len,
                   Workload& workload)
    : g(graph), w(workload), b(workload), bindings_(dims), batch_(batch), seq_len_(seq_len) {
    for (size_t i = 0; i < g.nodes.size(); ++i)
        for (const auto& t : g.nodes[i].inputs)
            if (!t.empty()) {
                auto& c = consumers_[t];
                if (c.empty() || c.back() != static_cast<int>(i)) c.push_back(static_cast<int>(i));
            }
    for (const auto& o : g.outputs) graph_outputs_.insert(o.name);
    done_.assign(g.nodes.size(), false);
}

void Importer::fail(const OnnxNode& n, const std::string& message) const {
    const size_t index = static_cast<size_t>(&n - g.nodes.data());
    const std::string op = (n.domain.empty() ? "" : n.domain + ".") + n.op_type;
    throw OnnxError("node " + (n.name.empty() ? "#" + std::to_string(index) : "'" + n.name + "'") +
                    " (op type " + op + "): " + message);
}

std::string Importer::op_name(const OnnxNode& n) const {
    if (!n.name.empty()) return n.name;
    return n.op_type + "_" + std::to_string(&n - g.nodes.data());
}

const Value* Importer::opt_in(const OnnxNode& n, size_t i) {
    if (i >= n.inputs.size() || n.inputs[i].empty()) return nullptr;
    const std::string& t = n.inputs[i];
    if (auto it = values_.find(t); it != values_.end()) return &it->second;
    auto init = g.initializers.find(t);
    if (init == g.initializers.end())
        fail(n, "reads '" + t +
                    "', which no earlier node, graph input or initializer gives (nodes must be in "
                    "topological order)");
    Value v;
    v.weight = true;
    v.shape = init->second.dims;
    v.constant = init->second.has_values ? &init->second : nullptr;
    v.tensor = tensor_name(t);
    Axes a;
    const auto declared = g.shapes.find(t);
    for (size_t k = 0; k < v.shape.size(); ++k) {
        v.axes.push_back(static_cast<int>(k));
        a.sizes.push_back(v.shape[k]);
        const bool named = declared != g.shapes.end() && declared->second.dims.size() > k;
        a.names.push_back(named ? declared->second.dims[k].denotation : "");
    }
    axes_[v.tensor] = a;
    b.declare(v.tensor, TensorRole::Weight, v.shape);
    return &(values_[t] = v);
}

const Value& Importer::in(const OnnxNode& n, size_t i) {
    const Value* v = opt_in(n, i);
    if (!v) fail(n, "input " + std::to_string(i) + " is missing");
    return *v;
}

bool Importer::ints_of(const OnnxNode& n, size_t input, const char* attr,
                       std::vector<int64_t>& out) {
    out.clear();
    if (const Value* v = opt_in(n, input)) {
        if (!v->constant) fail(n, "input " + std::to_string(input) + " must be a constant");
        if (v->constant->ints.size() != v->constant->values.size())
            fail(n, "input " + std::to_string(input) + " must hold integers");
        out = v->constant->ints;
        return true;
    }
    if (attr)
        if (const OnnxAttr* a = n.attr(attr); a && a->is_ints) {
            out = a->ints;
            return true;
        }
    return false;
}

int Importer::axis(const OnnxNode& n, int64_t a, size_t rank) const {
    const int64_t r = static_cast<int64_t>(rank);
    if (a < -r || a >= r)
        fail(n, "axis " + std::to_string(a) + " is outside a tensor of rank " + std::to_string(r));
    return static_cast<int>(a < 0 ? a + r : a);
}

std::string Importer::dim(const std::string& preferred, int64_t size, Taken& taken) {
    const std::string base = preferred.empty() ? "s" + std::to_string(size) : sanitize(preferred);
    std::string name = base;
    for (int k = 2;; ++k) {
        auto it = dim_sizes_.find(name);
        if (!taken.count(name) && (it == dim_sizes_.end() || it->second == size)) break;
        name = base + "_" + std::to_string(k);
    }
    dim_sizes_[name] = size;
    b.dim(name, size);
    taken.insert(name);
    return name;
}

std::vector<std::string> Importer::out_dims(const OnnxNode& n, const std::string& out,
                                            const std::vector<std::string>& proposed,
                                            const std::vector<int64_t>& sizes, Taken& taken) {
    std::vector<std::string> names = proposed;
    auto it = g.shapes.find(out);
    if (it != g.shapes.end() && it->second.known) {
        const auto& dims = it->second.dims;
        if (dims.size() != sizes.size())
            fail(n, "output '" + out + "' is declared with rank " + std::to_string(dims.size()) +
                        " but has rank " + std::to_string(sizes.size()));
        for (size_t i = 0; i < dims.size(); ++i) {
            int64_t declared = dims[i].value;
            if (auto bound = bindings_.find(dims[i].param); bound != bindings_.end())
                declared = bound->second.kind == OnnxDimBinding::Kind::SeqLen  ? seq_len_
                           : bound->second.kind == OnnxDimBinding::Kind::Batch ? batch_
                                                                               : bound->second.size;
            if (declared >= 0 && declared != sizes[i])
                fail(n, "output '" + out + "' is declared with size " + std::to_string(declared) +
                            " at axis " + std::to_string(i) + ", but the op gives " +
                            std::to_string(sizes[i]));
            if (!dims[i].denotation.empty()) names[i] = dims[i].denotation;
        }
    }
    for (size_t i = 0; i < names.size(); ++i) names[i] = dim(names[i], sizes[i], taken);
    return names;
}

std::string Importer::name_of(const Value& v, size_t i) const {
    if (i >= v.axes.size() || v.axes[i] < 0) return "";
    return axes_.at(v.tensor).names.at(static_cast<size_t>(v.axes[i]));
}

std::string Importer::tensor_name(const std::string& base) {
    const std::string s = sanitize(base);
    std::string name = s;
    for (int k = 2; tensor_names_.count(name); ++k) name = s + "_" + std::to_string(k);
    tensor_names_.insert(name);
    return name;
}

std::string Importer::ref(const Value& v, const std::vector<std::string>& idx) const {
    const size_t rank = axes_.at(v.tensor).names.size();
    std::vector<std::string> out(rank, "0");
    for (size_t i = 0; i < v.axes.size(); ++i)
        if (v.axes[i] >= 0) out[static_cast<size_t>(v.axes[i])] = idx.at(i);
    std::string s = v.tensor + "[";
    for (size_t k = 0; k < rank; ++k) s += (k ? "," : "") + out[k];
    return s + "]";
}

std::string Importer::bref(const Value& v, const std::vector<std::string>& loops,
                           const std::vector<int64_t>& sizes) const {
    const size_t R = loops.size(), r = v.rank();
    std::vector<std::string> idx(r);
    for (size_t i = 0; i < r; ++i) {
        const size_t o = R - r + i;
        idx[i] = v.shape[i] == 1 && (sizes[o] != 1 || loops[o].empty()) ? "0" : loops[o];
    }
    return ref(v, idx);
}

std::string Importer::define(const std::string& onnx, const std::string& tensor,
                             const std::vector<std::string>& loops,
                             const std::vector<int64_t>& shape, const std::vector<int>& order) {
    Value v;
    v.tensor = tensor;
    v.shape = shape;
    v.axes.assign(shape.size(), -1);
    Axes a;
    for (size_t k = 0; k < order.size(); ++k) {
        v.axes[static_cast<size_t>(order[k])] = static_cast<int>(k);
        a.names.push_back(loops[static_cast<size_t>(order[k])]);
        a.sizes.push_back(shape[static_cast<size_t>(order[k])]);
    }
    axes_[tensor] = a;
    values_[onnx] = v;
    return ref(v, loops);
}

Operator& Importer::add(const OnnxNode& n, const std::string& name, const std::string& einsum,
                        const std::string& type, const std::string& kind) {
    try {
        return b.add(name, einsum, type, kind);
    } catch (const std::exception& e) {
        fail(n, e.what());
    }
}

int Importer::sole_consumer(const std::string& tensor) const {
    if (graph_outputs_.count(tensor)) return -1;
    auto it = consumers_.find(tensor);
    return it != consumers_.end() && it->second.size() == 1 ? it->second.front() : -1;
}

bool Importer::is_op(int node, const char* op) const {
    if (node < 0) return false;
    const OnnxNode& n = g.nodes[static_cast<size_t>(node)];
    return n.domain.empty() && n.op_type == op && !done_[static_cast<size_t>(node)];
}

bool Importer::is_scalar(const OnnxNode& n, size_t i, double v) const {
    if (i >= n.inputs.size()) return false;
    auto it = g.initializers.find(n.inputs[i]);
    return it != g.initializers.end() && it->second.has_values && it->second.values.size() == 1 &&
           it->second.values[0] == v;
}

void Importer::add_inputs() {
    for (const OnnxShape& s : g.inputs) {
        if (!s.known)
            throw OnnxError("graph input '" + s.name +
                            "' has no shape (give its shape in the model)");
        std::vector<std::string> names;
        std::vector<int64_t> sizes;
        Taken taken;
        for (size_t i = 0; i < s.dims.size(); ++i) {
            const OnnxDim& d = s.dims[i];
            int64_t size = d.value;
            if (!d.param.empty()) {
                auto it = bindings_.find(d.param);
                if (it == bindings_.end())
                    throw OnnxError("graph input '" + s.name + "' has the symbolic axis '" +
                                    d.param + "' (axis " + std::to_string(i) +
                                    ") with no binding in workload.dims");
                size = it->second.kind == OnnxDimBinding::Kind::SeqLen  ? seq_len_
                       : it->second.kind == OnnxDimBinding::Kind::Batch ? batch_
                                                                        : it->second.size;
            }
            if (size > kMaxOnnxDim)
                throw OnnxError("graph input '" + s.name + "' axis " + std::to_string(i) +
                                " has size " + std::to_string(size) + " (at most 2^32)");
            if (size < 1)
                throw OnnxError("graph input '" + s.name + "' axis " + std::to_string(i) +
                                " has neither a size nor a name (dim_value or dim_param)");
            names.push_back(dim(d.denotation.empty() ? d.param : d.denotation, size, taken));
            sizes.push_back(size);
        }
        const std::string t = tensor_name(s.name);
        b.declare(t, TensorRole::Input, sizes);
        std::vector<int> order(sizes.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
        define(s.name, t, names, sizes, order);
    }
}

void Importer::dispatch(int index) {
    if (done_[static_cast<size_t>(index)]) return;
    for (bool (*handler)(Importer&, int) :
         {selective_scan, norm, silu, elementwise, matmul, conv, softmax_or_reduce, view})
        if (handler(*this, index)) {
            done_[static_cast<size_t>(index)] = true;
            return;
        }
    fail(g.nodes[static_cast<size_t>(index)],
         "not supported (the importer maps MatMul, Gemm, Conv, Add, Sub, Mul, Div, Pow, Sqrt, "
         "Reciprocal, Exp, Sigmoid, Softplus, Relu, Softmax, ReduceMean, ReduceSum, "
         "LayerNormalization, "
         "SimplifiedLayerNormalization, Split, Slice, Concat, Transpose, Reshape, Squeeze, "
         "Unsqueeze, Identity and fusesim.SelectiveScan: README \"ONNX import\")");
}

void Importer::finish() {
    for (const OnnxShape& o : g.outputs)
        if (!values_.count(o.name))
            throw OnnxError("graph output '" + o.name + "' is not produced by any node");
    try {
        w.finalize();
    } catch (const std::exception& e) {
        throw OnnxError(e.what());
    }
    // One input and one output of the same shape chain the layers.
    if (g.inputs.size() == 1 && g.outputs.size() == 1) {
        const Value& in = values_.at(g.inputs[0].name);
        const Value& out = values_.at(g.outputs[0].name);
        const int ti = w.tensor_index(in.tensor), to = w.tensor_index(out.tensor);
        if (ti >= 0 && to >= 0 && w.tensors[ti].shape == w.tensors[to].shape &&
            in.axes == out.axes && out.zero_axes.empty()) {
            w.layer_input = ti;
            w.layer_output = to;
        }
    }
}

void Importer::run() {
    add_inputs();
    for (size_t i = 0; i < g.nodes.size(); ++i) dispatch(static_cast<int>(i));
    finish();
}

} // namespace onnx_import

std::vector<std::string> onnx_dim_params(const OnnxGraph& g) {
    std::vector<std::string> out;
    for (const OnnxShape& s : g.inputs)
        for (const OnnxDim& d : s.dims)
            if (!d.param.empty() && std::find(out.begin(), out.end(), d.param) == out.end())
                out.push_back(d.param);
    return out;
}

Workload import_onnx(const OnnxGraph& g, const OnnxBindings& dims, int64_t batch, int64_t seq_len,
                     const Precision& precision, int64_t layers) {
    Workload w;
    w.model = "onnx";
    w.stage = Stage::Prefill;
    w.batch = batch;
    w.seq_len = seq_len;
    w.layers = layers;
    w.precision = precision;
    onnx_import::Importer im(g, dims, batch, seq_len, w);
    im.run();
    return w;
}

} // namespace fusesim
