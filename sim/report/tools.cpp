#include "sim/report/tools.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace fusesim {

std::string find_on_path(const std::string& program) {
    const char* env = std::getenv("PATH");
    const std::string path = env && *env ? env : "/usr/local/bin:/usr/bin:/bin";
    for (size_t start = 0; start <= path.size();) {
        size_t end = path.find(':', start);
        if (end == std::string::npos) end = path.size();
        const std::string dir = path.substr(start, end - start);
        start = end + 1;
        if (dir.empty() || dir.front() != '/') continue; // relative entries depend on the cwd
        const std::string candidate = dir + "/" + program;
        struct stat st;
        if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
            ::access(candidate.c_str(), X_OK) == 0)
            return candidate;
    }
    return "";
}

ToolRun run_tool(int dir_fd, const std::string& exe, const std::vector<std::string>& args) {
    ToolRun r;
    int pipe_fd[2];
    if (::pipe2(pipe_fd, O_CLOEXEC) != 0) {
        r.failure = "cannot run " + exe + ": " + std::strerror(errno);
        return r;
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addfchdir_np(&actions, dir_fd);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fd[1], STDERR_FILENO);
    std::vector<std::string> words{exe.substr(exe.rfind('/') + 1)};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    pid_t pid = -1;
    const int rc = ::posix_spawn(&pid, exe.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fd[1]);
    if (rc != 0) {
        ::close(pipe_fd[0]);
        r.failure = "cannot run " + exe + ": " + std::strerror(rc);
        return r;
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(pipe_fd[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        if (r.output.size() < 65536) r.output.append(buffer, static_cast<size_t>(n));
    }
    ::close(pipe_fd[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!r.ok)
        r.failure = WIFSIGNALED(status) ? "signal " + std::to_string(WTERMSIG(status))
                                        : "exit " + std::to_string(WEXITSTATUS(status));
    return r;
}

bool run_gnuplot(int dir_fd, const std::string& script, const std::string& shown, bool quiet) {
    const std::string exe = find_on_path("gnuplot");
    if (exe.empty()) {
        if (!quiet)
            std::cerr << "note: gnuplot not found on PATH; plot script left at " << shown << "\n";
        return false;
    }
    // "./" so that a script name can never read as an option.
    const ToolRun r = run_tool(dir_fd, exe, {"./" + script});
    if (!r.ok)
        std::cerr << "warning: gnuplot failed on " << shown << " (" << r.failure << ")"
                  << (r.output.empty() ? "" : ":") << "\n";
    if (!r.ok || !quiet) std::cerr << r.output; // gnuplot's warnings, when wanted
    return r.ok;
}

} // namespace fusesim
