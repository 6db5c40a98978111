#include "workloads/models/mamba1_scan.hpp"
#include "workloads/graph/staged.hpp"
#include "workloads/models/layer_parts.hpp"

#include <algorithm>

namespace fusesim {

using model_parts::num;

int64_t scan_chunk_for(int64_t scan_chunk, int64_t seq_len) {
    int64_t p = 1;
    while (p < seq_len) p *= 2;
    return std::min(scan_chunk, p);
}

void add_parallel_scan(WorkloadBuilder& b, Workload& w, const std::string& algorithm, int64_t L,
                       int64_t Q) {
    const int64_t C = (L + Q - 1) / Q;
    const ScanCounts scan = scan_counts(algorithm, Q);
    b.dim("c", C);
    b.dim("q", Q);
    const std::string tq = "c*" + num(Q) + "+q";
    // The last chunk reads zeros past the sequence's end (a = b = 0: its extra tokens are inert).
    const Padding pad = C * Q > L ? Padding::Zero : Padding::None;
    b.add("scan_chunk_a", "dAc[b,c,q,d,n] = dA[b," + tq + ",d,n]", "view").view_of = "reshape";
    w.ops.back().padding = pad;
    b.add("scan_chunk_b", "dBxc[b,c,q,d,n] = dBx[b," + tq + ",d,n]", "view").view_of = "reshape";
    w.ops.back().padding = pad;
    // Each token's prefix of its chunk from the chunk's whole row: the combine's 3 real ops per
    // element for every step it takes part in. With one chunk only b* leaves the scan (h itself);
    // with several the pair (a*, b*) does, for the carry.
    const std::string P = C > 1 ? "P" : "hq";
    Operator& op = b.add("scan", P + "[b,c,q,d,n] += dAc[b,c,:,d,n] * dBxc[b,c,:,d,n]",
                         "state_update", "scan");
    op.staged = scan.staged();
    b.repeat("scan_combines", scan.combines_per_element);
    b.repeat("scan_ops", ScanCounts::kOpsPerCombine);
    if (C > 1) {
        b.pair_output();
        const std::string last = num(Q - 1);
        // The carry out of chunk c: H[c] = a*[c, Q−1] ⊙ H[c−1] + b*[c, Q−1], H[−1] = 0.
        b.declare("H", TensorRole::State);
        b.add("scan_carry_decay", "Hd[b,c,d,n] = P[b,c," + last + ",d,n] * H[b,c-1,d,n]",
              "state_update");
        b.carried("c", 1);
        b.in_place();
        b.add("scan_carry_add", "H[b,c,d,n] = Hd[b,c,d,n] + P[b,c," + last + ",d,n]",
              "state_update");
        w.ops.back().sequential_dim = w.ops.back().dim_index("c");
        // The carry into chunk c applied to its tokens: h = a* ⊙ H[c−1] + b* (a mul and an
        // add per element; chunk 0's carry is the zero state).
        b.add("scan_apply", "hq[b,c,q,d,n] = P[b,c,q,d,n] * H[b,c-1,d,n]", "state_update", "scan")
            .padding = Padding::Zero;
        b.repeat("apply_ops", 2);
    }
    // y = h·C read in chunks: a view back to tokens would hand each token-tile whole chunks.
    b.add("ssm_out", "y[b," + tq + ",d] += hq[b,c,q,d,n] * Cm[b," + tq + ",n]", "state_update")
        .padding = pad;
}

} // namespace fusesim
