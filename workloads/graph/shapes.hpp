// Tensor shapes from the Einsums, and the checks that keep every reference inside its tensor.
// A tensor's shape is fixed where it is defined: by the parts its operators write (a concat view
// writes one tensor from several operators), or, for an input, weight or state no operator
// writes, by its declared shape (Tensor::declared_shape) or else its first reference. Later
// references never grow it: a write before the start, or a read outside the shape, is an error,
// except where the operator declares zero padding and a carried read of the state before the first
// token (the initial state).
#pragma once

#include "workloads/graph/workload.hpp"

namespace fusesim {

// Sets every tensor's shape; throws OperatorError naming the operator of a bad reference.
// Producers and consumers must be known (Workload::finalize calls it).
void infer_shapes(Workload& w);

// An operator without '+=' must index its output by every loop dimension: a dimension only its
// inputs use would be summed over or overwritten without saying so. Throws std::invalid_argument.
void check_output_indexes_loops(const Workload& w, const Operator& op);

} // namespace fusesim
