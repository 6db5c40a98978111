#include "hw/modules/dram_channel.hpp"

#include <algorithm>

namespace fusesim {

DramChannel::DramChannel(sc_core::sc_module_name name, double bytes_per_cycle,
                         uint64_t latency_cycles, const RowBufferSpec& rows)
    : SharedPort(name, bytes_per_cycle,
                 latency_cycles + (rows.row_bytes > 0 ? rows.hit_cycles : 0)),
      row_spec_(rows) {}

// Rows of [local, local + bytes): the first is a hit when it is the open row and no other part
// is under way on the channel (a concurrent stream keeps its own row open between this part's
// accesses); every further row is a miss. The last row touched stays open.
uint64_t DramChannel::row_misses(uint64_t local, int64_t bytes) {
    if (row_spec_.row_bytes <= 0 || bytes <= 0) return 0;
    const auto r = static_cast<uint64_t>(row_spec_.row_bytes);
    const auto first = static_cast<int64_t>(local / r);
    const auto last = static_cast<int64_t>((local + static_cast<uint64_t>(bytes) - 1) / r);
    const bool hit = first == open_row_ && idle();
    const auto misses = static_cast<uint64_t>(last - first) + (hit ? 0 : 1);
    rows_.hits += hit ? 1 : 0;
    rows_.misses += misses;
    open_row_ = last;
    return misses;
}

void DramChannel::access(uint64_t local, int64_t bytes, Done done) {
    const uint64_t misses = row_misses(local, bytes);
    const uint64_t penalty =
        row_spec_.miss_cycles - std::min(row_spec_.miss_cycles, row_spec_.hit_cycles);
    const double work =
        static_cast<double>(bytes) + static_cast<double>(misses * penalty) * bytes_per_cycle();
    transfer_work(bytes, work, std::move(done));
}

} // namespace fusesim
