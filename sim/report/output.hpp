// Output folders and files, and the plot step. Nothing here hands a user string to a shell:
// gnuplot is started directly (posix_spawn) and every string written into a gnuplot script goes
// through gnuplot_string().
//
// A run's files are written into a private staging folder inside the output folder (created
// fresh, mode 0700, so no symlink can be waiting in it) and renamed into place only when the run
// succeeds; a run that throws leaves the folder as it was. rename() replaces a symlink at the
// target instead of following it, so nothing is written through a link left in the folder.
#pragma once

#include "sim/config/file_names.hpp" // file_name_problem, used with these
#include "sim/report/tools.hpp"      // run_gnuplot, find_on_path

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

// `text` as a gnuplot double-quoted string literal that gnuplot reads back as `text`: quotes and
// backslashes escaped, newlines as \n, backquotes (command substitution, even inside double
// quotes) and '@' (macros) as octal escapes, other control characters replaced by '?'.
std::string gnuplot_string(const std::string& text);

// `text` if it is a plain decimal number ("12", "-1.5e-3"), else "NaN": the only form in which a
// value from a config or a results file enters a gnuplot command or data block, so that a data
// line never holds text (a line starting with EOD would end the block).
std::string gnuplot_number(const std::string& text);
bool plain_number(const std::string& text);

class OutputDir {
  public:
    // Creates the folder (and parents) or adopts one that fusesim made earlier. ConfigError if
    // the path is a symlink or not a folder, or if the folder holds files of someone else's and
    // no marker.
    explicit OutputDir(std::string path);
    // Commits what was staged when the scope ends normally, discards it when it ends by an
    // exception (callers that can report a failed commit call commit() themselves).
    ~OutputDir();
    OutputDir(const OutputDir&) = delete;
    OutputDir& operator=(const OutputDir&) = delete;

    const std::string& path() const { return path_; }
    // path/name: the final place of a file (for messages, and for files a caller manages itself,
    // such as a sweep's results.csv).
    std::string file(const std::string& name) const;
    // Where another writer (the VCD trace) creates `name` so that it is committed with the rest.
    std::string staged(const std::string& name) const;
    // Stages `content` as `name` (replacing an earlier staged version); returns file(name).
    std::string write(const std::string& name, const std::string& content) const;
    // Stages a gnuplot script `name` and runs gnuplot on it inside the staging folder, so the
    // script names its outputs by plain file name ("set output \"roofline.svg\"") and runs from
    // its own folder later too. False (with a note on stderr) if gnuplot is missing or fails;
    // the script is kept either way.
    // The script starts with plot_preamble(). Under set_quiet(true) gnuplot's warnings are
    // shown only when it fails.
    bool plot(const std::string& name, const std::string& script) const;
    void set_quiet(bool quiet) { quiet_ = quiet; }
    // Runs `exe` with `args` inside the staging folder (so it reads and writes staged files).
    ToolRun run(const std::string& exe, const std::vector<std::string>& args) const;
    // The size of staged file `name`, or -1 if there is none; and its removal.
    int64_t staged_size(const std::string& name) const;
    void remove_staged(const std::string& name) const;
    // Moves every staged file into the folder; std::runtime_error if that fails.
    void commit();

  private:
    std::string path_;
    int dir_fd_ = -1;
    int uncaught_ = 0;
    bool quiet_ = false;
    mutable int stage_fd_ = -1;
    mutable std::string stage_name_;
    void open_stage() const;
    void discard() noexcept;
};

// The first lines of every plot script: gnuplot changes into the script's own folder, so the
// script reads and writes its files there whatever the working folder it is started from.
std::string plot_preamble();

// Writes a whole file atomically: a new temporary file in the same folder (O_EXCL|O_NOFOLLOW),
// fsync'd, renamed over `path`. std::runtime_error on failure, leaving no temporary behind.
void write_file_atomic(const std::string& path, const std::string& content);

} // namespace fusesim
