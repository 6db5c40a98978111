// Pieces the model builders share: a workload's header fields and the normalisation layers.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/vocab/param.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim::model_parts {

// The largest size a model key accepts: far beyond any model; products of a few stay exact.
constexpr double kMaxDim = 1 << 24;

// The key every model has.
constexpr Param d_model = required("d_model", ParamType::Integer, 1, kMaxDim, "model width");
// The inner width of the Mamba models (`model: mamba1`, `model: mamba2`).
constexpr Param expand =
    optional("expand", ParamType::Integer, 1, 64, "2", 2, "inner width ÷ `d_model`");
constexpr Param d_inner =
    optional("d_inner", ParamType::Integer, 1, kMaxDim, "`expand` × `d_model`", 0, "inner width D");

std::string num(int64_t v);

Workload start(const std::string& model, Stage stage, int64_t batch, int64_t seq_len,
               const Precision& precision, int64_t layers);
// Finalizes the graph and names the tensors that enter and leave the layer.
Workload finish(Workload w, const std::string& input, const std::string& output);
// Decode: the tensors this token leaves for the next (workload.decode_state says where they are).
void mark_state_out(Workload& w, const std::vector<std::string>& tensors);

// RMSNorm (Mamba) or LayerNorm (OPT) over m: statistics per token, then a scale per element.
void add_norm(WorkloadBuilder& b, const std::string& prefix, const std::string& in,
              const std::string& out, bool layer_norm);

} // namespace fusesim::model_parts
