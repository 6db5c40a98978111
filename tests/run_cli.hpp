// Test helpers for end-to-end tests of the `fusesim` command line: run the built binary as a child
// process and capture what it prints, and make fresh folders for the files it writes.
#pragma once

#include <string>
#include <vector>

namespace fusesim::test {

struct CliResult {
    int exit_code = -1;     // the child's exit status; 128 + signal number if it was killed
    bool timed_out = false; // killed after the timeout
    std::string out, err;   // everything written to stdout and stderr
    std::string command;    // the command line, for failure messages
};

// Runs FUSESIM_BINARY with `args` in the repository root (FUSESIM_SOURCE_DIR), with
// SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 added to the environment. A child still running after
// `timeout_seconds` is killed (exit_code 128 + SIGKILL, timed_out set).
CliResult run_cli(const std::vector<std::string>& args, int timeout_seconds = 300);

// The same in the working folder `cwd`, optionally with a limit on the size of the files the child
// may write (RLIMIT_FSIZE, with SIGXFSZ ignored so that a write fails with EFBIG as on a full
// disk). For tests of where fusesim writes its files.
CliResult run_cli_in(const std::string& cwd, const std::vector<std::string>& args,
                     long max_file_bytes = 0, int timeout_seconds = 120);

// The same with another program (an absolute path), such as an installed fusesim or cmake.
CliResult run_program_in(const std::string& binary, const std::string& cwd,
                         const std::vector<std::string>& args, long max_file_bytes = 0,
                         int timeout_seconds = 120);

// A fresh, empty, uniquely named folder under the system's temporary folder, removed with
// everything in it when the object is destroyed (kept if FUSESIM_KEEP_TEST_FILES is set).
class TempDir {
  public:
    explicit TempDir(const std::string& label = "test");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const; // path() + "/" + name

  private:
    std::string path_;
};

// Whole-file text I/O; both throw std::runtime_error on failure.
std::string read_file(const std::string& path);
void write_file(const std::string& path, const std::string& content);

// A path inside the repository: FUSESIM_SOURCE_DIR + "/" + relative.
std::string repo_path(const std::string& relative);

} // namespace fusesim::test
