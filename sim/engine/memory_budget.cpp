#include "sim/engine/memory_budget.hpp"

#include "workloads/plan/tile_plan.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

namespace fusesim {

namespace {

std::string with_commas(double v) {
    std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

// The cgroup v2 limit of this process (memory.max), 0 if none or unreadable.
int64_t cgroup_limit() {
    std::ifstream in("/sys/fs/cgroup/memory.max");
    std::string text;
    if (!(in >> text) || text == "max") return 0;
    try {
        return std::stoll(text);
    } catch (const std::exception&) {
        return 0;
    }
}

} // namespace

std::string approx_bytes(double bytes) {
    static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int u = 0;
    while (bytes >= 1024 && u < 6) {
        bytes /= 1024;
        ++u;
    }
    if (bytes >= 1e6) return "more than 1024 EiB"; // a size past any machine
    char buf[48];
    std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", bytes, units[u]);
    return buf;
}

MemoryEstimate estimate_run_memory(const Workload& w, const MappingSpec& m, const HardwareSpec& hw,
                                   int layers, bool timeline, double limit,
                                   double timeline_slices) {
    MemoryEstimate e;
    const double cores = static_cast<double>(hw.cores);
    auto total = [&](const PlanCount& pc) {
        // Slices merge runs of tiles of one operator on one core: at most one per tile.
        const double slices = timeline ? std::min(pc.tiles, timeline_slices) : 0;
        e.tiles = pc.tiles;
        e.input_refs = pc.input_refs;
        e.bytes = kBaseBytes + pc.tiles * kBytesPerTile + pc.input_refs * kBytesPerRef +
                  cores * kBytesPerCore + slices * kTimelineBytesPerSlice;
        e.detail = with_commas(pc.tiles) + " tiles × " + with_commas(kBytesPerTile) + " B + " +
                   (pc.input_refs > 0 ? with_commas(pc.input_refs) + " tile reads × " +
                                            with_commas(kBytesPerRef) + " B + "
                                      : "") +
                   with_commas(cores) + (hw.cores == 1 ? " core" : " cores") + " × " +
                   approx_bytes(kBytesPerCore) +
                   (timeline ? " + " + with_commas(slices) + " timeline slices × " +
                                   with_commas(kTimelineBytesPerSlice) + " B"
                             : "") +
                   " + " + approx_bytes(kBaseBytes);
    };
    total(count_plan(w, m, layers, 0, hw.cores));
    if (e.bytes <= limit) {
        total(count_plan(w, m, layers, 64, hw.cores));
        e.reads_counted = true;
    }
    return e;
}

int64_t default_memory_limit(std::string* why) {
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    const double physical = pages > 0 && page > 0 ? double(pages) * double(page) : 8.0 * (1 << 30);
    double limit = physical / 2;
    std::string reason = "half of this machine's " + approx_bytes(physical);
    rlimit as{};
    if (getrlimit(RLIMIT_AS, &as) == 0 && as.rlim_cur != RLIM_INFINITY &&
        double(as.rlim_cur) * 0.75 < limit) {
        limit = double(as.rlim_cur) * 0.75;
        reason =
            "3/4 of the address-space limit (ulimit -v) of " + approx_bytes(double(as.rlim_cur));
    }
    const int64_t cg = cgroup_limit();
    if (cg > 0 && double(cg) * 0.75 < limit) {
        limit = double(cg) * 0.75;
        reason = "3/4 of the cgroup's memory.max of " + approx_bytes(double(cg));
    }
    if (why) *why = reason;
    return static_cast<int64_t>(limit);
}

namespace {
int64_t process_requested = 0;
int process_share = 1;
} // namespace

void set_process_memory_limit(int64_t requested, int share) {
    process_requested = requested;
    process_share = std::max(share, 1);
}

std::string reads_problem(const MemoryEstimate& e) {
    if (e.input_refs <= kMaxPlanReads) return "";
    return "the tiles would read chunks about " + with_commas(e.input_refs) +
           " times (at most 2,000,000,000, whatever the memory limit): use larger tiles "
           "(mapping.tiling), or a smaller workload.batch or seq_len";
}

int64_t memory_limit(int64_t requested, int share, std::string* why) {
    if (requested <= 0 && share <= 1) {
        requested = process_requested;
        share = process_share;
    }
    if (requested > 0) {
        if (why) *why = "set by --max-memory";
        return requested;
    }
    std::string reason;
    const int64_t limit = default_memory_limit(&reason) / std::max(share, 1);
    if (why)
        *why = share > 1 ? reason + ", shared by " + std::to_string(share) + " points at a time"
                         : reason;
    return limit;
}

std::string memory_problem(const MemoryEstimate& e, int64_t limit, const std::string& why,
                           bool all_layers) {
    if (e.bytes <= static_cast<double>(limit)) return "";
    return "this run would need " + std::string(e.reads_counted ? "about " : "at least ") +
           approx_bytes(e.bytes) + " of memory (" + e.detail + "), more than the limit of " +
           approx_bytes(static_cast<double>(limit)) + " (" +
           (why.empty() ? "--max-memory SIZE changes it"
            : why.find("--max-memory") != std::string::npos
                ? why
                : why + "; --max-memory SIZE changes it") +
           "): " + (all_layers ? "simulate one layer (simulation.layers: one), " : "") +
           "use larger tiles (mapping.tiling), a shorter workload.seq_len or batch, or fewer "
           "cores";
}

} // namespace fusesim
