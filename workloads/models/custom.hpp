// `model: custom`: a layer written as Einsums in the configuration. sim/config reads its keys
// (structures, with their lines); the layer is built here like every other model's.
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

struct CustomOp {
    std::string name, einsum, kind, type;
    Padding padding = Padding::None;
};

struct CustomModel {
    std::vector<std::pair<std::string, int64_t>> dims; // size 0: the sequence length (seq_len)
    std::vector<std::string> inputs, weights, states;  // declared tensors, by role
    std::vector<CustomOp> operators;
    int64_t layers = 1;
};

// A mistake in the written layer: in operator `op` (its Einsum), or in the graph (op -1).
struct CustomError : std::runtime_error {
    CustomError(int op_index, const std::string& message)
        : std::runtime_error(message), op(op_index) {}
    int op;
};

// Prefill sizes dimension `seq_len` to the length, decode to one token.
Workload build_custom(const CustomModel& m, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision);

} // namespace fusesim
