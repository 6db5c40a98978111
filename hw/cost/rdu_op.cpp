#include "hw/cost/rdu_op.hpp"

#include "workloads/graph/staged.hpp"

#include <algorithm>
#include <stdexcept>

namespace fusesim {

bool rdu_costs(const HardwareSpec& hw, const Operator& op) {
    return hw.rdu.has_value() && rdu_maps(op.staged.algorithm);
}

int64_t rdu_transforms(const Operator& op, int64_t ops) {
    const int64_t per = rdu_ops_per_transform(op);
    return (ops + per - 1) / per;
}

int64_t rdu_ops_per_transform(const Operator& op) {
    const Staged& s = op.staged;
    if (s.algorithm == "fft" || s.algorithm == "ifft") return fft_counts(s.points, s.radix).ops();
    return s.points * scan_counts(s.algorithm, s.points).ops_per_point();
}

int64_t rdu_point_bytes(const Workload& w, const Operator& op) {
    const Staged& s = op.staged;
    if (s.algorithm == "fft" || s.algorithm == "ifft") {
        int64_t b = w.tensors[op.output.tensor].bytes_per_element;
        for (const auto& in : op.inputs)
            b = std::max<int64_t>(b, w.tensors[in.tensor].bytes_per_element);
        return b;
    }
    int64_t b = 0;
    for (size_t i = 0; i < op.inputs.size() && i < 2; ++i)
        b += w.tensors[op.inputs[i].tensor].bytes_per_element;
    return b;
}

RduTileCost rdu_op_cost(const Workload& w, const HardwareSpec& hw, const Operator& op,
                        int64_t transforms) {
    return rdu_tile_cost(*hw.rdu, op.staged.algorithm, op.staged.points, rdu_point_bytes(w, op),
                         transforms);
}

RduOpMapping rdu_op_mapping(const Workload& w, const HardwareSpec& hw, const Operator& op) {
    RduOpMapping m;
    m.variant = to_string(hw.rdu->pcu.variant);
    m.algorithm = op.staged.algorithm;
    m.points = op.staged.points;
    m.point_bytes = rdu_point_bytes(w, op);
    m.transforms_per_layer = rdu_transforms(op, op.ops());
    m.per_transform = rdu_transform_mapping(*hw.rdu, m.algorithm, m.points, m.point_bytes);
    return m;
}

std::string rdu_mapping_error(const Workload& w, const HardwareSpec& hw) {
    for (const Operator& op : w.ops) {
        if (!rdu_costs(hw, op)) continue;
        try {
            rdu_transform_mapping(*hw.rdu, op.staged.algorithm, op.staged.points,
                                  rdu_point_bytes(w, op));
        } catch (const std::invalid_argument& e) {
            const bool fft = op.staged.algorithm == "fft" || op.staged.algorithm == "ifft";
            return "operator '" + op.name + "' (" + op.staged.algorithm + " of " +
                   std::to_string(op.staged.points) +
                   " points) does not map onto one RDU unit: " + e.what() +
                   (fft ? "; split long FFTs with workload.fft_max_points (the four-step "
                          "decomposition) or lower workload.seq_len"
                        : "; lower workload.scan_chunk");
        }
    }
    return "";
}

} // namespace fusesim
