// External programs fusesim runs on files it wrote: gnuplot (plots) and vcd2fst (trace.fst).
// Both are optional: found on PATH or skipped with a note. They are started directly
// (posix_spawn, never through a shell) inside the folder of their files, with stdin from
// /dev/null and stdout and stderr captured, so that their chatter reaches the terminal only
// when it is wanted.
#pragma once

#include <string>
#include <vector>

namespace fusesim {

// The executable `program` found on PATH (absolute entries only, not the working folder), or ""
// if there is none.
std::string find_on_path(const std::string& program);

struct ToolRun {
    bool ok = false;     // started, and exited with status 0
    std::string failure; // why not, when !ok: "exit 1", "signal 9", "cannot run ...: ..."
    std::string output;  // what it printed on stdout and stderr (the first 64 KiB)
};

// Runs `exe` with `args` (argv[1...]) with the folder open as `dir_fd` as its working directory.
ToolRun run_tool(int dir_fd, const std::string& exe, const std::vector<std::string>& args);

// Runs gnuplot on `script` (a file name in the folder open as `dir_fd`) with that folder as its
// working directory; `shown` names the script in messages. gnuplot's own output goes to stderr
// when it failed or when `quiet` is false; a missing gnuplot is noted unless `quiet`.
bool run_gnuplot(int dir_fd, const std::string& script, const std::string& shown,
                 bool quiet = false);

} // namespace fusesim
