// The total length of the union of intervals that arrive in any order, each starting at or after
// a floor that never decreases (the time at which it was added). What lies below the floor is
// final, so a fold counts it and keeps only the intervals that reach above it: memory stays that
// of the intervals still to come, and the folds, each after the pending list has doubled, cost
// O(log n) per interval. A router's busy time under `arbitration: fifo`, where a transfer's time
// in a router is known when it is requested but routers see their transfers out of time order.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace fusesim {

class IntervalUnion {
  public:
    // [start, end), with start >= floor, and floor no smaller than at any earlier add.
    void add(uint64_t start, uint64_t end, uint64_t floor) {
        if (end <= start) return;
        pending_.push_back({start, end});
        if (pending_.size() >= next_fold_) fold(floor);
    }
    // The length of the union of everything added.
    uint64_t total() const {
        std::vector<Interval> all = pending_;
        uint64_t sum = counted_;
        merge(all);
        for (const Interval& i : all) sum += i.second - i.first;
        return sum;
    }

  private:
    using Interval = std::pair<uint64_t, uint64_t>;
    std::vector<Interval> pending_; // at or above the floor of the last fold
    uint64_t counted_ = 0;          // the union below that floor
    size_t next_fold_ = 64;

    // Sorted, disjoint, touching intervals joined.
    static void merge(std::vector<Interval>& v) {
        std::sort(v.begin(), v.end());
        size_t out = 0;
        for (size_t k = 0; k < v.size(); ++k) {
            if (out > 0 && v[k].first <= v[out - 1].second)
                v[out - 1].second = std::max(v[out - 1].second, v[k].second);
            else
                v[out++] = v[k];
        }
        v.resize(out);
    }
    void fold(uint64_t floor) {
        merge(pending_);
        size_t out = 0;
        for (const Interval& i : pending_) {
            if (i.second <= floor) {
                counted_ += i.second - i.first;
                continue;
            }
            if (i.first < floor) counted_ += floor - i.first;
            pending_[out++] = {std::max(i.first, floor), i.second};
        }
        pending_.resize(out);
        next_fold_ = 2 * out + 64;
    }
};

} // namespace fusesim
