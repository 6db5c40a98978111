#include "sim/cli/child_process.hpp"

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

namespace fusesim {

void write_all(int fd, const std::string& data) {
    size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

std::string read_all(int fd) {
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    return text;
}

Child start_child(const std::function<void(int fd)>& body) {
    int fd[2];
    if (pipe(fd) != 0) throw std::runtime_error("pipe failed");
    std::cout.flush();
    std::cerr.flush();
    // Signals stay blocked across fork so that none reaches the child while it still has the
    // parent's handlers (a sweep's handler only sets a flag: the child would run on).
    sigset_t all, saved;
    sigfillset(&all);
    sigprocmask(SIG_BLOCK, &all, &saved);
    const pid_t pid = fork();
    if (pid < 0) {
        sigprocmask(SIG_SETMASK, &saved, nullptr);
        close(fd[0]);
        close(fd[1]);
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        // Ctrl-C, kill and a parent that stops it end the child at once. A signal the parent
        // ignores (nohup, a background job) stays ignored, as it would across exec.
        for (int s : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) {
            struct sigaction old {};
            if (sigaction(s, nullptr, &old) == 0 && old.sa_handler != SIG_IGN)
                std::signal(s, SIG_DFL);
        }
        for (int s : {SIGPIPE, SIGCHLD})
            std::signal(s, SIG_DFL); // a write to a dead parent ends it
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        close(fd[0]);
        body(fd[1]);
        _exit(0);
    }
    sigprocmask(SIG_SETMASK, &saved, nullptr);
    close(fd[1]);
    return {pid, fd[0]};
}

std::string run_in_child(const std::function<std::string()>& body) {
    const Child c = start_child([&](int fd) {
        std::string out;
        try {
            out = "ok " + body();
        } catch (const std::exception& e) {
            out = std::string("error ") + e.what();
        }
        write_all(fd, out);
    });
    const std::string text = read_all(c.fd);
    close(c.fd);
    const pid_t pid = c.pid;
    int status = 0;
    waitpid(pid, &status, 0);
    if (text.rfind("ok ", 0) == 0) return text.substr(3);
    if (text.rfind("error ", 0) == 0) throw std::runtime_error(text.substr(6));
    throw std::runtime_error(WIFSIGNALED(status) ? "the child process died (signal " +
                                                       std::to_string(WTERMSIG(status)) + ")"
                                                 : "the child process exited without a result");
}

} // namespace fusesim
