// One simulation per process (SystemC elaborates once): run a piece of work in a forked child
// and get back the text it produced.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>

namespace fusesim {

// Runs `body` in a child process and returns its result. If `body` throws, or the child dies,
// throws std::runtime_error with the exception's text (or how the child died).
std::string run_in_child(const std::function<std::string()>& body);

// Forks a child that runs `body` with the write end of a pipe and exits; returns the child's pid
// and the read end (for running several children at once). The child starts with no signal
// blocked and the default action for SIGINT, SIGTERM, SIGHUP and SIGQUIT (unless the parent
// ignores them), SIGPIPE and SIGCHLD, whatever handlers the parent had: a signal meant to stop
// it stops it.
struct Child {
    int pid;
    int fd;
};
Child start_child(const std::function<void(int fd)>& body);

// Whole-buffer pipe I/O for parent and child.
void write_all(int fd, const std::string& data);
std::string read_all(int fd);

} // namespace fusesim
