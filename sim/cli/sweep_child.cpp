#include "sim/cli/sweep_child.hpp"

#include "sim/cli/commands.hpp"
#include "sim/cli/sweep_results.hpp"
#include "sim/config/config_hash.hpp"
#include "sim/engine/timing.hpp"
#include "sim/report/version.hpp"

#include <algorithm>

#include <csignal>
#include <map>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

namespace fusesim::sweep {

namespace {

// A status message cut to a size that keeps a child's whole reply within one pipe buffer (the
// parent reads it after the child exits, so a longer reply would block the child for good).
std::string status_text(const std::string& kind, const std::string& message) {
    constexpr size_t kMax = 4000;
    std::string s = kind + one_line(message);
    if (s.size() <= kMax) return s;
    size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut; // whole UTF-8
    return s.substr(0, cut) + " [...]";
}

} // namespace

std::string signal_text(int sig) {
    static const std::map<int, const char*> names = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"}, {SIGILL, "SIGILL"},
        {SIGABRT, "SIGABRT"}, {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
        {SIGSEGV, "SIGSEGV"}, {SIGPIPE, "SIGPIPE"}, {SIGTERM, "SIGTERM"}, {SIGXCPU, "SIGXCPU"}};
    auto it = names.find(sig);
    return "signal " + std::to_string(sig) +
           (it != names.end() ? std::string(" (") + it->second + ")" : "");
}

// Runs one point in a child, in a process group of its own (so that stopping it stops whatever
// it started) that dies with the sweep. The child sends back its result cells only.
Running spawn(const SweepSpec& spec, const SweepPoint& p, std::vector<int> close_in_child) {
    const pid_t parent = ::getpid();
    const Child c = start_child([&](int fd) {
        for (int f : close_in_child) ::close(f); // the folder's lock stays with the parent
        ::setpgid(0, 0);
        std::signal(SIGTTOU, SIG_IGN); // a background group may still write to the terminal
#ifdef __linux__
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) ::_exit(1); // the sweep is already gone
#endif
        std::vector<std::string> cells;
        try {
            cells = run_point(spec.experiment, p.overrides, p.files);
        } catch (const ScheduleError& e) { // the mapping does not fit: a result, not a failure
            cells = {status_text("infeasible: ", e.what())};
        } catch (const std::exception& e) {
            cells = {status_text("error: ", e.what())};
        }
        cells.resize(result_columns().size());
        // A point without a result still says which configuration and build it was: the
        // hash when its configuration loads at all.
        const auto& cols = result_columns();
        auto at = [&cols](const char* name) {
            return static_cast<size_t>(std::find(cols.begin(), cols.end(), name) - cols.begin());
        };
        std::string& hash = cells[at("config_hash")];
        if (hash.empty()) {
            try {
                hash = config_hash(load_experiment(spec.experiment, p.overrides, p.files).tree);
            } catch (const std::exception&) {
            }
        }
        cells[at("version")] = build_version();
        write_all(fd, csv_line(cells));
    });
    ::setpgid(c.pid, c.pid); // also here: kill(-pid) must work as soon as spawn returns
    return {c, p.index};
}

void kill_point(pid_t pid) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

} // namespace fusesim::sweep
