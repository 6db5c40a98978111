// Where data lives in DRAM, so that a transfer carries a real address (what the DRAM channels
// and their row buffers look at). Every tensor of every layer gets a region: in order of layers,
// then of the workload's tensors, each region `align` bytes aligned (the row size, or 4 KiB) and
// the tensor's size long. Every chunk of the plan lies inside its tensor's region: the chunks of
// one tensor and layer are laid end to end in plan order (their bytes summed), wrapping at the
// tensor's size (chunks of differently tiled readers of one tensor may overlap). One address
// per chunk; built in one pass over the chunks.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/tile_plan.hpp"

#include <cstdint>
#include <vector>

namespace fusesim {

class DramAddressMap {
  public:
    DramAddressMap() = default;
    DramAddressMap(const Workload& w, const TilePlan& plan, int64_t align);

    // The first byte of the chunk.
    uint64_t chunk(int c) const { return chunk_[static_cast<size_t>(c)]; }
    // The first byte of the tensor's region in a layer.
    uint64_t tensor(int layer, int t) const {
        return base_[static_cast<size_t>(layer) * tensors_ + static_cast<size_t>(t)];
    }
    uint64_t end() const { return end_; } // one past the last region

  private:
    size_t tensors_ = 0;
    std::vector<uint64_t> base_;  // per layer and tensor
    std::vector<uint64_t> chunk_; // per chunk
    uint64_t end_ = 0;
};

} // namespace fusesim
