// An exclusive lock on an output folder, so that two sweeps (or a sweep and a merge) never write
// one results.csv at once: flock on a lock file in the folder, held while the object lives and
// released by the kernel if the process dies however it dies.
#pragma once

#include <string>

namespace fusesim {

class FolderLock {
  public:
    // Takes the lock on `folder` (creating `folder`/.fusesim-sweep.lock) and records this
    // process in it (pid, host, command line). ConfigError naming the holder if another process
    // holds it; std::runtime_error if the lock file cannot be made (a read-only folder).
    explicit FolderLock(const std::string& folder);
    // Empties the lock file (so that a finished sweep leaves the same bytes behind every time)
    // and releases the lock.
    ~FolderLock();
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

    // The lock file's descriptor: a forked child closes it so that it does not keep the lock
    // after the parent is gone.
    int fd() const { return fd_; }

  private:
    int fd_ = -1;
};

} // namespace fusesim
