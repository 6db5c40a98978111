#include "sim/engine/dram_address.hpp"

#include <algorithm>

namespace fusesim {

DramAddressMap::DramAddressMap(const Workload& w, const TilePlan& plan, int64_t align)
    : tensors_(w.tensors.size()) {
    const auto a = static_cast<uint64_t>(std::max<int64_t>(1, align));
    const auto layers = static_cast<size_t>(std::max(1, plan.layers));
    base_.resize(layers * tensors_);
    uint64_t at = 0;
    for (size_t l = 0; l < layers; ++l)
        for (size_t t = 0; t < tensors_; ++t) {
            at = (at + a - 1) / a * a;
            base_[l * tensors_ + t] = at;
            at += static_cast<uint64_t>(std::max<int64_t>(0, w.tensors[t].bytes()));
        }
    end_ = at;
    std::vector<uint64_t> used(base_.size(), 0); // bytes laid so far per layer and tensor
    chunk_.resize(plan.chunks.size());
    for (size_t c = 0; c < plan.chunks.size(); ++c) {
        const Chunk& ch = plan.chunks[c];
        const size_t i = static_cast<size_t>(ch.layer) * tensors_ + static_cast<size_t>(ch.tensor);
        if (ch.tensor < 0 || i >= base_.size()) continue; // not a tensor's: address 0
        const auto size = static_cast<uint64_t>(std::max<int64_t>(1, w.tensors[ch.tensor].bytes()));
        chunk_[c] = base_[i] + used[i] % size;
        used[i] += static_cast<uint64_t>(std::max<int64_t>(0, ch.bytes));
    }
}

} // namespace fusesim
