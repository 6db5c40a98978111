// The VCD trace (trace.vcd), written by fusesim rather than by SystemC's tracer, so that:
// - it is byte-identical for the same input (no $date line; signals in a fixed order);
// - it has a size cap, cut by bytes written (never by time), with a note saying at which cycle;
// - it is created under a fresh name (O_EXCL, so never through a symlink or over an existing
//   file) and renamed into place only by finish(): a run that fails leaves no trace file.
// Changes are recorded as they happen (no per-time-step sampling of every signal); at each time
// step the last value of every changed signal is written, as a sampling tracer would.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

class VcdWriter {
  public:
    // `path` is where the trace ends up; `max_bytes` caps the file (the header and the initial
    // values are always written whole).
    VcdWriter(std::string path, uint64_t max_bytes);
    ~VcdWriter(); // removes the temporary file unless finish() renamed it
    VcdWriter(const VcdWriter&) = delete;
    VcdWriter& operator=(const VcdWriter&) = delete;

    // Declares a signal (before the first set()); returns its id. Initial value 0.
    int add(const std::string& name, int width);
    // The signal has `value` from `cycle` on (cycles never decrease).
    void set(int id, uint64_t value, uint64_t cycle);
    // Writes what is pending and the end time, closes, renames to the final path.
    void finish(uint64_t end_cycle);

    bool truncated() const { return truncated_; }
    uint64_t cut_cycle() const { return cut_cycle_; } // first cycle not in the file
    uint64_t bytes() const { return written_ + buffer_.size(); }
    uint64_t max_bytes() const { return max_bytes_; }

  private:
    struct Signal {
        std::string name, code;
        int width = 1;
        uint64_t value = 0, shown = 0; // current, and last written
        bool dirty = false;
    };
    std::string path_, temp_;
    uint64_t max_bytes_;
    int fd_ = -1;
    std::vector<Signal> signals_;
    std::vector<int> dirty_;
    uint64_t pending_ = 0; // cycle of the dirty changes
    bool started_ = false, truncated_ = false, finished_ = false;
    uint64_t cut_cycle_ = 0, written_ = 0, last_step_ = 0;
    std::string buffer_;

    void start();
    void flush_step();
    void append_value(std::string& out, const Signal& s, uint64_t value) const;
    void drain(bool all);
};

} // namespace fusesim
