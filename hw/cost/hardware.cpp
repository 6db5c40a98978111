#include "hw/cost/hardware.hpp"

#include <algorithm>
#include <cmath>

namespace fusesim {

double HardwareSpec::peak_ops_per_cycle(OpKind kind) const {
    const int64_t c = cpo[static_cast<int>(kind)];
    return c > 0 ? static_cast<double>(total_pes()) / static_cast<double>(c) : 0.0;
}

HardwareSpec default_cpo_table(HardwareSpec hw) {
    hw.cpo.fill(1);
    hw.cpo[static_cast<int>(OpKind::View)] = 0;
    return hw;
}

namespace {
int64_t ceil_div(int64_t a, int64_t b) {
    return (a + b - 1) / b;
}
} // namespace

uint64_t tile_cycles(const CoreSpec& core, int64_t cpo, const Coords& extents,
                     const SpatialMapping& mapping) {
    if (cpo == 0) return 0;
    int64_t steps = 1;
    for (size_t d = 0; d < extents.size(); ++d) {
        const int64_t e = extents[d];
        if (e <= 0) return 0;
        if (static_cast<int>(d) == mapping.row_dim)
            steps *= ceil_div(e, core.pe_rows);
        else if (static_cast<int>(d) == mapping.col_dim)
            steps *= ceil_div(e, core.pe_cols);
        else
            steps *= e;
    }
    return static_cast<uint64_t>(steps * cpo);
}

SpatialMapping best_mapping(const CoreSpec& core, const Coords& extents) {
    const int n = static_cast<int>(extents.size());
    SpatialMapping best;
    uint64_t best_cycles = tile_cycles(core, 1, extents, best);
    for (int r = -1; r < n; ++r)
        for (int c = -1; c < n; ++c) {
            if (r == c) continue;
            SpatialMapping m{r, c};
            const uint64_t cyc = tile_cycles(core, 1, extents, m);
            if (cyc < best_cycles) {
                best_cycles = cyc;
                best = m;
            }
        }
    return best;
}

double spatial_utilization(const CoreSpec& core, const Coords& extents,
                           const SpatialMapping& mapping) {
    int64_t ops = 1;
    for (int64_t e : extents) ops *= e;
    const uint64_t steps = tile_cycles(core, 1, extents, mapping);
    if (steps == 0) return 0.0;
    return static_cast<double>(ops) /
           (static_cast<double>(steps) * static_cast<double>(core.pes()));
}

uint64_t transfer_cycles(int64_t bytes, double bytes_per_cycle) {
    if (bytes <= 0 || bytes_per_cycle <= 0) return 0;
    return static_cast<uint64_t>(std::ceil(static_cast<double>(bytes) / bytes_per_cycle));
}

std::vector<int64_t> dram_channel_bytes(const DramSpec& dram, uint64_t address, int64_t bytes) {
    std::vector<int64_t> out;
    dram_channel_bytes(dram, address, bytes, out);
    return out;
}

void dram_channel_bytes(const DramSpec& dram, uint64_t address, int64_t bytes,
                        std::vector<int64_t>& out) {
    const auto n = static_cast<uint64_t>(std::max<int64_t>(1, dram.channels));
    const auto g = static_cast<uint64_t>(std::max<int64_t>(1, dram.interleave_bytes));
    out.assign(n, 0);
    if (bytes <= 0) return;
    uint64_t left = static_cast<uint64_t>(bytes);
    uint64_t block = address / g;
    // The partial first block, then whole rounds over every channel, then the rest in order.
    const uint64_t head = std::min(left, g - address % g);
    out[block % n] += static_cast<int64_t>(head);
    left -= head;
    ++block;
    const uint64_t rounds = left / (g * n);
    if (rounds > 0)
        for (auto& b : out) b += static_cast<int64_t>(rounds * g);
    left -= rounds * g * n;
    for (; left > 0; ++block) {
        const uint64_t part = std::min(left, g);
        out[block % n] += static_cast<int64_t>(part);
        left -= part;
    }
}

uint64_t dram_channel_address(const DramSpec& dram, uint64_t address, int64_t channel) {
    const auto n = static_cast<uint64_t>(std::max<int64_t>(1, dram.channels));
    const auto g = static_cast<uint64_t>(std::max<int64_t>(1, dram.interleave_bytes));
    const uint64_t first = address / g, c = static_cast<uint64_t>(channel) % n;
    if (first % n == c) return first / n * g + address % g;
    const uint64_t block = first + (c + n - first % n) % n; // the channel's next block
    return block / n * g;
}

} // namespace fusesim
