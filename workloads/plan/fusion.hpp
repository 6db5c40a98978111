// Fusion schemes: the paper's presets for the Mamba-1 state-update block (Table 2), the
// Mem-Aware D split (Eq. 2 and 3), their Mamba-2 (SSD) counterparts (fusion_ssd.cpp), and the
// check that a group can be fused at all.
#pragma once

#include "workloads/graph/workload.hpp"
#include "workloads/plan/mapping.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace fusesim {

// unfused, a, b, a-b, as, bs, as-b, bs-a, fuse-all, mem-aware, cascade (auto is handled by the
// search).
const std::vector<std::string>& fusion_preset_names();
bool is_fusion_preset(const std::string& name);

// The presets that apply to a workload: all of them to a Mamba-1 block; unfused, fuse-all,
// mem-aware and cascade to a Mamba-2 block; unfused to any other.
std::vector<std::string> fusion_presets_for(const Workload& w);

// What applying a preset decided, for the report.
struct FusionChoice {
    std::string preset;
    int64_t fuse_all_bytes = 0; // Eq. 2: (5·D·N + D + N) · bytes per element (Mamba-2: one step)
    int64_t split_d = 1;        // Mem-Aware: S_D (Mamba-2: S_H, the heads' split; 1 otherwise)
    std::string note;
};

// Adds the preset's groups to `m`, and tiles its fused operators into 1-token steps (Mem-Aware:
// also d into S_D parts), replacing the mapping's tiling of those operators. `sram_bytes`: one
// core's capacity (Mem-Aware). Throws std::invalid_argument if the preset does not apply to the
// workload (fusion_presets_for).
FusionChoice apply_fusion_preset(const std::string& name, const Workload& w, MappingSpec& m,
                                 int64_t sram_bytes);

// The whole layer in one group (fusion_cascade.cpp): every operator but the state update (the
// SSD) in tiles of m.sequence_tile tokens (a projection also in output channels, so that a
// tile's weight slice takes at most an eighth of `sram_bytes`), the state update stepped as in
// fuse-all
// (Mamba-1: over D in Mem-Aware's S_D parts for half of `sram_bytes`, so 1 at 24 MiB).
FusionChoice apply_cascade_preset(const Workload& w, MappingSpec& m, int64_t sram_bytes);

// Mamba-2 (fusion_ssd.cpp). fuse-all: the SSD operators in one group, tiled into one-chunk steps
// (decode: the one token); mem-aware: the same with the heads split into S_H parts, each part
// run over all chunks before the next.
FusionChoice apply_ssd_preset(const std::string& name, const Workload& w, MappingSpec& m,
                              int64_t sram_bytes);
// The operators of a Mamba-2 block's SSD, in the order they are written.
std::vector<std::string> ssd_operators(const Workload& w);
// Bytes of one step of the fused SSD over `heads` heads per group: the slices of every tensor its
// operators read or write in one chunk (decode: one token), counted as if all were live at once.
int64_t ssd_step_bytes(const Workload& w, int64_t heads);

// A hybrid model (fusion_hybrid.cpp): the Mamba-1 presets, applied to every Mamba layer of the
// pattern (attention layers unfused); only unfused when the pattern has no Mamba layer.
std::vector<std::string> hybrid_presets_for(const Workload& w);
FusionChoice apply_hybrid_preset(const std::string& name, const Workload& w, MappingSpec& m,
                                 int64_t sram_bytes);

// Eq. 2 for a Mamba-1 block: peak bytes of one 1-token step of the fused state update.
int64_t fuse_all_bytes(int64_t d_inner, int64_t d_state, int64_t bytes_per_element);
// Eq. 3: the smallest divisor S of D such that one 1-token step over D/S channels fits.
int64_t mem_aware_split(int64_t d_inner, int64_t d_state, int64_t bytes_per_element,
                        int64_t sram_bytes);

// The operators an in-place tensor (Tensor::in_place) binds: its producer and its readers, in
// topological order. They always share one fusion group.
struct InPlaceSet {
    int tensor = -1;
    std::vector<int> ops;
};
std::vector<InPlaceSet> in_place_sets(const Workload& w);
// Throws std::invalid_argument if the group holds some but not all operators of an in-place set.
void check_in_place(const Workload& w, const FusionGroupSpec& group);

// Throws std::invalid_argument naming the operators if a group's operators are not connected
// by producer-consumer edges (through views), so they could not be fused.
void check_fusable(const Workload& w, const FusionGroupSpec& group);

} // namespace fusesim
