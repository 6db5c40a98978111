// Where a decode step keeps the recurrent state between tokens (`workload.decode_state`): the
// choice, made once per run from the state's size and the chip's SRAM, before the mapping is
// read (Mem-Aware and auto fusion size their steps by the SRAM left to the step).
#pragma once

#include "hw/cost/hardware.hpp"
#include "sim/config/schema.hpp"
#include "workloads/graph/workload.hpp"

#include <cstdint>

namespace fusesim {

// Bytes of the state one layer carries between tokens: its State inputs that no operator
// writes (Mamba: h_prev, B × D × N elements, and the conv window, B × (d_conv − 1) × channels).
int64_t layer_state_bytes(const Workload& w);

// Decides `w`'s decode state and records it (Workload::state_on_chip, resident_sram_per_core,
// decode_state, decode_state_note, state_bytes). The state of all `w.layers` layers fits when
// it is at most half the chip's SRAM (the other half stays for the step's tiles); it is then
// spread evenly over the cores. `on_chip` that does not fit is a ConfigError at
// workload.decode_state; `auto` falls back to `dram` and says why. A prefill, or a decode step
// without state, is left as it is.
void apply_decode_state(const WorkloadSpec& spec, const HardwareSpec& hw, Workload& w);

} // namespace fusesim
