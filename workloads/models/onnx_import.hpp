// ONNX import: an ONNX graph (onnx_file.hpp) mapped onto the Einsum graph of one layer. The
// mapping of each op and pattern is in README "ONNX import"; the code is onnx_importer.hpp (the
// state of one import), onnx_ops.cpp (compute ops), onnx_views.cpp (views) and onnx_patterns.cpp
// (norms, SiLU, the selective scan).
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/models/onnx_file.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fusesim {

// What a symbolic dimension (dim_param) of the model's inputs is bound to.
struct OnnxDimBinding {
    enum class Kind { SeqLen, Batch, Size } kind = Kind::Size;
    int64_t size = 1; // Kind::Size
};
using OnnxBindings = std::map<std::string, OnnxDimBinding>;

// The symbolic dimensions (dim_param) of the graph's inputs, in order of first appearance.
std::vector<std::string> onnx_dim_params(const OnnxGraph& g);

// The prefill layer: `seq_len` tokens, `batch` sequences. Throws OnnxError naming the node, op
// type or tensor of the first thing that cannot be imported.
Workload import_onnx(const OnnxGraph& g, const OnnxBindings& dims, int64_t batch, int64_t seq_len,
                     const Precision& precision, int64_t layers);

} // namespace fusesim
