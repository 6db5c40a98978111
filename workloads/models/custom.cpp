#include "workloads/models/custom.hpp"

namespace fusesim {

Workload build_custom(const CustomModel& m, Stage stage, int64_t batch, int64_t seq_len,
                      const Precision& precision) {
    Workload w;
    w.model = "custom";
    w.stage = stage;
    w.batch = batch;
    w.seq_len = seq_len;
    w.layers = m.layers;
    w.precision = precision;
    WorkloadBuilder b(w);
    for (const auto& [dim, size] : m.dims)
        b.dim(dim, size == 0 ? (stage == Stage::Decode ? 1 : seq_len) : size);
    for (const auto& t : m.inputs) b.declare(t, TensorRole::Input);
    for (const auto& t : m.weights) b.declare(t, TensorRole::Weight);
    for (const auto& t : m.states) b.declare(t, TensorRole::State);
    for (size_t i = 0; i < m.operators.size(); ++i) {
        const CustomOp& op = m.operators[i];
        try {
            b.add(op.name, op.einsum, op.type, op.kind).padding = op.padding;
        } catch (const std::exception& e) {
            throw CustomError(static_cast<int>(i), e.what());
        }
    }
    try {
        w.finalize();
    } catch (const OperatorError& e) {
        throw CustomError(e.op, e.what());
    } catch (const std::exception& e) {
        throw CustomError(-1, e.what());
    }
    return w;
}

} // namespace fusesim
