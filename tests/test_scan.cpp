// Mamba-1's state update as a sequential recurrence, a Hillis–Steele scan and a Blelloch scan:
// op counts by hand, chunks and their carries.
#include "workloads/graph/staged.hpp"
#include "workloads/models/mamba1_scan.hpp"
#include "workloads/models/models.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace fusesim;

namespace {
const Precision kFp32{"fp32", 4};

// D = 16, N = 4: D·N = 64 state elements.
MambaParams small_mamba(const std::string& scan, int64_t chunk) {
    MambaParams p;
    p.d_model = 8;
    p.d_inner = 16;
    p.d_state = 4;
    p.d_conv = 4;
    p.dt_rank = 1;
    p.layers = 1;
    p.scan = scan;
    p.scan_chunk = chunk;
    return p;
}

int64_t ops_of(const Workload& w, const std::string& op) {
    const int o = w.op_index(op);
    if (o < 0) return -1;
    return w.ops[static_cast<size_t>(o)].ops();
}
} // namespace

TEST_CASE("Scan step and combine counts, by hand", "[scan]") {
    // n = 256: Hillis–Steele log2 n = 8 steps of n combines (8 per element); Blelloch an
    // up-sweep and a down-sweep of 8 steps each, 2n combines (2 per element); 3 real ops each.
    const ScanCounts hs = scan_counts("hillis-steele", 256);
    CHECK(hs.steps == 8);
    CHECK(hs.combines_per_element == 8);
    CHECK(hs.ops_per_point() == 24);
    const ScanCounts bl = scan_counts("blelloch", 256);
    CHECK(bl.steps == 16);
    CHECK(bl.combines_per_element == 2);
    CHECK(bl.ops_per_point() == 6);
    CHECK_THROWS_AS(scan_counts("blelloch", 100), std::invalid_argument);
    CHECK_THROWS_AS(scan_counts("brent-kung", 256), std::invalid_argument);
}

TEST_CASE("Sequential, Hillis-Steele and Blelloch state updates, op counts by hand", "[scan]") {
    // L = 1024, D = 16, N = 4, chunks of Q = 256: C = 4 chunks, L·D·N = 65,536.
    // Sequential: h = dA ⊙ h + dBx, a mul and an add per element and token: 2 · 65,536.
    const Workload seq =
        build_mamba1(small_mamba("sequential", 256), Stage::Prefill, 1, 1024, kFp32);
    CHECK(ops_of(seq, "ssm_decay") + ops_of(seq, "ssm_add") == 131072);
    CHECK(ops_of(seq, "scan") == -1);
    // Hillis–Steele: 3 ops × 8 combines per element = 24 · 65,536 = 1,572,864; the carries
    // over chunks H[c] = a* ⊙ H[c−1] + b* at each chunk's end: 2 · C · D·N = 512; the carry
    // applied to every token: 2 · 65,536 = 131,072. Total 1,704,448.
    const Workload hs =
        build_mamba1(small_mamba("hillis-steele", 256), Stage::Prefill, 1, 1024, kFp32);
    CHECK(ops_of(hs, "ssm_decay") == -1);
    CHECK(ops_of(hs, "scan") == 1572864);
    CHECK(ops_of(hs, "scan_carry_decay") + ops_of(hs, "scan_carry_add") == 512);
    CHECK(ops_of(hs, "scan_apply") == 131072);
    // Blelloch: 3 ops × 2 combines per element = 6 · 65,536 = 393,216; same carries.
    const Workload bl = build_mamba1(small_mamba("blelloch", 256), Stage::Prefill, 1, 1024, kFp32);
    CHECK(ops_of(bl, "scan") == 393216);
    CHECK(ops_of(bl, "scan_carry_decay") + ops_of(bl, "scan_carry_add") == 512);
    CHECK(ops_of(bl, "scan_apply") == 131072);
    // y = Σ_n h · C is the same L·D·N MACs in every form.
    for (const Workload* w : {&seq, &hs, &bl}) CHECK(ops_of(*w, "ssm_out") == 65536);
    const Operator& scan = bl.ops[static_cast<size_t>(bl.op_index("scan"))];
    CHECK(scan.kind == OpKind::Scan);
    CHECK(scan.staged.algorithm == "blelloch");
    CHECK(scan.staged.stages == 16);
    CHECK(scan.sequential_dim == -1); // no token recurrence left
}

TEST_CASE("A parallel scan's bytes: pairs between chunks, h alone within one", "[scan]") {
    // With C = 4 chunks the scan writes the pair (a*, b*): 2 × 4 bytes per element; it reads dA
    // and dBx (4 bytes each) of 65,536 elements.
    const Workload hs =
        build_mamba1(small_mamba("hillis-steele", 256), Stage::Prefill, 1, 1024, kFp32);
    const Operator& scan = hs.ops[static_cast<size_t>(hs.op_index("scan"))];
    CHECK(hs.tensors[static_cast<size_t>(scan.output.tensor)].bytes() == 65536 * 8);
    // One chunk (L = Q = 256): no carry; the scan writes h itself (b*, 4 bytes per element).
    const Workload one =
        build_mamba1(small_mamba("hillis-steele", 256), Stage::Prefill, 1, 256, kFp32);
    CHECK(ops_of(one, "scan_apply") == -1);
    CHECK(ops_of(one, "scan_carry_add") == -1);
    const Operator& s1 = one.ops[static_cast<size_t>(one.op_index("scan"))];
    CHECK(one.tensors[static_cast<size_t>(s1.output.tensor)].bytes() == 256 * 64 * 4);
    CHECK(s1.ops() == 3 * 8 * 256 * 64);
}

TEST_CASE("The scan chunk follows the sequence, the last chunk zero-padded", "[scan]") {
    // L = 100 < 256: one chunk of 128 (100 rounded up to a power of 2), 7 Hillis–Steele steps.
    CHECK(scan_chunk_for(256, 100) == 128);
    CHECK(scan_chunk_for(256, 4096) == 256);
    const Workload w =
        build_mamba1(small_mamba("hillis-steele", 256), Stage::Prefill, 1, 100, kFp32);
    CHECK(ops_of(w, "scan") == 3 * 7 * 128 * 64);
    // L = 300, Q = 256: two chunks, 512 tokens scanned (the last 212 zeros).
    const Workload p = build_mamba1(small_mamba("blelloch", 256), Stage::Prefill, 1, 300, kFp32);
    CHECK(ops_of(p, "scan") == 6 * 512 * 64);
    CHECK(ops_of(p, "scan_apply") == 2 * 512 * 64);
    // One token: nothing to scan, the recurrence's form; decode is always the recurrence.
    const Workload t = build_mamba1(small_mamba("blelloch", 256), Stage::Prefill, 1, 1, kFp32);
    CHECK(ops_of(t, "ssm_add") == 64);
    const Workload d = build_mamba1(small_mamba("blelloch", 256), Stage::Decode, 1, 512, kFp32);
    CHECK(ops_of(d, "scan") == -1);
    CHECK(ops_of(d, "ssm_add") == 64);
}
