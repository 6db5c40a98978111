// The busy time of many owners (a network's routers under `arbitration: fifo`): per owner, the
// length of the union of its stays, which arrive in any order, each starting at or after the
// time at which it was added (that time never decreases). Stays are appended to one log, so
// that adding touches no per-owner memory; a fold sorts the log by owner, counts what lies
// below the latest add time (final: nothing added later starts before it) and keeps per owner
// only the disjoint intervals above it. A fold runs when the log has doubled past what the
// owners keep, so its cost is O(log n) per stay.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace fusesim {

class StayLog {
  public:
    explicit StayLog(size_t owners) : kept_(owners), counted_(owners, 0), first_(owners + 1) {}

    // [start, end) for `owner`, added at `now` (start >= now; now never decreases).
    void add(int owner, uint64_t start, uint64_t end, uint64_t now) {
        floor_ = now;
        if (end <= start) return;
        log_.push_back({owner, start, end});
        if (log_.size() >= next_fold_) fold();
    }
    // Folds the log; then busy(owner) is exact for everything added so far.
    void fold();
    // The union of the owner's stays, as of the last fold.
    uint64_t busy(int owner) const {
        uint64_t sum = counted_[static_cast<size_t>(owner)];
        for (const Interval& i : kept_[static_cast<size_t>(owner)]) sum += i.second - i.first;
        return sum;
    }

  private:
    using Interval = std::pair<uint64_t, uint64_t>;
    struct Stay {
        int owner;
        uint64_t start, end;
    };
    std::vector<Stay> log_;
    std::vector<std::vector<Interval>> kept_; // per owner: sorted, disjoint, above the floor
    std::vector<uint64_t> counted_;           // per owner: the union below the floor
    std::vector<size_t> first_;               // fold's scratch: where each owner's stays begin
    std::vector<Stay> sorted_;                // fold's scratch
    std::vector<Interval> fresh_, merged_;    // fold's scratch
    uint64_t floor_ = 0;
    size_t kept_total_ = 0;
    size_t next_fold_ = kMinFold;
    static constexpr size_t kMinFold = 1 << 16;
    static void sort_nearly_sorted(std::vector<Interval>& v);
};

// Stays come nearly in order (each starts at or after the time it was added, which grows):
// insertion sort is then about one pass. Past 8 moves an element on average it gives way to
// std::sort, so that no order costs more than O(n log n).
inline void StayLog::sort_nearly_sorted(std::vector<Interval>& v) {
    const size_t budget = 8 * v.size();
    size_t moves = 0;
    for (size_t k = 1; k < v.size(); ++k) {
        const Interval x = v[k];
        size_t j = k;
        for (; j > 0 && x < v[j - 1]; --j) v[j] = v[j - 1];
        v[j] = x;
        moves += k - j;
        if (moves > budget) {
            std::sort(v.begin(), v.end());
            return;
        }
    }
}

inline void StayLog::fold() {
    // Counting sort by owner: two passes over the log.
    std::fill(first_.begin(), first_.end(), 0);
    for (const Stay& s : log_) ++first_[static_cast<size_t>(s.owner) + 1];
    for (size_t o = 1; o < first_.size(); ++o) first_[o] += first_[o - 1];
    sorted_.resize(log_.size());
    {
        std::vector<size_t> at(first_.begin(), first_.end() - 1);
        for (const Stay& s : log_) sorted_[at[static_cast<size_t>(s.owner)]++] = s;
    }
    log_.clear();
    for (size_t o = 0; o + 1 < first_.size(); ++o) {
        if (first_[o] == first_[o + 1]) continue;
        std::vector<Interval>& kept = kept_[o];
        kept_total_ -= kept.size();
        // The new stays sorted, then merged with the kept ones (already sorted).
        fresh_.clear();
        for (size_t k = first_[o]; k < first_[o + 1]; ++k)
            fresh_.push_back({sorted_[k].start, sorted_[k].end});
        sort_nearly_sorted(fresh_);
        merged_.resize(kept.size() + fresh_.size());
        std::merge(kept.begin(), kept.end(), fresh_.begin(), fresh_.end(), merged_.begin());
        kept.clear();
        for (const Interval& i : merged_) {
            if (!kept.empty() && i.first <= kept.back().second)
                kept.back().second = std::max(kept.back().second, i.second);
            else
                kept.push_back(i);
        }
        // What lies below the floor is final.
        size_t out = 0;
        for (const Interval& i : kept) {
            if (i.second <= floor_) {
                counted_[o] += i.second - i.first;
                continue;
            }
            if (i.first < floor_) counted_[o] += floor_ - i.first;
            kept[out++] = {std::max(i.first, floor_), i.second};
        }
        kept.resize(out);
        kept_total_ += out;
    }
    next_fold_ = std::max(kMinFold, 2 * kept_total_);
}

} // namespace fusesim
