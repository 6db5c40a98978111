// Runs the `fusesim` binary in a given working folder, optionally with a limit on the size of the
// files it may write (RLIMIT_FSIZE, with SIGXFSZ ignored so a write fails with EFBIG as on a full
// disk). For tests of where fusesim writes its files.
#pragma once

#include "run_cli.hpp"

#include <string>
#include <vector>

namespace fusesim::test {

CliResult run_cli_in(const std::string& cwd, const std::vector<std::string>& args,
                     long max_file_bytes = 0, int timeout_seconds = 120);

} // namespace fusesim::test
