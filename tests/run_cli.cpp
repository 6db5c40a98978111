#include "run_cli.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <signal.h>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fs = std::filesystem;

namespace fusesim::test {

namespace {

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

struct Pipe {
    int fd[2] = {-1, -1};
    Pipe() {
        if (::pipe2(fd, O_CLOEXEC) != 0) fail("pipe2");
    }
    ~Pipe() {
        for (int f : fd)
            if (f >= 0) ::close(f);
    }
    void close_end(int i) {
        if (fd[i] >= 0) ::close(fd[i]);
        fd[i] = -1;
    }
};

std::string quote(const std::string& s) {
    if (!s.empty() && s.find_first_of(" \t\n'\"\\$`*?[]{}()<>|&;") == std::string::npos) return s;
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

} // namespace

CliResult run_cli(const std::vector<std::string>& args, int timeout_seconds) {
    return run_cli_in(FUSESIM_SOURCE_DIR, args, 0, timeout_seconds);
}

CliResult run_cli_in(const std::string& cwd, const std::vector<std::string>& args,
                     long max_file_bytes, int timeout_seconds) {
    return run_program_in(FUSESIM_BINARY, cwd, args, max_file_bytes, timeout_seconds);
}

CliResult run_program_in(const std::string& binary, const std::string& cwd,
                         const std::vector<std::string>& args, long max_file_bytes,
                         int timeout_seconds) {
    CliResult result;
    result.command = "(cd " + quote(cwd) + " && " + quote(binary);
    for (const auto& a : args) result.command += " " + quote(a);
    result.command += ")";

    // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
    std::vector<std::string> argv_storage = {binary};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_storage) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string kCopyright = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=";
    std::vector<std::string> env_storage;
    for (char** e = environ; e && *e; ++e)
        if (std::strncmp(*e, kCopyright.c_str(), kCopyright.size()) != 0)
            env_storage.emplace_back(*e);
    env_storage.push_back(kCopyright + "1");
    std::vector<char*> envp;
    for (auto& e : env_storage) envp.push_back(e.data());
    envp.push_back(nullptr);
    const rlimit file_limit{static_cast<rlim_t>(max_file_bytes),
                            static_cast<rlim_t>(max_file_bytes)};

    Pipe out, err;
    const pid_t pid = ::fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        if (::dup2(out.fd[1], STDOUT_FILENO) < 0 || ::dup2(err.fd[1], STDERR_FILENO) < 0 ||
            ::chdir(cwd.c_str()) != 0)
            ::_exit(126);
        const int devnull = ::open("/dev/null", O_RDONLY);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        if (max_file_bytes > 0) {
            ::signal(SIGXFSZ, SIG_IGN); // kept across exec: writes fail with EFBIG instead
            if (::setrlimit(RLIMIT_FSIZE, &file_limit) != 0) ::_exit(126);
        }
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    out.close_end(1);
    err.close_end(1);

    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
    struct pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {err.fd[0], POLLIN, 0}};
    std::string* sinks[2] = {&result.out, &result.err};
    int open_fds = 2;
    char buffer[65536];
    while (open_fds > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                              deadline - std::chrono::steady_clock::now())
                              .count();
        if (left <= 0) {
            result.timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        const int ready = ::poll(fds, 2, static_cast<int>(std::min<long long>(left, 1000)));
        if (ready < 0) {
            if (errno == EINTR) continue;
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
            fail("poll");
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n > 0) {
                sinks[i]->append(buffer, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1; // end of file (closed by the Pipe destructor)
                --open_fds;
            }
        }
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) fail("waitpid");
    if (WIFEXITED(status))
        result.exit_code = WEXITSTATUS(status);
    else if (WIFSIGNALED(status))
        result.exit_code = 128 + WTERMSIG(status);
    return result;
}

TempDir::TempDir(const std::string& label) {
    std::string pattern = (fs::temp_directory_path() / ("fusesim-" + label + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) fail("mkdtemp " + pattern);
    path_ = pattern;
}

TempDir::~TempDir() {
    if (std::getenv("FUSESIM_KEEP_TEST_FILES")) return;
    std::error_code ec;
    fs::remove_all(path_, ec);
}

std::string TempDir::file(const std::string& name) const {
    return path_ + "/" + name;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read '" + path + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) throw std::runtime_error("cannot write '" + path + "'");
}

std::string repo_path(const std::string& relative) {
    return std::string(FUSESIM_SOURCE_DIR) + "/" + relative;
}

} // namespace fusesim::test
