// A sweep folder remembers the settings its results were computed with (the resolved config of
// the sweep's first point), so that a resume with another --set, or after an edit of the
// experiment or of a file it names, cannot mix results of two settings in one results.csv.
#pragma once

#include <string>

namespace fusesim {

// Records `resolved` in the folder `dir` when it holds no results yet (`has_results` false) or
// has no record (a folder of an earlier version); otherwise ConfigError if the record differs,
// naming the first line that differs.
void check_sweep_settings(const std::string& dir, const std::string& resolved, bool has_results);

} // namespace fusesim
