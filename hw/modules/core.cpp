#include "hw/modules/core.hpp"

#include "hw/modules/shared_port.hpp"

#include <stdexcept>

namespace fusesim {

Core::Core(sc_core::sc_module_name name, bool pmu_round_trips)
    : sc_module(name), rdu_(pmu_round_trips) {
    SC_HAS_PROCESS(Core);
    SC_METHOD(on_done);
    sensitive << done_event_;
    dont_initialize();
}

void Core::compute(uint64_t cycles, int op, std::function<void()> done) {
    if (busy_) throw std::logic_error("a core computes one tile at a time");
    busy_ = true;
    op_ = op + 1;
    stats_.busy_cycles += cycles;
    ++stats_.transfers;
    traced_state();
    done_ = std::move(done);
    done_event_.notify(cycles_to_time(cycles));
}

void Core::on_done() {
    busy_ = false;
    op_ = 0;
    last_done_ = now_cycles();
    traced_state();
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done();
}

void Core::stalled(uint64_t dram, uint64_t noc, uint64_t memory, uint64_t dependency) {
    stall_dram_ += dram;
    stall_noc_ += noc;
    stall_memory_ += memory;
    stall_dependency_ += dependency;
    stats_.stall_cycles += dram + noc + memory + dependency;
}

StatsSource::Counters Core::counters() const {
    Counters c = {
        {"stall_dram", stall_dram_},           {"stall_noc", stall_noc_},
        {"stall_memory", stall_memory_},       {"stall_dependency", stall_dependency_},
        {"stall_sram_bank", stall_sram_bank_}, {"stall_sram_conflict", stall_sram_conflict_},
        {"last_done_cycle", last_done_}};
    if (rdu_) c.push_back({"pmu_round_trip", pmu_round_trip_});
    return c;
}

void Core::set_sram_bytes(uint64_t bytes) {
    sram_bytes = bytes;
    if (vcd_) vcd_->set(vcd_sram_, bytes, now_cycles());
}

void Core::trace(VcdWriter& vcd) {
    vcd_ = &vcd;
    const std::string n = name();
    vcd_busy_ = vcd.add(n + ".busy", 1);
    vcd_op_ = vcd.add(n + ".op", 32, VcdWriter::Aggregate::Latest);
    vcd_sram_ = vcd.add(n + ".sram_bytes", 64);
}

void Core::traced_state() {
    if (!vcd_) return;
    const uint64_t now = now_cycles();
    vcd_->set(vcd_busy_, busy_, now);
    vcd_->set(vcd_op_, static_cast<uint64_t>(op_), now);
}

} // namespace fusesim
