// The hardware as plain values (read from the hardware YAML), and the cost math every model
// uses: cycles of a tile on a PE array, time of bytes on a link. No SystemC here.
#pragma once

#include "hw/cost/energy.hpp"
#include "hw/cost/rdu_spec.hpp"
#include "workloads/vocab/coords.hpp"
#include "workloads/vocab/op_kind.hpp"
#include "workloads/vocab/spatial.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace fusesim {

struct CoreSpec {
    int64_t pe_rows = 16;
    int64_t pe_cols = 16;
    int64_t sram_bytes = 0;
    double sram_bytes_per_cycle = 0; // 0: unlimited (never stalls the array)
    int64_t sram_banks = 1;
    // Bank model (hw/cost/sram_banks.hpp): bytes per access of one bank, 0: off (then only the
    // bandwidth bound above applies); accesses per cycle per bank.
    int64_t sram_bank_width = 0;
    int64_t sram_ports = 1;
    int64_t pes() const { return pe_rows * pe_cols; }
};

struct DramSpec {
    double bytes_per_cycle = 256; // of the whole DRAM (all channels together)
    uint64_t latency_cycles = 0;
    int64_t channels = 1;            // addresses interleaved over them (dram_channel_bytes)
    int64_t interleave_bytes = 4096; // consecutive bytes on one channel
    // Open-page row buffer per channel (README "DRAM channels and row buffers"); row_bytes 0:
    // no row model. A part's first row is a hit if open, every other row it touches a miss; a
    // miss occupies the channel (miss − hit) cycles more; every part waits hit cycles.
    int64_t row_bytes = 0;
    uint64_t row_hit_cycles = 0;
    uint64_t row_miss_cycles = 0;
    double energy_pj_per_bit = 20; // 640 pJ per 32 bits (Horowitz, ISSCC 2014)
};

struct InterconnectSpec {
    std::string topology = "bus"; // bus, p2p, mesh (rows × cols routers) or ring (noc_route.hpp)
    double bytes_per_cycle = 0;   // 0: unlimited (mesh and ring: of one link, per direction)
    uint64_t latency_cycles = 0;
    // Mesh and ring only (hw/cost/noc_route.hpp).
    int64_t rows = 0, cols = 0;       // mesh: rows × cols = cores
    uint64_t hop_latency_cycles = 1;  // per router crossed
    int64_t packet_bytes = 64;        // payload per packet
    int64_t header_bytes = 0;         // per packet
    std::vector<int> dram_routers;    // where DRAM channels attach; empty: noc_dram_routers default
    std::string arbitration = "fair"; // fair (max-min fluid) or fifo (links booked in order)
};

struct HardwareSpec {
    std::string name;
    double clock_hz = 1e9;
    int64_t cores = 1;
    CoreSpec core;
    DramSpec dram;
    InterconnectSpec interconnect;
    std::array<int64_t, kOpKindCount> cpo{}; // cycles per op by kind; View is 0
    EnergySpec energy;                       // per-component energy and area figures
    // `kind: rdu`: the cores are its units, and FFT and scan tiles cost by its mapping.
    std::optional<RduSpec> rdu;

    int64_t total_pes() const { return cores * core.pes(); }
    int64_t total_sram_bytes() const { return cores * core.sram_bytes; }
    double dram_bytes_per_second() const { return dram.bytes_per_cycle * clock_hz; }
    // Peak ops per cycle of the whole chip for a kind (PEs ÷ CPO).
    double peak_ops_per_cycle(OpKind kind) const;
};

HardwareSpec default_cpo_table(HardwareSpec hw); // all compute kinds 1, View 0

// Cycles of one tile (extents per loop dim) on one core's array:
//   ceil(e_row / rows) · ceil(e_col / cols) · Π other extents · CPO.
// Spatial under-utilization appears when an extent does not fill (or divide) the array.
uint64_t tile_cycles(const CoreSpec& core, int64_t cpo, const Coords& extents,
                     const SpatialMapping& mapping);

// The mapping with the fewest cycles for these extents; ties keep the first pair in loop order
// (rows before columns), so the choice is deterministic.
SpatialMapping best_mapping(const CoreSpec& core, const Coords& extents);

// Fraction of the array's PE-cycles doing useful ops: ops ÷ (cycles ÷ CPO × PEs).
double spatial_utilization(const CoreSpec& core, const Coords& extents,
                           const SpatialMapping& mapping);

// Bytes of [address, address + bytes) on each channel when consecutive blocks of
// `interleave_bytes` go to channels 0, 1, ..., channels − 1, 0, ... (O(channels), any size).
std::vector<int64_t> dram_channel_bytes(const DramSpec& dram, uint64_t address, int64_t bytes);
// The same into `out` (its memory reused: the hot path allocates nothing).
void dram_channel_bytes(const DramSpec& dram, uint64_t address, int64_t bytes,
                        std::vector<int64_t>& out);

// The channel-local address of the first byte at or after `address` that lies on `channel`:
// channel c's blocks, in address order, are laid end to end (block b of the DRAM is local block
// b ÷ channels of channel b mod channels). The bytes dram_channel_bytes() gives a channel are
// contiguous from there in its local space (what its row buffer sees).
uint64_t dram_channel_address(const DramSpec& dram, uint64_t address, int64_t channel);

// Cycles to move `bytes` over a link of `bytes_per_cycle` (0: unlimited), without latency.
uint64_t transfer_cycles(int64_t bytes, double bytes_per_cycle);

} // namespace fusesim
