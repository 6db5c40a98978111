// A workload: the tensors and operators of one layer (model builders make identical layers), the
// operator graph (Boost.Graph), and what the run is: stage, batch, sequence length, precision.
#pragma once

#include "workloads/graph/einsum.hpp"
#include "workloads/graph/operator.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace fusesim {

enum class Stage { Prefill, Decode };
const char* to_string(Stage stage);

struct Precision {
    std::string name = "fp32";
    int bytes = 4;
};
// fp32 → 4, fp16/bf16 → 2, int8/fp8 → 1; false if unknown.
bool parse_precision(const std::string& text, Precision& out);

// Edges run from a producer operator to a consumer operator; the edge names the tensor.
// A mistake in one operator (its index in Workload::ops), found once the whole layer is known.
struct OperatorError : std::invalid_argument {
    OperatorError(int op_index, const std::string& message)
        : std::invalid_argument(message), op(op_index) {}
    int op;
};

using OpGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS,
                                      boost::no_property, boost::property<boost::edge_name_t, int>>;

struct Workload {
    std::string name;  // e.g. "mamba-2.8b"
    std::string model; // builder kind: mamba1, opt, custom
    Stage stage = Stage::Prefill;
    int64_t batch = 1;
    int64_t seq_len = 1;
    int64_t layers = 1; // identical layers of the model; tensors and ops below are one layer
    Precision precision;
    std::vector<Tensor> tensors;
    std::vector<Operator> ops;
    // The tensor a layer reads from the previous layer and the one it hands to the next (same
    // shape); -1 when layers do not chain.
    int layer_input = -1;
    int layer_output = -1;
    // Decode: the recurrent state (State inputs, Tensor::state_out outputs) stays resident in a
    // region of SRAM across tokens, neither read from nor written to DRAM; that region,
    // `resident_sram_per_core` bytes of every core, is not available to the step's tiles.
    bool state_on_chip = false;
    int64_t resident_sram_per_core = 0;
    // What the run chose and why (reports): `decode_state` is on_chip or dram (empty: not a
    // decode step with state), `state_bytes` the state of every layer and batch item.
    std::string decode_state, decode_state_note;
    int64_t state_bytes = 0;

    // Derived by finalize().
    std::vector<std::vector<int>> producers; // per tensor: operators writing (part of) it
    std::vector<std::vector<int>> consumers; // per tensor: operators reading it
    OpGraph graph;
    std::vector<int> topo_order; // operators, producers before consumers (carried reads ignored)

    int tensor_index(const std::string& name) const; // -1 if absent
    // Non-view operators writing tensor `t`, looking through views (appended to `out`).
    void producers_through_views(int t, std::vector<int>& out) const;
    int op_index(const std::string& name) const; // -1 if absent
    // Builds producers/consumers, the tensor shapes (shapes.hpp), the graph and the topological
    // order. Throws OperatorError if a tensor is read but neither produced nor an input, weight or
    // state, or for a reference outside its tensor; std::invalid_argument if the graph has a
    // cycle that no carried read explains.
    void finalize();
};

// Builds a workload from Einsum strings. Every tensor an operator reads is declared (an input,
// weight or state) or written by an operator; undeclared tensors are activations. Shapes follow
// from the Einsums when the workload is finalized.
class WorkloadBuilder {
  public:
    explicit WorkloadBuilder(Workload& w) : w_(w) {}

    void dim(const std::string& name, int64_t size);
    int64_t dim_size(const std::string& name) const; // throws if unknown
    bool has_dim(const std::string& name) const { return dims_.count(name) > 0; }
    void declare(const std::string& tensor, TensorRole role);
    // The same with the tensor's whole shape (Tensor::declared_shape).
    void declare(const std::string& tensor, TensorRole role, std::vector<int64_t> shape);

    // Adds one operator; kind "" infers it: a function name, '+=' → mac (or reduce with one
    // input), '*' → mul, '+'/'-' → add, '/' → div, a plain copy → view.
    // Throws EinsumError / std::invalid_argument on mistakes (unknown dims, rank mismatch, a loop
    // dimension that indexes an input but not the output of an operator without '+=').
    Operator& add(const std::string& name, const std::string& einsum, const std::string& type,
                  const std::string& kind = "");
    // Marks input `input_index` of the last added operator as a loop-carried read along `dim`.
    void carried(const std::string& dim, int input_index);
    // Marks the output of the last added operator as an in-place intermediate (Tensor::in_place).
    void in_place();
    // Adds to the last operator a loop dim that indexes none of its tensors: work repeated for
    // every element (an FFT's real ops per butterfly, a scan's steps). Its ops count it; tiles
    // never split it (it shrinks no slice).
    void repeat(const std::string& dim, int64_t size);
    // The output of the last operator holds pairs (complex values, a scan's (a, b)): twice the
    // bytes of an element of the workload's precision.
    void pair_output();

  private:
    Workload& w_;
    std::map<std::string, int64_t> dims_;
    std::map<std::string, TensorRole> declared_;
    std::map<std::string, std::vector<int64_t>> declared_shapes_;
    int tensor_for(const std::string& name, size_t rank);
    Operand operand(const Operator& op, const EinsumRef& ref);
};

} // namespace fusesim
