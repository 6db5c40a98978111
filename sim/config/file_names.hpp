// Names that become file and folder names (experiments, sweeps, plots): checked when the
// configuration is read, so that a bad name is a ConfigError before any output is written.
#pragma once

#include <string>

namespace fusesim {

// Why `name` cannot become a file or folder name (an experiment, sweep or plot name), or "" if it
// can: it must be 1 to 100 bytes, not start with '.' or '-', and hold no '/', '\' or control
// character.
std::string file_name_problem(const std::string& name);

} // namespace fusesim
