#include "hw/modules/noc_dram_path.hpp"

#include "hw/cost/noc_route.hpp"

#include <memory>

namespace fusesim {

namespace {
struct Join {
    int left = 0;
    TransferBackend::Done done;
    void arrive() {
        if (--left == 0 && done) done();
    }
};
} // namespace

void NocDramPath::transfer(const Transfer& t, Done done) {
    const std::vector<int64_t> parts = dram_channel_bytes(dram_spec_, t.address, t.bytes);
    auto join = std::make_shared<Join>();
    join->done = std::move(done);
    join->left = 1;
    for (int64_t b : parts) join->left += b > 0 ? 1 : 0;
    dram_.transfer(t, [join] { join->arrive(); });
    const bool read = t.src == kDramEndpoint;
    const int core = read ? t.dst : t.src;
    for (size_t c = 0; c < parts.size(); ++c) {
        if (parts[c] <= 0) continue;
        const int at = noc_channel_router(noc_.dram_routers(), static_cast<int64_t>(c));
        byte_hops_ += parts[c] * interconnect_hops(hw_, at, core);
        noc_.send(read ? at : core, read ? core : at, parts[c], [join] { join->arrive(); });
    }
}

} // namespace fusesim
