#include "sim/cli/heap_pages.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

#include <unistd.h>

namespace fusesim {

std::string thp_mode(const std::string& sysfs_text) {
    const auto open = sysfs_text.find('[');
    const auto close = sysfs_text.find(']', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return "";
    return sysfs_text.substr(open + 1, close - open - 1);
}

std::optional<std::string> huge_page_tunables(const char* current, const std::string& mode) {
    if (mode != "madvise") return std::nullopt;
    const std::string set = current ? current : "";
    if (set.find("glibc.malloc.hugetlb") != std::string::npos) return std::nullopt;
    return set.empty() ? "glibc.malloc.hugetlb=1" : set + ":glibc.malloc.hugetlb=1";
}

void reexec_with_huge_pages(char* argv[]) {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const auto tunables = huge_page_tunables(std::getenv("GLIBC_TUNABLES"), thp_mode(text));
    if (!tunables) return;
    if (::setenv("GLIBC_TUNABLES", tunables->c_str(), 1) != 0) return;
    ::execv("/proc/self/exe", argv); // no shell: the same binary, the same arguments
    // Only reached when execv failed: run on as we are (the variable keeps us from retrying in
    // child processes, which would fail the same way).
}

} // namespace fusesim
