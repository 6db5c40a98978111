// The layout rules of README "Layout", checked on the source tree: every source file is in a stage
// folder, under 400 lines, and includes only from its own stage or an earlier one; no two headers
// include each other, directly or through others.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

// The stages in the order data flows through them (README "Layout").
const std::vector<std::string> kStages = {"workloads/vocab", "workloads/graph", "workloads/models",
                                          "workloads/plan",  "hw/cost",         "hw/modules",
                                          "sim/engine",      "sim/analytic",    "sim/config",
                                          "sim/report",      "sim/cli",         "sim/python"};

// Index of the stage that holds `path` (relative to the repository), or -1.
int stage_of(const std::string& path) {
    for (size_t i = 0; i < kStages.size(); ++i)
        if (path.rfind(kStages[i] + "/", 0) == 0) return static_cast<int>(i);
    return -1;
}

// The file named by `#include "..."` on this line, or "" (no <regex>: GCC 12 warns falsely inside
// it under the sanitizers).
std::string quoted_include(const std::string& line) {
    size_t i = line.find_first_not_of(" \t");
    if (i == std::string::npos || line[i] != '#') return "";
    i = line.find_first_not_of(" \t", i + 1);
    if (i == std::string::npos || line.compare(i, 7, "include") != 0) return "";
    const size_t open = line.find_first_not_of(" \t", i + 7);
    if (open == std::string::npos || line[open] != '"') return "";
    const size_t close = line.find('"', open + 1);
    return close == std::string::npos ? "" : line.substr(open + 1, close - open - 1);
}

struct SourceFile {
    std::string path; // relative to the repository
    int lines = 0;
    std::vector<std::string> includes; // project includes, relative to the repository
};

std::vector<SourceFile> project_sources() {
    std::vector<SourceFile> files;
    const fs::path root = FUSESIM_SOURCE_DIR;
    for (const char* top : {"workloads", "hw", "sim"}) {
        for (const auto& entry : fs::recursive_directory_iterator(root / top)) {
            const std::string ext = entry.path().extension().string();
            if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
            SourceFile f;
            f.path = fs::relative(entry.path(), root).generic_string();
            std::ifstream in(entry.path());
            std::string line;
            while (std::getline(in, line)) {
                ++f.lines;
                if (const std::string inc = quoted_include(line); !inc.empty())
                    f.includes.push_back(inc);
            }
            files.push_back(f);
        }
    }
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return files;
}

} // namespace

TEST_CASE("Every source file is in a stage folder and under 400 lines", "[layout]") {
    const auto files = project_sources();
    REQUIRE(files.size() > 50); // the tree was found
    for (const auto& f : files) {
        INFO(f.path << ": " << f.lines << " lines");
        CHECK(stage_of(f.path) >= 0);
        CHECK(f.lines <= 400);
    }
}

TEST_CASE("Includes go from a later stage to an earlier one only", "[layout]") {
    for (const auto& f : project_sources()) {
        for (const auto& inc : f.includes) {
            INFO(f.path << " includes " << inc);
            const int to = stage_of(inc);
            CHECK(to >= 0);
            CHECK(to <= stage_of(f.path));
            CHECK(fs::exists(fs::path(FUSESIM_SOURCE_DIR) / inc));
        }
    }
}

TEST_CASE("No header includes itself through others", "[layout]") {
    std::map<std::string, std::vector<std::string>> graph;
    for (const auto& f : project_sources())
        if (f.path.size() > 4 && f.path.substr(f.path.size() - 4) == ".hpp")
            graph[f.path] = f.includes;
    // Depth-first search with colours: reaching a header still on the stack is a cycle.
    std::map<std::string, int> colour; // 0 new, 1 on the stack, 2 done
    std::vector<std::string> stack, cycle;
    std::function<bool(const std::string&)> visit = [&](const std::string& h) {
        colour[h] = 1;
        stack.push_back(h);
        for (const auto& next : graph[h]) {
            if (colour[next] == 1) {
                cycle.assign(std::find(stack.begin(), stack.end(), next), stack.end());
                cycle.push_back(next);
                return true;
            }
            if (colour[next] == 0 && visit(next)) return true;
        }
        stack.pop_back();
        colour[h] = 2;
        return false;
    };
    bool found = false;
    for (const auto& [h, incs] : graph)
        if (!found && colour[h] == 0) found = visit(h);
    std::string shown;
    for (const auto& h : cycle) shown += (shown.empty() ? "" : " -> ") + h;
    INFO("include cycle: " << shown);
    CHECK_FALSE(found);
}
