#include "sim/cli/sweep_settings.hpp"

#include "sim/config/config_tree.hpp"
#include "sim/report/output.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace fusesim {

namespace {

constexpr const char* kSettingsFile = ".fusesim-sweep.config";

// The first line where the two texts differ, 1-based, with both versions of it.
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream sa(a), sb(b);
    std::string la, lb;
    for (int line = 1;; ++line) {
        const bool more_a = static_cast<bool>(std::getline(sa, la));
        const bool more_b = static_cast<bool>(std::getline(sb, lb));
        if (!more_a && !more_b) return "";
        if (!more_a) la = "(nothing)";
        if (!more_b) lb = "(nothing)";
        if (la != lb || !more_a || !more_b)
            return "line " + std::to_string(line) + " of the resolved config was '" + la +
                   "', is now '" + lb + "'";
    }
}

} // namespace

void check_sweep_settings(const std::string& dir, const std::string& resolved, bool has_results) {
    const std::string path = (fs::path(dir) / kSettingsFile).string();
    std::error_code ec;
    const bool recorded = fs::is_regular_file(fs::symlink_status(path, ec));
    std::string before;
    if (recorded) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        before = text.str();
    }
    if (recorded && before == resolved) return;
    if (recorded && has_results)
        throw ConfigError("'" + dir + "' holds the results of a sweep with other settings (" +
                          first_difference(before, resolved) +
                          "): resuming would mix the two in one results.csv; choose another "
                          "folder with -o, or delete this one to start again");
    write_file_atomic(path, resolved);
}

} // namespace fusesim
