// The banked SRAM of one core as plain cost math (no SystemC): N banks of `width` bytes per
// access and `ports` accesses per cycle each, addresses interleaved word by word (word w of an
// address range is on bank w mod N, w = address ÷ width). An operand is a set of runs of
// contiguous bytes; its accesses per bank are counted in closed form, O(N + period) per operand,
// never per element or per run. The memory manager keeps capacity and lifetimes; this gives the
// timing of a tile's operand accesses.
#pragma once

#include <cstdint>
#include <vector>

namespace fusesim {

struct BankGeometry {
    int64_t banks = 1;
    int64_t width = 0; // bytes per access of one bank (0: no bank model)
    int64_t ports = 1; // accesses per cycle per bank
};

// `runs` runs of `run` contiguous bytes, the i-th starting at byte address base + i · stride.
struct StridedAccess {
    uint64_t base = 0;
    int64_t run = 0;
    int64_t stride = 0;
    int64_t runs = 0;
};

// Adds the bank accesses of `a` to `per_bank` (size banks): every run touches the words
// [start ÷ width, (start + run − 1) ÷ width] once each. The runs' start addresses modulo
// banks · width repeat with period (banks · width) ÷ gcd(stride, banks · width) runs (banks ÷
// gcd(stride ÷ width, banks) when stride is a multiple of width), so only one period is
// visited, each run in O(1) with a difference array.
void add_bank_accesses(const BankGeometry& g, const StridedAccess& a,
                       std::vector<int64_t>& per_bank);

struct BankTime {
    int64_t accesses = 0;       // over all banks
    int64_t max_bank = 0;       // accesses on the busiest bank
    uint64_t cycles = 0;        // ceil(max_bank ÷ ports): the SRAM time
    uint64_t conflict_free = 0; // ceil(accesses ÷ (banks · ports)): the time with no conflict
};

BankTime bank_time(const BankGeometry& g, const std::vector<int64_t>& per_bank);

} // namespace fusesim
