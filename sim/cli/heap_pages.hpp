// How the simulator's heap gets its pages (README "Benchmark"). A full-model plan touches up to
// ~1 GB; with 4 KiB pages that is ~300,000 page faults and as many TLB entries, and a page fault
// costs several µs on a VM.
// - Huge pages: glibc backs its heap with transparent huge pages when the tunable
//   glibc.malloc.hugetlb=1 is set (glibc ≥ 2.35), but reads tunables only when a process starts,
//   so main() re-executes the binary once with it set. Where the kernel's THP mode is not
//   `madvise` the tunable changes nothing, and no re-execution happens.
// glibc's other malloc settings stay at their defaults: setting any of them by mallopt turns off
// its adaptive mmap threshold, and the ones tried (a 32 MiB threshold, a 64 MiB top pad, no
// trimming) raised the peak footprint by up to 20 % (above the run's memory estimate) for a
// gain lost in the noise of a shared machine.
#pragma once

#include <optional>
#include <string>

namespace fusesim {

// The mode in brackets of /sys/kernel/mm/transparent_hugepage/enabled ("always [madvise]
// never" → "madvise"), or "" when there is none.
std::string thp_mode(const std::string& sysfs_text);

// The GLIBC_TUNABLES value to re-execute with, given the current one (nullptr: unset) and the
// THP mode; nullopt when nothing is to gain: the mode is not `madvise`, or the caller already
// chose a glibc.malloc.hugetlb value (re-execution then never repeats).
std::optional<std::string> huge_page_tunables(const char* current, const std::string& mode);

// Re-executes /proc/self/exe with the same arguments and huge pages asked for, when
// huge_page_tunables says so; returns (and the run goes on with small pages) if it cannot.
void reexec_with_huge_pages(char* argv[]);

} // namespace fusesim
