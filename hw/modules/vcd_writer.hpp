// The VCD trace (trace.vcd), written by fusesim rather than by SystemC's tracer, so that:
// - it is byte-identical for the same input (no $date line; signals in a fixed order);
// - it has a size cap, cut by bytes written (never by time), with a note saying at which cycle;
// - it is created under a fresh name (O_EXCL, so never through a symlink or over an existing
//   file) and renamed into place only by finish(): a run that fails leaves no trace file.
// - its times are those of timeline.json (TimeBase: the unit is chosen from the clock);
// - it can be written in intervals of many cycles, to stay small on long runs.
// Changes are recorded as they happen (no per-time-step sampling of every signal); at each time
// step the last value of every changed signal is written, as a sampling tracer would. In
// intervals of N cycles (N > 1) a step holds, per signal changed in the interval, the largest
// value it held in it (Peak: busy is 1 if the core computed at all, SRAM and DRAM figures are
// peaks) or the last non-zero one (Latest: the operator that ran last); a signal whose value at
// the interval's end differs from the one written gets it at the start of the next interval.
#pragma once

#include "hw/cost/time_base.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

class VcdWriter {
  public:
    // `path` is where the trace ends up; `max_bytes` caps the file (the header and the initial
    // values are always written whole); `clock_hz` sets the time base; `interval` in cycles.
    VcdWriter(std::string path, uint64_t max_bytes, double clock_hz = 1e9, uint64_t interval = 1);
    ~VcdWriter(); // removes the temporary file unless finish() renamed it
    VcdWriter(const VcdWriter&) = delete;
    VcdWriter& operator=(const VcdWriter&) = delete;

    enum class Aggregate : char { Peak, Latest }; // what an interval step shows (see above)
    // Declares a signal (before the first set()); returns its id. Initial value 0. A dotted name
    // (accelerator.core3.busy) is declared in nested scopes (accelerator, core3) as `busy`.
    int add(const std::string& name, int width, Aggregate aggregate = Aggregate::Peak);
    // The signal has `value` from `cycle` on (cycles never decrease).
    void set(int id, uint64_t value, uint64_t cycle);
    // Writes what is pending and the end time, closes, renames to the final path.
    void finish(uint64_t end_cycle);

    bool truncated() const { return truncated_; }
    uint64_t cut_cycle() const { return cut_cycle_; } // first cycle not in the file
    uint64_t bytes() const { return written_ + buffer_.size(); }
    uint64_t max_bytes() const { return max_bytes_; }
    uint64_t interval() const { return interval_; }
    const TimeBase& time_base() const { return time_; }

  private:
    struct Signal {
        std::string name, code;
        int width = 1;
        Aggregate aggregate = Aggregate::Peak;
        uint64_t value = 0, shown = 0; // current, and last written
        uint64_t step = 0;             // what the pending step writes
        bool dirty = false;
    };
    std::string path_, temp_;
    uint64_t max_bytes_;
    TimeBase time_;
    uint64_t interval_;
    int fd_ = -1;
    std::vector<Signal> signals_;
    std::vector<int> dirty_;
    uint64_t pending_ = 0; // cycle of the dirty changes
    bool started_ = false, truncated_ = false, finished_ = false;
    uint64_t cut_cycle_ = 0, written_ = 0, last_step_ = 0;
    std::string buffer_;

    void start();
    void append_scopes(std::string& out) const;
    void flush_step();
    void settle(); // after a step is written: carry signals whose value moved on
    void append_value(std::string& out, const Signal& s, uint64_t value) const;
    void drain(bool all);
};

} // namespace fusesim
