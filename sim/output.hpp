// Output folders and files. A folder fusesim creates carries a marker; fusesim refuses to write
// into an existing folder without it, so nothing a user wrote is overwritten. Files are written
// whole to a temporary name and renamed, so a reader never sees half a file.
#pragma once

#include <string>

namespace fusesim {

class OutputDir {
  public:
    // Creates the folder (and parents) or adopts one that fusesim made earlier; ConfigError if
    // the folder exists with files of someone else's and no marker.
    explicit OutputDir(std::string path);
    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const; // path/name
    // Writes `content` to path/name atomically; returns the full path.
    std::string write(const std::string& name, const std::string& content) const;

  private:
    std::string path_;
};

// Writes a whole file atomically (temporary + rename); std::runtime_error on failure.
void write_file_atomic(const std::string& path, const std::string& content);

// Runs gnuplot on a script that writes its own output file; returns false (and says why on
// stderr) when gnuplot is missing or fails, leaving the script beside the plot for later use.
bool run_gnuplot(const std::string& script_path);

} // namespace fusesim
