// Reading an ONNX model file (protobuf, Debian's libonnx-dev) into plain values: the nodes, the
// initializers' shapes (and the data of small integer or float ones: shapes, split sizes,
// exponents), and the declared shapes of inputs, outputs and value_info. Nothing else of the
// protobuf leaves onnx_file.cpp. Weights' data is never read (external data files included).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fusesim {

// An ONNX model that cannot be imported: the message names the file, node or tensor.
struct OnnxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct OnnxDim {
    int64_t value = -1;     // dim_value; -1 when not given
    std::string param;      // dim_param (a symbolic size)
    std::string denotation; // the axis's name for fusesim (its rank name)
};

struct OnnxShape {
    std::string name;
    bool known = false; // a shape is given at all
    std::vector<OnnxDim> dims;
};

struct OnnxTensor {
    std::string name;
    std::vector<int64_t> dims;
    // The values of small tensors (at most kMaxValues elements) of an integer or float type.
    bool has_values = false;
    std::vector<double> values;
    std::vector<int64_t> ints; // the same, exact, for an integer type
    static constexpr size_t kMaxValues = 64;
};

struct OnnxAttr {
    bool is_int = false, is_float = false, is_ints = false, is_string = false;
    int64_t i = 0;
    double f = 0;
    std::vector<int64_t> ints;
    std::string s;
};

struct OnnxNode {
    std::string name, op_type, domain;        // domain "" is ONNX's (ai.onnx)
    std::vector<std::string> inputs, outputs; // "" for an omitted optional input
    std::map<std::string, OnnxAttr> attrs;
    int64_t int_attr(const std::string& key, int64_t fallback) const;
    const OnnxAttr* attr(const std::string& key) const; // nullptr when absent
};

struct OnnxGraph {
    std::string file;
    std::vector<OnnxNode> nodes; // Constant nodes become initializers
    std::map<std::string, OnnxTensor> initializers;
    std::vector<OnnxShape> inputs, outputs;  // inputs that are initializers are left out
    std::map<std::string, OnnxShape> shapes; // every declared shape by tensor (inputs, outputs,
                                             // value_info)
};

// The largest axis the importer takes from a file (products of a few stay exact).
constexpr int64_t kMaxOnnxDim = int64_t{1} << 32;

// At most this large (protobuf reads at most 2 GiB).
constexpr int64_t kMaxOnnxFileBytes = int64_t{1} << 30;

// Reads `path`: a regular file (a FIFO or device is refused without blocking) that parses as an
// ONNX ModelProto with a graph. OnnxError otherwise.
OnnxGraph read_onnx(const std::string& path);

} // namespace fusesim
