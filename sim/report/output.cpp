#include "sim/report/output.hpp"

#include "sim/config/config_tree.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <exception>
#include <fcntl.h>
#include <filesystem>
#include <iostream>
#include <signal.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace fusesim {

namespace {

constexpr const char* kMarker = ".fusesim-output";
constexpr const char* kStagingPrefix = ".fusesim-staging.";

std::atomic<unsigned> g_counter{0};

std::string unique_suffix() {
    return std::to_string(::getpid()) + "." + std::to_string(g_counter++);
}

std::string errno_text() {
    return std::strerror(errno);
}

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
};

// The names in the folder open as `dir_fd` (not "." and ".."), sorted.
std::vector<std::string> list_names(int dir_fd) {
    std::vector<std::string> names;
    const int dup_fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    if (dup_fd < 0) return names;
    DIR* d = ::fdopendir(dup_fd);
    if (!d) {
        ::close(dup_fd);
        return names;
    }
    ::rewinddir(d);
    while (const dirent* e = ::readdir(d)) {
        const std::string n = e->d_name;
        if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

bool is_regular_at(int dir_fd, const std::string& name) {
    struct stat st;
    return ::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode);
}

bool write_all(int fd, const std::string& content) {
    size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        done += static_cast<size_t>(n);
    }
    return true;
}

// Creates a new temporary file in the folder, writes and fsyncs it, renames it over `name`.
void write_at(int dir_fd, const std::string& name, const std::string& content,
              const std::string& shown) {
    const std::string tmp = ".fusesim-tmp." + unique_suffix();
    const int fd =
        ::openat(dir_fd, tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot write '" + shown + "': " + errno_text());
    bool ok = write_all(fd, content) && ::fsync(fd) == 0;
    const int saved = errno;
    ok = ::close(fd) == 0 && ok;
    if (ok && ::renameat(dir_fd, tmp.c_str(), dir_fd, name.c_str()) == 0) return;
    const std::string why = std::strerror(ok ? errno : saved);
    ::unlinkat(dir_fd, tmp.c_str(), 0);
    throw std::runtime_error("cannot write '" + shown + "': " + why);
}

// Removes the folder `name` in `dir_fd` and the files in it.
void remove_folder(int dir_fd, const std::string& name, const std::string& full_path) {
    const int fd = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
        for (const auto& n : list_names(fd))
            if (::unlinkat(fd, n.c_str(), 0) != 0) {
                std::error_code ec; // a folder inside (fusesim makes none)
                fs::remove_all(fs::path(full_path) / n, ec);
            }
        ::close(fd);
    }
    ::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR);
}

} // namespace

std::string gnuplot_string(const std::string& text) {
    std::string q = "\"";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\')
            q += std::string("\\") + c;
        else if (c == '\n')
            q += "\\n";
        else if (c == '`')
            q += "\\140"; // gnuplot runs `...` as a shell command even inside double quotes
        else if (c == '@')
            q += "\\100"; // macro expansion
        else if (u < 0x20 || u == 0x7f)
            q += '?';
        else
            q += c;
    }
    return q + "\"";
}

bool plain_number(const std::string& s) {
    size_t i = 0;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t digits = 0;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (i < s.size() && s[i] == '.') ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++digits;
    if (digits == 0) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
        size_t exp = 0;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, ++exp;
        if (exp == 0) return false;
    }
    return i == s.size();
}

std::string gnuplot_number(const std::string& text) {
    return plain_number(text) ? text : "NaN";
}

OutputDir::OutputDir(std::string path) : path_(std::move(path)) {
    while (path_.size() > 1 && path_.back() == '/') path_.pop_back(); // "x/" would follow a link
    if (path_.empty()) throw ConfigError("the output folder is an empty path");
    struct stat st;
    if (::lstat(path_.c_str(), &st) == 0) {
        if (S_ISLNK(st.st_mode))
            throw ConfigError("output folder '" + path_ +
                              "' is a symbolic link; fusesim writes only into a real folder (give "
                              "the link's target with -o)");
        if (!S_ISDIR(st.st_mode))
            throw ConfigError("output path '" + path_ + "' exists and is not a folder");
    } else if (errno == ENOENT) {
        std::error_code ec;
        fs::create_directories(path_, ec);
        if (ec)
            throw std::runtime_error("cannot create output folder '" + path_ +
                                     "': " + ec.message());
    } else {
        throw std::runtime_error("cannot use output folder '" + path_ + "': " + errno_text());
    }
    dir_fd_ = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir_fd_ < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            throw ConfigError("output folder '" + path_ + "' is not a real folder");
        throw std::runtime_error("cannot open output folder '" + path_ + "': " + errno_text());
    }
    try {
        const auto names = list_names(dir_fd_);
        const bool marked = is_regular_at(dir_fd_, kMarker);
        if (!names.empty() && !marked)
            throw ConfigError("output folder '" + path_ +
                              "' holds files fusesim did not write; choose another folder with -o");
        // Staging folders of runs that were killed: their process is gone.
        for (const auto& n : names) {
            if (n.rfind(kStagingPrefix, 0) != 0) continue;
            const pid_t pid =
                static_cast<pid_t>(std::atol(n.c_str() + std::strlen(kStagingPrefix)));
            if (pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH)
                remove_folder(dir_fd_, n, path_ + "/" + n);
        }
        if (!marked)
            write_at(dir_fd_, kMarker,
                     "This folder was written by fusesim; its files are replaced on the next run "
                     "into it.\n",
                     file(kMarker));
    } catch (...) {
        ::close(dir_fd_);
        throw;
    }
    uncaught_ = std::uncaught_exceptions();
}

OutputDir::~OutputDir() {
    if (std::uncaught_exceptions() > uncaught_) {
        discard();
    } else {
        try {
            commit();
        } catch (const std::exception& e) {
            std::cerr << "error: " << e.what() << "\n";
            discard();
        }
    }
    ::close(dir_fd_);
}

std::string OutputDir::file(const std::string& name) const {
    return path_ + "/" + name;
}

void OutputDir::open_stage() const {
    if (stage_fd_ >= 0) return;
    for (int attempt = 0; attempt < 100; ++attempt) {
        const std::string name = kStagingPrefix + unique_suffix();
        if (::mkdirat(dir_fd_, name.c_str(), 0700) != 0) {
            if (errno == EEXIST) continue;
            throw std::runtime_error("cannot write into '" + path_ + "': " + errno_text());
        }
        stage_fd_ =
            ::openat(dir_fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (stage_fd_ < 0) throw std::runtime_error("cannot open '" + file(name) + "'");
        stage_name_ = name;
        return;
    }
    throw std::runtime_error("cannot create a staging folder in '" + path_ + "'");
}

std::string OutputDir::staged(const std::string& name) const {
    open_stage();
    return file(stage_name_ + "/" + name);
}

std::string OutputDir::write(const std::string& name, const std::string& content) const {
    open_stage();
    write_at(stage_fd_, name, content, file(name));
    return file(name);
}

bool OutputDir::plot(const std::string& name, const std::string& script) const {
    write(name, plot_preamble() + script);
    const auto before = list_names(stage_fd_);
    if (run_gnuplot(stage_fd_, name, file(name), quiet_)) return true;
    // A failed gnuplot may leave half a figure: drop what it made, keep the script.
    for (const auto& n : list_names(stage_fd_))
        if (!std::binary_search(before.begin(), before.end(), n))
            ::unlinkat(stage_fd_, n.c_str(), 0);
    return false;
}

ToolRun OutputDir::run(const std::string& exe, const std::vector<std::string>& args) const {
    open_stage();
    return run_tool(stage_fd_, exe, args);
}

int64_t OutputDir::staged_size(const std::string& name) const {
    open_stage();
    struct stat st;
    if (::fstatat(stage_fd_, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
        return -1;
    return static_cast<int64_t>(st.st_size);
}

void OutputDir::remove_staged(const std::string& name) const {
    open_stage();
    ::unlinkat(stage_fd_, name.c_str(), 0);
}

void OutputDir::commit() {
    if (stage_fd_ < 0) return;
    std::vector<std::string> names;
    for (const auto& n : list_names(stage_fd_))
        if (is_regular_at(stage_fd_, n)) names.push_back(n);
    // Refuse before moving anything, so that a folder in the way does not leave half a commit.
    for (const auto& n : names) {
        struct stat st;
        if (::fstatat(dir_fd_, n.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode)) {
            discard();
            throw std::runtime_error("cannot write '" + file(n) + "': a folder is in the way");
        }
    }
    for (const auto& n : names) {
        if (::renameat(stage_fd_, n.c_str(), dir_fd_, n.c_str()) != 0) {
            const std::string why = errno_text();
            discard();
            throw std::runtime_error("cannot write '" + file(n) + "': " + why);
        }
    }
    ::fsync(dir_fd_);
    discard();
}

void OutputDir::discard() noexcept {
    if (stage_fd_ < 0) return;
    ::close(stage_fd_);
    stage_fd_ = -1;
    remove_folder(dir_fd_, stage_name_, file(stage_name_));
}

std::string plot_preamble() {
    // gnuplot sets ARG0 to the script's path: change into its folder, so that `gnuplot
    // some/where/x.gp` run from any folder writes its figure beside the script.
    return "# Draws beside this script, from whatever folder gnuplot is started in.\n"
           "__dir = ''; __rest = ARG0\n"
           "while (strstrt(__rest, '/') > 0) { __i = strstrt(__rest, '/'); "
           "__dir = __dir . __rest[1:__i]; __rest = __rest[__i+1:] }\n"
           "if (strlen(__dir) > 0) { cd __dir }\n";
}

void write_file_atomic(const std::string& path, const std::string& content) {
    const fs::path p(path);
    const std::string name = p.filename().string();
    if (name.empty() || name == "." || name == "..")
        throw std::runtime_error("cannot write '" + path + "': not a file name");
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
    Fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (d.fd < 0) throw std::runtime_error("cannot write '" + path + "': " + errno_text());
    write_at(d.fd, name, content, path);
    ::fsync(d.fd);
}

} // namespace fusesim
