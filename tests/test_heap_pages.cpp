// The re-execution with huge pages (sim/cli/heap_pages.hpp): when it happens and with what.
#include "sim/cli/heap_pages.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;

TEST_CASE("thp_mode reads the bracketed mode of the sysfs file", "[heap_pages]") {
    CHECK(thp_mode("always [madvise] never\n") == "madvise");
    CHECK(thp_mode("[always] madvise never\n") == "always");
    CHECK(thp_mode("always madvise [never]\n") == "never");
    CHECK(thp_mode("") == ""); // no such file (not Linux, no sysfs)
    CHECK(thp_mode("always madvise never") == "");
}

TEST_CASE("huge_page_tunables asks for huge pages only where it changes something",
          "[heap_pages]") {
    // madvise: glibc's heap gets huge pages only when it asks; the caller's other tunables stay.
    CHECK(huge_page_tunables(nullptr, "madvise") ==
          std::optional<std::string>("glibc.malloc.hugetlb=1"));
    CHECK(huge_page_tunables("", "madvise") ==
          std::optional<std::string>("glibc.malloc.hugetlb=1"));
    CHECK(huge_page_tunables("glibc.malloc.top_pad=0", "madvise") ==
          std::optional<std::string>("glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1"));
    // A value the caller chose (0 opts out) is kept, and the re-executed process, whose variable
    // now names the tunable, does not re-execute again.
    CHECK_FALSE(huge_page_tunables("glibc.malloc.hugetlb=0", "madvise"));
    CHECK_FALSE(huge_page_tunables("glibc.malloc.hugetlb=1", "madvise"));
    CHECK_FALSE(huge_page_tunables("glibc.malloc.top_pad=0:glibc.malloc.hugetlb=1", "madvise"));
    // always: every large mapping already gets huge pages; never: none can.
    CHECK_FALSE(huge_page_tunables(nullptr, "always"));
    CHECK_FALSE(huge_page_tunables(nullptr, "never"));
    CHECK_FALSE(huge_page_tunables(nullptr, ""));
}
