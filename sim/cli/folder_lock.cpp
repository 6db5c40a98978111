#include "sim/cli/folder_lock.hpp"

#include "sim/config/config_tree.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <stdexcept>
#include <sys/file.h>
#include <unistd.h>

namespace fusesim {

namespace {

// This process's command line, arguments separated by spaces (Linux: /proc/self/cmdline).
std::string command_line() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && text.back() == '\0') text.pop_back();
    for (char& c : text)
        if (c == '\0' || c == '\n' || c == '\r') c = ' ';
    return text;
}

std::string read_fd(int fd) {
    std::string text;
    char buf[1024];
    ssize_t n;
    off_t at = 0;
    while (text.size() < 8192 && (n = ::pread(fd, buf, sizeof buf, at)) > 0) {
        text.append(buf, static_cast<size_t>(n));
        at += n;
    }
    return text;
}

// "pid 12 on host h (fusesim sweep ...)" from the lock file's "key value" lines.
std::string holder_text(const std::string& content) {
    std::string pid, host, command;
    size_t at = 0;
    while (at < content.size()) {
        size_t nl = content.find('\n', at);
        if (nl == std::string::npos) nl = content.size();
        const std::string line = content.substr(at, nl - at);
        at = nl + 1;
        const auto space = line.find(' ');
        if (space == std::string::npos) continue;
        const std::string key = line.substr(0, space), value = line.substr(space + 1);
        if (key == "pid") pid = value;
        if (key == "host") host = value;
        if (key == "command") command = value;
    }
    if (pid.empty()) return "another process";
    return "pid " + pid + (host.empty() ? "" : " on host " + host) +
           (command.empty() ? "" : " (" + command + ")");
}

} // namespace

FolderLock::FolderLock(const std::string& folder) {
    const std::string path = folder + "/.fusesim-sweep.lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0)
        throw std::runtime_error("cannot create the lock file '" + path +
                                 "': " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        // The holder writes its lines right after taking the lock: give it a moment.
        std::string content = read_fd(fd_);
        for (int i = 0; i < 20 && content.find("command ") == std::string::npos; ++i) {
            ::usleep(10000);
            content = read_fd(fd_);
        }
        ::close(fd_);
        fd_ = -1;
        if (err == EWOULDBLOCK)
            throw ConfigError("'" + folder + "' is in use by " + holder_text(content) +
                              ": another sweep is writing there; wait for it to finish or choose "
                              "another folder with -o");
        throw std::runtime_error("cannot lock '" + path + "': " + std::strerror(err));
    }
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    const std::string content = "pid " + std::to_string(::getpid()) + "\nhost " + host +
                                "\ncommand " + command_line() + "\n";
    // Without the note the lock still holds; a second sweep then names "another process".
    if (::ftruncate(fd_, 0) == 0) {
        const ssize_t written = ::pwrite(fd_, content.data(), content.size(), 0);
        (void)written;
    }
}

FolderLock::~FolderLock() {
    if (fd_ < 0) return;
    const int emptied = ::ftruncate(fd_, 0);
    (void)emptied;
    ::close(fd_);
}

} // namespace fusesim
