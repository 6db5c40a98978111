// Every built-in model's builder, for code that builds a model directly (tests, tools). A
// configuration names a model through the registry (registry.hpp).
#pragma once

#include "workloads/models/custom.hpp"
#include "workloads/models/hybrid.hpp"
#include "workloads/models/hyena.hpp"
#include "workloads/models/mamba1.hpp"
#include "workloads/models/mamba2.hpp"
#include "workloads/models/opt.hpp"
