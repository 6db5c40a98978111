// fusesim._native: the Python package's way into the CLI's code. One function, execute(request),
// takes a JSON request (command, experiment or sweep spec, overrides, output folder, ...), runs
// the CLI's command for it in a forked child process (SystemC elaborates once per process, and
// the command's signal handlers, memory limit and output never touch the Python process), and
// returns a JSON reply: the folder the command wrote, its exit status, or the error with its
// file, line, column and key. The package (fusesim/__init__.py) reads the files the command
// wrote and raises the errors as exceptions.
#include "sim/cli/child_process.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/sweep.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/timing_result.hpp"

#include <pybind11/pybind11.h>
#include <systemc>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sys/wait.h>
#include <unistd.h>

namespace py = pybind11;
using nlohmann::json;

namespace {

// The child's work and its reply: sc_main runs the work, as the CLI's main() has SystemC enter
// its own sc_main.
const std::function<json()>* g_work = nullptr;
json g_reply;

json error_reply(const char* status, const std::string& message) {
    return json{{"status", status}, {"message", message}};
}

// The work's reply, or its failure as the CLI would report it (main.cpp: exit 2 for a
// configuration error or a plan that cannot be scheduled, 1 for anything else).
json guarded(const std::function<json()>& work) {
    try {
        return work();
    } catch (const fusesim::ConfigError& e) {
        json j = error_reply("config", e.what());
        j["file"] = e.where().file;
        j["line"] = e.where().line;
        j["column"] = e.where().column;
        j["key"] = e.key();
        return j;
    } catch (const fusesim::ScheduleError& e) {
        return error_reply("schedule",
                           std::string(e.what()) +
                               "\n(the mapping's tiles do not fit this hardware: use smaller tiles "
                               "or more SRAM)");
    } catch (const std::exception& e) {
        return error_reply("error", e.what());
    }
}

// A configuration value built in Python (a sweep's grid) as a tree whose every node names
// `origin`: maps, lists, and scalars as their YAML text.
fusesim::ConfigNode to_node(const json& j, const fusesim::Origin& origin) {
    if (j.is_object()) {
        auto n = fusesim::ConfigNode::map(origin);
        for (const auto& [k, v] : j.items()) n.set(k, to_node(v, origin));
        return n;
    }
    if (j.is_array()) {
        auto n = fusesim::ConfigNode::sequence(origin);
        for (const auto& v : j) n.push_back(to_node(v, origin));
        return n;
    }
    if (j.is_null()) return fusesim::ConfigNode::null(origin);
    return fusesim::ConfigNode::scalar(j.is_string() ? j.get<std::string>() : j.dump(), origin);
}

// Runs the request's command (in the child) the way sim/cli/main.cpp does after parsing.
json perform(const json& request) {
    using namespace fusesim;
    const std::string command = request.at("command").get<std::string>();
    CommandArgs args;
    args.experiment = request.value("experiment", std::string());
    args.output = request.value("output", std::string());
    args.quiet = request.value("quiet", true);
    for (const auto& s : request.value("set", std::vector<std::string>()))
        args.overrides.push_back(parse_override(s));
    const std::string max_memory = request.value("max_memory", std::string());
    if (!max_memory.empty()) {
        try {
            args.max_memory = parse_bytes(max_memory);
        } catch (const std::invalid_argument& e) {
            throw ConfigError("max_memory '" + max_memory + "': expected " + e.what());
        }
        if (args.max_memory <= 0) throw ConfigError("max_memory must be above 0");
    }
    const int jobs = request.value("jobs", 2);
    if (jobs < 1 || jobs > 256)
        throw ConfigError("jobs must be 1 to 256, got " + std::to_string(jobs));
    if (command == "sweep") args.memory_share = jobs; // points run `jobs` at a time
    set_process_memory_limit(args.max_memory, args.memory_share);

    json reply{{"status", "ok"}};
    if (command == "sweep") {
        const json grid = request.value("grid", json());
        const SweepSpec spec = grid.is_null()
                                   ? read_sweep(args.experiment)
                                   : read_sweep(to_node(grid, Origin{"fusesim.sweep()"}), "");
        reply["folder"] = args.output.empty() ? spec.output : args.output;
        reply["exit"] = run_sweep(spec, args, jobs, "");
        return reply;
    }
    // The folder the command writes to, found as the command finds it (cmd_*.cpp).
    const ResolvedExperiment e = load_experiment(args.experiment, args.overrides);
    const std::string folder = command == "validate" ? e.output + "-validate" : e.output;
    reply["folder"] = args.output.empty() ? folder : args.output;
    if (command == "run")
        reply["exit"] = cmd_run(args);
    else if (command == "analyze")
        reply["exit"] = cmd_analyze(args);
    else if (command == "validate")
        reply["exit"] = cmd_validate(args);
    else
        throw std::invalid_argument("unknown command '" + command + "'");
    return reply;
}

// Reads the child's reply to its end. The GIL is released while waiting; a signal for Python
// (Ctrl-C) stops the child (a sweep keeps its finished points, as the CLI's does on SIGINT),
// waits for it and raises KeyboardInterrupt (or what the handler raised).
std::string wait_for(const fusesim::Child& c) {
    std::string text;
    char buf[65536];
    bool interrupted = false;
    for (;;) {
        ssize_t n;
        int err;
        {
            py::gil_scoped_release release;
            n = ::read(c.fd, buf, sizeof buf);
            err = errno;
        }
        if (n > 0) {
            text.append(buf, static_cast<size_t>(n));
            continue;
        }
        if (n < 0 && err == EINTR) {
            if (!interrupted && PyErr_CheckSignals() != 0) {
                interrupted = true;
                ::kill(c.pid, SIGINT);
            }
            continue;
        }
        break;
    }
    ::close(c.fd);
    int status = 0;
    {
        py::gil_scoped_release release;
        while (::waitpid(c.pid, &status, 0) < 0 && errno == EINTR) {
        }
    }
    if (interrupted) throw py::error_already_set();
    if (text.empty()) {
        const std::string how = WIFSIGNALED(status)
                                    ? "died by signal " + std::to_string(WTERMSIG(status))
                                    : "exited with status " + std::to_string(WEXITSTATUS(status));
        return error_reply("died", "the command's process " + how + " without a reply").dump();
    }
    return text;
}

std::string execute(const std::string& request_text) {
    const json request = json::parse(request_text);
    const std::function<json()> work = [&] { return perform(request); };
    const bool quiet = request.value("quiet", true);
    const fusesim::Child c = fusesim::start_child([&](int fd) {
        // As the CLI's main(): no SystemC banner, whatever the caller's environment.
        ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        if (quiet) { // the command's terminal output (summaries, best tables) is not wanted
            const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
            if (null >= 0) ::dup2(null, STDOUT_FILENO);
        }
        char name[] = "fusesim";
        char* argv[] = {name, nullptr};
        g_work = &work;
        g_reply = error_reply("error", "SystemC did not run the command");
        sc_core::sc_elab_and_sim(1, argv);
        std::cout.flush();
        std::fflush(nullptr);
        fusesim::write_all(fd, g_reply.dump());
    });
    return wait_for(c);
}

} // namespace

// libsystemc.so calls sc_main from sc_elab_and_sim (and needs the symbol when it is loaded): in
// a child of execute(), it runs the request.
extern "C" __attribute__((visibility("default"))) int sc_main(int, char*[]) {
    g_reply = guarded(*g_work);
    return 0;
}

PYBIND11_MODULE(_native, m) {
    m.doc() = "fusesim's commands, each run in a child process (use the fusesim package)";
    m.def("execute", &execute, py::arg("request"),
          "Runs one command described by a JSON request in a child process; returns the JSON "
          "reply (status, exit, folder, or the error)");
}
