#include "workloads/models/onnx_file.hpp"

#include <onnx/onnx_pb.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace fusesim {

int64_t OnnxNode::int_attr(const std::string& key, int64_t fallback) const {
    const OnnxAttr* a = attr(key);
    return a && a->is_int ? a->i : fallback;
}

const OnnxAttr* OnnxNode::attr(const std::string& key) const {
    auto it = attrs.find(key);
    return it == attrs.end() ? nullptr : &it->second;
}

namespace {

std::string read_whole(const std::string& path) {
    auto fail = [&](const std::string& why) -> std::string {
        throw OnnxError("cannot read ONNX file '" + path + "' (" + why + ")");
    };
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) return fail(std::strerror(errno));
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return fail(std::strerror(errno));
    if (S_ISDIR(st.st_mode)) return fail("a directory, not a file");
    if (!S_ISREG(st.st_mode)) return fail("not a regular file");
    if (st.st_size > kMaxOnnxFileBytes) return fail("larger than 1 GiB");
    std::string data(static_cast<size_t>(st.st_size), '\0');
    size_t got = 0;
    while (got < data.size()) {
        const ssize_t n = ::read(fd, &data[got], data.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(std::strerror(errno));
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    data.resize(got);
    return data;
}

OnnxTensor tensor_of(const onnx::TensorProto& t) {
    OnnxTensor out;
    out.name = t.name();
    int64_t elements = 1;
    for (int64_t d : t.dims()) {
        if (d < 0 || d > kMaxOnnxDim)
            throw OnnxError("tensor '" + t.name() + "' has a dimension of " + std::to_string(d) +
                            " (expected 0 to 2^32)");
        out.dims.push_back(d);
        elements = d > 0 && elements > (int64_t{1} << 62) / d ? (int64_t{1} << 62) : elements * d;
    }
    if (elements > static_cast<int64_t>(OnnxTensor::kMaxValues) ||
        t.data_location() == onnx::TensorProto_DataLocation_EXTERNAL)
        return out;
    const std::string& raw = t.raw_data();
    const auto n = static_cast<size_t>(elements);
    switch (t.data_type()) {
    case onnx::TensorProto_DataType_INT64:
        if (!raw.empty() && raw.size() == n * 8) {
            for (size_t i = 0; i < n; ++i) {
                int64_t v;
                std::memcpy(&v, raw.data() + 8 * i, 8);
                out.ints.push_back(v);
                out.values.push_back(static_cast<double>(v));
            }
        } else if (static_cast<size_t>(t.int64_data_size()) == n) {
            for (int64_t v : t.int64_data()) {
                out.ints.push_back(v);
                out.values.push_back(static_cast<double>(v));
            }
        }
        break;
    case onnx::TensorProto_DataType_INT32:
        if (static_cast<size_t>(t.int32_data_size()) == n)
            for (int32_t v : t.int32_data()) {
                out.ints.push_back(v);
                out.values.push_back(v);
            }
        break;
    case onnx::TensorProto_DataType_FLOAT:
        if (!raw.empty() && raw.size() == n * 4) {
            for (size_t i = 0; i < n; ++i) {
                float v;
                std::memcpy(&v, raw.data() + 4 * i, 4);
                out.values.push_back(v);
            }
        } else if (static_cast<size_t>(t.float_data_size()) == n) {
            for (float v : t.float_data()) out.values.push_back(v);
        }
        break;
    default:
        break;
    }
    out.has_values = out.values.size() == n;
    if (!out.has_values) {
        out.values.clear();
        out.ints.clear();
    }
    return out;
}

OnnxShape shape_of(const onnx::ValueInfoProto& v) {
    OnnxShape s;
    s.name = v.name();
    if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape()) return s;
    s.known = true;
    for (const auto& d : v.type().tensor_type().shape().dim()) {
        OnnxDim dim;
        if (d.has_dim_value()) dim.value = d.dim_value();
        if (d.has_dim_param()) dim.param = d.dim_param();
        dim.denotation = d.denotation();
        s.dims.push_back(dim);
    }
    return s;
}

OnnxNode node_of(const onnx::NodeProto& n) {
    OnnxNode out;
    out.name = n.name();
    out.op_type = n.op_type();
    out.domain = n.domain() == "ai.onnx" ? "" : n.domain();
    for (const auto& i : n.input()) out.inputs.push_back(i);
    for (const auto& o : n.output()) out.outputs.push_back(o);
    for (const auto& a : n.attribute()) {
        OnnxAttr v;
        switch (a.type()) {
        case onnx::AttributeProto_AttributeType_INT:
            v.is_int = true;
            v.i = a.i();
            break;
        case onnx::AttributeProto_AttributeType_FLOAT:
            v.is_float = true;
            v.f = a.f();
            break;
        case onnx::AttributeProto_AttributeType_INTS:
            v.is_ints = true;
            v.ints.assign(a.ints().begin(), a.ints().end());
            break;
        case onnx::AttributeProto_AttributeType_STRING:
            v.is_string = true;
            v.s = a.s();
            break;
        default:
            break;
        }
        out.attrs[a.name()] = v;
    }
    return out;
}

} // namespace

OnnxGraph read_onnx(const std::string& path) {
    const std::string data = read_whole(path);
    onnx::ModelProto model;
    if (!model.ParseFromString(data))
        throw OnnxError("'" + path + "' is not an ONNX model (it does not parse as a ModelProto)");
    if (!model.has_graph() || model.graph().node_size() == 0)
        throw OnnxError("'" + path + "' holds no graph (no nodes)");
    const onnx::GraphProto& g = model.graph();
    OnnxGraph out;
    out.file = path;
    for (const auto& t : g.initializer()) out.initializers[t.name()] = tensor_of(t);
    for (const auto& n : g.node()) {
        // A Constant is an initializer written as a node.
        if (n.op_type() == "Constant" && (n.domain().empty() || n.domain() == "ai.onnx")) {
            for (const auto& a : n.attribute())
                if (a.name() == "value" && a.has_t() && n.output_size() == 1) {
                    OnnxTensor t = tensor_of(a.t());
                    t.name = n.output(0);
                    out.initializers[t.name] = t;
                }
            if (n.output_size() == 1 && out.initializers.count(n.output(0))) continue;
        }
        out.nodes.push_back(node_of(n));
    }
    for (const auto& v : g.input()) {
        OnnxShape s = shape_of(v);
        out.shapes[s.name] = s;
        if (!out.initializers.count(v.name())) out.inputs.push_back(s);
    }
    for (const auto& v : g.output()) {
        OnnxShape s = shape_of(v);
        out.shapes[s.name] = s;
        out.outputs.push_back(s);
    }
    for (const auto& v : g.value_info()) out.shapes[v.name()] = shape_of(v);
    return out;
}

} // namespace fusesim
