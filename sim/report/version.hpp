// The version of this build: `git describe --tags --always --dirty` of the source tree when it
// was built (a tag, or the commit, "-dirty" with uncommitted changes), else the CMake project
// version (a build outside git). Printed by `fusesim --version` and written into every report.
// Defined in a source the build generates (scripts/version.cmake), so a new commit recompiles
// that one file only.
#pragma once

namespace fusesim {

const char* build_version();

} // namespace fusesim
