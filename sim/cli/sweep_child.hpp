// The child that runs one sweep point: in a process group of its own (so that stopping it stops
// whatever it started) that dies with the sweep; it sends back its result cells as one line.
#pragma once

#include "sim/cli/child_process.hpp"
#include "sim/config/sweep.hpp"

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

namespace fusesim::sweep {

struct Running {
    fusesim::Child child;
    size_t point;
};

// Starts the point's child; `close_in_child`: descriptors the child must not keep (the
// results file, the folder's lock).
Running spawn(const SweepSpec& spec, const SweepPoint& p, std::vector<int> close_in_child);
// Kills a point's child (not reaped yet, so the pid is still its) and anything it started.
void kill_point(pid_t pid);
std::string signal_text(int sig); // "signal 9 (SIGKILL)"

} // namespace fusesim::sweep
