#include "workloads/models/layer_parts.hpp"

namespace fusesim::model_parts {

std::string num(int64_t v) {
    return std::to_string(v);
}

Workload start(const std::string& model, Stage stage, int64_t batch, int64_t seq_len,
               const Precision& precision, int64_t layers) {
    Workload w;
    w.model = model;
    w.stage = stage;
    w.batch = batch;
    w.seq_len = seq_len;
    w.layers = layers;
    w.precision = precision;
    return w;
}

Workload finish(Workload w, const std::string& input, const std::string& output) {
    w.finalize();
    w.layer_input = w.tensor_index(input);
    w.layer_output = w.tensor_index(output);
    return w;
}

void mark_state_out(Workload& w, const std::vector<std::string>& tensors) {
    for (const auto& t : tensors)
        w.tensors[static_cast<size_t>(w.tensor_index(t))].state_out = true;
}

void add_norm(WorkloadBuilder& b, const std::string& prefix, const std::string& in,
              const std::string& out, bool layer_norm) {
    const std::string p = prefix + "_";
    b.declare(p + "g", TensorRole::Weight);
    b.add(p + "sq", p + "ss[b,l] += " + in + "[b,l,m] * " + in + "[b,l,m]", "norm");
    b.add(p + "rsqrt", p + "rs[b,l] = sqrt(" + p + "ss[b,l])", "norm");
    std::string scaled = in;
    if (layer_norm) {
        b.add(p + "mean", p + "mu[b,l] += " + in + "[b,l,m]", "norm");
        b.add(p + "center", p + "xc[b,l,m] = " + in + "[b,l,m] - " + p + "mu[b,l]", "norm");
        scaled = p + "xc";
    }
    b.add(p + "scale", out + "[b,l,m] = " + scaled + "[b,l,m] * " + p + "rs[b,l] * " + p + "g[m]",
          "norm");
}

} // namespace fusesim::model_parts
