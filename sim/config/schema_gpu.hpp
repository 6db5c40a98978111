// A GPU hardware file (`kind: gpu`): read and checked into a GpuSpec, the roofline reference of
// `fusesim analyze` (README "GPU reference").
#pragma once

#include "hw/cost/gpu.hpp"
#include "hw/cost/hardware.hpp"
#include "sim/config/config_tree.hpp"

namespace fusesim {

// True when the hardware section says `kind: gpu`.
bool is_gpu_hardware(const ConfigNode& hardware);

GpuSpec read_gpu(const ConfigNode& hardware);

// The timing simulation needs a dataflow accelerator: a ConfigError at `hardware.kind` when the
// hardware is a GPU (for `run`, `validate` and `sweep`).
void refuse_gpu(const ConfigNode& hardware, const char* command);

// The accelerator-shaped view of a GPU that the checks every command runs need (the bound on
// counted cycles, mapping names): one core whose PEs are the tensor cores' MACs per cycle, the
// L2 as its SRAM, the HBM bandwidth per cycle.
HardwareSpec gpu_stand_in(const GpuSpec& gpu);

} // namespace fusesim
