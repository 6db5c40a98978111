// The engine's pieces on their own, without SystemC: the plan's reader index, on-chip rule and
// spatial mapping; the memory manager behind acquire/release; the recorder's statistics.
#include "sim/engine/memory.hpp"
#include "sim/engine/recorder.hpp"
#include "sim/engine/tile_cost.hpp"
#include "workloads/graph/workload.hpp"

#include <catch2/catch.hpp>

using namespace fusesim;

namespace {

// y[l,d] = x[l,d]·x[l,d] then z[l,d] = y[l,d] + x[l,d], l = 4 split into 2 tiles, d = 8, fp32.
Workload two_ops() {
    Workload w;
    w.name = "test";
    WorkloadBuilder b(w);
    b.dim("l", 4);
    b.dim("d", 8);
    b.declare("x", TensorRole::Input);
    b.add("scale", "y[l,d] = x[l,d] * x[l,d]", "test", "");
    b.add("add", "z[l,d] = y[l,d] + x[l,d]", "test", "");
    w.finalize();
    return w;
}

MappingSpec split_l(bool fused) {
    MappingSpec m;
    m.default_rule.split["l"] = 2;
    if (fused) m.groups.push_back({{"scale", "add"}, true});
    return m;
}

HardwareSpec one_core(int64_t sram) {
    HardwareSpec hw = default_cpo_table({});
    hw.core.sram_bytes = sram;
    return hw;
}

// The produced chunk of operator `op` read by tile `t`, or -1.
int produced_input(const TilePlan& p, const Tile& t, int op) {
    for (uint32_t r = t.in_begin; r < t.in_end; ++r)
        if (p.chunks[p.inputs[r].chunk].producer_op == op) return p.inputs[r].chunk;
    return -1;
}

} // namespace

TEST_CASE("The plan indexes the readers of every chunk in issue order", "[engine][plan]") {
    const Workload w = two_ops();
    const TilePlan p = build_plan_for(w, split_l(true), one_core(1 << 20), 1);
    REQUIRE(p.tiles.size() == 4);
    REQUIRE(p.readers.first.size() == p.chunks.size() + 1);
    uint32_t refs = 0;
    for (size_t c = 0; c < p.chunks.size(); ++c) {
        const int chunk = static_cast<int>(c);
        CHECK(p.readers.count(chunk) == static_cast<uint32_t>(p.chunks[c].consumers));
        refs += p.readers.count(chunk);
        for (const int* t = p.readers.begin(chunk); t != p.readers.end(chunk); ++t) {
            if (t + 1 != p.readers.end(chunk)) CHECK(*t < *(t + 1));
            bool reads = false;
            for (uint32_t r = p.tiles[*t].in_begin; r < p.tiles[*t].in_end; ++r)
                reads = reads || p.inputs[r].chunk == chunk;
            CHECK(reads);
        }
    }
    CHECK(refs == p.inputs.size());
}

TEST_CASE("A chunk is read on chip only by its own on-chip group", "[engine][plan]") {
    const Workload w = two_ops();
    const HardwareSpec hw = one_core(1 << 20);
    const TilePlan fused = build_plan_for(w, split_l(true), hw, 1);
    const TilePlan apart = build_plan_for(w, split_l(false), hw, 1);
    for (const TilePlan* p : {&fused, &apart}) {
        int checked = 0;
        for (const Tile& t : p->tiles) {
            if (w.ops[t.op].name != "add") continue;
            const int y = produced_input(*p, t, w.op_index("scale"));
            REQUIRE(y >= 0);
            CHECK(p->read_on_chip(y, t) == (p == &fused));
            CHECK(p->chunks[y].writeback == (p != &fused));
            // x comes from DRAM in both: never an on-chip read.
            for (uint32_t r = t.in_begin; r < t.in_end; ++r)
                if (p->chunks[p->inputs[r].chunk].producer_op < 0)
                    CHECK_FALSE(p->read_on_chip(p->inputs[r].chunk, t));
            ++checked;
        }
        CHECK(checked == 2);
    }
    // Copies read from DRAM serve a fused group as one owner, unfused operators each their own.
    CHECK(fused.cache_owner(fused.tiles[0]) == fused.cache_owner(fused.tiles[1]));
    CHECK(apart.cache_owner(apart.tiles[0]) != apart.cache_owner(apart.tiles.back()));
}

TEST_CASE("The spatial mapping is resolved when the plan is built", "[engine][plan]") {
    const Workload w = two_ops();
    MappingSpec m = split_l(false);
    m.spatial["add"] = {"d", "l"};
    int asked = 0;
    const TilePlan p = build_tile_plan(w, m, 1, 1, [&](const Coords& e) {
        ++asked;
        CHECK(e.size() == 2);
        return SpatialMapping{0, 1};
    });
    REQUIRE(p.spatial.size() == 2);
    CHECK(asked == 1); // only the operator the mapping leaves open
    const int add = w.op_index("add"), scale = w.op_index("scale");
    CHECK(p.spatial[add].row_dim == w.ops[add].dim_index("d"));
    CHECK(p.spatial[add].col_dim == w.ops[add].dim_index("l"));
    CHECK(p.spatial[scale].row_dim == 0);
    CHECK(p.spatial[scale].col_dim == 1);
}

TEST_CASE("Memory: an acquired chunk is never evicted and release frees it", "[engine][memory]") {
    const Workload w = two_ops();
    const HardwareSpec hw = one_core(64);
    const TilePlan p = build_plan_for(w, split_l(true), hw, 1);
    SimOptions options;
    Recorder rec(w, hw, p, options);
    MemoryManager mem(p, 1, 64, rec);
    // The first tile of `scale` produces a 64-byte chunk (2 rows × 8 × 4 bytes).
    const Tile& t0 = p.tiles[0];
    REQUIRE(w.ops[t0.op].name == "scale");
    const int out = t0.out_chunk;
    REQUIRE(p.chunks[out].bytes == 64);
    mem.place(out, 0, 10);
    mem.acquire(out);
    CHECK(mem.used(0) == 64);
    CHECK(mem.state(out).core == 0);
    std::vector<int> written;
    auto wb = [&](int c) { written.push_back(c); };
    // Pinned (and incomplete): nothing can make room.
    CHECK_FALSE(mem.make_room(0, 4, {}, wb, 11, true));
    CHECK(mem.release_write(out)); // its only producer is done: complete
    CHECK(mem.state(out).pins == 0);
    // Complete, unpinned, read later by its own group: evictable, dirty, so written back.
    CHECK(mem.make_room(0, 4, {}, wb, 12, true));
    CHECK(written == std::vector<int>{out});
    CHECK(mem.state(out).core == -1);
    CHECK(mem.state(out).evicted);
    CHECK(mem.used(0) == 0);
    CHECK(mem.peak(0) == 64);
    CHECK(mem.evictions() == 1);
    CHECK(mem.evicted_bytes() == 64);
    // The recorder saw every occupancy change.
    TimingResult r;
    rec.fill(r);
    REQUIRE(r.occupancy.size() == 2);
    CHECK(r.occupancy[0].cycle == 10);
    CHECK(r.occupancy[0].bytes == 64);
    CHECK(r.occupancy[1].cycle == 12);
    CHECK(r.occupancy[1].bytes == 0);
}

TEST_CASE("Memory: a chunk read by all its readers is dropped", "[engine][memory]") {
    const Workload w = two_ops();
    const HardwareSpec hw = one_core(1 << 20);
    const TilePlan p = build_plan_for(w, split_l(true), hw, 1);
    SimOptions options;
    Recorder rec(w, hw, p, options);
    MemoryManager mem(p, 1, 1 << 20, rec);
    const Tile& producer = p.tiles[0];
    const int y = producer.out_chunk;
    mem.place(y, 0, 5);
    mem.acquire(y);
    REQUIRE(mem.release_write(y));
    mem.release_if_done(y, 6);
    CHECK(mem.state(y).core == 0); // still to be read on chip by `add`
    for (const int* t = p.readers.begin(y); t != p.readers.end(y); ++t) {
        mem.acquire(y);
        mem.release_read(y, p.tiles[*t], true);
    }
    CHECK(mem.state(y).consumers_left == 0);
    CHECK(mem.state(y).local_left == 0);
    mem.release_if_done(y, 9);
    CHECK(mem.state(y).core == -1);
    CHECK(mem.used(0) == 0);
}

TEST_CASE("The recorder attributes stalls and merges back-to-back slices", "[engine][recorder]") {
    const Workload w = two_ops();
    const HardwareSpec hw = one_core(1 << 20);
    const TilePlan p = build_plan_for(w, split_l(false), hw, 1);
    SimOptions options;
    Recorder rec(w, hw, p, options);
    // Tiles 0 and 1 are the two tiles of `scale` (unfused: one operator after the other).
    REQUIRE(p.tiles[0].op == p.tiles[1].op);
    const Tile& a = p.tiles[0];
    rec.fetch_started(a, 0, 128, 0, 0);
    // Idle 0..100: held by SRAM until the fetch began at 40, then by the fetch.
    const Recorder::IdleSplit first =
        rec.compute_started(0, 0, 100, 16, 40, 0, Recorder::Idle::Memory, false, false);
    CHECK(first.memory == 40);
    CHECK(first.dram == 60); // its last bytes came from DRAM
    CHECK(first.noc == 0);
    rec.compute_done(a, 116);
    // Right behind it, no idle time: one timeline slice.
    const Recorder::IdleSplit second =
        rec.compute_started(1, 0, 116, 16, 90, 116, Recorder::Idle::Dependency, false, true);
    CHECK(second.dram + second.noc + second.memory + second.dependency == 0);
    rec.compute_done(p.tiles[1], 132);
    TimingResult r;
    rec.fill(r);
    const GroupStats& g = r.groups[a.group];
    CHECK(g.stall_memory == 40);
    CHECK(g.stall_fetch == 60);
    CHECK(g.stall_dependency == 0);
    CHECK(g.first_start == 0);
    CHECK(g.last_end == 132);
    CHECK(r.ops[a.op].tiles == 2);
    CHECK(r.ops[a.op].compute_cycles == 32);
    CHECK(r.ops[a.op].read_bytes == 128);
    CHECK(r.dram_read_bytes == 128);
    // Busy cycles are each core's own count (ModuleStats), tested in test_hw_modules.cpp.
    CHECK(r.core_busy.empty());
    CHECK(r.cycles == 132);
    REQUIRE(r.timeline.size() == 1);
    CHECK(r.timeline[0].start == 100);
    CHECK(r.timeline[0].end == 132);
}
