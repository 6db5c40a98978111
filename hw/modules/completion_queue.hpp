// Completions due at future cycles, delivered in order of (cycle, id). The heap holds small
// records and the callbacks stay in reused slots, so that sifting never moves a std::function.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>

namespace fusesim {

class CompletionQueue {
  public:
    using Done = std::function<void()>;
    void push(uint64_t at, uint64_t id, Done done) {
        uint32_t slot;
        if (!free_.empty()) {
            slot = free_.back();
            free_.pop_back();
            slots_[slot] = std::move(done);
        } else {
            slot = static_cast<uint32_t>(slots_.size());
            slots_.push_back(std::move(done));
        }
        heap_.push_back({at, id, slot});
        std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
    bool empty() const { return heap_.empty(); }
    // The cycle of the next completion; the largest uint64_t when there is none.
    uint64_t next_at() const {
        return heap_.empty() ? std::numeric_limits<uint64_t>::max() : heap_.front().at;
    }
    // Moves the callbacks due at or before `now` to `out`, in order.
    void take_due(uint64_t now, std::vector<Done>& out) {
        while (!heap_.empty() && heap_.front().at <= now) {
            std::pop_heap(heap_.begin(), heap_.end(), Later{});
            const uint32_t slot = heap_.back().slot;
            heap_.pop_back();
            out.push_back(std::move(slots_[slot]));
            slots_[slot] = nullptr;
            free_.push_back(slot);
        }
    }

  private:
    struct Entry {
        uint64_t at, id;
        uint32_t slot;
    };
    struct Later {
        bool operator()(const Entry& a, const Entry& b) const {
            return a.at != b.at ? a.at > b.at : a.id > b.id;
        }
    };
    std::vector<Entry> heap_;
    std::vector<Done> slots_;
    std::vector<uint32_t> free_;
};

} // namespace fusesim
