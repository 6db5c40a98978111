#include "hw/cost/time_base.hpp"

#include <cmath>
#include <stdexcept>

namespace fusesim {

namespace {
__extension__ typedef unsigned __int128 u128;          // products of cycles and femtoseconds
constexpr uint64_t kFsPerSecond = 1000000000000000ULL; // 1e15
const char* const kUnits[] = {"1 fs", "10 fs", "100 fs", "1 ps", "10 ps", "100 ps", "1 ns"};
} // namespace

TimeBase::TimeBase(double clock_hz) {
    if (!(clock_hz >= 1) || clock_hz > 1e15) throw std::invalid_argument("clock out of range");
    clock_hz_ = static_cast<uint64_t>(std::llround(clock_hz));
    // The coarsest unit 10^k fs (k = 6 … 0) in which the period 1e15 / f fs is whole.
    tick_fs_ = 1;
    unit_ = kUnits[0];
    for (int k = 6; k >= 0; --k) {
        uint64_t unit = 1;
        for (int i = 0; i < k; ++i) unit *= 10;
        if (kFsPerSecond % (static_cast<u128>(clock_hz_) * unit) == 0) {
            tick_fs_ = unit;
            unit_ = kUnits[k];
            exact_ = true;
            break;
        }
    }
}

uint64_t TimeBase::ticks(uint64_t cycle) const {
    // cycle × 1e15 / (f × tick), rounded to nearest, without overflow.
    const u128 num = static_cast<u128>(cycle) * kFsPerSecond;
    const u128 den = static_cast<u128>(clock_hz_) * tick_fs_;
    return static_cast<uint64_t>((num + den / 2) / den);
}

std::string TimeBase::microseconds(uint64_t ticks) const {
    // A microsecond is 1e9 fs: place the decimal point, drop trailing zeros.
    const u128 fs = static_cast<u128>(ticks) * tick_fs_;
    const uint64_t whole = static_cast<uint64_t>(fs / 1000000000u);
    uint64_t frac = static_cast<uint64_t>(fs % 1000000000u);
    std::string s = std::to_string(whole);
    if (frac == 0) return s;
    std::string digits = std::to_string(frac);
    digits.insert(0, 9 - digits.size(), '0');
    while (digits.back() == '0') digits.pop_back();
    return s + "." + digits;
}

std::string TimeBase::describe() const {
    const double per_cycle = static_cast<double>(kFsPerSecond) / static_cast<double>(clock_hz_) /
                             static_cast<double>(tick_fs_);
    std::string n = exact_ ? std::to_string(static_cast<uint64_t>(std::llround(per_cycle)))
                           : std::to_string(per_cycle);
    return "one cycle (" + std::to_string(clock_hz_) + " Hz) = " + n +
           (n == "1" ? " tick of " : " ticks of ") + unit_ +
           (exact_ ? "" : ", cycle c at round(c * 1e15 / clock) fs");
}

} // namespace fusesim
