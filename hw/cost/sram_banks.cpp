#include "hw/cost/sram_banks.hpp"

#include <algorithm>
#include <numeric>

namespace fusesim {

void add_bank_accesses(const BankGeometry& g, const StridedAccess& a,
                       std::vector<int64_t>& per_bank) {
    if (a.runs <= 0 || a.run <= 0 || g.width <= 0) return;
    const auto n = static_cast<uint64_t>(g.banks);
    const auto w = static_cast<uint64_t>(g.width);
    const uint64_t m = n * w; // the interleaving repeats every banks · width bytes
    const uint64_t step = static_cast<uint64_t>(a.stride) % m;
    const uint64_t period = step == 0 ? 1 : m / std::gcd(step, m);
    const auto runs = static_cast<uint64_t>(a.runs);
    const uint64_t visit = std::min(runs, period);
    const uint64_t full = runs / period, extra = runs % period;
    // diff: circular range additions; every bank gets `all` more.
    std::vector<int64_t> diff(n + 1, 0);
    int64_t all = 0;
    uint64_t start = a.base % m;
    for (uint64_t i = 0; i < visit; ++i) {
        const auto weight = static_cast<int64_t>(full + (i < extra ? 1 : 0));
        const uint64_t first = start / w;
        const uint64_t last = (start + static_cast<uint64_t>(a.run) - 1) / w;
        const uint64_t words = last - first + 1;
        all += static_cast<int64_t>(words / n) * weight;
        const uint64_t rest = words % n, b0 = first % n;
        if (rest > 0) {
            const uint64_t end = b0 + rest; // banks [b0, end) modulo n
            diff[b0] += weight;
            if (end <= n) {
                diff[end] -= weight;
            } else {
                diff[n] -= weight;
                diff[0] += weight;
                diff[end - n] -= weight;
            }
        }
        start = (start + step) % m;
    }
    int64_t run = 0;
    for (uint64_t b = 0; b < n; ++b) {
        run += diff[b];
        per_bank[b] += run + all;
    }
}

BankTime bank_time(const BankGeometry& g, const std::vector<int64_t>& per_bank) {
    BankTime t;
    for (int64_t v : per_bank) {
        t.accesses += v;
        t.max_bank = std::max(t.max_bank, v);
    }
    const auto ports = static_cast<uint64_t>(std::max<int64_t>(1, g.ports));
    const auto lanes = static_cast<uint64_t>(g.banks) * ports;
    t.cycles = (static_cast<uint64_t>(t.max_bank) + ports - 1) / ports;
    t.conflict_free = (static_cast<uint64_t>(t.accesses) + lanes - 1) / lanes;
    return t;
}

} // namespace fusesim
