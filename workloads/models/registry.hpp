// The model registry: every model the `model:` key can name, each with its parameter declarations
// and its builder. sim/config reads a model's keys through ModelKeys from its declarations and
// calls its builder, so adding a model touches only this folder: a file NAME.cpp defining
// NAME_model() and one line in registry.cpp (or register_model() at run time, as tests do).
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/vocab/param.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace fusesim {

// What a model reads its keys through (the configuration reader implements it). Each call checks
// the value against the declaration's range; errors name the file, line and key.
class ModelKeys {
  public:
    virtual ~ModelKeys() = default;
    virtual int64_t integer(const Param& p) = 0;                    // required
    virtual std::optional<int64_t> opt_integer(const Param& p) = 0; // absent: nullopt
    int64_t integer_or_default(const Param& p) { return opt_integer(p).value_or(p.default_int()); }
    // One of a ParamType::Choice's values; its default when absent.
    virtual std::string choice(const Param& p) = 0;
    // An error at the key (e.g. keys that contradict each other).
    [[noreturn]] virtual void fail(const Param& p, const std::string& message) = 0;
    // A file a model reads (a required ParamType::String), as it is to be opened: a relative path
    // is relative to the folder of the configuration file that wrote it (from --set: the working
    // directory).
    virtual std::string file(const Param& p) = 0;
    // A map of names to scalars (ParamType::Other), in the order written; empty when absent.
    virtual std::vector<std::pair<std::string, std::string>> entries(const Param& p) = 0;
    // An error at one entry of such a map (`key.entry`).
    [[noreturn]] virtual void fail_entry(const Param& p, const std::string& entry,
                                         const std::string& message) = 0;
    // A list of scalars (ParamType::Other), in the order written; empty when absent. The
    // defaults (for readers without lists) fail at the key.
    virtual std::vector<std::string> items(const Param& p);
    // An error at one item of such a list (`key[index]`).
    [[noreturn]] virtual void fail_item(const Param& p, size_t index, const std::string& message);
};

// A mistake a builder finds in what a key gave it (the contents of a model file): reported at
// the workload's key `key`.
struct ModelError : std::runtime_error {
    ModelError(std::string key_name, const std::string& message)
        : std::runtime_error(message), key(std::move(key_name)) {}
    std::string key;
};

// One layer of a configured model, for a stage, batch, sequence length and precision. Throws
// std::invalid_argument when the sizes are too large to count, ModelError for a mistake in what a
// key names.
using LayerBuilder =
    std::function<Workload(Stage stage, int64_t batch, int64_t seq_len, const Precision&)>;

struct ModelDef {
    std::string name; // the `model:` value and the id of its reference table
    // Its keys in the order the reference documents them; `read` must ask for every one.
    std::vector<const Param*> params;
    // Reads the keys (in the order errors should be found) for a model of `layers` layers.
    std::function<LayerBuilder(ModelKeys& keys, int64_t layers)> read;
};

// The registered models, built-in ones first, in the order of `model:`'s choices.
const std::vector<ModelDef>& registered_models();
const ModelDef* find_model(const std::string& name); // nullptr if none
// Adds a model after the built-in ones; std::invalid_argument if the name is taken.
void register_model(ModelDef model);
void unregister_model(const std::string& name);

// Registers a model for the lifetime of the object (tests).
class ScopedModel {
  public:
    explicit ScopedModel(ModelDef model) : name_(model.name) { register_model(std::move(model)); }
    ~ScopedModel() { unregister_model(name_); }
    ScopedModel(const ScopedModel&) = delete;
    ScopedModel& operator=(const ScopedModel&) = delete;

  private:
    std::string name_;
};

} // namespace fusesim
