// The one time base of the traces: trace.vcd and timeline.json give an event at cycle c the
// same time, at any clock. Times are whole ticks of a decimal unit (1 ns, 100 ps, ... 1 fs):
// the coarsest unit in which one cycle is a whole number of ticks (500 MHz: 2 ticks of 1 ns;
// 1 GHz: 1 tick of 1 ns; 3 GHz: 333,333 ticks of 1 fs, rounded, when no unit is exact). Cycle c
// is at round(c × ticks per cycle) ticks, computed in integers, so both files say the same.
#pragma once

#include <cstdint>
#include <string>

namespace fusesim {

class TimeBase {
  public:
    explicit TimeBase(double clock_hz);
    // Ticks of unit() from cycle 0 to the start of cycle `cycle`.
    uint64_t ticks(uint64_t cycle) const;
    // The unit as VCD writes it after $timescale: "1 ns", "100 ps", ... "1 fs".
    const std::string& unit() const { return unit_; }
    // One tick in femtoseconds (1,000,000 for 1 ns).
    uint64_t tick_fs() const { return tick_fs_; }
    // True when a cycle is a whole number of ticks (no rounding anywhere).
    bool exact() const { return exact_; }
    // `ticks` as microseconds, exactly, in decimal: the timestamps of timeline.json.
    std::string microseconds(uint64_t ticks) const;
    // "one cycle (500 MHz) = 2 ticks of 1 ns", for the files' headers.
    std::string describe() const;

  private:
    uint64_t clock_hz_; // rounded to whole hertz
    uint64_t tick_fs_;  // 10^k fs
    std::string unit_;
    bool exact_ = false;
};

} // namespace fusesim
