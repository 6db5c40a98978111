#include "sim/cli/sweep_progress.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>
#include <unistd.h>

namespace fusesim::sweep {

namespace {

std::string bar(size_t done, size_t total) {
    const int width = 30;
    const int fill = total ? static_cast<int>(width * done / total) : width;
    return "[" + std::string(fill, '=') + std::string(width - fill, ' ') + "]";
}

std::string clock_text(double s) {
    const auto t = static_cast<int64_t>(s + 0.5);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%d:%02d:%02d", static_cast<int>(t / 3600),
                  static_cast<int>(t / 60 % 60), static_cast<int>(t % 60));
    return buf;
}

} // namespace

SweepProgress::SweepProgress(size_t total)
    : total_(total), tty_(isatty(STDERR_FILENO)), start_(std::chrono::steady_clock::now()) {}

void SweepProgress::update(size_t done, size_t failed, bool final) const {
    const double el =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double eta =
        done ? el / static_cast<double>(done) * static_cast<double>(total_ - done) : 0;
    const std::string line = bar(done, total_) + " " + std::to_string(done) + "/" +
                             std::to_string(total_) + " points, " + std::to_string(failed) +
                             " failed, elapsed " + clock_text(el) +
                             (final ? "" : ", ETA " + clock_text(eta));
    if (tty_)
        std::cerr << "\r" << line << (final ? "\n" : "") << std::flush;
    else if (final || done % std::max<size_t>(1, total_ / 20) == 0)
        std::cerr << line << "\n";
}

} // namespace fusesim::sweep
