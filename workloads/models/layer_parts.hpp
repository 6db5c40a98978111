// Pieces the model builders share: a workload's header fields and the normalisation layers.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/vocab/param.hpp"

#include <cstdint>
#include <string>

namespace fusesim::model_parts {

// The largest size a model key accepts: far beyond any model; products of a few stay exact.
constexpr double kMaxDim = 1 << 24;

// The key every model has.
constexpr Param d_model = required("d_model", ParamType::Integer, 1, kMaxDim, "model width");

std::string num(int64_t v);

Workload start(const std::string& model, Stage stage, int64_t batch, int64_t seq_len,
               const Precision& precision, int64_t layers);
// Finalizes the graph and names the tensors that enter and leave the layer.
Workload finish(Workload w, const std::string& input, const std::string& output);

// RMSNorm (Mamba) or LayerNorm (OPT) over m: statistics per token, then a scale per element.
void add_norm(WorkloadBuilder& b, const std::string& prefix, const std::string& in,
              const std::string& out, bool layer_norm);

} // namespace fusesim::model_parts
