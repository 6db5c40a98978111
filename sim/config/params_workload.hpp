// The workload section's parameters: the common keys and those of `model: custom` (each
// registered model declares its own keys: workloads/models/).
#pragma once

#include "sim/config/params.hpp"

#include <string>
#include <vector>

namespace fusesim::workload_param {

using T = ParamType;
constexpr double kMaxDim = 1 << 24; // far beyond any model; products of a few stay exact

// `model:`'s choices: the registered models, then `custom` (params.cpp).
std::vector<std::string> model_choices();

inline constexpr Param name = text("name", nullptr, "at most 256 bytes; shown in reports");
inline constexpr Param description = text("description", "", "free text");
inline constexpr Param model =
    choice_of(choice("model", nullptr, nullptr, "the layer built (its keys: the tables below)"),
              &model_choices);
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
inline constexpr Param decode_state = choice(
    "decode_state", "on_chip|dram|auto", "`dram`",
    "decode: where the recurrent state (h and the conv window of every layer and batch item) is "
    "between tokens: `on_chip` resident in SRAM (an error if it exceeds half the chip's SRAM), "
    "`dram` read and written every token, `auto` on chip when it fits, else `dram`");
inline constexpr const Param* common[] = {&name,  &description, &model,  &stage, &seq_len,
                                          &batch, &precision,   &layers, &vocab, &decode_state};

// model: custom
inline constexpr Param dims =
    other("dims", "map name → integer 1–2^32, or `seq_len`", nullptr,
          "loop dimension sizes; `seq_len` follows `workload.seq_len` (1 in decode)");
inline constexpr Param inputs =
    other("inputs", "list of tensor names", "",
          "tensors the layer reads that no operator writes (its input)");
inline constexpr Param weights =
    other("weights", "list of tensor names", "", "inputs that are parameters");
inline constexpr Param states =
    other("states", "list of tensor names", "", "inputs that are recurrent state");
inline constexpr Param operators = other(
    "operators", "non-empty list", nullptr,
    "in order; each has `name`, `einsum`, optional `kind` (one of the `cpo` kinds), `type` (a "
    "label grouping operators in reports; default `custom`) and `padding` (`zero`: reads outside "
    "an input are zeros; default none, such a read is an error)");
inline constexpr const Param* custom[] = {&dims, &inputs, &weights, &states, &operators};

} // namespace fusesim::workload_param
