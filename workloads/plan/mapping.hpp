// How a workload is laid onto the hardware: tile sizes per dimension, fusion groups, and fixed
// spatial mappings. Plain values read from the mapping YAML.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace fusesim {

// Tile extents per dimension name; `split` gives a number of tiles instead (extent = ceil(size /
// split)). Dimensions named in neither stay whole.
struct TilingRule {
    std::map<std::string, int64_t> tile;
    std::map<std::string, int64_t> split;
    // Tile loop order: these dims outermost, in this order; the others follow as written.
    std::vector<std::string> order;
    // A fixed rule is used as written; otherwise automatic tiling may split further to fit.
    bool fixed = true;
};

struct FusionGroupSpec {
    std::vector<std::string> ops;
    // Intermediate tensors stay on-chip (memory permitting). False for the recurrence of an
    // unfused schedule, whose tiles interleave per token but spill every tensor to DRAM.
    bool on_chip = true;
};

struct MappingSpec {
    std::string name;
    TilingRule default_rule;
    std::map<std::string, TilingRule> per_op; // by operator name; merged over the default
    std::map<std::string, std::pair<std::string, std::string>> spatial; // op → (row dim, col dim)
    std::vector<FusionGroupSpec> groups; // explicit groups; operators in none run alone
    // Operators without a tiling rule of their own are split further (largest saving first)
    // until a tile's inputs and output take at most this many bytes; 0: no automatic tiling.
    int64_t fit_bytes = 0;
    // Tokens per sequence tile of the cascade preset (mapping.sequence_tile).
    int64_t sequence_tile = 128;
    // Tokens per tile of a fused on-chip group that holds a token recurrence (a token block:
    // the group's operators over this many consecutive tokens, run back to back on one core,
    // their intermediates one token step in size); 1: one token per tile.
    int64_t step_tokens = 1;
    // What the fusion setting resolved to, for reports.
    std::string fusion = "unfused";
    std::string fusion_note;
    // fusion: auto: every candidate tried, "name: cycles of one layer" (or its error), best first.
    std::vector<std::string> candidates;
    int64_t split_d = 1;
    int64_t fuse_all_bytes = 0;
    // How tiles are laid onto cores (mapping.allocation; workloads/plan/allocation.cpp):
    // "round-robin", "split" (blocks of `allocation_dim`), "pipeline", or "auto" (resolved by
    // the caller into one of the others before the plan is built).
    std::string allocation = "round-robin";
    std::string allocation_dim;
    std::string allocation_note;                    // auto: which won
    std::vector<std::string> allocation_candidates; // auto: "name: cycles of one layer", best first
};

} // namespace fusesim
