#include "workloads/graph/staged.hpp"

#include <stdexcept>

namespace fusesim {

bool is_power_of_two(int64_t n) {
    return n > 0 && (n & (n - 1)) == 0;
}

int log2_exact(int64_t n) {
    int s = 0;
    while ((int64_t{1} << s) < n) ++s;
    return s;
}

Staged FftCounts::staged(bool inverse) const {
    return {inverse ? "ifft" : "fft", points, radix, stages, radix2_stages};
}

FftCounts fft_counts(int64_t n, int radix) {
    if (radix != 2 && radix != 4)
        throw std::invalid_argument("the FFT radix must be 2 or 4, got " + std::to_string(radix));
    if (!is_power_of_two(n) || n < radix)
        throw std::invalid_argument("the FFT length must be a power of 2 of at least " +
                                    std::to_string(radix) + ", got " + std::to_string(n));
    FftCounts c;
    c.points = n;
    c.radix = radix;
    const int log2n = log2_exact(n);
    if (radix == 2) {
        c.radix2_stages = log2n;
        c.positions = n / 2;
        c.ops_per_position = 10 * int64_t{log2n};
    } else {
        c.radix4_stages = log2n / 2;
        c.radix2_stages = log2n % 2;
        c.positions = n / 4;
        c.ops_per_position = 34 * int64_t{c.radix4_stages} + 20 * int64_t{c.radix2_stages};
    }
    c.stages = c.radix4_stages + c.radix2_stages;
    return c;
}

FourStep four_step_split(int64_t n, int64_t max_points, int radix) {
    if (n / max_points > max_points)
        throw std::invalid_argument(
            "an FFT of " + std::to_string(n) + " points needs at most fft_max_points² points (" +
            std::to_string(max_points) + "² = " + std::to_string(max_points * max_points) +
            "): the four-step split is not applied recursively; raise fft_max_points to at least " +
            std::to_string(int64_t{1} << ((log2_exact(n) + 1) / 2)));
    const FourStep s{max_points, n / max_points};
    if (radix == 4 && s.n2 < 4)
        throw std::invalid_argument("at radix 4 an FFT of " + std::to_string(n) +
                                    " points split at fft_max_points " +
                                    std::to_string(max_points) + " leaves sub-FFTs of " +
                                    std::to_string(s.n2) + " points; they need at least 4");
    return s;
}

Staged ScanCounts::staged() const {
    return {algorithm, points, 2, steps, 0};
}

ScanCounts scan_counts(const std::string& algorithm, int64_t points) {
    if (!is_power_of_two(points) || points < 2)
        throw std::invalid_argument("a parallel scan's length must be a power of 2 of at least 2, "
                                    "got " +
                                    std::to_string(points));
    ScanCounts c;
    c.algorithm = algorithm;
    c.points = points;
    const int log2n = log2_exact(points);
    if (algorithm == "hillis-steele") {
        c.steps = log2n;
        c.combines_per_element = log2n;
    } else if (algorithm == "blelloch") {
        c.steps = 2 * log2n;
        c.combines_per_element = 2;
    } else {
        throw std::invalid_argument("unknown scan '" + algorithm + "'");
    }
    return c;
}

} // namespace fusesim
