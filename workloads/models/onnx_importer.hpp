// The state of one ONNX import (onnx_import.hpp): ONNX tensors as views of the layer's tensors,
// the rank (dimension) names, and the handlers of each op kind.
#pragma once

#include "workloads/models/onnx_import.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fusesim::onnx_import {

// One tensor of the layer: the name of each axis (its rank) and its size.
struct Axes {
    std::vector<std::string> names;
    std::vector<int64_t> sizes;
};

// An ONNX tensor as the importer sees it: a layer tensor seen through a permutation (Transpose),
// with axes of size 1 that the layer tensor does not have (Unsqueeze, keepdims) and axes of the
// layer tensor that ONNX no longer shows (Squeeze: always index 0).
struct Value {
    std::string tensor;         // the layer tensor ("" for a constant not yet used as a tensor)
    std::vector<int> axes;      // per ONNX axis: the layer tensor's axis, or -1 (size 1, none)
    std::vector<int> zero_axes; // layer tensor axes indexed 0
    std::vector<int64_t> shape; // the ONNX shape
    bool weight = false;        // an initializer
    const OnnxTensor* constant = nullptr; // its data, when small
    size_t rank() const { return shape.size(); }
};

// Loop dimension names taken by the operator being written.
using Taken = std::set<std::string>;

class Importer {
  public:
    Importer(const OnnxGraph& g, const OnnxBindings& dims, int64_t batch, int64_t seq_len,
             Workload& w);
    void run();

    // Shared by the handlers.
    const OnnxGraph& g;
    Workload& w;
    WorkloadBuilder b;

    [[noreturn]] void fail(const OnnxNode& n, const std::string& message) const;
    // The operator name of a node: its name, or OpType_index when it has none.
    std::string op_name(const OnnxNode& n) const;
    // Input `i` of `n` (an error if absent); `optional` inputs may be absent (nullptr).
    const Value& in(const OnnxNode& n, size_t i);
    const Value* opt_in(const OnnxNode& n, size_t i);
    // The integer values of a constant input or of an attribute; false if neither is there.
    bool ints_of(const OnnxNode& n, size_t input, const char* attr, std::vector<int64_t>& out);
    // A negative axis counted from the end; an error outside [0, rank).
    int axis(const OnnxNode& n, int64_t a, size_t rank) const;

    // The name of loop dimension `preferred` (an identifier made of it) of `size`: a name taken
    // by this operator, or globally by another size, gets a suffix _2, _3, ...
    std::string dim(const std::string& preferred, int64_t size, Taken& taken);
    // The rank names of output `out` of a node: `proposed` (per ONNX axis), replaced by the
    // denotations of a declared shape, allocated with dim(). Checks the declared shape's sizes.
    std::vector<std::string> out_dims(const OnnxNode& n, const std::string& out,
                                      const std::vector<std::string>& proposed,
                                      const std::vector<int64_t>& sizes, Taken& taken);
    // The name of a rank of `v`'s ONNX axis `i` (its layer tensor's axis name), "" if none.
    std::string name_of(const Value& v, size_t i) const;
    // A fresh layer tensor name made of `base`.
    std::string tensor_name(const std::string& base);

    // "t[i,j]": `v` indexed by one index text per ONNX axis (unit axes skip theirs).
    std::string ref(const Value& v, const std::vector<std::string>& idx) const;
    // `v` indexed like an output of these loop names and sizes (broadcasting from the right:
    // an axis of size 1 against a larger one, or against an output axis named "", is index 0).
    std::string bref(const Value& v, const std::vector<std::string>& loops,
                     const std::vector<int64_t>& sizes) const;
    // Defines ONNX tensor `onnx` as a new layer tensor whose axes are `order` (ONNX axes of the
    // shape, in the layer tensor's order; ONNX axes left out are unit axes). Returns its ref
    // text indexed by `loops` (per ONNX axis).
    std::string define(const std::string& onnx, const std::string& tensor,
                       const std::vector<std::string>& loops, const std::vector<int64_t>& shape,
                       const std::vector<int>& order);
    void alias(const std::string& onnx, Value v) { values_[onnx] = std::move(v); }
    const Value& value_of(const std::string& onnx) const { return values_.at(onnx); }
    // Adds an operator; builder errors name the node.
    Operator& add(const OnnxNode& n, const std::string& name, const std::string& einsum,
                  const std::string& type, const std::string& kind = "");

    // Pattern helpers: the only node reading `tensor` (-1 if several, none, or a graph output).
    int sole_consumer(const std::string& tensor) const;
    bool is_op(int node, const char* op) const;
    void mark_done(int node) { done_.at(static_cast<size_t>(node)) = true; }
    // A constant input holding the single value v.
    bool is_scalar(const OnnxNode& n, size_t i, double v) const;

  private:
    std::map<std::string, Value> values_;
    std::map<std::string, Axes> axes_; // every layer tensor's ranks
    std::map<std::string, int64_t> dim_sizes_;
    std::set<std::string> tensor_names_;
    std::map<std::string, std::vector<int>> consumers_;
    std::set<std::string> graph_outputs_;
    std::vector<bool> done_;
    const OnnxBindings& bindings_;
    int64_t batch_, seq_len_;
    void add_inputs();
    void dispatch(int index);
    void finish();
};

// Handlers: each maps node `index` (and any pattern starting there) onto operators.
bool elementwise(Importer& im, int index);
bool matmul(Importer& im, int index);
bool conv(Importer& im, int index);
bool softmax_or_reduce(Importer& im, int index);
bool view(Importer& im, int index);
bool norm(Importer& im, int index);
bool silu(Importer& im, int index);
bool selective_scan(Importer& im, int index);

// The order in which an op's output stores its axes (ONNX axes whose `real` is set): that of the
// layer tensor of `ref`, aligned from the right; axes `ref` lacks first.
std::vector<int> layout_like(const Value& ref, size_t rank, const std::vector<bool>& real);

// "l+k-3": an index text.
std::string plus(const std::string& base, int64_t offset);
std::string sanitize(const std::string& name);

} // namespace fusesim::onnx_import
