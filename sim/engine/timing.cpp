#include "sim/engine/timing.hpp"

#include "hw/modules/vcd_writer.hpp"
#include "sim/engine/scheduler.hpp"

#include <systemc>

#include <memory>
#include <stdexcept>

namespace fusesim {

TimingResult simulate(const Workload& w, const HardwareSpec& hw, const TilePlan& plan,
                      const SimOptions& options) {
    sc_core::sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_WARNING, sc_core::SC_DO_NOTHING);
    sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
    Accelerator accelerator(hw.rdu ? "rdu" : "accelerator", hw);
    Scheduler scheduler("scheduler", accelerator, w, hw, plan, options);
    // The links' busy intervals feed only the timeline's tracks.
    if (accelerator.noc && !options.timeline) accelerator.noc->keep_busy_tracks(false);
    // Our own writer, not sc_create_vcd_trace_file: see hw/vcd_writer.hpp. Removed again if the
    // simulation throws.
    std::unique_ptr<VcdWriter> vcd;
    if (!options.vcd_path.empty()) {
        vcd = std::make_unique<VcdWriter>(options.vcd_path, options.vcd_limit, hw.clock_hz,
                                          options.vcd_interval);
        accelerator.trace(*vcd);
    }
    sc_core::sc_start();
    if (!scheduler.finished())
        throw ScheduleError("the schedule cannot progress; stuck tiles:" +
                            scheduler.stuck_report());
    TimingResult r = scheduler.result();
    if (vcd) {
        vcd->finish(r.cycles);
        r.vcd_truncated = vcd->truncated();
        r.vcd_cut_cycle = vcd->cut_cycle();
        r.vcd_bytes = vcd->bytes();
    }
    return r;
}

} // namespace fusesim
