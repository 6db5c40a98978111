#include "hw/modules/module_stats.hpp"

namespace fusesim {

namespace {
void gather(const sc_core::sc_object& object, std::vector<NamedStats>& out) {
    if (const auto* source = dynamic_cast<const StatsSource*>(&object)) {
        const BusyTrack* track = source->busy_track();
        out.push_back({object.name(), source->stats(), source->counters(),
                       track ? track->intervals() : std::vector<BusyTrack::Interval>{},
                       track ? track->merge_gap() : 0});
    }
    for (const sc_core::sc_object* child : object.get_child_objects()) gather(*child, out);
}
} // namespace

std::vector<NamedStats> gather_stats(const sc_core::sc_object& root) {
    std::vector<NamedStats> out;
    gather(root, out);
    return out;
}

} // namespace fusesim
