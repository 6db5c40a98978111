// The FFT long convolution of Hyena: y = iFFT(FFT(u, 2L) ⊙ H)[0:L] per channel, as three
// operators (forward FFT, the pointwise complex product, inverse FFT) over a sequence axis.
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>
#include <string>

namespace fusesim::model_parts {

struct LongConv {
    std::string prefix; // operator names: <prefix>_fft, <prefix>_filter, <prefix>_ifft
    std::string input;  // u[b,l,d], real, L tokens
    std::string filter; // H[f,d]: the filter's FFT over 2L points, a weight of complex values
    std::string output; // y[b,l,d], real, the first L outputs
    int64_t batch = 1, seq_len = 1, channels = 1;
    int radix = 2;
    // 0: one FFT operator per transform; else transforms longer than this (a power of 2) are
    // split four-step (n = max_points · n2, n ≤ max_points²) into sub-FFTs of at most it.
    int64_t max_points = 0;
};

// Adds the three operators. Needs the dims b, l (L), d (channels) and f (2L) of the builder.
// The forward FFT reads the L real inputs (zero-padded to 2L) and writes 2L complex values; the
// inverse writes the L real outputs kept (1/n is folded into H). Throws std::invalid_argument if
// 2L is not a power of 2, or (four-step) for a split four_step_split rejects.
void add_long_conv(WorkloadBuilder& b, Workload& w, const LongConv& c);

} // namespace fusesim::model_parts
