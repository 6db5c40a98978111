// Joins of the parts of one transfer that proceed in parallel (DRAM channel parts, network
// flows): it is done when the last part is. A part's callback carries the join's slot (a pointer
// and an int fit std::function's inline storage), so once the pool has grown to the transfers in
// flight, starting one allocates nothing.
#pragma once

#include "hw/modules/transfer_backend.hpp"

#include <utility>
#include <vector>

namespace fusesim {

class JoinPool {
  public:
    using Done = TransferBackend::Done;

    // A join of `parts` parts; `done` (may be empty) runs when the last has arrived.
    int open(int parts, Done done) {
        int slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
        } else {
            slot = static_cast<int>(joins_.size());
            joins_.emplace_back();
        }
        joins_[static_cast<size_t>(slot)] = {parts, std::move(done)};
        return slot;
    }
    // One part of join `slot` has arrived.
    void arrive(int slot) {
        Join& j = joins_[static_cast<size_t>(slot)];
        if (--j.left > 0) return;
        Done done = std::move(j.done); // the slot is free before `done` may open another
        j.done = nullptr;
        free_.push_back(slot);
        if (done) done();
    }
    // The callback of one part of join `slot`.
    Done part(int slot) {
        return [this, slot] { arrive(slot); };
    }

  private:
    struct Join {
        int left = 0;
        Done done;
    };
    std::vector<Join> joins_;
    std::vector<int> free_;
};

} // namespace fusesim
