#include "hw/cost/noc_route.hpp"

#include <algorithm>
#include <cstdlib>

namespace fusesim {

bool is_noc(const std::string& topology) {
    return topology == "mesh" || topology == "ring";
}

int noc_routers(const HardwareSpec& hw) {
    return static_cast<int>(hw.cores);
}

std::vector<int> noc_route(const HardwareSpec& hw, int src, int dst) {
    std::vector<int> path;
    noc_route(hw, src, dst, path);
    return path;
}

void noc_route(const HardwareSpec& hw, int src, int dst, std::vector<int>& path) {
    path.assign(1, src);
    if (hw.interconnect.topology == "mesh") {
        const int cols = static_cast<int>(std::max<int64_t>(1, hw.interconnect.cols));
        int r = src / cols, c = src % cols;
        const int dr = dst / cols, dc = dst % cols;
        while (c != dc) {
            c += c < dc ? 1 : -1;
            path.push_back(r * cols + c);
        }
        while (r != dr) {
            r += r < dr ? 1 : -1;
            path.push_back(r * cols + c);
        }
        return;
    }
    const int n = noc_routers(hw);
    const int cw = ((dst - src) % n + n) % n;
    const int step = cw <= n - cw ? 1 : n - 1; // clockwise, or counter-clockwise (−1 mod n)
    for (int at = src; at != dst;) {
        at = (at + step) % n;
        path.push_back(at);
    }
}

HopCount::HopCount(const HardwareSpec& hw)
    : kind_(hw.interconnect.topology == "mesh"   ? Kind::Mesh
            : hw.interconnect.topology == "ring" ? Kind::Ring
                                                 : Kind::Link),
      cols_(static_cast<int>(std::max<int64_t>(1, hw.interconnect.cols))),
      routers_(noc_routers(hw)) {}

int HopCount::operator()(int src, int dst) const {
    // A bus or p2p link, or DRAM as an endpoint: one link (energy.hpp's interconnect_hops).
    if (kind_ == Kind::Link || src < 0 || dst < 0) return src == dst ? 0 : 1;
    if (kind_ == Kind::Mesh)
        return std::abs(src / cols_ - dst / cols_) + std::abs(src % cols_ - dst % cols_);
    const int cw = ((dst - src) % routers_ + routers_) % routers_;
    return std::min(cw, routers_ - cw);
}

std::vector<int> noc_dram_routers(const HardwareSpec& hw) {
    if (!hw.interconnect.dram_routers.empty()) return hw.interconnect.dram_routers;
    if (hw.interconnect.topology != "mesh") return {0};
    const int cols = static_cast<int>(std::max<int64_t>(1, hw.interconnect.cols));
    const int rows = static_cast<int>(std::max<int64_t>(1, hw.interconnect.rows));
    std::vector<int> out;
    for (int r = 0; r < rows; ++r) {
        out.push_back(r * cols);
        if (cols > 1) out.push_back(r * cols + cols - 1);
    }
    return out;
}

int noc_channel_router(const std::vector<int>& dram_routers, int64_t channel) {
    return dram_routers[static_cast<size_t>(channel) % dram_routers.size()];
}

int interconnect_hops(const HardwareSpec& hw, int src, int dst) {
    return HopCount(hw)(src, dst);
}

} // namespace fusesim
