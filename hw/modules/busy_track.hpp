// When a module (a NoC link, a DRAM channel) had work under way, as intervals for its track in
// timeline.json. Bounded: past kMax intervals, neighbours closer than a growing gap merge (the
// gap doubles each time), so a long run keeps its shape in a fixed size and never a cut.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace fusesim {

class BusyTrack {
  public:
    using Interval = std::pair<uint64_t, uint64_t>; // [start, end) in cycles
    static constexpr size_t kMax = 2048;

    // The module became busy (true) or idle (false) at `now`; repeated states are ignored.
    void set(bool busy, uint64_t now) {
        if (busy == busy_) return;
        busy_ = busy;
        if (busy) {
            since_ = now;
            return;
        }
        if (!intervals_.empty() && since_ <= intervals_.back().second + gap_)
            intervals_.back().second = now;
        else
            intervals_.push_back({since_, now});
        if (intervals_.size() > kMax) coarsen();
    }
    const std::vector<Interval>& intervals() const { return intervals_; }
    uint64_t merge_gap() const { return gap_; } // idle gaps up to this were merged

  private:
    std::vector<Interval> intervals_;
    bool busy_ = false;
    uint64_t since_ = 0, gap_ = 0;

    void coarsen() {
        while (intervals_.size() > kMax / 2) {
            gap_ = gap_ == 0 ? 1 : 2 * gap_;
            size_t out = 0;
            for (size_t i = 1; i < intervals_.size(); ++i) {
                if (intervals_[i].first <= intervals_[out].second + gap_)
                    intervals_[out].second = intervals_[i].second;
                else
                    intervals_[++out] = intervals_[i];
            }
            intervals_.resize(out + 1);
        }
    }
};

} // namespace fusesim
