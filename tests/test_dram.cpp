// DRAM channels, address interleaving and the open-page row buffer (hw/modules/dram.*,
// dram_channel.*), the DRAM address map (sim/engine/dram_address.*) and the `dram` config keys.
// Every figure is derived by hand in the comment above its check.
#include "hw/modules/dram.hpp"
#include "hw/modules/shared_port.hpp"
#include "sim/config/config_tree.hpp"
#include "sim/config/schema.hpp"
#include "sim/engine/dram_address.hpp"
#include "sim/engine/tile_cost.hpp"
#include "sim_fork.hpp"
#include "workloads/graph/workload.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

using namespace fusesim;
using Catch::Contains;
using fusesim::test::in_child;

namespace {

DramSpec spec(double bytes_per_cycle, int64_t channels, int64_t interleave) {
    DramSpec d;
    d.bytes_per_cycle = bytes_per_cycle;
    d.channels = channels;
    d.interleave_bytes = interleave;
    return d;
}

int64_t num(const std::map<std::string, std::string>& m, const std::string& key) {
    auto it = m.find(key);
    if (it == m.end()) FAIL("missing key " << key << (m.count("error") ? m.at("error") : ""));
    return std::stoll(it->second);
}

// One DRAM driven by a list of transfers: each starts at its `at` cycle, or (after >= 0) when
// transfer `after` is done. Returns each transfer's completion cycle (done<i>) and the
// statistics of the DRAM (dram.*) and of each channel (channel<c>.*).
struct Job {
    uint64_t address;
    int64_t bytes;
    uint64_t at = 0;
    int after = -1;
};

struct Driver : sc_core::sc_module {
    Dram dram;
    std::vector<Job> jobs;
    std::vector<uint64_t> done;
    sc_core::sc_event_queue started;
    SC_HAS_PROCESS(Driver);
    Driver(sc_core::sc_module_name n, const DramSpec& s, std::vector<Job> j)
        : sc_module(n), dram("dram", s), jobs(std::move(j)), done(jobs.size(), 0) {
        SC_THREAD(run);
    }
    void start(size_t i) {
        dram.transfer({jobs[i].bytes, kDramEndpoint, 0, jobs[i].address}, [this, i] {
            done[i] = now_cycles();
            for (size_t k = 0; k < jobs.size(); ++k)
                if (jobs[k].after == static_cast<int>(i)) start(k);
        });
    }
    void run() {
        uint64_t now = 0;
        for (size_t i = 0; i < jobs.size(); ++i) {
            if (jobs[i].after >= 0) continue;
            if (jobs[i].at > now) {
                wait(cycles_to_time(jobs[i].at - now));
                now = jobs[i].at;
            }
            start(i);
        }
    }
};

std::map<std::string, std::string> drive(const DramSpec& s, const std::vector<Job>& jobs) {
    return in_child([&](std::map<std::string, std::string>& out) {
        Driver d("top", s, jobs);
        sc_core::sc_start();
        for (size_t i = 0; i < jobs.size(); ++i)
            out["done" + std::to_string(i)] = std::to_string(d.done[i]);
        auto put = [&](const std::string& k, const ModuleStats& st) {
            out[k + ".bytes"] = std::to_string(st.bytes);
            out[k + ".busy"] = std::to_string(st.busy_cycles);
            out[k + ".transfers"] = std::to_string(st.transfers);
            out[k + ".stalls"] = std::to_string(st.stall_cycles);
        };
        put("dram", d.dram.stats());
        out["dram.hits"] = std::to_string(d.dram.rows().hits);
        out["dram.misses"] = std::to_string(d.dram.rows().misses);
        for (int c = 0; c < d.dram.channel_count(); ++c) {
            const std::string k = "channel" + std::to_string(c);
            put(k, d.dram.channel(c).stats());
            out[k + ".hits"] = std::to_string(d.dram.channel(c).rows().hits);
            out[k + ".misses"] = std::to_string(d.dram.channel(c).rows().misses);
            out[k + ".name"] = d.dram.channel(c).name();
        }
        out["in_flight"] = std::to_string(d.dram.bytes_in_flight());
    });
}

} // namespace

TEST_CASE("dram_channel_bytes splits a transfer over interleaved channels", "[dram]") {
    // 2 channels, 4096 B blocks, 8192 B from address 1000: [1000, 4096) is 3096 B of block 0
    // (channel 0), [4096, 8192) all of block 1 (channel 1), [8192, 9192) 1000 B of block 2
    // (channel 0): 4096 B each.
    CHECK(dram_channel_bytes(spec(1, 2, 4096), 1000, 8192) == std::vector<int64_t>{4096, 4096});
    // Whole rounds: 4 channels of 64 B blocks, 1024 B from 0 = 4 rounds of 64 B on each.
    CHECK(dram_channel_bytes(spec(1, 4, 64), 0, 1024) == std::vector<int64_t>{256, 256, 256, 256});
    // Offset start: 3 channels, 100 B blocks, 500 B from 250: 50 B of block 2 (channel 2), one
    // round of 100 B each (blocks 3..5 cover channels 0, 1, 2), then 100 B of block 6 (channel 0)
    // and 50 B of block 7 (channel 1): 200, 150, 150.
    CHECK(dram_channel_bytes(spec(1, 3, 100), 250, 500) == std::vector<int64_t>{200, 150, 150});
    // Inside one block: everything on that block's channel (block 5 of 3 channels: channel 2).
    CHECK(dram_channel_bytes(spec(1, 3, 100), 510, 20) == std::vector<int64_t>{0, 0, 20});
    CHECK(dram_channel_bytes(spec(1, 3, 100), 0, 0) == std::vector<int64_t>{0, 0, 0});
    // One channel takes everything.
    CHECK(dram_channel_bytes(spec(1, 1, 4096), 123, 99999) == std::vector<int64_t>{99999});
}

TEST_CASE("dram_channel_address gives the first byte's place in the channel", "[dram]") {
    // 3 channels, 100 B blocks, from address 250: block 2 is channel 2's local block 0 (2 div 3),
    // so channel 2 starts at local 0·100 + 50 = 50; channel 0's next block is 3 (local block 1:
    // 100), channel 1's is 4 (local block 1: 100).
    const DramSpec d = spec(1, 3, 100);
    CHECK(dram_channel_address(d, 250, 2) == 50);
    CHECK(dram_channel_address(d, 250, 0) == 100);
    CHECK(dram_channel_address(d, 250, 1) == 100);
    // Block 7 = local block 2 of channel 1: address 799 is local 2·100 + 99 = 299.
    CHECK(dram_channel_address(d, 799, 1) == 299);
    CHECK(dram_channel_address(spec(1, 1, 4096), 12345, 0) == 12345);
}

TEST_CASE("Two channels move a transfer of two blocks in half the time of one", "[dram]") {
    // 100 B/cycle over 2 channels = 50 B/cycle each, 1000 B blocks, latency 5 cycles.
    DramSpec d = spec(100, 2, 1000);
    d.latency_cycles = 5;
    // 2000 B from 0: 1000 B on each channel in parallel, 1000 / 50 = 20 cycles, + 5 = 25.
    auto r = drive(d, {{0, 2000}});
    CHECK(num(r, "done0") == 25);
    CHECK(num(r, "channel0.bytes") == 1000);
    CHECK(num(r, "channel1.bytes") == 1000);
    CHECK(num(r, "channel0.busy") == 20);
    CHECK(num(r, "channel1.busy") == 20);
    CHECK(num(r, "channel0.transfers") == 1);
    CHECK(num(r, "channel1.stalls") == 0);
    CHECK(num(r, "dram.transfers") == 1);
    CHECK(num(r, "dram.bytes") == 2000);
    CHECK(num(r, "dram.busy") == 20); // both channels busy over the same 20 cycles
    CHECK(num(r, "in_flight") == 0);
    CHECK(r.at("channel1.name") == "top.dram.channel1");
    // The same 2000 B on one channel of the same bandwidth (1 channel, 50 B/cycle): 40 + 5.
    DramSpec one = spec(50, 1, 1000);
    one.latency_cycles = 5;
    CHECK(num(drive(one, {{0, 2000}}), "done0") == 45);
}

TEST_CASE("Two transfers on the same channel share it and the other channel idles", "[dram]") {
    // 1000 B at 0 (block 0) and 1000 B at 2000 (block 2): both on channel 0 of 50 B/cycle,
    // 25 B/cycle each, so both arrive at 1000 / 25 = 40 cycles; all 40 busy cycles are shared.
    auto r = drive(spec(100, 2, 1000), {{0, 1000}, {2000, 1000}});
    CHECK(num(r, "done0") == 40);
    CHECK(num(r, "done1") == 40);
    CHECK(num(r, "channel0.busy") == 40);
    CHECK(num(r, "channel0.stalls") == 40);
    CHECK(num(r, "channel0.transfers") == 2);
    CHECK(num(r, "channel1.busy") == 0);
    CHECK(num(r, "channel1.transfers") == 0);
    CHECK(num(r, "dram.transfers") == 2);
    CHECK(num(r, "dram.stalls") == 40);
    // Channel 0 busy over [0, 20), channel 1 over [30, 50) (a 1000 B transfer at 1000 started at
    // cycle 30): the DRAM counts the union, 40 cycles, not 20 + 20 overlapping ones.
    auto u = drive(spec(100, 2, 1000), {{0, 1000}, {1000, 1000, 30}});
    CHECK(num(u, "done0") == 20);
    CHECK(num(u, "done1") == 50);
    CHECK(num(u, "dram.busy") == 40);
    CHECK(num(u, "dram.stalls") == 0);
}

TEST_CASE("One channel without a row buffer is the shared port it replaced", "[dram]") {
    // 1000 B at cycle 0 and 500 B at cycle 4 on 100 B/cycle, latency 3: alone 4 cycles (400 B),
    // then 50 B/cycle each: the 500 B one finishes at 4 + 10 = 14 (the first has 100 B left),
    // then the first alone: 100 B more by 15. Done at 14 + 3 = 17 and 15 + 3 = 18.
    DramSpec d = spec(100, 1, 4096);
    d.latency_cycles = 3;
    auto r = drive(d, {{0, 1000}, {777, 500, 4}});
    CHECK(num(r, "done1") == 17);
    CHECK(num(r, "done0") == 18);
    CHECK(num(r, "dram.busy") == 15);
    CHECK(num(r, "dram.stalls") == 10);
    CHECK(num(r, "dram.busy") == num(r, "channel0.busy"));
    CHECK(num(r, "channel0.hits") + num(r, "channel0.misses") == 0); // no row model
}

TEST_CASE("The row buffer charges a miss per new row and nothing for the open row", "[dram]") {
    // 1 channel of 64 B/cycle, rows of 1024 B, hit 10 cycles, miss 30: a miss occupies the
    // channel 20 cycles = 1280 byte-equivalents; every access waits 10 (latency 0).
    DramSpec d = spec(64, 1, 4096);
    d.row_bytes = 1024;
    d.row_hit_cycles = 10;
    d.row_miss_cycles = 30;
    // T0 [0, 2048): rows 0 and 1, none open: 2 misses; (2048 + 2·1280) / 64 = 72, + 10 = 82.
    // T1 after T0, [2048, 3072): row 2, row 1 open: 1 miss; (1024 + 1280) / 64 = 36, + 10:
    //   done at 82 + 46 = 128.
    // T2 after T1, [2560, 3072): row 2 again, open: a hit; 512 / 64 = 8, + 10: 128 + 18 = 146.
    auto r = drive(d, {{0, 2048}, {2048, 1024, 0, 0}, {2560, 512, 0, 1}});
    CHECK(num(r, "done0") == 82);
    CHECK(num(r, "done1") == 128);
    CHECK(num(r, "done2") == 146);
    CHECK(num(r, "channel0.misses") == 3);
    CHECK(num(r, "channel0.hits") == 1);
    CHECK(num(r, "dram.misses") == 3);
    CHECK(num(r, "channel0.busy") == 72 + 36 + 8); // misses occupy the channel, latency not
    CHECK(num(r, "channel0.bytes") == 3584);       // data bytes only
    CHECK(num(r, "channel0.stalls") == 0);
}

TEST_CASE("Concurrent streams on a channel close each other's rows", "[dram]") {
    // The same channel. A [0, 512) and B [512, 1024) both at cycle 0, both in row 0: A misses
    // (no row open); B finds row 0 open but A under way on the channel, so it misses too.
    // Each 512 + 1280 = 1792 byte-equivalents at 32 B/cycle = 56 cycles, + 10: both at 66.
    DramSpec d = spec(64, 1, 4096);
    d.row_bytes = 1024;
    d.row_hit_cycles = 10;
    d.row_miss_cycles = 30;
    auto r = drive(d, {{0, 512}, {512, 512}});
    CHECK(num(r, "done0") == 66);
    CHECK(num(r, "done1") == 66);
    CHECK(num(r, "channel0.misses") == 2);
    CHECK(num(r, "channel0.hits") == 0);
    CHECK(num(r, "channel0.stalls") == 56);
    // B issued when A is done (A alone: (512 + 1280) / 64 = 28, + 10 = 38) hits row 0:
    // 512 / 64 = 8, + 10: 38 + 18 = 56.
    auto s = drive(d, {{0, 512}, {512, 512, 0, 0}});
    CHECK(num(s, "done0") == 38);
    CHECK(num(s, "done1") == 56);
    CHECK(num(s, "channel0.hits") == 1);
}

TEST_CASE("Rows are counted in each channel's own address space", "[dram]") {
    // 2 channels of 64 B/cycle total (32 each), 1024 B blocks, rows of 2048 B, hit 0, miss 32
    // (a miss = 32 cycles = 1024 byte-equivalents on a channel). 4096 B from 0: blocks 0 and 2
    // on channel 0 are its local [0, 2048) = one row; blocks 1 and 3 likewise on channel 1.
    // Each channel: 1 miss, (2048 + 1024) / 32 = 96 cycles.
    DramSpec d = spec(64, 2, 1024);
    d.row_bytes = 2048;
    d.row_miss_cycles = 32;
    auto r = drive(d, {{0, 4096}});
    CHECK(num(r, "done0") == 96);
    CHECK(num(r, "channel0.misses") == 1);
    CHECK(num(r, "channel1.misses") == 1);
    CHECK(num(r, "dram.misses") == 2);
}

TEST_CASE("The DRAM address map lays tensors by layer and chunks inside their tensor", "[dram]") {
    // Tensors a (1000 fp32 = 4000 B) and b (3 fp32 = 12 B), 2 layers, regions aligned to 4096:
    // layer 0: a at 0, b at 4096; layer 1: a at 8192, b at 12288; end 12300.
    Workload w;
    w.tensors.resize(2);
    w.tensors[0].shape = {10, 100};
    w.tensors[1].shape = {3};
    TilePlan plan;
    plan.layers = 2;
    auto chunk = [](int tensor, int layer, int64_t bytes) {
        Chunk c;
        c.tensor = tensor;
        c.layer = layer;
        c.bytes = bytes;
        return c;
    };
    // Chunks of a in layer 0 end to end (0, 1600, 3200), then one that wraps at 4000 (4800 mod
    // 4000 = 800); b of layer 1 at its base; a of layer 1 at its base.
    plan.chunks = {chunk(0, 0, 1600), chunk(0, 0, 1600), chunk(0, 0, 1600),
                   chunk(1, 1, 12),   chunk(0, 1, 800),  chunk(0, 0, 100)};
    DramAddressMap m(w, plan, 4096);
    CHECK(m.tensor(0, 1) == 4096);
    CHECK(m.tensor(1, 0) == 8192);
    CHECK(m.end() == 12300);
    CHECK(m.chunk(0) == 0);
    CHECK(m.chunk(1) == 1600);
    CHECK(m.chunk(2) == 3200);
    CHECK(m.chunk(3) == 12288);
    CHECK(m.chunk(4) == 8192);
    CHECK(m.chunk(5) == 800);
}

namespace {
std::string hardware_error(const std::string& dram) {
    const std::string yaml = "name: t\nclock: 1GHz\ncores: 1\ncore:\n  pe_rows: 4\n  pe_cols: 4\n"
                             "  sram: 1MiB\ndram:\n  bandwidth: 64B/cycle\n" +
                             dram;
    try {
        read_hardware(parse_yaml_text(yaml, "hw.yaml"));
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("The dram section reads channels and the row buffer and names bad keys", "[dram]") {
    const std::string yaml = "name: t\nclock: 2GHz\ncores: 1\ncore:\n  pe_rows: 4\n  pe_cols: 4\n"
                             "  sram: 1MiB\ndram:\n  bandwidth: 64B/cycle\n  channels: 4\n"
                             "  interleave: 256B\n  row_buffer:\n    row_bytes: 2KiB\n"
                             "    hit_latency: 7ns\n    miss_latency: 42cycles\n";
    const HardwareSpec hw = read_hardware(parse_yaml_text(yaml, "hw.yaml"));
    CHECK(hw.dram.channels == 4);
    CHECK(hw.dram.interleave_bytes == 256);
    CHECK(hw.dram.row_bytes == 2048);
    CHECK(hw.dram.row_hit_cycles == 14); // 7 ns at 2 GHz
    CHECK(hw.dram.row_miss_cycles == 42);
    // Defaults: one channel, 4 KiB blocks, no row model.
    const HardwareSpec plain = read_hardware(parse_yaml_text(
        "name: t\nclock: 1GHz\ncores: 1\ncore:\n  pe_rows: 4\n  pe_cols: 4\n  sram: 1MiB\n"
        "dram:\n  bandwidth: 64B/cycle\n",
        "hw.yaml"));
    CHECK(plain.dram.channels == 1);
    CHECK(plain.dram.interleave_bytes == 4096);
    CHECK(plain.dram.row_bytes == 0);
    CHECK_THAT(hardware_error("  channels: 0\n"),
               Contains("hw.yaml:10:") && Contains("hardware.dram.channels"));
    CHECK_THAT(hardware_error("  interleave: 0B\n"), Contains("hardware.dram.interleave"));
    CHECK_THAT(hardware_error("  row_buffer:\n    row_bytes: 1KiB\n    hit_latency: 20cycles\n"
                              "    miss_latency: 10cycles\n"),
               Contains("hardware.dram.row_buffer.miss_latency") &&
                   Contains("cannot be faster than a hit"));
    CHECK_THAT(hardware_error("  row_buffer:\n    row_bytes: 1KiB\n    miss_latency: 10cycles\n"),
               Contains("hardware.dram.row_buffer") && Contains("hit_latency"));
    CHECK_THAT(hardware_error("  row_buffer:\n    row_size: 1KiB\n    row_bytes: 1KiB\n"
                              "    hit_latency: 1cycles\n    miss_latency: 2cycles\n"),
               Contains("row_size"));
}

namespace {
// y[l,d] = x[l,d]·x[l,d], z[l,d] = y[l,d] + x[l,d], l = 4 in 2 tiles, d = 8, fp32, unfused:
// per-channel DRAM bytes of the simulation, from the modules it reports.
std::map<std::string, std::string> two_ops_channels(int64_t interleave) {
    return in_child([&](std::map<std::string, std::string>& out) {
        Workload w;
        w.name = "test";
        WorkloadBuilder b(w);
        b.dim("l", 4);
        b.dim("d", 8);
        b.declare("x", TensorRole::Input);
        b.add("scale", "y[l,d] = x[l,d] * x[l,d]", "test", "");
        b.add("add", "z[l,d] = y[l,d] + x[l,d]", "test", "");
        w.finalize();
        MappingSpec m;
        m.default_rule.split["l"] = 2;
        HardwareSpec hw = default_cpo_table({});
        hw.core.sram_bytes = 1 << 20;
        hw.dram.bytes_per_cycle = 8;
        hw.dram.channels = 2;
        hw.dram.interleave_bytes = interleave;
        const TilePlan plan = build_plan_for(w, m, hw, 1);
        SimOptions o;
        o.timeline = false;
        const TimingResult r = simulate(w, hw, plan, o);
        for (const auto& mod : r.modules) out[mod.module] = std::to_string(mod.bytes);
    });
}
} // namespace

TEST_CASE("Scheduler transfers carry their data's DRAM address to the channels", "[dram]") {
    // Tensors x, y, z (128 B each) get regions at 0, 4096, 8192; their two 64 B chunks (one per
    // l tile) lie at +0 and +64. Unfused, the DRAM moves: x read by scale (2 × 64 B), y written
    // (2 × 64 B), add's fetches of y and x as one transfer of 128 B each at its first chunk
    // (y's, produced chunks come first in the plan: 4096 and 4160), z written (8192, 8256).
    // 64 B blocks on 2 channels: every chunk's block alternates channel 0, 1 (0, 64; 4096 =
    // block 64; 8192 = block 128), and each 128 B fetch covers one block of each: 320 B each.
    auto fine = two_ops_channels(64);
    CHECK(num(fine, "accelerator.dram") == 640);
    CHECK(num(fine, "accelerator.dram.channel0") == 320);
    CHECK(num(fine, "accelerator.dram.channel1") == 320);
    // 4 KiB blocks: x (block 0) and z (block 2) on channel 0: 128 + 128 B; y's region is block 1
    // (channel 1): its writes and the two fetches that start there, 128 + 256 B.
    auto coarse = two_ops_channels(4096);
    CHECK(num(coarse, "accelerator.dram.channel0") == 256);
    CHECK(num(coarse, "accelerator.dram.channel1") == 384);
}
