#include "sim_fork.hpp"

#include "workloads/tile_plan.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace fusesim::test {

std::map<std::string, std::string>
in_child(const std::function<void(std::map<std::string, std::string>&)>& body) {
    int fd[2];
    if (pipe(fd) != 0) throw std::runtime_error("pipe failed");
    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        close(fd[0]);
        std::map<std::string, std::string> out;
        try {
            body(out);
        } catch (const std::exception& e) {
            out["error"] = e.what();
        }
        std::string text;
        for (auto [k, v] : out) { // one line per value: newlines travel as \x1f
            for (char& ch : v)
                if (ch == '\n') ch = '\x1f';
            text += k + "\t" + v + "\n";
        }
        size_t done = 0;
        while (done < text.size()) {
            const ssize_t n = write(fd[1], text.data() + done, text.size() - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
        close(fd[1]);
        _exit(0);
    }
    close(fd[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
    close(fd[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    std::map<std::string, std::string> out;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t tab = text.find('\t', pos), nl = text.find('\n', pos);
        if (tab == std::string::npos || nl == std::string::npos) break;
        std::string v = text.substr(tab + 1, nl - tab - 1);
        for (char& ch : v)
            if (ch == '\x1f') ch = '\n';
        out[text.substr(pos, tab - pos)] = v;
        pos = nl + 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) out["error"] = "child crashed";
    return out;
}

std::map<std::string, std::string> simulate_in_child(const Workload& w, const HardwareSpec& hw,
                                                     const MappingSpec& m, int layers) {
    return in_child([&](std::map<std::string, std::string>& out) {
        const TilePlan plan = build_tile_plan(w, m, hw.cores, layers);
        SimOptions o;
        o.layers = layers;
        o.timeline = false;
        const TimingResult r = simulate(w, hw, plan, m, o);
        out["cycles"] = std::to_string(r.cycles);
        out["dram_read"] = std::to_string(r.dram_read_bytes);
        out["dram_write"] = std::to_string(r.dram_write_bytes);
        out["evicted"] = std::to_string(r.evicted_bytes);
        out["refetched"] = std::to_string(r.refetched_bytes);
        out["peak"] = std::to_string(r.peak_sram[0]);
        out["tiles"] = std::to_string(r.tiles);
        for (size_t o2 = 0; o2 < w.ops.size(); ++o2)
            out["compute." + w.ops[o2].name] = std::to_string(r.ops[o2].compute_cycles);
    });
}

} // namespace fusesim::test
