#include "hw/modules/noc_dram_path.hpp"

namespace fusesim {

void NocDramPath::transfer(const Transfer& t, Done done) {
    dram_channel_bytes(dram_spec_, t.address, t.bytes, parts_);
    const std::vector<int64_t>& parts = parts_;
    int left = 1;
    for (int64_t b : parts) left += b > 0 ? 1 : 0;
    const int join = joins_.open(left, std::move(done));
    dram_.transfer(t, joins_.part(join));
    const bool read = t.src == kDramEndpoint;
    const int core = read ? t.dst : t.src;
    for (size_t c = 0; c < parts.size(); ++c) {
        if (parts[c] <= 0) continue;
        const int at = noc_channel_router(noc_.dram_routers(), static_cast<int64_t>(c));
        byte_hops_ += parts[c] * hops_(at, core);
        noc_.send(read ? at : core, read ? core : at, parts[c], joins_.part(join));
    }
}

} // namespace fusesim
