// The progress line of a sweep on stderr: a bar, points done, failures, elapsed time and ETA;
// redrawn in place on a terminal, one line per twentieth of the points otherwise.
#pragma once

#include <chrono>
#include <cstddef>

namespace fusesim::sweep {

class SweepProgress {
  public:
    explicit SweepProgress(size_t total);
    // `final`: the last line (no ETA; ends the in-place line).
    void update(size_t done, size_t failed, bool final) const;
    bool tty() const { return tty_; }

  private:
    size_t total_;
    bool tty_;
    std::chrono::steady_clock::time_point start_;
};

} // namespace fusesim::sweep
