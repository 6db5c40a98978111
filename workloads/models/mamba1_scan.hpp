// Mamba-1's state update h_t = dA_t ⊙ h_{t−1} + dBx_t in prefill as a parallel associative scan
// over the pair (a, b), chunk by chunk (README "Hyena and parallel scans").
#pragma once

#include "workloads/graph/workload.hpp"

#include <cstdint>
#include <string>

namespace fusesim {

// The chunk Q a prefill of L tokens scans: min(scan_chunk, L rounded up to a power of 2).
int64_t scan_chunk_for(int64_t scan_chunk, int64_t seq_len);

// Adds, from dA[b,l,d,n], dBx[b,l,d,n] and Cm[b,l,n], the operators that write y[b,l,d] = Σ_n
// h·C (padded to C·Q tokens, C = ⌈L ÷ Q⌉): views into chunks; the scan within each chunk
// (`algorithm` hillis-steele or blelloch); with more than one chunk the recurrence of the
// chunks' carries H[c] = a*[c] ⊙ H[c−1] + b*[c] and the carry applied to every token,
// h = a* ⊙ H[c−1] + b*; then ssm_out over the chunks. Needs the dims b, d, n; Q ≥ 2.
void add_parallel_scan(WorkloadBuilder& b, Workload& w, const std::string& algorithm, int64_t L,
                       int64_t Q);

} // namespace fusesim
