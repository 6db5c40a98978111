// Tensors and operators. An operator is an Einsum-like loop nest over named dimensions; each
// tensor axis is indexed by an affine expression of loop dimensions (x[l+k-3, d]), which is what
// makes dependencies exact through views (split, slice, transpose, reshape, concat).
#pragma once

#include "workloads/vocab/coords.hpp"
#include "workloads/vocab/op_kind.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fusesim {

// What the bytes of a tensor are: weights and model inputs live in DRAM before the run,
// activations are produced by operators, the state is carried between tokens.
enum class TensorRole { Input, Weight, Activation, State };
const char* to_string(TensorRole role);

struct Tensor {
    std::string name;
    std::vector<int64_t> shape;
    TensorRole role = TensorRole::Activation;
    int bytes_per_element = 4;
    // An intermediate updated in place (Mamba-1's hd = dA ⊙ h, consumed at once by h = hd + dBx):
    // it never leaves the chip, so its producer and its readers always share one fusion group.
    bool in_place = false;
    // The recurrent state after this step (decode: h and the new conv window), carried to the
    // next token: written to DRAM unless the state stays on chip (Workload::state_on_chip).
    bool state_out = false;
    // An input's, weight's or state's whole shape when the builder knows it (an imported model
    // reads parts of it first); empty: its first reference sets it (shapes.hpp).
    std::vector<int64_t> declared_shape;

    int64_t elements() const;
    int64_t bytes() const { return elements() * bytes_per_element; }
};

// One term of an axis index: coefficient × loop dimension.
struct IndexTerm {
    int dim = 0; // index into Operator::dims
    int64_t coef = 1;
};

// Axis coordinate = Σ terms + offset.
struct AxisIndex {
    std::vector<IndexTerm> terms;
    int64_t offset = 0;
    bool whole = false; // the whole axis whatever the tile (softmax rows)
};

struct Operand {
    int tensor = -1;             // index into Workload::tensors
    std::vector<AxisIndex> axes; // one per tensor axis
    // A loop-carried read (the state of the previous token): a dependency between tiles of the
    // recurrence, not an edge of the operator graph.
    bool carried = false;
};

struct Dim {
    std::string name;
    int64_t size = 1;
};

// Half-open box [lo, hi) over an operator's loop dims or a tensor's axes.
struct Box {
    Coords lo, hi;
    int64_t volume() const;
    bool overlaps(const Box& other) const;
    bool operator==(const Box& other) const { return lo == other.lo && hi == other.hi; }
};

// What an operator reads outside its input tensors: nothing (an error), or zeros (the causal
// convolution's window before the first token).
enum class Padding { None, Zero };

// The stage structure of an FFT or a parallel scan (empty `algorithm`: none), for a hardware
// model that lays its stages onto pipeline stages. The loop nest alone gives its ops.
struct Staged {
    std::string algorithm; // fft, ifft, hillis-steele, blelloch
    int64_t points = 0;    // transform length n, or scan length (the chunk)
    int radix = 2;         // FFT radix (2 or 4); 2 for a scan (combines pair two elements)
    int stages = 0;        // butterfly stages, or scan steps
    int radix2_stages = 0; // radix-2 stages: all of a radix-2 FFT, one of a radix-4 FFT of 2·4^k
};

struct Operator {
    std::string name;
    OpKind kind = OpKind::Mac;
    std::string type;      // operator type for reports: projection, state_update, attention, ...
    std::string view_of;   // for views, what kind: split, slice, concat, transpose, reshape
    std::vector<Dim> dims; // loop nest, outermost first
    std::vector<Operand> inputs;
    Operand output;
    int sequential_dim = -1; // loop dim along which the op carries a state (token t needs t-1)
    Padding padding = Padding::None;
    Staged staged;

    int dim_index(const std::string& name) const; // -1 if absent
    // Ops of the whole loop nest: product of extents (a MAC counts one op); views have none.
    int64_t ops() const;
    Box full_box() const;
    // Loop dims that index no axis of the output: reduced over.
    std::vector<int> reduction_dims() const;
};

// The slice of `operand` that a tile `loop_box` of `op` touches, clamped to the tensor's shape.
Box operand_slice(const Operator& op, const Operand& operand, const Tensor& tensor,
                  const Box& loop_box);

} // namespace fusesim
