// Hybrid models (Jamba/Zamba style): Mamba-1 or Mamba-2 blocks and transformer layers (attention
// + MLP) interleaved by a pattern repeated to the model's depth. Its keys and registration:
// hybrid.cpp.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/models/mamba1.hpp"
#include "workloads/models/mamba2.hpp"
#include "workloads/models/opt.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

enum class LayerKind { Mamba, Attention, Mamba2 };
const char* to_string(LayerKind kind);

struct HybridParams {
    MambaParams mamba;   // the Mamba-1 block of every `mamba` layer
    Mamba2Params mamba2; // the Mamba-2 block of every `mamba2` layer
    OptParams attention; // the decoder layer (attention + FFN) of every `attention` layer
    std::vector<LayerKind> pattern; // one period of the layer sequence
    int64_t layers = 0;             // the model's depth: a whole number of periods
};

// The model's layer sequence: the pattern repeated to `layers` layers.
std::vector<LayerKind> hybrid_sequence(const HybridParams& p);
// Layers of each kind in the whole model: {Mamba (either kind), attention}.
std::pair<int64_t, int64_t> hybrid_counts(const HybridParams& p);

// The name prefix of the operators and tensors of layer `index` of a period ("l3_").
std::string hybrid_prefix(size_t index);

// One period of the pattern as one chained graph: layer i's operators and tensors are the
// Mamba-1 or Mamba-2 block's or the OPT layer's, named with hybrid_prefix(i); layer i reads layer
// i−1's output. Workload::layers is the number of periods (the unit the simulation replicates).
Workload build_hybrid(const HybridParams& p, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision);

// Appends `part` (a finalized layer) to `w` (not finalized) with every name prefixed: its input
// becomes tensor `chained_input` of `w` (-1: a new input tensor). Returns `part`'s output tensor
// in `w`.
int append_layer(Workload& w, const Workload& part, const std::string& prefix, int chained_input);

// The operators of layer `prefix` of a hybrid as a workload of their own kind (names without the
// prefix; tensors shared with `w`, graph not finalized): what the fusion presets read.
Workload hybrid_layer_view(const Workload& w, const std::string& prefix, const std::string& model);

} // namespace fusesim
