// FFT and scan operators on an RDU (HardwareSpec::rdu): how many transforms a tile holds, the
// bytes of one point, and the tile's cost by the unit's spatial mapping (hw/cost/rdu_tile.hpp).
// Shared by the tile coster (run, validate), the layer-by-layer model (analyze) and the reports.
#pragma once

#include "hw/cost/hardware.hpp"
#include "hw/cost/rdu_tile.hpp"
#include "workloads/graph/workload.hpp"

#include <optional>
#include <string>

namespace fusesim {

// True when the hardware is an RDU and the operator is an FFT, iFFT or parallel scan.
bool rdu_costs(const HardwareSpec& hw, const Operator& op);

// Real ops of one transform: an FFT's 5·n·log2 n (radix 2; its radix-4 count at radix 4), a
// scan's n · combines per element · 3. A tile of `ops` holds ops ÷ this transforms.
int64_t rdu_ops_per_transform(const Operator& op);
// The transforms `ops` of the operator hold (a tile's extents' product, or the whole loop nest's),
// rounded up.
int64_t rdu_transforms(const Operator& op, int64_t ops);

// Bytes of one point on the PCU: an FFT's complex point (the larger of its input and output
// element, the complex one); a scan's pair (a, b) (its two inputs' elements together).
int64_t rdu_point_bytes(const Workload& w, const Operator& op);

// The cost of `transforms` transforms of the operator on one unit (rdu_costs must hold).
RduTileCost rdu_op_cost(const Workload& w, const HardwareSpec& hw, const Operator& op,
                        int64_t transforms);

// What the reports give for an FFT or scan on an RDU: the variant, the transforms of a layer and
// one transform's mapping (passes, vectors per pass, PMU round trips, lane and stage use, cycles).
struct RduOpMapping {
    std::string variant, algorithm;
    int64_t points = 0, point_bytes = 0;
    int64_t transforms_per_layer = 0;
    RduMapping per_transform;
};
RduOpMapping rdu_op_mapping(const Workload& w, const HardwareSpec& hw, const Operator& op);

// Every FFT and scan of the workload maps onto one unit: the operator's name and what fails
// (e.g. n points that do not fit one PMU, with the workload key that splits long FFTs), or an
// empty string.
std::string rdu_mapping_error(const Workload& w, const HardwareSpec& hw);

} // namespace fusesim
