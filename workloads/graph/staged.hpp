// Op counts of the staged dataflows: radix-2/4 FFTs and the parallel scans (Hillis–Steele,
// Blelloch). Plain arithmetic shared by the model builders, the tests and the README's equations.
#pragma once

#include "workloads/graph/operator.hpp"

#include <cstdint>
#include <string>

namespace fusesim {

// An n-point complex FFT laid out as `positions` butterfly positions × `ops_per_position` real
// ops over all stages (the loop nest the FFT operator gets):
//   radix 2: log2 n stages of n/2 butterflies; a butterfly is one complex multiply (4 mul +
//            2 add) and two complex adds (4 add) = 10 real ops: 5·n·log2 n in all.
//   radix 4: log4 n stages of n/4 butterflies; a butterfly is 3 complex multiplies by twiddles
//            (18) and 8 complex adds (16) = 34 real ops: 8.5·n·log4 n. When log2 n is odd, one
//            radix-2 stage finishes it (n/2 butterflies of 10 = 20 per radix-4 position).
struct FftCounts {
    int64_t points = 0;
    int radix = 2;
    int stages = 0;        // radix4_stages + radix2_stages (radix 2: log2 n)
    int radix4_stages = 0; // radix 4 only
    int radix2_stages = 0;
    int64_t positions = 0;        // n / radix
    int64_t ops_per_position = 0; // real ops of one position over all stages
    int64_t ops() const { return positions * ops_per_position; }
    Staged staged(bool inverse) const;
};

bool is_power_of_two(int64_t n);
int log2_exact(int64_t n); // n a power of 2

// Throws std::invalid_argument unless n is a power of 2 (at least 2; radix 4: at least 4) and
// the radix 2 or 4.
FftCounts fft_counts(int64_t n, int radix);

// The four-step (Bailey; Cooley–Tukey n = n1 · n2) split of an n-point FFT longer than
// `max_points`: n1 = max_points, n2 = n ÷ n1, n2 FFTs of n1 points, n twiddle multiplies, n1
// FFTs of n2 points. No recursion: n ≤ max_points² is required. Throws std::invalid_argument
// when n > max_points² or, at radix 4, when n2 < 4 (a sub-FFT needs at least one radix-4 stage).
struct FourStep {
    int64_t n1 = 0, n2 = 0;
};
FourStep four_step_split(int64_t n, int64_t max_points, int radix);

// A parallel scan of `points` elements (a power of 2, at least 2) of the pair (a, b), combined
// as (a2·a1, a2·b1 + b2): 3 real ops per element of the state.
//   hillis-steele: log2 n steps of n combines (every element every step): n·log2 n combines.
//   blelloch: an up-sweep and a down-sweep of log2 n steps each, 2·(n − 1) combines, counted as
//             2·n (each sweep's n-th slot: the root's carry in and out).
struct ScanCounts {
    std::string algorithm;
    int64_t points = 0;
    int steps = 0;
    int64_t combines_per_element = 0; // combines ÷ n: log2 n or 2
    static constexpr int kOpsPerCombine = 3;
    int64_t ops_per_point() const { return combines_per_element * kOpsPerCombine; }
    Staged staged() const;
};

// Throws std::invalid_argument for an unknown algorithm or a length that is not a power of 2.
ScanCounts scan_counts(const std::string& algorithm, int64_t points);

} // namespace fusesim
