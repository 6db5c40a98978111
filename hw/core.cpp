#include "hw/core.hpp"

#include "hw/shared_port.hpp"

#include <stdexcept>

namespace fusesim {

Core::Core(sc_core::sc_module_name name) : sc_module(name) {
    SC_HAS_PROCESS(Core);
    SC_METHOD(on_done);
    sensitive << done_event_;
    dont_initialize();
}

void Core::compute(uint64_t cycles, int op, std::function<void()> done) {
    if (busy_) throw std::logic_error("a core computes one tile at a time");
    busy_ = true;
    op_ = op + 1;
    busy_cycles_ += cycles;
    done_ = std::move(done);
    done_event_.notify(cycles_to_time(cycles));
}

void Core::on_done() {
    busy_ = false;
    op_ = 0;
    auto done = std::move(done_);
    done_ = nullptr;
    if (done) done();
}

} // namespace fusesim
