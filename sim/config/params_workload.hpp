// The workload section's parameters: the common keys and those of each model kind.
#pragma once

#include "sim/config/params.hpp"

namespace fusesim::workload_param {

using T = ParamType;
constexpr double kMaxDim = 1 << 24; // far beyond any model; products of a few stay exact

inline constexpr Param name = text("name", nullptr, "at most 256 bytes; shown in reports");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param model =
    choice("model", "mamba1|opt|custom", nullptr, "the layer built (its keys: the tables below)");
inline constexpr Param stage =
    other("stage", "`prefill` or `decode`, or a list (each once)", nullptr,
          "`prefill` processes `seq_len` tokens, `decode` one token");
inline constexpr Param seq_len =
    required("seq_len", T::Integer, 1, kMaxDim,
             "prefill length, or context length in decode (decode processes one token); a "
             "non-empty list of at most 1024 gives one point each");
inline constexpr Param batch =
    optional("batch", T::Integer, 1, 1 << 16, "1", 1, "sequences processed together");
inline constexpr Param precision =
    choice("precision", "fp32|fp16|bf16|fp8|int8", "`fp32`", "bytes per element of every tensor");
inline constexpr Param layers = optional("layers", T::Integer, 1, 100000, "1", 1,
                                         "identical layers; one is built, figures are multiplied");
inline constexpr Param vocab = optional("vocab", T::Integer, 1, 2147483647, "", 0,
                                        "informational (the embedding is not modeled)");
inline constexpr const Param* common[] = {&name,  &description, &model,  &stage, &seq_len,
                                          &batch, &precision,   &layers, &vocab};

// model: mamba1
inline constexpr Param d_model = required("d_model", T::Integer, 1, kMaxDim, "model width");
inline constexpr Param d_state = required("d_state", T::Integer, 1, kMaxDim, "state size N");
inline constexpr Param expand =
    optional("expand", T::Integer, 1, 64, "2", 2, "inner width ÷ `d_model`");
inline constexpr Param d_inner =
    optional("d_inner", T::Integer, 1, kMaxDim, "`expand` × `d_model`", 0, "inner width D");
inline constexpr Param d_conv =
    optional("d_conv", T::Integer, 1, 1024, "4", 4, "width of the causal convolution");
inline constexpr Param dt_rank =
    optional("dt_rank", T::Integer, 1, kMaxDim, "ceil(`d_model` / 16)", 0, "rank R of Δ");
inline constexpr const Param* mamba1[] = {&d_model, &d_state, &expand, &d_inner, &d_conv, &dt_rank};

// model: opt
inline constexpr Param heads = required("heads", T::Integer, 1, kMaxDim, "attention heads");
inline constexpr Param head_dim =
    optional("head_dim", T::Integer, 1, kMaxDim, "`d_model` ÷ `heads`", 0,
             "`heads` × `head_dim` must equal `d_model`");
inline constexpr Param ffn =
    optional("ffn", T::Integer, 1, kMaxDim, "4 × `d_model`", 0, "FFN width");
inline constexpr const Param* opt[] = {&d_model, &heads, &head_dim, &ffn};

// model: custom
inline constexpr Param dims =
    other("dims", "map name → integer 1–2^32, or `seq_len`", nullptr,
          "loop dimension sizes; `seq_len` follows `workload.seq_len` (1 in decode)");
inline constexpr Param weights =
    other("weights", "list of tensor names", "", "inputs that are parameters");
inline constexpr Param states =
    other("states", "list of tensor names", "", "inputs that are recurrent state");
inline constexpr Param operators = other(
    "operators", "non-empty list", nullptr,
    "in order; each has `name`, `einsum`, optional `kind` (one of the `cpo` kinds) and `type` (a "
    "label grouping operators in reports; default `custom`)");
inline constexpr const Param* custom[] = {&dims, &weights, &states, &operators};

} // namespace fusesim::workload_param
