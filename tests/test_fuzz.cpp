// Fuzz test of the configuration loader: thousands of mutated versions of the shipped configs
// (configs/**/*.yaml: a key deleted, duplicated, misspelt or made deep; a value replaced by an
// odd one or scaled; an override added to a set: block; 1 to 3 of these per input, from a fixed
// seed), each checked in a forked child under RLIMIT_AS (4 GiB) and a per-input timeout. Every
// input must end in exit 0 (accepted) or exit 2 (a ConfigError); a signal, a timeout (a hang),
// std::bad_alloc or any other exception fails the test and prints the input. The counts per
// outcome are printed (a WARN and stderr).
//
// "The loader" here is everything a command does before it simulates: load_experiment (files,
// `set:` overrides), read_experiment (hardware; every workload built at every stage and length;
// mapping; simulation; analysis), and for one-point experiments what `run` checks next: the
// workload at that point, the mapping against it, the bound on simulated time and the plan's
// memory estimate; the tile plan itself is built only when that estimate is small, so that no
// mutant runs for long legitimately. Sweep specs are read and expanded, and their first point
// loaded the same way. No timing simulation runs.
#include "run_cli.hpp"
#include "sim/cli/commands.hpp"
#include "sim/config/config_reader.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/sweep.hpp"
#include "sim/engine/memory_budget.hpp"
#include "sim/engine/tile_cost.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using namespace fusesim;
using namespace fusesim::test;

namespace {

#ifdef FUSESIM_SANITIZE
// ASan reserves terabytes of address space (no RLIMIT_AS) and runs several times slower.
constexpr int kMutants = 600;
constexpr int kTimeoutSeconds = 30;
constexpr bool kLimitMemory = false;
#else
constexpr int kMutants = 3000;
constexpr int kTimeoutSeconds = 5;
constexpr bool kLimitMemory = true;
#endif
constexpr rlim_t kMemoryLimit = rlim_t{4} << 30;

// Deterministic on every platform (std::uniform_int_distribution is not).
class Rng {
  public:
    explicit Rng(uint64_t seed) : s_(seed) {}
    uint64_t next() {
        s_ = s_ * 6364136223846793005ULL + 1442695040888963407ULL;
        return s_ >> 33;
    }
    size_t below(size_t n) { return n ? static_cast<size_t>(next() % n) : 0; }

  private:
    uint64_t s_;
};

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

// Values that have broken parsers before: empty, wrong type, extreme, non-finite, wrong unit.
const std::vector<std::string>& odd_values() {
    static const std::vector<std::string> v = {"",
                                               "~",
                                               "[]",
                                               "{}",
                                               "[[]]",
                                               "{a: 1}",
                                               "[1, 2, 3]",
                                               "-1",
                                               "0",
                                               "1",
                                               "-0",
                                               "0.5",
                                               "1e300",
                                               "-1e300",
                                               "1e-300",
                                               ".nan",
                                               "NaN",
                                               ".inf",
                                               "-.inf",
                                               "99999999999999999999",
                                               "2147483647",
                                               "2147483648",
                                               "9223372036854775807",
                                               "-9223372036854775808",
                                               "16777217",
                                               "1ps",
                                               "1s",
                                               "1e-8B/cycle",
                                               "1e300GB/s",
                                               "1GHz",
                                               "1e300Hz",
                                               "1THz",
                                               "1kHz",
                                               "256GB/s",
                                               "1Gbps",
                                               "1ps/cycle",
                                               "768KiB",
                                               "8EiB",
                                               "1e30MB",
                                               "0.3B",
                                               "50ns",
                                               "1e30ns",
                                               "7pJ",
                                               "1e300pJ",
                                               "unlimited",
                                               "auto",
                                               "one",
                                               "all",
                                               "true",
                                               "no",
                                               "prefill",
                                               "decode",
                                               "[prefill, decode]",
                                               "[prefill, prefill]",
                                               "seq_len",
                                               "custom",
                                               "mamba1",
                                               "opt",
                                               "fuse-all",
                                               "mem-aware",
                                               "p2p",
                                               "'x'",
                                               "\"a\\nb\"",
                                               "\"\\u0000\"",
                                               "'$(touch pwned)'",
                                               "*nosuchalias",
                                               "&a [*a]",
                                               "!!binary AAAA",
                                               "y[l,d] += x[l,k] * w[k,d]",
                                               "\"y[l*999999+l*999999+l*999999,d] = x[l,d]\"",
                                               "\"y[l] = x[l+9999999999999999999]\"",
                                               "\"y[l,l,l,l,l,l,l,l,l,l,l,l,l,l,l,l,l] = x[l]\"",
                                               "[" + repeat("1, ", 2000) + "1]",
                                               repeat("[", 300) + repeat("]", 300),
                                               repeat("{a: ", 250) + "1" + repeat("}", 250),
                                               "'" + std::string(300, 'n') + "'",
                                               "'" + std::string(70000, 'x') + "'",
                                               "[" + repeat("[", 150) + repeat("]", 150) + "]"};
    return v;
}

// Where "key: value" pairs are in the text: the position of the value and its length (to the
// end of the line for a block value, to the next , } ] inside a flow collection).
struct Slot {
    size_t line_begin, key_begin, colon, value_begin, value_end;
    bool list_item = false; // "- value": no key (colon is the '-')
};

std::vector<Slot> slots(const std::string& text) {
    std::vector<Slot> out;
    size_t line_begin = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' || i == 0) {
            line_begin = text[i] == '\n' ? i + 1 : 0;
            // A block list item without a key of its own ("  - ../workloads/x.yaml").
            size_t d = line_begin;
            while (d < text.size() && text[d] == ' ') ++d;
            const size_t end = text.find('\n', d);
            const std::string line = text.substr(d, end == std::string::npos ? end : end - d);
            if (line.rfind("- ", 0) == 0 && line.find(": ") == std::string::npos &&
                line.find('#') == std::string::npos)
                out.push_back({line_begin, d, d, d + 2, d + line.size(), true});
            if (text[i] == '\n') continue;
        }
        if (text[i] != ':' || (i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '\n'))
            continue;
        // Skip comments.
        const size_t hash = text.find('#', line_begin);
        if (hash != std::string::npos && hash < i) continue;
        size_t k = i;
        while (k > line_begin && text[k - 1] != ' ' && text[k - 1] != '{' && text[k - 1] != ',')
            --k;
        const size_t v = std::min(i + 2, text.size());
        size_t e = v;
        const bool block = v < text.size() && (text[v] == '[' || text[v] == '{');
        while (e < text.size() && text[e] != '\n' && text[e] != '#' &&
               (block || (text[e] != ',' && text[e] != '}' && text[e] != ']')))
            ++e;
        out.push_back(
            {line_begin, k, i, i + 1 == text.size() || text[i + 1] == '\n' ? i + 1 : v, e});
    }
    return out;
}

size_t line_end(const std::string& text, size_t from) {
    const size_t e = text.find('\n', from);
    return e == std::string::npos ? text.size() : e + 1;
}

// One mutation of `text`; `what` says which (for failure messages).
std::string mutate(const std::string& text, Rng& rng, std::string& what) {
    const std::vector<Slot> s = slots(text);
    if (s.empty()) return text;
    const Slot& at = s[rng.below(s.size())];
    const std::string key = at.list_item ? "-" : text.substr(at.key_begin, at.colon - at.key_begin);
    std::string out = text;
    const size_t kind = rng.below(11);
    if (kind == 10 && text.find("\nset:\n") != std::string::npos) {
        // An override in the set: block, of a key any command reads.
        static const std::vector<std::string> keys = {"hardware.clock",
                                                      "hardware.cores",
                                                      "hardware.core.sram",
                                                      "hardware.core.pe_rows",
                                                      "hardware.core.sram_bandwidth",
                                                      "hardware.dram.bandwidth",
                                                      "hardware.dram.latency",
                                                      "hardware.interconnect.bandwidth",
                                                      "workload.seq_len",
                                                      "workload.batch",
                                                      "workload.layers",
                                                      "workload.stage",
                                                      "workload.d_model",
                                                      "workload.d_state",
                                                      "mapping.fusion",
                                                      "mapping.tiling.auto",
                                                      "mapping.tiling.default.l",
                                                      "simulation.layers",
                                                      "simulation.prefetch",
                                                      "analysis.roofline_seq_len",
                                                      "name",
                                                      "workload.x.y",
                                                      "hardware"};
        const std::string& k = keys[rng.below(keys.size())];
        const std::string& v = odd_values()[rng.below(odd_values().size())];
        what = "set " + k + ": '" + v.substr(0, 60) + "'";
        out.insert(text.find("\nset:\n") + 6, "  " + k + ": " + v + "\n");
        return out;
    }
    switch (at.list_item && kind == 2 ? 3 : kind) {
    case 0: { // delete the key's line
        const size_t end = line_end(text, at.line_begin);
        what = "delete line '" + text.substr(at.line_begin, end - at.line_begin) + "'";
        out.erase(at.line_begin, end - at.line_begin);
        return out;
    }
    case 1: { // duplicate the key's line
        const size_t end = line_end(text, at.line_begin);
        const std::string line = text.substr(at.line_begin, end - at.line_begin);
        what = "duplicate line '" + line + "'";
        out.insert(end, line.back() == '\n' ? line : "\n" + line);
        return out;
    }
    case 2: { // misspell or lengthen the key
        static const std::vector<std::string> tails = {
            "x", ".a", repeat(".a", 40), std::string(5000, 'k'), ".", "..b"};
        const std::string tail = tails[rng.below(tails.size())];
        what = "key '" + key + "' + '" + tail.substr(0, 40) + "'";
        out.insert(at.colon, tail);
        return out;
    }
    case 3:
    case 4: { // scale a number, keeping its unit: plausible values that reach deeper
        size_t d = at.value_begin;
        while (d < at.value_end && !std::isdigit(static_cast<unsigned char>(text[d]))) ++d;
        size_t e = d;
        while (e < at.value_end &&
               (std::isdigit(static_cast<unsigned char>(text[e])) || text[e] == '.'))
            ++e;
        if (d == e) break;
        static const std::vector<std::string> factors = {"0.001", "0.5", "2",  "10",
                                                         "1000",  "1e6", "1e9"};
        const std::string factor = factors[rng.below(factors.size())];
        const double v = std::strtod(text.substr(d, e - d).c_str(), nullptr) *
                         std::strtod(factor.c_str(), nullptr);
        char num[64];
        std::snprintf(num, sizeof num, "%.6g", v);
        what = "value of '" + key + "' (" + text.substr(d, e - d) + ") x " + factor;
        out.replace(d, e - d, num);
        return out;
    }
    default:
        break;
    }
    { // replace the value
        const std::string& v = odd_values()[rng.below(odd_values().size())];
        what = "value of '" + key + "' ('" +
               text.substr(at.value_begin, std::min<size_t>(at.value_end - at.value_begin, 60)) +
               "') -> '" + v.substr(0, 60) + (v.size() > 60 ? "...'" : "'");
        out.replace(at.value_begin, at.value_end - at.value_begin,
                    (at.value_begin > 0 && text[at.value_begin - 1] == ':' ? " " : "") + v);
        return out;
    }
}

// The checks a command makes before it simulates, for one experiment (see the file comment).
void check_experiment(const std::string& path, const std::vector<Override>& overrides) {
    const ResolvedExperiment e = load_experiment(path, overrides);
    const ExperimentSpec x = read_experiment(e);
    if (x.workloads.size() != 1) return;
    const WorkloadSpec& ws = x.workloads.front();
    if (ws.stages.size() != 1 || ws.seq_lens.size() != 1) return;
    const Workload w = ws.build(ws.single_stage(), ws.single_seq_len());
    const MappingSpec m = read_mapping(*e.tree.find("mapping"), w, x.hw.core.sram_bytes);
    check_simulated_time(w, x.hw, 1, *e.tree.find("hardware"));
    if (m.fusion == "auto") return; // the search simulates candidates: beyond the loader
    if (estimate_run_memory(w, m, x.hw, 1, false).tiles > 20000) return;
    try {
        build_plan_for(w, m, x.hw, 1);
    } catch (const std::invalid_argument& err) {
        throw ConfigError(Origin{path}, "mapping", err.what()); // what run reports as exit 2
    }
}

void check_target(const std::string& path) {
    if (path.find("/sweeps/") != std::string::npos) {
        const SweepSpec spec = read_sweep(path);
        if (point_count(spec) > 0) check_experiment(spec.experiment, point_at(spec, 0).overrides);
        return;
    }
    check_experiment(path, {});
}

// One input: `text` replaces configs/<file> while `target` is checked.
struct Mutant {
    std::string file, text, what, target;
};

struct Outcome {
    int code = 0; // exit status (0, 2, 1 for another exception); 128 + signal when killed
    std::string message;
};

std::string outcome_class(const Outcome& o) {
    if (o.code == 128 + SIGALRM) return "timeout";
    if (o.code > 128) return "signal " + std::to_string(o.code - 128);
    return "exit " + std::to_string(o.code);
}

// Checks one input in this (child) process: 0, 2 for a ConfigError, 1 for any other exception.
Outcome check_one(const TempDir& dir, const Mutant& m, const std::string& original) {
    write_file(dir.file("configs/" + m.file), m.text);
    alarm(kTimeoutSeconds); // SIGALRM ends a hang: the child dies and the parent sees it
    Outcome o;
    try {
        check_target(m.target);
    } catch (const ConfigError& e) {
        o = {2, e.what()};
    } catch (const std::exception& e) {
        o = {1, std::string("exception: ") + e.what()};
    }
    alarm(0);
    write_file(dir.file("configs/" + m.file), original);
    return o;
}

// Checks mutants[from..] in forked children, many per child (a fork per input would cost more
// than the loading), each under RLIMIT_AS and a timeout. A child reports every outcome as it
// goes; when one dies (a signal, the timeout), the first input it did not report is the one that
// killed it, and the next child starts after it.
std::vector<Outcome> run_all(const TempDir& dir, const std::vector<Mutant>& mutants,
                             const std::map<std::string, std::string>& originals) {
    std::vector<Outcome> out;
    while (out.size() < mutants.size()) {
        const size_t from = out.size();
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        const pid_t pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            close(fds[0]);
            if (kLimitMemory) {
                rlimit lim{kMemoryLimit, kMemoryLimit};
                setrlimit(RLIMIT_AS, &lim);
            }
            for (size_t i = from; i < mutants.size(); ++i) {
                const Outcome o = check_one(dir, mutants[i], originals.at(mutants[i].file));
                // One record per input: code, length, message (at most 2000 bytes).
                const std::string msg = o.message.substr(0, 2000);
                const std::string rec =
                    std::to_string(o.code) + " " + std::to_string(msg.size()) + " " + msg;
                for (size_t done = 0; done < rec.size();) {
                    const ssize_t n = write(fds[1], rec.data() + done, rec.size() - done);
                    if (n <= 0) _exit(3);
                    done += static_cast<size_t>(n);
                }
            }
            _exit(0);
        }
        close(fds[1]);
        std::string data;
        char buf[65536];
        ssize_t n;
        while ((n = read(fds[0], buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
        close(fds[0]);
        int status = 0;
        waitpid(pid, &status, 0);
        for (size_t pos = 0; pos < data.size();) {
            const size_t a = data.find(' ', pos), b = data.find(' ', a + 1);
            if (a == std::string::npos || b == std::string::npos) break;
            const size_t len = std::stoul(data.substr(a + 1, b - a - 1));
            if (b + 1 + len > data.size()) break; // cut short by the child's death
            out.push_back({std::stoi(data.substr(pos, a - pos)), data.substr(b + 1, len)});
            pos = b + 1 + len;
        }
        if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0) && out.size() < mutants.size()) {
            const int code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
            out.push_back({code == 0 ? 3 : code, "the child ended while checking this input"});
            // The killed child could not restore the file.
            write_file(dir.file("configs/" + mutants[out.size() - 1].file),
                       originals.at(mutants[out.size() - 1].file));
        }
    }
    return out;
}

// The shipped configs, relative to configs/, sorted (the order fixes which mutant is which).
std::vector<std::string> shipped_configs() {
    std::vector<std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(repo_path("configs"))) {
        if (entry.is_regular_file() && entry.path().extension() == ".yaml")
            files.push_back(fs::relative(entry.path(), repo_path("configs")).string());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// An experiment that loads `file` (a hardware, workload or mapping file) with shipped partners
// at a small length; experiments and sweeps are their own targets.
std::string target_for(const TempDir& dir, const std::string& file) {
    const std::string folder = fs::path(file).parent_path().string();
    if (folder == "experiments" || folder == "sweeps") return dir.file("configs/" + file);
    std::string hw = "../hardware/marca-aggregated.yaml", wl = "../workloads/mamba-130m.yaml",
                mapping = "../mappings/mamba-auto.yaml";
    if (folder == "hardware") hw = "../" + file;
    if (folder == "workloads") wl = "../" + file;
    if (folder == "mappings") wl = "../workloads/mamba-2.8b-paper.yaml", mapping = "../" + file;
    const std::string path =
        dir.file("configs/experiments/fuzz-" + fs::path(file).stem().string() + ".yaml");
    write_file(path, "name: fuzz\nhardware: " + hw + "\nworkload: " + wl + "\nmapping: " + mapping +
                         "\nset:\n  workload.seq_len: 64\nsimulation:\n  layers: one\n");
    return path;
}

} // namespace

TEST_CASE("Fuzzed configs end in exit 0 or a ConfigError and never crash or hang", "[fuzz]") {
    TempDir dir("fuzz");
    fs::copy(repo_path("configs"), dir.file("configs"), fs::copy_options::recursive);
    const std::vector<std::string> files = shipped_configs();
    REQUIRE(files.size() >= 10);
    std::map<std::string, std::string> originals, targets;
    for (const auto& f : files) {
        originals[f] = read_file(dir.file("configs/" + f));
        targets[f] = target_for(dir, f);
    }
    {
        INFO("every shipped config loads unmutated");
        std::vector<Mutant> plain;
        for (const auto& f : files) plain.push_back({f, originals[f], "unmutated", targets[f]});
        const std::vector<Outcome> o = run_all(dir, plain, originals);
        for (size_t i = 0; i < o.size(); ++i) {
            INFO(files[i] << ": " << o[i].message);
            CHECK(o[i].code == 0);
        }
    }
    // FUSESIM_FUZZ_COUNT=N fuzzes longer (or shorter) with the same seed.
    const char* count_env = std::getenv("FUSESIM_FUZZ_COUNT");
    const int count = count_env ? std::max(1, std::atoi(count_env)) : kMutants;
    Rng rng(20261201);
    std::vector<Mutant> mutants;
    for (int i = 0; i < count; ++i) {
        const std::string& f = files[static_cast<size_t>(i) % files.size()];
        Mutant m{f, originals[f], "", targets[f]};
        const int edits = 1 + static_cast<int>(rng.below(3));
        for (int k = 0; k < edits; ++k) {
            std::string one;
            m.text = mutate(m.text, rng, one);
            m.what += (m.what.empty() ? "" : "; ") + one;
        }
        mutants.push_back(std::move(m));
    }
    const std::vector<Outcome> outcomes = run_all(dir, mutants, originals);
    REQUIRE(outcomes.size() == mutants.size());
    std::map<std::string, int> classes;
    int failures = 0;
    for (size_t i = 0; i < mutants.size(); ++i) {
        const Mutant& m = mutants[i];
        const Outcome& o = outcomes[i];
        const std::string cls = outcome_class(o);
        ++classes[cls];
        if (std::getenv("FUSESIM_FUZZ_LOG"))
            std::cerr << i << " " << m.file << " " << cls << " | " << m.what.substr(0, 150) << " | "
                      << o.message.substr(0, 200) << "\n";
        if (o.code != 0 && o.code != 2 && failures++ < 10) {
            FAIL_CHECK("mutant " << i << " of " << m.file << " (" << m.what << "): " << cls << "\n"
                                 << o.message.substr(0, 1000) << "\n--- input ---\n"
                                 << m.text.substr(0, 3000));
        }
    }
    std::string summary = "fuzz: " + std::to_string(count) + " mutants of " +
                          std::to_string(files.size()) + " shipped configs:";
    for (const auto& [cls, n] : classes) summary += " " + cls + " " + std::to_string(n) + ";";
    std::cerr << summary << "\n";
    WARN(summary);
    CHECK(failures == 0);
    CHECK(classes["exit 0"] > 0);
    CHECK(classes["exit 2"] > 0);
}
