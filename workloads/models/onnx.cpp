// `model: onnx`: a layer imported from an ONNX file (onnx_file.hpp, onnx_import.hpp); its keys
// and its registration.
#include "workloads/models/layer_parts.hpp"
#include "workloads/models/onnx_import.hpp"
#include "workloads/models/registry.hpp"

#include <algorithm>
#include <memory>

namespace fusesim {

namespace {

constexpr Param file = text("file", nullptr,
                            "the ONNX model; a relative path is relative to the file that names "
                            "it (from `--set`: the working directory)");
constexpr Param dims = other(
    "dims", "map name → `seq_len`, `batch` or an integer 1–2^24", "",
    "binds each symbolic dimension (dim_param) of the graph's inputs; every one must be bound");

std::string list(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
    return s.empty() ? "none" : s;
}

OnnxBindings read_bindings(ModelKeys& keys, const OnnxGraph& g, const std::string& path) {
    const std::vector<std::string> params = onnx_dim_params(g);
    OnnxBindings out;
    for (const auto& [name, value] : keys.entries(dims)) {
        if (std::find(params.begin(), params.end(), name) == params.end())
            keys.fail_entry(dims, name,
                            "the model has no symbolic dimension '" + name +
                                "' (its symbolic dimensions: " + list(params) + ")");
        OnnxDimBinding b;
        if (value == "seq_len") {
            b.kind = OnnxDimBinding::Kind::SeqLen;
        } else if (value == "batch") {
            b.kind = OnnxDimBinding::Kind::Batch;
        } else {
            const bool digits = !value.empty() && value.size() <= 9 &&
                                value.find_first_not_of("0123456789") == std::string::npos;
            b.size = digits ? std::stoll(value) : 0;
            if (b.size < 1 || b.size > static_cast<int64_t>(model_parts::kMaxDim))
                keys.fail_entry(dims, name,
                                "expected seq_len, batch or an integer from 1 to 16777216, got '" +
                                    value + "'");
        }
        out[name] = b;
    }
    for (const OnnxShape& s : g.inputs)
        for (size_t i = 0; i < s.dims.size(); ++i)
            if (!s.dims[i].param.empty() && !out.count(s.dims[i].param))
                keys.fail(file, path + ": graph input '" + s.name + "' has the symbolic axis '" +
                                    s.dims[i].param + "' (axis " + std::to_string(i) +
                                    ") and workload.dims does not bind it (to seq_len, batch or "
                                    "a size)");
    return out;
}

LayerBuilder read_onnx_model(ModelKeys& keys, int64_t layers) {
    const std::string path = keys.file(file);
    auto graph = std::make_shared<OnnxGraph>();
    try {
        *graph = read_onnx(path);
    } catch (const OnnxError& e) {
        keys.fail(file, e.what());
    }
    const OnnxBindings bindings = read_bindings(keys, *graph, path);
    return [graph, bindings, path, layers](Stage stage, int64_t batch, int64_t seq_len,
                                           const Precision& precision) {
        if (stage == Stage::Decode)
            throw ModelError("stage", "an ONNX model is imported for prefill only (its graph "
                                      "computes seq_len tokens); use stage: prefill");
        try {
            return import_onnx(*graph, bindings, batch, seq_len, precision, layers);
        } catch (const OnnxError& e) {
            throw ModelError("file", path + ": " + e.what());
        }
    };
}

} // namespace

ModelDef onnx_model() {
    return {"onnx", {&file, &dims}, read_onnx_model};
}

} // namespace fusesim
