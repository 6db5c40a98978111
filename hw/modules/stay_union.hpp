// The busy time of many owners (a network's routers under `arbitration: fifo`): per owner, the
// length of the union of its stays, which arrive in any order, each starting at or after the
// time at which it was added (that time never decreases). Each owner appends its new stays to a
// buffer of its own, or merges one into the last when they overlap or touch; when a buffer has
// grown past twice what the owner keeps, a fold sorts it, merges it with the kept intervals,
// counts what lies below the add time (final: nothing added later starts before it) and keeps
// only the disjoint intervals above it: O(log n) per stay, memory that of the stays to come.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace fusesim {

class StayUnion {
  public:
    explicit StayUnion(size_t owners) : owners_(owners) {}

    // [start, end) for `owner`, added at `now` (start >= now; now never decreases).
    void add(int owner, uint64_t start, uint64_t end, uint64_t now) {
        floor_ = now;
        if (end <= start) return;
        Owner& o = owners_[static_cast<size_t>(owner)];
        // A busy owner's stays mostly overlap the one before: their hull is their union.
        if (!o.fresh.empty()) {
            Interval& last = o.fresh.back();
            if (start <= last.second && end >= last.first) {
                last = {std::min(last.first, start), std::max(last.second, end)};
                return;
            }
        }
        o.fresh.push_back({start, end});
        if (o.fresh.size() >= o.next_fold) fold(o);
    }
    // Folds every owner; then busy(owner) is exact for everything added so far.
    void fold() {
        for (Owner& o : owners_)
            if (!o.fresh.empty()) fold(o);
    }
    // The union of the owner's stays, as of the last fold.
    uint64_t busy(int owner) const {
        const Owner& o = owners_[static_cast<size_t>(owner)];
        uint64_t sum = o.counted;
        for (const Interval& i : o.kept) sum += i.second - i.first;
        return sum;
    }

  private:
    using Interval = std::pair<uint64_t, uint64_t>;
    struct Owner {
        std::vector<Interval> fresh; // added since its last fold, in the order added
        std::vector<Interval> kept;  // sorted, disjoint, at or above the floor of its last fold
        uint64_t counted = 0;        // the union below that floor
        size_t next_fold = kMinFold;
    };
    std::vector<Owner> owners_;
    std::vector<Interval> merged_; // fold's scratch
    uint64_t floor_ = 0;
    static constexpr size_t kMinFold = 64;

    static void sort_nearly_sorted(std::vector<Interval>& v);
    void fold(Owner& o);
};

// Stays come nearly in order (each starts at or after the time it was added, which grows):
// insertion sort is then about one pass. Past 8 moves an element on average it gives way to
// std::sort, so that no order costs more than O(n log n).
inline void StayUnion::sort_nearly_sorted(std::vector<Interval>& v) {
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

inline void StayUnion::fold(Owner& o) {
    sort_nearly_sorted(o.fresh);
    merged_.resize(o.kept.size() + o.fresh.size());
    std::merge(o.kept.begin(), o.kept.end(), o.fresh.begin(), o.fresh.end(), merged_.begin());
    o.fresh.clear();
    o.kept.clear();
    for (const Interval& i : merged_) {
        if (!o.kept.empty() && i.first <= o.kept.back().second)
            o.kept.back().second = std::max(o.kept.back().second, i.second);
        else
            o.kept.push_back(i);
    }
    // What lies below the floor is final.
    size_t out = 0;
    for (const Interval& i : o.kept) {
        if (i.second <= floor_) {
            o.counted += i.second - i.first;
            continue;
        }
        if (i.first < floor_) o.counted += floor_ - i.first;
        o.kept[out++] = {std::max(i.first, floor_), i.second};
    }
    o.kept.resize(out);
    o.next_fold = std::max(kMinFold, 2 * out);
}

} // namespace fusesim
