#include "workloads/models/registry.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

// The built-in models (one file each). A model added here needs no other edit: its name joins
// `model:`'s choices and its declarations give `fusesim reference NAME` (add that table to
// README.md, whose test checks every table).
ModelDef mamba1_model(); // mamba1.cpp
ModelDef mamba2_model(); // mamba2.cpp
ModelDef opt_model();    // opt.cpp
ModelDef onnx_model();   // onnx.cpp
ModelDef hybrid_model(); // hybrid.cpp
ModelDef hyena_model();  // hyena.cpp

namespace {

std::vector<ModelDef>& models() {
    static std::vector<ModelDef> all = {mamba1_model(), mamba2_model(), opt_model(),
                                        onnx_model(),   hybrid_model(), hyena_model()};
    return all;
}

} // namespace

std::vector<std::string> ModelKeys::items(const Param& p) {
    fail(p, "this reader takes no lists");
    throw std::logic_error("ModelKeys::fail returned");
}

void ModelKeys::fail_item(const Param& p, size_t index, const std::string& message) {
    fail(p, "item " + std::to_string(index) + ": " + message);
    throw std::logic_error("ModelKeys::fail returned");
}

const std::vector<ModelDef>& registered_models() {
    return models();
}

const ModelDef* find_model(const std::string& name) {
    for (const ModelDef& m : models())
        if (m.name == name) return &m;
    return nullptr;
}

void register_model(ModelDef model) {
    // `custom` is the workload written in the configuration itself (sim/config).
    if (model.name == "custom" || find_model(model.name))
        throw std::invalid_argument("model '" + model.name + "' is registered twice");
    models().push_back(std::move(model));
}

void unregister_model(const std::string& name) {
    auto& all = models();
    all.erase(
        std::remove_if(all.begin(), all.end(), [&](const ModelDef& m) { return m.name == name; }),
        all.end());
}

} // namespace fusesim
