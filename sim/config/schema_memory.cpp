#include "sim/config/schema_memory.hpp"

#include "sim/config/params_hardware.hpp"
#include "sim/config/params_read.hpp"

#include <cmath>
#include <string>

namespace fusesim {

// The bank model (core.sram_bank_width, core.sram_ports): the per-bank bandwidth is width ×
// ports; a `sram_bandwidth` given too must say the same.
void read_sram_banks(Reader& c, HardwareSpec& hw) {
    namespace P = hw_param;
    auto origin = [&](const char* key) { return c.raw(key).origin(); };
    auto text = [](double v) {
        std::string t = std::to_string(v);
        t.erase(t.find_last_not_of('0') + 1);
        if (t.back() == '.') t.pop_back();
        return t;
    };
    if (!c.has(P::sram_bank_width.leaf())) {
        c.accept(P::sram_bank_width.leaf());
        if (c.has(P::sram_ports.leaf()))
            throw ConfigError(origin(P::sram_ports.leaf()), c.key_path(P::sram_ports.leaf()),
                              "needs core.sram_bank_width (the bank model)");
        c.accept(P::sram_ports.leaf());
        return;
    }
    hw.core.sram_bank_width = read_bytes(c, P::sram_bank_width);
    hw.core.sram_ports = read_int_or_default(c, P::sram_ports);
    const double per_bank = static_cast<double>(hw.core.sram_bank_width * hw.core.sram_ports);
    // `unlimited` (the declared default, which the config hash writes out) means "derived".
    const double given = hw.core.sram_bytes_per_cycle;
    if (given > 0 && std::abs(given - per_bank) > 1e-9 * per_bank)
        throw ConfigError(origin(P::sram_bandwidth.leaf()), c.key_path(P::sram_bandwidth.leaf()),
                          "is " + text(given) +
                              " B/cycle per bank, but core.sram_bank_width × core.sram_ports "
                              "gives " +
                              text(per_bank) +
                              " B/cycle; leave core.sram_bandwidth out or set it so");
    hw.core.sram_bytes_per_cycle = per_bank;
}

// dram.channels, dram.interleave and the optional dram.row_buffer section.
void read_dram_channels(Reader& d, HardwareSpec& hw) {
    namespace P = hw_param;
    hw.dram.channels = read_int_or_default(d, P::dram_channels);
    if (d.has(P::dram_interleave.leaf()))
        hw.dram.interleave_bytes = read_bytes(d, P::dram_interleave);
    else
        d.accept(P::dram_interleave.leaf());
    if (auto rb = d.opt_sub("row_buffer")) {
        hw.dram.row_bytes = read_bytes(*rb, P::row_bytes);
        hw.dram.row_hit_cycles =
            rb->cycles(P::row_hit.leaf(), hw.clock_hz, static_cast<uint64_t>(P::row_hit.max));
        hw.dram.row_miss_cycles =
            rb->cycles(P::row_miss.leaf(), hw.clock_hz, static_cast<uint64_t>(P::row_miss.max));
        if (hw.dram.row_miss_cycles < hw.dram.row_hit_cycles)
            rb->fail(P::row_miss.leaf(), "a miss (" + std::to_string(hw.dram.row_miss_cycles) +
                                             " cycles) cannot be faster than a hit (" +
                                             std::to_string(hw.dram.row_hit_cycles) + " cycles)");
        rb->finish();
    }
}

} // namespace fusesim
